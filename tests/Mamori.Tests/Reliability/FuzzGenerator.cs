using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Mamori.Tests.Reliability;

/// <summary>An endpoint as the fuzzer sees it: route, JSON body type, query and form fields.</summary>
public sealed record FuzzTarget(string Method, string Pattern, Type? Body, IReadOnlyList<string> Query, IReadOnlyList<string> Form, bool Anonymous)
{
    public bool IsApi => Pattern.StartsWith("/api", StringComparison.Ordinal);

    public override string ToString() => $"{Method} {Pattern}";

    /// <summary>Every route of the app with an HTTP method, read from the endpoint table (a new endpoint is fuzzed without an edit here).</summary>
    public static List<FuzzTarget> All(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null && e.RoutePattern.RawText is not null)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => From(e, m)))
            .ToList();

    private static FuzzTarget From(RouteEndpoint e, string method)
    {
        var routeNames = e.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var handler = e.Metadata.OfType<MethodInfo>().FirstOrDefault();
        var query = new List<string>();
        var form = new List<string>();
        foreach (var p in handler?.GetParameters() ?? [])
        {
            if (p.Name is null || routeNames.Contains(p.Name)) continue;
            if (p.GetCustomAttribute<FromFormAttribute>() is { } f) form.Add(f.Name ?? p.Name);
            else if (IsSimple(p.ParameterType)) query.Add(p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name);
        }
        var body = e.Metadata.GetMetadata<IAcceptsMetadata>() is { RequestType: { } t } && t.GetCustomAttribute<FromFormAttribute>() is null && form.Count == 0 ? t : null;
        return new FuzzTarget(method, e.RoutePattern.RawText!, body, query, form, e.Metadata.GetMetadata<IAllowAnonymous>() is not null);
    }

    private static bool IsSimple(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(Guid) || t == typeof(DateTimeOffset) || t == typeof(DateOnly) || t == typeof(DateTime)
               || t == typeof(decimal) || t == typeof(string[]);
    }
}

/// <summary>
/// Deterministic generator of bad HTTP input (issue 13, part 2): case <c>i</c> of seed <c>s</c> is always the same
/// request. Each case picks an endpoint from the endpoint table, fills its route with real ids or tricks (path
/// traversal, invalid UTF-8, huge segments), its query with wrong types and huge values, and its body with a
/// document built from the body type and then broken (wrong types, nulls, huge numbers and strings, unknown and
/// duplicated fields, deep nesting, invalid UTF-8, truncation), and abuses headers (huge, duplicated, bad
/// content types, garbage cookies and credentials).
/// </summary>
public sealed partial class FuzzGenerator(IReadOnlyList<FuzzTarget> targets, int seed)
{
    private static readonly string[] Interesting =
    [
        "", " ", "x", "customer", "isp", "sms-verify", "disclosure", "correction", "erasure", "complaint", "email", "phone", "name", "verification",
        "service-provision", "coupon-delivery", "operator", "admin", "privacy-officer", "auditor", "open", "all", "json", "pdf", "html", "ja", "en",
        "2026-11-23", "2026-02-30", "9999-12-31", "0001-01-01", "-1", "0", "1", "2147483648", "-9223372036854775809", "1e308", "NaN", "Infinity", "true", "null",
        "00000000-0000-0000-0000-000000000000", "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2f", "/etc/passwd%00.yaml",
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR '1'='1' --", "'; DROP TABLE \"AuditEvents\"; --", "{{7*7}}", "${jndi:ldap://x}",
        "\u0000", "a\u0000b", "\r\nSet-Cookie: x=1", "\u202eevil", "🙂🙃", "𠮷野家", "ｱｲｳ", "試験 花子", "\ufeffBOM", "\ud800", "\udfff", new string('a', 300),
        "a@b", "@@", "x@example.jp", "+81-90-0000-0000", "０９０－１２３４－５６７８", "1234-5678-9012", "javascript:alert(1)", "file:///etc/passwd",
    ];

