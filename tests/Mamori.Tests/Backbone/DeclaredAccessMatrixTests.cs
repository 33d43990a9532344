using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Backbone;

/// <summary>
/// The authorization matrix (issue #13 part 3), generated from the endpoint list × every role × another
/// tenant's credentials × no credentials, against a <b>declared</b> outcome per endpoint
/// (<see cref="DeclaredAccess"/>): the roles allowed, or public. Declared roles must get past
/// authorization; every other role gets 403; no credentials get 401 (API) or the login page (console);
/// another tenant's key never sees or changes this tenant's data. A new endpoint without a declaration
/// fails <see cref="EveryEndpoint_HasADeclaration"/>.
/// </summary>
public sealed partial class DeclaredAccessMatrixTests(PostgresCluster cluster)
{
    /// <summary>The first tenant's seeded resources, and the strings that must never reach the other tenant.</summary>
    private sealed record Victim(Guid Tenant, Guid Subject, Guid Request, string StatusToken, Guid Incident, Guid Plan, Guid Run, Guid Finding, Guid User, Guid ApiKey,
        Guid Dataset)
    {
        public IEnumerable<Guid> Ids => [Tenant, Subject, Request, Incident, Plan, Run, Finding, User, ApiKey, Dataset];

        public IEnumerable<string> Markers => Ids.Select(i => i.ToString()).Concat([StatusToken, "080-2222-3333", "08022223333", "acme Inc.", "hanako@example.jp", "試験 花子", "購買分析"]);
    }

    private static async Task<Victim> SeedVictimAsync(TestApp app, Guid tenant, Guid subject)
    {
        var (request, token) = await RequestAsync(app, tenant);
        var incident = await IncidentAsync(app, tenant);
        var (plan, run, finding) = await GovernanceAuditAsync(app, tenant);
        var user = await app.UserAsync(tenant, Roles.Admin);
        var key = await app.ApiKeyAsync(tenant, Roles.Auditor);
        return new Victim(tenant, subject, request, token, incident, plan, run, finding, user.Id, key.Key.Id, await PseudonymizedDatasetAsync(app, tenant));
    }

    private sealed record Route(string Method, string Pattern, bool Anonymous);

