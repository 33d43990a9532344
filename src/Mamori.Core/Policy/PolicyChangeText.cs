using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mamori.Policy;

/// <summary>One change between two versions in the words of the notice: the item named as people read it, values as text.</summary>
public sealed record ReadableChange(string Item, PolicyChangeKind Kind, string? Before, string? After, string Path);

/// <summary>
/// Puts <see cref="PolicyDiff"/>'s changes into words for the public change history and the console: 「利用目的「お問合せへの対応」 ›
/// 保存期間 › 期間」 and 「3年 → 2年」 instead of <c>purposes.inquiries.retention.period</c> and <c>P3Y → P2Y</c>; an added entry by
/// its name instead of its JSON. Entries are named by the version that has them (the newer one first); a text changed only in the
/// other language is left out when this language has its own text.
/// </summary>
public static partial class PolicyChangeText
{
    public static IReadOnlyList<ReadableChange> Describe(PolicyModel older, PolicyModel newer, NoticeLanguage lang)
    {
        var oldRoot = PolicyCanonical.ToNode(older);
        var newRoot = PolicyCanonical.ToNode(newer);
        var other = lang == NoticeLanguage.En ? "ja" : "en";
        var result = new List<ReadableChange>();
        foreach (var c in PolicyDiff.Compare(older, newer))
        {
            var segments = Segments(c.Path);
            if (segments.Count > 0 && segments[^1] == other)
            {
                var parent = segments.Take(segments.Count - 1).ToList();
                var own = lang == NoticeLanguage.En ? "en" : "ja";
                if (At(newRoot, parent) is JsonObject n && n.ContainsKey(own) || At(oldRoot, parent) is JsonObject o && o.ContainsKey(own)) continue;
            }
            var item = Label(newRoot, oldRoot, segments, lang);
            var names = ValueNames(segments.LastOrDefault(s => !s.StartsWith('#')), lang);
            result.Add(new ReadableChange(item, c.Kind, Value(At(oldRoot, segments), lang, names), Value(At(newRoot, segments), lang, names), c.Path));
        }
        return result;
    }

    [GeneratedRegex(@"^(?<key>[^\[]*)(\[(?<index>\d+)\])?$")]
    private static partial Regex Segment();

    /// <summary>Path segments; an index (<c>amendments[3]</c>) becomes its own segment <c>#3</c>.</summary>
    private static List<string> Segments(string path)
    {
        var list = new List<string>();
        foreach (var part in path.Split('.'))
        {
            var m = Segment().Match(part);
            if (m.Groups["key"].Value is { Length: > 0 } key) list.Add(key);
            if (m.Groups["index"].Success) list.Add("#" + m.Groups["index"].Value);
        }
        return list;
    }

    private static JsonNode? Step(JsonNode? node, string segment) => node switch
    {
        JsonObject o => o[segment],
        JsonArray a when segment.StartsWith('#') => int.TryParse(segment[1..], out var i) && i < a.Count ? a[i] : null,
        JsonArray a => a.OfType<JsonObject>().FirstOrDefault(e => (e["id"] ?? e["type"]) is JsonValue v && v.TryGetValue<string>(out var s) && s == segment),
        _ => null,
    };

    private static JsonNode? At(JsonNode? root, IEnumerable<string> segments)
    {
        var node = root;
        foreach (var s in segments)
        {
            node = Step(node, s);
            if (node is null) return null;
        }
        return node;
    }

    private static string Label(JsonNode? newRoot, JsonNode? oldRoot, List<string> segments, NoticeLanguage lang)
    {
        var parts = new List<string>();
        JsonNode? a = newRoot, b = oldRoot;
        foreach (var s in segments)
        {
            var container = a ?? b;
            a = Step(a, s);
            b = Step(b, s);
            if (container is JsonArray)
            {
                var entry = a ?? b;
                var name = entry is JsonObject e && Localized(e["name"] ?? e["title"], lang) is { } n ? n : s.StartsWith('#') ? null : s;
                var text = name ?? (lang == NoticeLanguage.En ? $"item {int.Parse(s[1..]) + 1}" : $"{int.Parse(s[1..]) + 1}件目");
                if (parts.Count > 0) parts[^1] = $"{parts[^1]}「{text}」";
                else parts.Add(text);
            }
            else if (s is "ja" or "en") continue;
            else parts.Add(KeyName(s, lang));
        }
        return string.Join(" › ", parts);
    }