    private static readonly string[] PathTricks =
    [
        "..", "../..", "%2e%2e", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2f..%2f..%2fetc%2fpasswd", "%252e%252e%252f", "%c0%ae%c0%ae%c0%af", "%ff%fe%fd", "%zz", "%",
        "%00", "x%00y", "%0d%0aSet-Cookie:%20a=b", "~", ".", "...", "\\..\\..\\", "%5c..%5c..", "a;b=c", "CON", "AUX", "x.yaml", "%F0%9F%99%82", "%E8%A9%A6%E9%A8%93",
        "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "{00000000-0000-0000-0000-000000000000}", "not-a-guid", "-1", "99999999999999999999",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/json; charset=bogus", "text/plain",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=XyZ", "multipart/form-data", "application/xml", "application/problem+json",
        "application/json;;;", "*/*", "application/octet-stream", "text/html; charset=shift_jis",
    ];

    public FuzzCase Generate(int index)
    {
        var r = new Random(unchecked(seed * 31 + index * 7919));
        var t = targets[r.Next(targets.Count)];
        var auth = r.Next(100) switch
        {
            < 30 => FuzzAuth.Anonymous,
            < 75 => FuzzAuth.Session,
            < 90 => FuzzAuth.ApiKey,
            _ => FuzzAuth.Garbage,
        };
        var method = r.Next(40) == 0 ? Pick(r, ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "X-EVIL"]) : t.Method;
        var path = Route(r, t.Pattern) + QueryString(r, t);
        var headers = new List<string[]>();
        var contentHeaders = new List<string[]>();
        byte[]? body = null;
        var antiforgery = false;

        if (method is "POST" or "PUT" or "PATCH" || r.Next(20) == 0)
        {
            if (t.Form.Count > 0 || (!t.IsApi && r.Next(3) > 0))
            {
                antiforgery = r.Next(3) > 0;
                (body, var type) = FormBody(r, t, antiforgery);
                contentHeaders.Add(["Content-Type", type]);
            }
            else
            {
                body = JsonBody(r, t.Body);
                contentHeaders.Add(["Content-Type", r.Next(6) == 0 ? Pick(r, ContentTypes) : "application/json"]);
            }
            if (r.Next(25) == 0) contentHeaders.Add(["Content-Type", Pick(r, ContentTypes)]); // duplicated
            if (r.Next(30) == 0) contentHeaders.Clear();
            if (r.Next(40) == 0) contentHeaders.Add(["Content-Encoding", Pick(r, ["gzip", "br", "deflate", "x-bogus"])]);
        }