    private static List<Route> Routes(TestApp app, Func<string, bool> select) =>
        app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && select(raw) && e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => new Route(m, e.RoutePattern.RawText!,
                e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)))
            .DistinctBy(r => $"{r.Method} {r.Pattern}")
            .ToList();

    private static List<Route> ApiRoutes(TestApp app) => Routes(app, raw => raw.StartsWith("/api", StringComparison.Ordinal));

    private static List<Route> ConsolePages(TestApp app) =>
        Routes(app, raw => raw.StartsWith("/console", StringComparison.Ordinal)).Where(r => r.Method == "GET").ToList();

    [GeneratedRegex(@"\{([a-zA-Z]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    /// <summary>Fills route parameters: a guid parameter gets <paramref name="guid"/>; known string ids get a real value of their kind.</summary>
    private static string Concrete(string pattern, Func<string, string> guid, Victim v) =>
        RouteParameter().Replace(pattern, m => (m.Groups[1].Value, m.Groups[2].Value, pattern) switch
        {
            ("token", _, _) => v.StatusToken,
            ("recipient", _, _) => "carriers",
            (_, var c, _) when c.Contains("guid", StringComparison.Ordinal) => guid(pattern),
            (_, var c, _) when c.Contains("long", StringComparison.Ordinal) || c.Contains("int", StringComparison.Ordinal) => "1",
            ("id", _, var p) when p.Contains("/services/", StringComparison.Ordinal) || p.Contains("/departments/", StringComparison.Ordinal) => "isp",
            ("id", _, var p) when p.Contains("/entrustees/", StringComparison.Ordinal) || p.Contains("/recipients/", StringComparison.Ordinal) => "payment-agent",
            ("id", _, var p) when p.Contains("/requests/", StringComparison.Ordinal) => v.Request.ToString(),
            ("id", _, var p) when p.Contains("/subjects/", StringComparison.Ordinal) => v.Subject.ToString(),
            ("id", _, var p) when p.Contains("/incidents/", StringComparison.Ordinal) => v.Incident.ToString(),
            ("id", _, var p) when p.Contains("/plans/", StringComparison.Ordinal) => v.Plan.ToString(),
            ("id", _, var p) when p.Contains("/runs/", StringComparison.Ordinal) => v.Run.ToString(),
            ("id", _, var p) when p.Contains("/findings/", StringComparison.Ordinal) => v.Finding.ToString(),
            _ => "x",
        });

    /// <summary>The real id of the resource a route is about, in the tenant that owns <paramref name="v"/>.</summary>
    private static string OwnId(string pattern, Victim v) =>
        pattern.Contains("/subjects/", StringComparison.Ordinal) ? v.Subject.ToString()
        : pattern.Contains("/requests/", StringComparison.Ordinal) ? v.Request.ToString()
        : pattern.Contains("/incidents/", StringComparison.Ordinal) ? v.Incident.ToString()
        : pattern.Contains("/plans/", StringComparison.Ordinal) ? v.Plan.ToString()
        : pattern.Contains("/runs/", StringComparison.Ordinal) ? v.Run.ToString()
        : pattern.Contains("/findings/", StringComparison.Ordinal) ? v.Finding.ToString()
        : pattern.Contains("/users/", StringComparison.Ordinal) ? v.User.ToString()
        : pattern.Contains("/apikeys/", StringComparison.Ordinal) ? v.ApiKey.ToString()
        : pattern.Contains("/datasets/", StringComparison.Ordinal) ? v.Dataset.ToString()
        : Guid.NewGuid().ToString();

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method is "POST" or "PUT" or "PATCH" ? new StringContent("{}", Encoding.UTF8, "application/json") : null,
    };

    private static string Key(Route r) => $"{r.Method} {r.Pattern}";

    [Fact]
    public async Task EveryEndpoint_HasADeclaration()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var routes = ApiRoutes(app).Concat(ConsolePages(app)).ToList();
        routes.Count.ShouldBeGreaterThan(40);
        var undeclared = routes.Where(r => !DeclaredAccess.Table.ContainsKey(Key(r))).ToList();
        var stale = DeclaredAccess.Table.Keys.Except(routes.Select(Key)).ToList();
        // The message is the missing table lines, written from the endpoint's current metadata: review them, don't paste blindly.
        undeclared.ShouldBeEmpty("undeclared endpoints; add to DeclaredAccess.Table:\n" + string.Join("\n", undeclared.Select(r => Suggest(app, r))));
        stale.ShouldBeEmpty("declarations of endpoints that no longer exist");
        // Public declarations and AllowAnonymous agree, so nothing is opened by accident.
        routes.Where(r => r.Anonymous != DeclaredAccess.Table[Key(r)].Public).Select(Key).ShouldBeEmpty("public in code but not declared public, or the reverse");
    }

    private static string Suggest(TestApp app, Route r)
    {
        var endpoint = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .First(e => e.RoutePattern.RawText == r.Pattern && e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Contains(r.Method));
        if (r.Anonymous) return $"        [\"{Key(r)}\"] = Public,";
        var permission = endpoint.Metadata.GetMetadata<Mamori.Auth.RequiresPermission>()?.Permission;
        var roles = Roles.BuiltIn.Where(role => permission is { } p && RolePermissions.Grants([role], p)).Select(Short);
        return $"        [\"{Key(r)}\"] = Allow({string.Join(", ", roles)}),";
    }

    private static string Short(string role) => role switch
    {
        Roles.Admin => "Ad", Roles.PrivacyOfficer => "PO", Roles.Operator => "Op", Roles.Auditor => "Au", Roles.ExternalAuditor => "Ex", _ => role,
    };

    [Fact]
    public async Task EveryApiEndpoint_EveryRoleAndNoCredentials_GetsTheDeclaredOutcome()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var owned = app;
        var own = await SeedVictimAsync(app, tenant, subject);
        var users = new Dictionary<string, StaffUser>();
        foreach (var role in Roles.BuiltIn) users[role] = await app.UserAsync(tenant, role);
        var anonymous = app.Client();
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var route in ApiRoutes(app).OrderBy(r => r.Pattern.Contains("logout", StringComparison.Ordinal)))
        {
            var declared = DeclaredAccess.Table[Key(route)];
            var path = Concrete(route.Pattern, p => OwnId(p, own), own);
            var none = await anonymous.SendAsync(Request(route.Method, path), Ct);
            if (!declared.Public && none.StatusCode != HttpStatusCode.Unauthorized) failures.Add($"no credentials {Key(route)}: {(int)none.StatusCode}");
            if (declared.Public && (int)none.StatusCode is 401 or 403) failures.Add($"no credentials on public {Key(route)}: {(int)none.StatusCode}");
            if ((int)none.StatusCode >= 500) failures.Add($"no credentials {Key(route)}: {(int)none.StatusCode}");
            if (declared.Public) continue;
            foreach (var role in Roles.BuiltIn)
            {
                // A fresh session per request: logout, password and session endpoints must not spoil the next one.
                var client = await app.SignedInAsync(users[role]);
                var response = await client.SendAsync(Request(route.Method, path), Ct);
                var status = (int)response.StatusCode;
                checkedCount++;
                if (status >= 500) failures.Add($"{role} {Key(route)}: {status}");
                else if (declared.Allows(role) && status is 401 or 403)
                {
                    // Allowed past authorization; a 403 may only be a decision about the data (field roles, My Number), never MAMORI-1102.
                    var body = await response.Content.ReadAsStringAsync(Ct);
                    if (status == 401 || body.Contains("MAMORI-1102", StringComparison.Ordinal)) failures.Add($"{role} {Key(route)}: declared allowed, got {status} {body}");
                }
                else if (!declared.Allows(role))
                {
                    var body = await response.Content.ReadAsStringAsync(Ct);
                    if (status != 403 || !body.Contains("MAMORI-1102", StringComparison.Ordinal)) failures.Add($"{role} {Key(route)}: declared forbidden, got {status}");
                }
            }
        }
        failures.ShouldBeEmpty();
        checkedCount.ShouldBeGreaterThan(200);
    }

    [Fact]
    public async Task EveryApiEndpoint_OtherTenantsKey_NeverSeesOrChangesThisTenantsData()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var owned = app;
        var victim = await SeedVictimAsync(app, tenant, subject);
        var other = await app.CreateTenantAsync("other");
        await app.InTenantAsync(other.Id, (sp, _) => Mamori.Cli.PolicyPublishCommand.PublishDirectoryAsync(sp,
            Path.Combine(ServerTests.RepoRoot(), "policy", "examples"), new DateOnly(2026, 4, 1), null, Mamori.Audit.Actor.System, Ct));
        var keys = new Dictionary<string, HttpClient>();
        foreach (var role in Roles.BuiltIn) keys[role] = app.Client(apiKey: (await app.ApiKeyAsync(other.Id, role)).Secret);
        var before = TenantDigest(app, victim.Tenant);

        var failures = new List<string>();
        var requests = 0;
        foreach (var route in ApiRoutes(app).Where(r => !DeclaredAccess.Table[Key(r)].Public))
        {
            var declared = DeclaredAccess.Table[Key(route)];
            var role = Roles.BuiltIn.First(declared.Allows); // a role that gets past authorization, so the data layer answers
            var hasGuid = route.Pattern.Contains(":guid", StringComparison.Ordinal);
            foreach (var id in hasGuid ? victim.Ids.Select(i => i.ToString()) : [""])
            {
                var path = Concrete(route.Pattern, _ => id, victim);
                var targetsVictim = hasGuid || route.Pattern.Contains("{token}", StringComparison.Ordinal) || route.Pattern.Contains("/requests/{id}", StringComparison.Ordinal)
                                    || route.Pattern.Contains("/subjects/{id}", StringComparison.Ordinal) || route.Pattern.Contains("/incidents/{id}", StringComparison.Ordinal);
                var response = await keys[role].SendAsync(Request(route.Method, path), Ct);
                requests++;
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(Ct);
                var leaked = victim.Markers.Where(m => !path.Contains(m, StringComparison.Ordinal) && body.Contains(m, StringComparison.Ordinal)).ToList();
                if (status >= 500) failures.Add($"{role} {route.Method} {path}: {status}");
                if (leaked.Count > 0) failures.Add($"{role} {route.Method} {path}: {status} shows the other tenant's {string.Join(", ", leaked)}");
                if (targetsVictim && status is >= 200 and < 300 && route.Method != "GET")
                    failures.Add($"{role} {route.Method} {path}: {status} on the other tenant's resource");
            }
        }
        failures.ShouldBeEmpty();
        requests.ShouldBeGreaterThan(100);
        TenantDigest(app, victim.Tenant).ShouldBe(before, "the other tenant's requests changed this tenant's rows");
    }

    [Fact]
    public async Task EveryConsolePage_EveryRoleNoCredentialsAndOtherTenant_GetsTheDeclaredOutcome()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var owned = app;
        var victim = await SeedVictimAsync(app, tenant, subject);
        var other = await app.CreateTenantAsync("other");
        var outsider = await app.SignedInAsync(other.Id, [.. Roles.BuiltIn]);
        var clients = new Dictionary<string, HttpClient>();
        foreach (var role in Roles.BuiltIn) clients[role] = await app.SignedInAsync(tenant, role);
        var anonymous = app.Client();
        var failures = new List<string>();
        var pages = ConsolePages(app);
        pages.Count.ShouldBeGreaterThan(10);
        foreach (var page in pages)
        {
            var declared = DeclaredAccess.Table[Key(page)];
            var path = Concrete(page.Pattern, p => OwnId(p, victim), victim);
            var none = await anonymous.GetAsync(path, Ct);
            if (!declared.Public && (none.StatusCode != HttpStatusCode.Redirect || none.Headers.Location?.ToString().StartsWith("/login", StringComparison.Ordinal) != true))
                failures.Add($"no credentials {path}: {(int)none.StatusCode}");
            foreach (var role in Roles.BuiltIn)
            {
                // Allowed: past authorization (a resource the scenario has no id for may be 404; ConsolePageTests checks rendering). A 403
                // may only be a decision about the data, which names its code (another department's page, MAMORI-9011); the role refusal
                // names none.
                var response = await clients[role].GetAsync(path, Ct);
                var status = (int)response.StatusCode;
                var dataRefusal = status == 403 && Regex.IsMatch(await response.Content.ReadAsStringAsync(Ct), @"\(MAMORI-(?!1102)\d{4}\)");
                if (declared.Allows(role) ? (status is 401 or 403 && !dataRefusal) || status >= 500 || (status >= 300 && status < 400) : status != 403 || dataRefusal)
                    failures.Add($"{role} {path}: {status}, declared {(declared.Allows(role) ? "allowed" : "forbidden")}");
                // A 200 carries a page: a handler bound to the RequestDelegate overload dropped its IResult and
                // answered 200 with nothing (three governance pages did).
                if (status == 200 && (response.Content.Headers.ContentType is null || (await response.Content.ReadAsStringAsync(Ct)).Length == 0))
                    failures.Add($"{role} {path}: 200 without a body");
            }
            // Every role at once, but in the other tenant: the first tenant's pages are not found, and nothing of it shows.
            var foreign = await outsider.GetAsync(path, Ct);
            var html = await foreign.Content.ReadAsStringAsync(Ct);
            var leaked = victim.Markers.Where(m => !path.Contains(m, StringComparison.Ordinal) && html.Contains(m, StringComparison.Ordinal)).ToList();
            if (leaked.Count > 0) failures.Add($"other tenant {path}: shows {string.Join(", ", leaked)}");
            var ownsResource = victim.Ids.Any(i => path.Contains(i.ToString(), StringComparison.Ordinal));
            if (ownsResource && (int)foreign.StatusCode is >= 200 and < 300) failures.Add($"other tenant {path}: {(int)foreign.StatusCode}");
        }
        failures.ShouldBeEmpty();
    }

    /// <summary>A digest of every row the tenant owns, in every table with a TenantId column.</summary>
    private static string TenantDigest(TestApp app, Guid tenant)
    {
        using var c = new SqliteConnection($"Data Source={app.Database.SqlitePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        var tables = new List<string>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'TenantId') ORDER BY m.name";
            using var r = cmd.ExecuteReader();
            while (r.Read()) tables.Add(r.GetString(0));
        }
        tables.Count.ShouldBeGreaterThan(10);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var rows = 0;
        foreach (var t in tables.Where(t => t is not "Sessions" and not "StaffSessions"))
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{t}\" WHERE upper(\"TenantId\") = upper($t) ORDER BY rowid";
            cmd.Parameters.AddWithValue("$t", tenant.ToString());
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows++;
                for (var i = 0; i < r.FieldCount; i++) sha.AppendData(Encoding.UTF8.GetBytes($"{t}|{i}|{Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)}\n"));
            }
        }
        rows.ShouldBeGreaterThan(10);
        return $"{rows}:{Convert.ToHexStringLower(sha.GetHashAndReset())}";
    }
}