    private static string? Localized(JsonNode? node, NoticeLanguage lang) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o when o["ja"] is JsonValue ja && ja.TryGetValue<string>(out var j) =>
            lang == NoticeLanguage.En && o["en"] is JsonValue en && en.TryGetValue<string>(out var e) && !string.IsNullOrWhiteSpace(e) ? e : j,
        _ => null,
    };

    [GeneratedRegex(@"^P(?:(?<y>\d+)Y)?(?:(?<m>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?$")]
    private static partial Regex Period();

    /// <summary>
    /// Names for the ids a field holds, as the notice words them (request channels and types: 「Webフォーム」 for <c>webForm</c>), or
    /// null where the values are shown as they are.
    /// </summary>
    private static Func<string, string?>? ValueNames(string? key, NoticeLanguage lang) => key switch
    {
        "channels" or "notAccepted" => id => Enum.TryParse<RequestChannel>(id, ignoreCase: true, out var c) && Enum.IsDefined(c)
            ? Rendering.NoticeBuilder.ChannelName(c, lang) : null,
        "types" => id => Enum.TryParse<RequestType>(id, ignoreCase: true, out var t) && Enum.IsDefined(t)
            ? Rendering.NoticeBuilder.RequestTypeName(t, lang) : null,
        _ => null,
    };

    /// <summary>A value as text: a period in words, a localized text in the page's language, an entry by its name, a list joined.</summary>
    private static string? Value(JsonNode? node, NoticeLanguage lang, Func<string, string?>? names = null)
    {
        var en = lang == NoticeLanguage.En;
        switch (node)
        {
            case null:
                return null;
            case JsonValue v when v.TryGetValue<bool>(out var b):
                return en ? (b ? "yes" : "no") : (b ? "はい" : "いいえ");
            case JsonValue v when v.TryGetValue<string>(out var s):
                if (s.Length > 1 && Period().Match(s) is { Success: true } p)
                {
                    var words = new List<string>();
                    void Add(string g, string ja, string unit) { if (p.Groups[g].Success) words.Add(en ? $"{p.Groups[g].Value} {unit}{(p.Groups[g].Value == "1" ? "" : "s")}" : p.Groups[g].Value + ja); }
                    Add("y", "年", "year"); Add("m", "か月", "month"); Add("w", "週間", "week"); Add("d", "日", "day");
                    return string.Join(en ? " " : "", words);
                }
                return names?.Invoke(s) ?? s;
            case JsonValue v:
                return v.ToJsonString();
            case JsonObject o when Localized(o, lang) is { } text && o.All(kv => kv.Key is "ja" or "en"):
                return text;
            case JsonObject o when Localized(o["name"] ?? o["title"], lang) is { } name:
                return name;
            case JsonObject o:
                return string.Join(en ? "; " : "、", o.Where(kv => kv.Value is not null)
                    .Select(kv => $"{KeyName(kv.Key, lang)}{(en ? ": " : "：")}{Value(kv.Value, lang)}"));
            case JsonArray a:
                return string.Join(en ? ", " : "、", a.Select(x => Value(x, lang, names)).Where(x => !string.IsNullOrEmpty(x)));
            default:
                return node.ToJsonString();
        }
    }

    /// <summary>The policy file's field names as the notice words them; a name not listed stays as it is.</summary>
    private static string KeyName(string key, NoticeLanguage lang) =>
        Keys.TryGetValue(key, out var n) ? (lang == NoticeLanguage.En ? n.En : n.Ja) : key;

    private static readonly Dictionary<string, (string Ja, string En)> Keys = new(StringComparer.Ordinal)
    {
        ["company"] = ("事業者", "Company"),
        ["legalName"] = ("名称", "Name"),
        ["address"] = ("住所", "Address"),
        ["representative"] = ("代表者", "Representative"),
        ["contact"] = ("お問合せ窓口", "Contact desk"),
        ["phone"] = ("電話番号", "Phone"),
        ["email"] = ("メールアドレス", "E-mail"),
        ["hours"] = ("受付時間", "Hours"),
        ["name"] = ("名称", "Name"),
        ["title"] = ("名称", "Title"),
        ["description"] = ("説明", "Description"),
        ["summary"] = ("概要", "Summary"),
        ["date"] = ("日付", "Date"),
        ["purposes"] = ("利用目的", "Purpose"),
        ["categories"] = ("個人データの項目", "Data items"),
        ["dataCategories"] = ("個人データの項目", "Data items"),
        ["subjectTypes"] = ("本人の区分", "Persons"),
        ["acquisitionMethods"] = ("取得方法", "How we obtain data"),
        ["retention"] = ("保存期間", "Retention"),
        ["period"] = ("期間", "Period"),
        ["from"] = ("起算日", "Counted from"),
        ["legalHold"] = ("法令による保存", "Statutory retention"),
        ["basis"] = ("根拠", "Basis"),
        ["recipients"] = ("提供先", "Recipients"),
        ["entrustees"] = ("委託先", "Entrustees"),
        ["thirdParties"] = ("第三者提供", "Provision to third parties"),
        ["sharedUse"] = ("共同利用", "Shared use"),
        ["foreign"] = ("外国にある第三者", "Recipients abroad"),
        ["country"] = ("国", "Country"),
        ["countrySystem"] = ("その国の個人情報保護制度", "That country's data protection system"),
        ["recipientMeasures"] = ("提供先の講じる措置", "The recipient's measures"),
        ["contract"] = ("契約", "Contract"),
        ["task"] = ("委託する業務", "Entrusted work"),
        ["externalTags"] = ("外部送信", "External transmission"),
        ["sendTo"] = ("送信先", "Sent to"),
        ["informationSent"] = ("送信される情報", "Information sent"),
        ["optOutUrl"] = ("停止の方法", "How to stop it"),
        ["consentRequired"] = ("同意が必要", "Needs consent"),
        ["securityMeasures"] = ("安全管理措置", "Security measures"),
        ["organizational"] = ("組織的安全管理措置", "Organizational measures"),
        ["human"] = ("人的安全管理措置", "Human measures"),
        ["physical"] = ("物理的安全管理措置", "Physical measures"),
        ["technical"] = ("技術的安全管理措置", "Technical measures"),
        ["foreignEnvironment"] = ("外的環境の把握", "Foreign environment"),
        ["requestProcedures"] = ("開示等の請求の手続", "Request procedures"),
        ["types"] = ("請求できる事項", "Requests you may make"),
        ["channels"] = ("受付方法", "How to send a request"),
        ["notAccepted"] = ("受け付けない方法", "Not accepted"),
        ["forms"] = ("請求書式", "Forms"),
        ["paymentMethod"] = ("手数料の支払方法", "How to pay the fee"),
        ["fees"] = ("手数料", "Fees"),
        ["identityDocuments"] = ("本人確認書類", "Identity documents"),
        ["proxyDocuments"] = ("代理人の書類", "Agent's documents"),
        ["legalRepresentativeDocuments"] = ("法定代理人の書類", "Statutory representative's documents"),
        ["verifyByEmailCode"] = ("確認コードによる本人確認", "Verification by e-mail code"),
        ["answerMethod"] = ("回答方法", "How we answer"),
        ["optOut"] = ("オプトアウトによる第三者提供", "Provision by opt-out"),
        ["services"] = ("サービス", "Service"),
        ["privacyManagers"] = ("個人情報保護管理者", "Privacy managers"),
        ["overall"] = ("全体", "Overall"),
        ["departments"] = ("部門", "Departments"),
        ["roles"] = ("役割", "Roles"),
        ["viewers"] = ("閲覧できる役割", "Roles that may view"),
        ["designatedRoles"] = ("事務取扱担当者", "Designated roles"),
        ["myNumber"] = ("個人番号（マイナンバー）", "My Number"),
        ["specialCare"] = ("要配慮個人情報", "Special-care information"),
        ["amendments"] = ("改定の経緯", "Amendments"),
        ["basicPolicy"] = ("基本方針", "Basic policy"),
        ["cookies"] = ("Cookie", "Cookies"),
        ["url"] = ("URL", "URL"),
        ["website"] = ("ウェブサイト", "Website"),
        ["since"] = ("開始日", "Since"),
        ["startDate"] = ("開始日", "Start date"),
        ["contractDate"] = ("契約日", "Contract date"),
        ["confidentiality"] = ("秘密保持", "Confidentiality"),
        ["auditRights"] = ("監査権", "Audit rights"),
        ["supervision"] = ("監督", "Supervision"),
        ["responseTime"] = ("回答までの期間", "Response time"),
        ["requestMethod"] = ("請求の方法", "How to request"),
        ["deliveryMethods"] = ("送付方法", "Delivery"),
        ["scope"] = ("範囲", "Scope"),
        ["responsibleParty"] = ("責任を有する者", "Responsible party"),
        ["purpose"] = ("利用目的", "Purpose"),
        ["category"] = ("項目", "Item"),
        ["kind"] = ("種類", "Kind"),
        ["maxAge"] = ("有効期間", "Lifetime"),
        ["notice"] = ("お知らせ", "Notice"),
    };
}