        var headerAbuse = r.Next(4) == 0 ? 1 + r.Next(3) : 0;
        for (var i = 0; i < headerAbuse; i++) headers.Add(Header(r));
        if (auth == FuzzAuth.Garbage)
            headers.Add(r.Next(2) == 0
                ? ["Authorization", Pick(r, ["Bearer ", "Bearer x", "Bearer mk_" + Noise(r, 40), "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("a:b")), "Negotiate x", "Bearer " + new string('A', 5000)])]
                : ["Cookie", Pick(r, ["mamori_session=", "mamori_session=" + Noise(r, 43), "mamori_session=a; mamori_session=b", "mamori_session=%ff%fe", "=;=;=", "mamori_af=x"])]);

        return new FuzzCase
        {
            Name = $"seed {seed} case {index}: {t}",
            Method = method,
            Path = path,
            Auth = auth,
            Headers = headers,
            ContentHeaders = contentHeaders,
            BodyBase64 = body is null ? null : Convert.ToBase64String(body),
            Antiforgery = antiforgery,
        };
    }

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    private static string RandomGuid(Random r)
    {
        var bytes = new byte[16];
        r.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private static string Noise(Random r, int length)
    {
        const string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++) sb.Append(chars[r.Next(chars.Length)]);
        return sb.ToString();
    }

    [GeneratedRegex(@"\{([a-zA-Z]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    private static string Route(Random r, string pattern)
    {
        var path = RouteParameter().Replace(pattern, m =>
        {
            var name = m.Groups[1].Value;
            var isGuid = m.Groups[2].Value.Contains("guid", StringComparison.Ordinal);
            if (r.Next(3) == 0) return r.Next(4) == 0 ? new string('x', r.Next(1, 3) == 1 ? 300 : 20_000) : Pick(r, PathTricks);
            return name switch
            {
                "token" => r.Next(3) > 0 ? "{token}" : Noise(r, r.Next(1, 60)),
                "id" or "receiptId" or "documentId" when isGuid => r.Next(2) == 0 ? Pick(r, ["{subject}", "{request}"]) : RandomGuid(r),
                "documentName" => Pick(r, ["v1", "v2", "../secrets", "%2e%2e"]),
                _ when isGuid => RandomGuid(r),
                _ => Pick(r, Interesting.Where(s => s.Length is > 0 and < 60).ToArray()) is var s ? Uri.EscapeDataString(s) : "x",
            };
        });
        if (r.Next(25) == 0) path += Pick(r, ["/", "//", "/..", "/%2e%2e/%2e%2e/etc/passwd", "/.", "?", "#frag", "/x/y/z", ";jsessionid=1", "%00"]);
        if (r.Next(50) == 0) path = path.Replace("/", "//", StringComparison.Ordinal);
        if (r.Next(60) == 0) path = path.ToUpperInvariant();
        return path;
    }

    private static string QueryString(Random r, FuzzTarget t)
    {
        var parts = new List<string>();
        foreach (var q in t.Query)
            if (r.Next(2) == 0) parts.Add($"{q}={Uri.EscapeDataString(Pick(r, Interesting))}");
        if (r.Next(6) == 0) parts.Add($"{Pick(r, ["limit", "from", "to", "list", "format", "q", "lang", "returnUrl", "page", "after"])}={Pick(r, ["-1", "abc", "99999999999", "%ff", "//evil.example", "https://evil.example", "javascript:alert(1)", "1e9", Uri.EscapeDataString(new string('9', 400))])}");
        if (r.Next(15) == 0 && parts.Count > 0) parts.Add(parts[0]); // duplicated parameter
        if (r.Next(80) == 0) parts.Add("pad=" + new string('q', r.Next(2) == 0 ? 4000 : 40_000));
        if (r.Next(40) == 0) parts.Add(Pick(r, ["%", "%zz=1", "a=%ff%fe", "=", "&&&", "a[]=1&a[x]=2", "__proto__=1"]));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static string[] Header(Random r) => r.Next(14) switch
    {
        0 => ["X-Pad", new string('h', r.Next(2) == 0 ? 8_000 : 40_000)],
        1 => ["Accept-Language", Pick(r, ["ja;q=abc,,,;;", "*", "zz-ZZ", new string(',', 5000), "en-US;q=0.9, ja;q=1.1", "\u00ff\u00fe"])],
        2 => ["Accept", Pick(r, ["*/*;q=x", "application/xml", "text/html;level=99999999999", ""])],
        3 => ["Host", Pick(r, ["evil.example", "127.0.0.1:1", "[::1]", "a..b", "xn--80ak6aa92e.com"])],
        4 => ["X-Forwarded-For", Pick(r, ["1.2.3.4", "not-an-ip", "::1, 8.8.8.8", new string('1', 3000)])],
        5 => ["X-Forwarded-Proto", Pick(r, ["https", "gopher", ""])],
        6 => ["Cookie", Pick(r, ["lang=en", "lang=../../x", "mamori_consent=%7B%22bad", "mamori_consent=" + new string('z', 3000), "a=b; a=c; a=d", "\u00e9=\u00e9"])],
        7 => ["Origin", Pick(r, ["null", "https://evil.example", "file://"])],
        8 => ["Referer", Pick(r, ["javascript:alert(1)", "https://evil.example/" + new string('r', 2000)])],
        9 => ["If-Modified-Since", Pick(r, ["yesterday", "Mon, 32 Foo 9999 99:99:99 GMT"])],
        10 => ["Range", Pick(r, ["bytes=0-", "bytes=-1", "bytes=999999999999-", "pages=1"])],
        11 => ["X-Requested-With", "XMLHttpRequest"],
        12 => ["User-Agent", new string('u', 6000)],
        _ => ["Transfer-Encoding", Pick(r, ["identity", "chunked, gzip"])],
    };

    private static (byte[] Body, string Type) FormBody(Random r, FuzzTarget t, bool antiforgery)
    {
        if (r.Next(8) == 0)
        {
            var boundary = "XyZ" + r.Next(1000);
            var sb = new StringBuilder();
            foreach (var f in t.Form.Concat(["group", "name", "issuedOn", "__af"]))
                sb.Append($"--{boundary}\r\nContent-Disposition: form-data; name=\"{f}\"\r\n\r\n{(f == "__af" && antiforgery ? "{af}" : Pick(r, Interesting))}\r\n");
            sb.Append($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{Pick(r, ["../../x.pdf", "a.exe", "免許証.jpg", "", new string('n', 500)])}\"\r\nContent-Type: {Pick(r, ["image/jpeg", "application/pdf", "text/html"])}\r\n\r\n{Noise(r, r.Next(0, 400))}\r\n");
            if (r.Next(3) > 0) sb.Append($"--{boundary}--\r\n"); // else: unterminated
            return (Encoding.UTF8.GetBytes(sb.ToString()), r.Next(5) == 0 ? "multipart/form-data" : $"multipart/form-data; boundary={boundary}");
        }
        var fields = new List<string>();
        foreach (var f in t.Form.Concat(t.Form.Count == 0 ? ["kind", "value", "email", "purpose", "by", "code", "password"] : []))
            if (r.Next(4) > 0) fields.Add($"{f}={Uri.EscapeDataString(Pick(r, Interesting))}");
        if (r.Next(5) == 0) fields.Add($"categories={Uri.EscapeDataString(Pick(r, Interesting))}&categories=");
        if (antiforgery) fields.Add("__af={af}");
        else if (r.Next(3) == 0) fields.Add("__af=" + Pick(r, ["", "x", Noise(r, 120)]));
        if (r.Next(10) == 0) fields.Add(Pick(r, ["%ff%fe=%ff", "a", "=&=&", new string('k', 3000) + "=v", "x=" + new string('v', 200_000)]));
        var text = string.Join('&', fields.OrderBy(_ => r.Next()));
        return (Encoding.UTF8.GetBytes(text), r.Next(12) == 0 ? Pick(r, ContentTypes) : "application/x-www-form-urlencoded");
    }

    private static byte[] JsonBody(Random r, Type? type)
    {
        switch (r.Next(12))
        {
            case 0: return Raw(r);
            case 1: return Encoding.UTF8.GetBytes(Pick(r, ["", "{}", "[]", "null", "0", "\"x\"", "true", "{\"a\":", "{'a':1}", "{\"a\":1,}", "[1,2", "{\"a\":1}{\"b\":2}"]));
        }
        var node = Valid(r, type ?? typeof(object), 0);
        var mutations = r.Next(4);
        for (var i = 0; i < mutations; i++) node = Mutate(r, node);
        var text = node?.ToJsonString() ?? "null";
        if (r.Next(15) == 0 && text.StartsWith('{') && text.Length > 2) text = "{\"" + Pick(r, FieldNames(type)) + "\":1," + text[1..]; // duplicated key (maybe)
        var bytes = Encoding.UTF8.GetBytes(text);
        if (r.Next(20) == 0 && bytes.Length > 2) bytes = bytes[..r.Next(1, bytes.Length)]; // truncated
        if (r.Next(25) == 0) bytes = [.. bytes.Take(bytes.Length / 2), 0xff, 0xfe, 0xc0, 0x80, .. bytes.Skip(bytes.Length / 2)]; // invalid UTF-8
        if (r.Next(40) == 0) bytes = [0xef, 0xbb, 0xbf, .. bytes]; // BOM
        return bytes;
    }

    private static byte[] Raw(Random r) => r.Next(8) switch
    {
        0 => Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)),
        1 => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000)),
        2 => Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat("{}", 150_000)) + "]"),
        3 => Encoding.UTF8.GetBytes("\"" + new string('s', 2 * 1024 * 1024) + "\""),
        4 => [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x22, 0x7d],
        5 => Encoding.UTF8.GetBytes("{\"a\":\"\\ud800\\u0000\\uZZZZ\"}"),
        6 => [.. Enumerable.Range(0, 512).Select(_ => (byte)r.Next(256))],
        _ => Encoding.UTF8.GetBytes("{\"n\":" + new string('9', 5000) + "}"),
    };