/// <summary>
/// Who may call what: one line per endpoint (API and console page), reviewed by a person. Roles are
/// the built-in ones (Staff/Roles.cs): Ad admin, PO privacy-officer, Op operator, Au auditor, Ex external-auditor (reads, never
/// changes: every line that is not a read says no to Ex).
/// </summary>
internal static class DeclaredAccess
{
    internal sealed record Access(bool Public, IReadOnlySet<string> Roles)
    {
        public bool Allows(string role) => Public || Roles.Contains(role);
    }

    private const string Ad = Staff.Roles.Admin, PO = Staff.Roles.PrivacyOfficer, Op = Staff.Roles.Operator, Au = Staff.Roles.Auditor,
        Ex = Staff.Roles.ExternalAuditor;

    private static readonly Access Public = new(true, new HashSet<string>());

    private static Access Allow(params string[] roles) => new(false, roles.ToHashSet(StringComparer.Ordinal));

    private static readonly Access All = Allow(Ad, PO, Op, Au, Ex);

    /// <summary>Every role of the company's own staff: the external auditor neither asks access decisions nor takes part in access reviews (it reads them).</summary>
    private static readonly Access OwnStaff = Allow(Ad, PO, Op, Au);

    public static readonly IReadOnlyDictionary<string, Access> Table = new Dictionary<string, Access>(StringComparer.Ordinal)
    {
        ["GET /api-reference"] = Public,
        ["POST /api/auth/login"] = Public,
        ["POST /api/auth/logout"] = All,
        ["GET /api/auth/me"] = All,
        ["GET /api/auth/sessions"] = All,
        ["DELETE /api/auth/sessions/{id:guid}"] = All,
        ["POST /api/auth/password"] = All,
        ["GET /api/users/"] = Allow(Ad),
        ["POST /api/users/"] = Allow(Ad),
        ["POST /api/users/{id:guid}/disable"] = Allow(Ad),
        ["POST /api/users/{id:guid}/enable"] = Allow(Ad),
        ["GET /api/apikeys/"] = Allow(Ad, PO),
        ["POST /api/apikeys/"] = Allow(Ad, PO),
        ["DELETE /api/apikeys/{id:guid}"] = Allow(Ad, PO),
        ["GET /api/audit/"] = Allow(PO, Au, Ex),
        ["GET /api/audit/exceptions"] = Allow(PO, Au, Ex),
        ["GET /api/audit/verify"] = Allow(Ad, PO, Au, Ex),
        ["POST /api/audit/verify"] = Allow(Ad, PO, Au, Ex),
        ["GET /api/policy/"] = All,
        ["GET /api/policy/versions"] = All,
        ["POST /api/policy/versions"] = Allow(Ad, PO),
        ["POST /api/subjects/"] = Allow(PO, Op),
        ["GET /api/subjects/{id:guid}"] = Allow(PO, Op),
        ["POST /api/subjects/{id:guid}/read"] = Allow(PO, Op),
        ["POST /api/subjects/read-many"] = Allow(PO, Op),
        ["GET /api/datasets/"] = Allow(PO, Au, Ex),
        ["GET /api/datasets/{id:guid}"] = Allow(PO, Au, Ex),
        ["POST /api/datasets/pseudonymize"] = Allow(PO),
        ["POST /api/datasets/anonymized"] = Allow(PO),
        ["POST /api/datasets/{id:guid}/use"] = Allow(PO, Au),
        ["POST /api/datasets/{id:guid}/pseudonyms"] = Allow(PO),
        ["POST /api/datasets/{id:guid}/provide"] = Allow(PO),
        ["PUT /api/datasets/{id:guid}/provision-method"] = Allow(PO),
        ["DELETE /api/datasets/{id:guid}/key"] = Allow(PO),
        ["POST /api/datasets/{id:guid}/key/export"] = Allow(PO),
        ["POST /api/subjects/lookup"] = Allow(PO, Op),
        ["PATCH /api/subjects/{id:guid}"] = Allow(PO, Op),
        ["DELETE /api/subjects/{id:guid}"] = Allow(PO),
        ["GET /api/subjects/{id:guid}/certificates"] = Allow(PO, Au, Ex),
        ["GET /api/subjects/{id:guid}/retention-events"] = Allow(PO, Op),
        ["POST /api/subjects/{id:guid}/retention-events"] = Allow(PO, Op),
        ["POST /api/subjects/{id:guid}/cookie-link"] = Allow(PO, Op),
        ["POST /api/decisions"] = OwnStaff,
        ["POST /api/analyze"] = Allow(Ad, PO, Op),
        ["POST /api/anonymize"] = Allow(Ad, PO, Op),
        ["POST /api/incidents/"] = Allow(PO),
        ["GET /api/incidents/"] = Allow(PO, Au, Ex),
        ["GET /api/incidents/{id:guid}"] = Allow(PO, Au, Ex),
        ["PUT /api/incidents/{id:guid}"] = Allow(PO),
        ["POST /api/incidents/{id:guid}/status"] = Allow(PO),
        ["GET /api/incidents/{id:guid}/timeline"] = Allow(PO, Au, Ex),
        ["POST /api/incidents/{id:guid}/timeline"] = Allow(PO),
        ["POST /api/incidents/{id:guid}/blast-radius"] = Allow(PO),
        ["POST /api/incidents/{id:guid}/blast-radius/export"] = Allow(PO),
        ["POST /api/incidents/{id:guid}/notices"] = Allow(PO),
        ["GET /api/incidents/{id:guid}/subjects"] = Allow(PO, Au, Ex),
        ["GET /api/incidents/{id:guid}/report"] = Allow(PO, Au, Ex),
        ["GET /api/incidents/{id:guid}/notice"] = Allow(PO, Au, Ex),
        ["GET /api/incidents/{id:guid}/announcement"] = Allow(PO, Au, Ex),
        ["POST /api/requests/"] = Allow(PO, Op),
        ["GET /api/requests/"] = Allow(PO, Op, Au, Ex),
        ["GET /api/requests/refusal-reasons"] = Allow(PO, Op, Au, Ex),
        ["GET /api/requests/{id:guid}"] = Allow(PO, Op, Au, Ex),
        ["GET /api/requests/{id:guid}/details"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/start"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/documents"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/documents/checked"] = Allow(PO, Op),
        ["GET /api/requests/{id:guid}/documents/{documentId:guid}"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/ask-documents"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/verify"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/send-code"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/payment"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/waive"] = Allow(PO, Op),
        ["PUT /api/requests/{id:guid}/department"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/execute"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/no-data"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/refuse"] = Allow(PO, Op),
        ["POST /api/requests/{id:guid}/withdraw"] = Allow(PO, Op),
        ["GET /api/requests/{id:guid}/answer"] = Allow(PO, Op),
        ["GET /api/requests/status/{token}/"] = Public,
        ["POST /api/requests/status/{token}/send-code"] = Public,
        ["POST /api/requests/status/{token}/code"] = Public,
        ["POST /api/requests/status/{token}/documents"] = Public,
        ["POST /api/requests/status/{token}/withdraw"] = Public,
        ["GET /api/requests/status/{token}/answer"] = Public,
        ["POST /api/subjects/{id:guid}/consents"] = Allow(PO, Op),
        ["GET /api/subjects/{id:guid}/consents"] = Allow(PO, Op, Au, Ex),
        ["GET /api/consents/receipts/{receiptId:guid}"] = Allow(PO, Op, Au, Ex),
        ["POST /api/provisions"] = Allow(PO),
        ["GET /api/provisions/records"] = Allow(PO, Au, Ex),
        ["GET /api/provisions/records/{id:guid}"] = Allow(PO, Au, Ex),
        ["POST /api/receipts"] = Allow(PO),
        ["GET /api/recipients"] = Allow(PO, Au, Ex),
        ["PUT /api/recipients/{id}"] = Allow(PO),
        ["POST /api/recipients/{id}/supervision"] = Allow(PO),
        ["GET /api/recipients/{id}/supervision"] = Allow(PO, Au, Ex),
        ["POST /api/shared-use/{group}/members"] = Allow(PO),
        ["GET /api/shared-use/{group}/members"] = Allow(PO, Au, Ex),
        ["POST /api/subjects/{id:guid}/provision-stop"] = Allow(PO, Op),
        ["GET /api/optout/notice"] = All,
        ["POST /api/optout/stop"] = Public,
        ["GET /api/governance/audits/plans"] = Allow(PO, Au, Ex),
        ["POST /api/governance/audits/plans"] = Allow(PO, Au),
        ["GET /api/governance/audits/plans/{id:guid}"] = Allow(PO, Au, Ex),
        ["PUT /api/governance/audits/plans/{id:guid}"] = Allow(PO, Au),
        ["POST /api/governance/audits/plans/{id:guid}/runs"] = Allow(PO, Au),
        ["GET /api/governance/audits/runs/{id:guid}"] = Allow(PO, Au, Ex),
        ["POST /api/governance/audits/runs/{id:guid}/items/{key}"] = Allow(PO, Au),
        ["POST /api/governance/audits/runs/{id:guid}/complete"] = Allow(PO, Au),
        ["GET /api/governance/findings"] = Allow(PO, Au, Ex),
        ["POST /api/governance/findings"] = Allow(PO, Au),
        ["GET /api/governance/findings/{id:guid}"] = Allow(PO, Au, Ex),
        ["POST /api/governance/findings/{id:guid}/actions"] = Allow(PO, Au),
        ["POST /api/governance/findings/{id:guid}/actions/{actionId:guid}/status"] = Allow(PO, Au),
        ["POST /api/governance/findings/{id:guid}/close"] = Allow(PO, Au),
        ["GET /api/governance/entrustee-criteria"] = Allow(PO, Au, Ex),
        ["GET /api/governance/entrustees"] = Allow(PO, Au, Ex),
        ["GET /api/governance/entrustees/{id}"] = Allow(PO, Au, Ex),
        ["POST /api/governance/entrustees/{id}/assessments"] = Allow(PO),
        ["POST /api/governance/entrustees/{id}/contract-checks"] = Allow(PO),
        ["GET /api/governance/management-review"] = Allow(PO, Au, Ex),
        ["GET /api/public/consent/config"] = Public,
        ["GET /api/public/notice/acquisition"] = Public,
        ["OPTIONS /api/public/consent/choice"] = Public,
        ["POST /api/public/consent/choice"] = Public,
        ["GET /api/governance/organisation"] = Allow(Ad, PO, Au, Ex),
        ["PUT /api/governance/organisation/representative"] = Allow(Ad, PO),
        ["GET /api/governance/departments"] = All,
        ["GET /api/governance/departments/{id}"] = All,
        ["PUT /api/governance/departments/{id}"] = Allow(Ad, PO),
        ["PUT /api/governance/staff/{userId:guid}"] = Allow(Ad, PO),
        ["PUT /api/governance/responsibilities"] = Allow(Ad, PO),
        ["GET /api/governance/settings"] = Allow(Ad, PO, Au, Ex),
        ["PUT /api/governance/settings"] = Allow(Ad, PO),
        ["GET /api/governance/access-reviews"] = All,
        ["POST /api/governance/access-reviews"] = OwnStaff,
        ["GET /api/governance/access-reviews/{id:guid}"] = All,
        ["GET /api/governance/access-reviews/{id:guid}/events"] = All,
        ["POST /api/governance/access-reviews/{id:guid}/lines/{lineId:guid}"] = OwnStaff,
        ["POST /api/governance/access-reviews/{id:guid}/complete"] = OwnStaff,
        ["GET /api/governance/training/courses"] = Allow(Ad, PO, Au, Ex),
        ["PUT /api/governance/training/courses/{code}"] = Allow(Ad, PO),
        ["POST /api/governance/training/completions"] = Allow(Ad, PO),
        ["GET /api/governance/training/status"] = Allow(Ad, PO, Au, Ex),
        ["GET /api/governance/training/completions"] = Allow(Ad, PO, Au, Ex),
        ["GET /api/governance/training/completions/{id:guid}"] = Allow(Ad, PO, Au, Ex),
        ["GET /api/governance/training/completions.csv"] = Allow(Ad, PO, Au, Ex),
        ["GET /api/governance/people-summary"] = Allow(Ad, PO, Au, Ex),
        ["GET /console"] = All,
        ["GET /console/account"] = All,
        ["GET /console/users"] = Allow(Ad),
        ["GET /console/apikeys"] = Allow(Ad, PO),
        ["GET /console/subjects"] = Allow(PO, Op),
        ["GET /console/audit"] = Allow(PO, Au, Ex),
        ["GET /console/audit/export"] = Allow(PO, Au, Ex),
        ["GET /console/policy"] = All,
        ["GET /console/requests"] = Allow(PO, Op, Au, Ex),
        ["GET /console/requests/new"] = Allow(PO, Op),
        ["GET /console/requests/{id:guid}"] = Allow(PO, Op, Au, Ex),
        ["GET /console/requests/{id:guid}/answer"] = Allow(PO, Op),
        ["GET /console/requests/{id:guid}/documents/{documentId:guid}"] = Allow(PO, Op),
        ["GET /console/incidents"] = Allow(PO, Au, Ex),
        ["GET /console/incidents/new"] = Allow(PO),
        ["GET /console/incidents/{id:guid}"] = Allow(PO, Au, Ex),
        ["GET /console/incidents/{id:guid}/edit"] = Allow(PO),
        ["GET /console/incidents/{id:guid}/report"] = Allow(PO, Au, Ex),
        ["GET /console/incidents/{id:guid}/report.pdf"] = Allow(PO, Au, Ex),
        ["GET /console/incidents/{id:guid}/notice"] = Allow(PO, Au, Ex),
        ["GET /console/incidents/{id:guid}/notice.pdf"] = Allow(PO, Au, Ex),
        ["GET /console/incidents/{id:guid}/announcement"] = Allow(PO, Au, Ex),
        ["GET /console/governance/audits"] = Allow(PO, Au, Ex),
        ["GET /console/governance/audits/plans/{id:guid}"] = Allow(PO, Au, Ex),
        ["GET /console/governance/audits/runs/{id:guid}"] = Allow(PO, Au, Ex),
        ["GET /console/governance/findings/{id:guid}"] = Allow(PO, Au, Ex),
        ["GET /console/governance/entrustees"] = Allow(PO, Au, Ex),
        ["GET /console/governance/entrustees/{id}"] = Allow(PO, Au, Ex),
        ["GET /console/governance/review"] = Allow(PO, Au, Ex),
        ["GET /console/governance/review/pdf"] = Allow(PO, Au, Ex),
        ["GET /console/governance/review/html"] = Allow(PO, Au, Ex),
        ["GET /console/consents"] = Allow(PO, Op, Au, Ex),
        ["GET /console/consents/subjects/{id:guid}"] = Allow(PO, Op, Au, Ex),
        ["GET /console/provisions"] = Allow(PO, Au, Ex),
        ["GET /console/provisions/recipients/{recipient}"] = Allow(PO, Au, Ex),
        ["GET /console/provisions/records/{id:guid}"] = Allow(PO, Au, Ex),
        ["GET /console/provisions/export"] = Allow(PO, Au, Ex),
        ["GET /console/datasets"] = Allow(PO, Au, Ex),
        ["GET /console/datasets/{id:guid}"] = Allow(PO, Au, Ex),
        ["GET /console/requests/{id:guid}/preview"] = Allow(PO, Op),
        ["GET /console/governance/organisation"] = Allow(Ad, PO, Au, Ex),
        ["GET /console/governance/departments"] = All,
        ["GET /console/governance/departments/{id}"] = All,
        ["GET /console/governance/access-reviews"] = All,
        ["GET /console/governance/access-reviews/{id:guid}"] = All,
        ["GET /console/governance/training"] = Allow(Ad, PO, Au, Ex),
    };
}