    private static string[] FieldNames(Type? type) =>
        type is null || type == typeof(object) ? ["a"] : [.. Properties(type).Select(p => Camel(p.Name)).DefaultIfEmpty("a")];

    private static IEnumerable<PropertyInfo> Properties(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite || t.GetConstructors().Any(c => c.GetParameters().Any(cp => string.Equals(cp.Name, p.Name, StringComparison.OrdinalIgnoreCase)))));

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string Kebab(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>A plausible document for <paramref name="t"/>: values from the interesting list, enums by name.</summary>
    private static JsonNode? Valid(Random r, Type t, int depth)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (depth > 4) return null;
        if (t == typeof(string)) return Pick(r, Interesting);
        if (t == typeof(bool)) return r.Next(2) == 0;
        if (t == typeof(int) || t == typeof(long) || t == typeof(short)) return r.Next(-2, 400);
        if (t == typeof(double) || t == typeof(decimal) || t == typeof(float)) return r.NextDouble() * 100;
        if (t == typeof(Guid)) return RandomGuid(r);
        if (t == typeof(DateOnly)) return "2026-" + r.Next(1, 13).ToString("D2", System.Globalization.CultureInfo.InvariantCulture) + "-15";
        if (t == typeof(DateTimeOffset) || t == typeof(DateTime)) return "2026-11-23T00:00:00Z";
        if (t.IsEnum) return Kebab(Pick(r, Enum.GetNames(t)));
        if (t == typeof(object) || t == typeof(JsonNode) || t == typeof(System.Text.Json.JsonElement)) return new JsonObject { ["a"] = Pick(r, Interesting) };
        var dict = t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)));
        if (dict is not null)
        {
            var o = new JsonObject();
            for (var i = r.Next(3); i > 0; i--) o[Pick(r, ["email", "phone", "name", "address", "x", ""])] = Valid(r, dict.GetGenericArguments()[1], depth + 1);
            return o;
        }
        if (t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t))
        {
            var element = t.IsArray ? t.GetElementType()! : t.GetGenericArguments().FirstOrDefault() ?? typeof(string);
            var a = new JsonArray();
            for (var i = r.Next(4); i > 0; i--) a.Add(Valid(r, element, depth + 1));
            return a;
        }
        var obj = new JsonObject();
        foreach (var p in Properties(t))
            if (r.Next(8) > 0) obj[Camel(p.Name)] = Valid(r, p.PropertyType, depth + 1);
        return obj;
    }

    private static JsonNode? Bad(Random r) => r.Next(16) switch
    {
        0 => null,
        1 => JsonValue.Create(decimal.MaxValue),
        2 => -1,
        3 => JsonValue.Create(1e308),
        4 => new string('x', r.Next(2) == 0 ? 5_000 : 300_000),
        5 => new JsonArray(),
        6 => new JsonObject { ["$ne"] = 1 },
        7 => true,
        8 => Pick(r, Interesting),
        9 => Nest(r.Next(2) == 0 ? 40 : 400),
        10 => new JsonArray([.. Enumerable.Range(0, 20_000).Select(i => (JsonNode?)JsonValue.Create(i % 7 == 0 ? "admin" : "x"))]),
        11 => "2026-13-45",
        12 => JsonValue.Create(long.MinValue),
        13 => "\u0000\u0001\u0002",
        14 => 0.5,
        _ => "00000000-0000-0000-0000-000000000000",
    };

    private static JsonNode Nest(int depth)
    {
        JsonNode node = 1;
        for (var i = 0; i < depth; i++) node = new JsonArray(node);
        return node;
    }

    private static JsonNode? Mutate(Random r, JsonNode? node)
    {
        if (node is not JsonObject o || o.Count == 0 || r.Next(6) == 0)
            return node is JsonObject oo && r.Next(2) == 0 ? Add(r, oo) : Bad(r);
        var key = o.Select(kv => kv.Key).ElementAt(r.Next(o.Count));
        switch (r.Next(4))
        {
            case 0: o.Remove(key); break;
            case 1: Add(r, o); break;
            default:
                var child = o[key];
                o[key] = child is JsonObject && r.Next(2) == 0 ? Mutate(r, child.DeepClone()) : Bad(r);
                break;
        }
        return o;
    }

    private static JsonObject Add(Random r, JsonObject o)
    {
        o[Pick(r, ["isRoot", "tenantId", "__proto__", "constructor", "id", "roles", "$type", "extra"]) + (o.Count % 3)] = Bad(r);
        return o;
    }
}
