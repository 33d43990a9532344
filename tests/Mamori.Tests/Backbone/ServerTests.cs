using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Demo;
using Mamori.Errors;
using Mamori.Logging;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Shouldly;

namespace Mamori.Tests.Backbone;

public sealed partial class ServerTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Demo_PrintedCredentials_SignIn(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster, b => b.Configuration["Mamori:DefaultTenant"] = DemoSeeder.TenantSlug);
        var credentials = await DemoSeeder.EnsureAsync(app.App.Services, Ct);
        credentials.ShouldNotBeNull();
        (await DemoSeeder.EnsureAsync(app.App.Services, Ct)).ShouldBeNull("the demo is created once");
        var (response, cookie) = await app.LoginAsync(credentials.Email, credentials.Password);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.Client(cookie).GetAsync("/console", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Departments answer for their services' purposes and categories, so a department's page has something to show.
        var isp = await app.Client(cookie).GetFromJsonAsync<JsonElement>("/api/governance/departments/isp", Ct);
        isp.GetProperty("responsibilities").EnumerateArray().Select(r => r.GetProperty("itemId").GetString()).ShouldContain("service-provision");
        isp.GetProperty("retention").EnumerateArray().Sum(r => r.GetProperty("persons").GetInt32()).ShouldBeGreaterThan(0);
        var hr = await app.Client(cookie).GetFromJsonAsync<JsonElement>("/api/governance/departments/hr", Ct);
        hr.GetProperty("responsibilities").EnumerateArray().Select(r => r.GetProperty("itemId").GetString()).ShouldContain("my-number");
    }

    /// <summary>
    /// Regression: on a fresh SQLite database EF warned that the RetentionEvents migration's table rebuild (<c>PRAGMA foreign_keys = 0</c>)
    /// cannot run in a transaction. Harmless, and the first line a new operator read on <c>serve --demo</c>.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_FreshDatabaseThenDemo_LogsNoWarning(string provider)
    {
        var collector = FakeLogCollector.Create(new FakeLogCollectorOptions());
        await using var app = await TestApp.StartAsync(provider, cluster, b =>
        {
            b.Configuration["Mamori:DefaultTenant"] = DemoSeeder.TenantSlug;
            b.Logging.AddProvider(new FakeLoggerProvider(collector));
        });

        await DemoSeeder.EnsureAsync(app.App.Services, Ct);

        collector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).Select(r => $"{r.Category}: {r.Message}").ShouldBeEmpty();
    }

    /// <summary>Regression: no demo person had an event recorded, so the retention card, the subject's card and the sweep had nothing to show.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Demo_Loaded_SomePersonsHaveTheirRetentionStartedAndTheSweepHasWork(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster, b => b.Configuration["Mamori:DefaultTenant"] = DemoSeeder.TenantSlug);
        await DemoSeeder.EnsureAsync(app.App.Services, Ct);
        var tenant = await app.InTenantAsync(Guid.Empty, (_, db) => db.Tenants.Where(t => t.Slug == DemoSeeder.TenantSlug).Select(t => t.Id).SingleAsync(Ct));

        var events = await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Vault.RetentionEvent>().AsNoTracking().ToListAsync(Ct));
        events.GroupBy(e => e.Event).ToDictionary(g => g.Key, g => g.Count())
            .ShouldBe(new Dictionary<string, int> { ["contract-end"] = 3, ["inquiry-closed"] = 8, ["retirement"] = 2, ["opt-in-withdrawn"] = 4 }, ignoreOrder: true);
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.RetentionEventRecorded, Ct))).ShouldBe(17);
        var now = app.Clock.GetUtcNow();
        (await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Vault.DataSubject>().CountAsync(s => s.NextExpiry > now && s.NextExpiry <= now.AddDays(30), Ct))).ShouldBe(1);
        var dry = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Vault.VaultMaintenance>().SweepRetentionAsync(true, Actor.System, Ct));
        (dry.Subjects, dry.FieldsDestroyed, dry.SubjectsErased).ShouldBe((3, 12, 3));   // the inquiries closed more than three years ago
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Demo_PolicyPromisesGuardianConsent_BirthDatesHeldMinorsWithGuardian(string provider)
    {
        // The demo policy promised guardian consent under 16 but had no date-of-birth category, so no minor could be told.
        Mamori.Policy.PolicyLoader.LoadDirectory(Mamori.Tests.Policy.PolicyRendererTests.DemoDir()).Diagnostics
            .ShouldNotContain(d => d.Code == Mamori.Policy.PolicyCodes.BirthDateCategoryMissing);
        await using var app = await TestApp.StartAsync(provider, cluster, b => b.Configuration["Mamori:DefaultTenant"] = DemoSeeder.TenantSlug);
        await DemoSeeder.EnsureAsync(app.App.Services, Ct);
        var tenant = await app.InTenantAsync(Guid.Empty, (_, db) => db.Set<Mamori.Tenancy.Tenant>().Where(t => t.Slug == DemoSeeder.TenantSlug).Select(t => t.Id).SingleAsync(Ct));

        var held = await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Vault.SubjectField>().CountAsync(f => f.Category == "birth-date", Ct));
        held.ShouldBe(400);
        var guardians = await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Consent.ConsentRecord>().CountAsync(c => c.GuardianConsent, Ct));
        guardians.ShouldBeInRange(3, 30);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5099", "http://127.0.0.1:5099")]
    [InlineData("http://0.0.0.0:8080", "http://localhost:8080")]
    [InlineData("https://*:8443", "https://localhost:8443")]
    [InlineData("http://+:8080;http://127.0.0.1:9", "http://localhost:8080")]
    [InlineData("http://[::]:80", "http://localhost")]
    [InlineData("http://privacy.example.jp:5080/", "http://privacy.example.jp:5080")]
    [InlineData("http://127.0.0.1:0", null)]
    public void PublicBaseUrlFrom_ServedAddress_BaseForLinksToPeople(string served, string? expected) =>
        Mamori.Hosting.MamoriServer.PublicBaseUrlFrom([served]).ShouldBe(expected);

    // Regression: a server started with --urls on another port sent status links to the default port 5080, where nothing listened.
    [Fact]
    public async Task Build_UrlsWithoutPublicBaseUrl_StatusLinksUseTheServedAddress()
    {
        var dir = Directory.CreateTempSubdirectory("mamori-base-url").FullName;
        try
        {
            await using var app = Mamori.Hosting.MamoriServer.Build(new Mamori.Hosting.ServeOptions
            {
                Settings = Mamori.Hosting.MamoriSettings.Resolve(null, dir),
                Urls = ["http://127.0.0.1:5099"],
            });
            app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Mamori.Requests.RequestSettings>>().Value.PublicBaseUrl.ShouldBe("http://127.0.0.1:5099");

            await using var configured = Mamori.Hosting.MamoriServer.Build(new Mamori.Hosting.ServeOptions
            {
                Settings = Mamori.Hosting.MamoriSettings.Resolve(null, dir),
                Urls = ["http://0.0.0.0:5099"],
                Configure = b => b.Configuration["Mamori:Requests:PublicBaseUrl"] = "https://privacy.example.jp",
            });
            configured.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Mamori.Requests.RequestSettings>>().Value.PublicBaseUrl.ShouldBe("https://privacy.example.jp");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Health_Endpoints_Answer()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        (await app.Client().GetStringAsync("/healthz", Ct)).ShouldBe("ok");
        (await app.Client().GetStringAsync("/readyz", Ct)).ShouldBe("ready");
    }

    /// <summary>
    /// Regression: the routing middleware and the authorization policy cache each built every endpoint, compiling the
    /// ~240 request delegates twice a start, and the cache (keyed by endpoint) never held the endpoint a request matched.
    /// </summary>
    [Fact]
    public async Task Endpoints_RoutingAndServices_SameEndpointObjects()
    {
        var matched = new System.Collections.Concurrent.ConcurrentQueue<Endpoint>();
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster, b =>
            b.Services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RecordMatchedEndpoint(matched)));
        (await app.Client().GetStringAsync("/healthz", Ct)).ShouldBe("ok");
        var endpoint = matched.ShouldHaveSingleItem();
        var fromServices = app.App.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints;
        fromServices.ShouldContain(e => ReferenceEquals(e, endpoint));
    }

    private sealed class RecordMatchedEndpoint(System.Collections.Concurrent.ConcurrentQueue<Endpoint> matched)
        : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, inner) =>
            {
                await inner(http);
                if (http.GetEndpoint() is { } e) matched.Enqueue(e);
            });
            next(app);
        };
    }

    [Fact]
    public async Task OpenApi_Document_ListsApiPaths()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var doc = JsonDocument.Parse(await app.Client().GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.ShouldContain("/api/audit");
        paths.ShouldContain("/api/auth/login");
        var page = await app.Client().GetStringAsync("/api-reference", Ct);
        page.ShouldContain("/api/users");
        page.ShouldContain("ManageUsers");
    }

    [Fact]
    public async Task OpenApi_Document_TypesEveryStringAndDeclaresApiKeyAuth()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var json = await app.Client().GetStringAsync("/openapi/v1.json", Ct);
        var doc = JsonDocument.Parse(json).RootElement;

        // Every JSON string passes a custom converter (NUL refusal); without a schema transformer each one came out as
        // an empty schema ("anything"): 37 parameters and most body properties.
        var untyped = new List<string>();
        void Walk(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    var here = path + "/" + p.Name;
                    var isSchema = p.Name == "schema" || path.EndsWith("/properties", StringComparison.Ordinal);
                    if (isSchema && p.Value.ValueKind == JsonValueKind.Object && !p.Value.EnumerateObject().Any()) untyped.Add(here);
                    Walk(p.Value, here);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in e.EnumerateArray()) Walk(item, path + "/" + i++);
            }
        }
        Walk(doc, "");
        untyped.ShouldBeEmpty();
        var lookup = doc.GetProperty("components").GetProperty("schemas").GetProperty("LookupBody").GetProperty("properties");
        lookup.GetProperty("purpose").GetProperty("type").GetString().ShouldBe("string");
        lookup.GetProperty("email").GetProperty("type").EnumerateArray().Select(t => t.GetString()).ShouldBe(["null", "string"], ignoreOrder: true);

        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        schemes.GetProperty("apiKey").GetProperty("name").GetString().ShouldBe("X-Api-Key");
        var read = doc.GetProperty("paths").GetProperty("/api/subjects/{id}").GetProperty("get");
        read.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ShouldBe(["bearer", "apiKey"]);
        read.GetProperty("description").GetString()!.ShouldContain("ReadSubjects");
        doc.GetProperty("paths").GetProperty("/api/requests/status/{token}").GetProperty("get").TryGetProperty("security", out _).ShouldBeFalse();

        var parsed = Microsoft.OpenApi.OpenApiDocument.Parse(json, "json");
        parsed.Diagnostic!.Errors.ShouldBeEmpty();
    }

    /// <summary>
    /// Regression (integrator walkthrough): 58 arrays of the document said "type": "array" without "items" (every list of text:
    /// roles, categories, scopes…), and dictionaries of text had no value type, so generated clients typed them as lists of anything.
    /// </summary>
    [Fact]
    public async Task OpenApi_EveryArray_SaysWhatItHolds()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var doc = JsonDocument.Parse(await app.Client().GetStringAsync("/openapi/v1.json", Ct)).RootElement;

        static bool Typed(JsonElement schema) => schema.ValueKind == JsonValueKind.Object
            && (schema.TryGetProperty("type", out _) || schema.TryGetProperty("$ref", out _) || schema.TryGetProperty("oneOf", out _)
                || schema.TryGetProperty("anyOf", out _) || schema.TryGetProperty("allOf", out _));
        // "type" is also the name of some properties (CreateSubjectBody's), whose value is a schema, not a type.
        static bool Has(JsonElement schema, string type) => schema.TryGetProperty("type", out var t) && t.ValueKind switch
        {
            JsonValueKind.String => t.GetString() == type,
            JsonValueKind.Array => t.EnumerateArray().Any(x => x.GetString() == type),
            _ => false,
        };
        var arrays = 0;
        var untyped = new List<string>();
        void Walk(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                if (Has(e, "array"))
                {
                    arrays++;
                    if (!e.TryGetProperty("items", out var items) || !Typed(items)) untyped.Add(path);
                }
                if (Has(e, "object") && e.TryGetProperty("additionalProperties", out var values) && values.ValueKind == JsonValueKind.Object && !Typed(values))
                    untyped.Add(path + "/additionalProperties");
                foreach (var p in e.EnumerateObject()) Walk(p.Value, path + "/" + p.Name);
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in e.EnumerateArray()) Walk(item, path + "/" + i++);
            }
        }
        Walk(doc, "");
        untyped.ShouldBeEmpty();
        arrays.ShouldBeGreaterThan(100);

        var schemas = doc.GetProperty("components").GetProperty("schemas");
        var roles = schemas.GetProperty("CreateUserRequest").GetProperty("properties").GetProperty("roles").GetProperty("items");
        roles.GetProperty("type").GetString().ShouldBe("string");
        schemas.GetProperty("CreateSubjectBody").GetProperty("properties").GetProperty("fields").GetProperty("additionalProperties")
            .GetProperty("type").GetString().ShouldBe("string");
        // Dates and times pass their own converter (an offset is required) and keep their format.
        var at = schemas.GetProperty("RequestView").GetProperty("properties");
        at.GetProperty("receivedAt").GetProperty("format").GetString().ShouldBe("date-time");
        at.GetProperty("answeredAt").GetProperty("format").GetString().ShouldBe("date-time");
        at.GetProperty("answeredAt").GetProperty("type").EnumerateArray().Select(t => t.GetString()).ShouldBe(["null", "string"], ignoreOrder: true);
        var from = doc.GetProperty("paths").GetProperty("/api/audit").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "from").GetProperty("schema");
        from.GetProperty("format").GetString().ShouldBe("date-time");
    }

    // Regression (walkthrough L10): the reference page showed route constraints and group slashes (/api/apikeys/,
    // {id:guid}) where OpenAPI says /api/apikeys and {id}, two operations had no summary, and OpenAPI listed only success
    // responses although every error is problem details.
    [Fact]
    public async Task ApiReference_EveryOperation_SameAsOpenApiWithSummaryAndProblemResponses()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var doc = JsonDocument.Parse(await app.Client().GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var operations = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name != "parameters").Select(o => (Path: p.Name, Method: o.Name.ToUpperInvariant(), Op: o.Value)))
            .ToList();
        operations.Count.ShouldBeGreaterThan(100);
        operations.Where(o => !o.Op.TryGetProperty("summary", out var s) || string.IsNullOrWhiteSpace(s.GetString()))
            .Select(o => $"{o.Method} {o.Path}").ShouldBeEmpty();

        var page = await app.Client().GetStringAsync("/api-reference", Ct);
        var rows = System.Text.RegularExpressions.Regex.Matches(page, "<tr><td><code>([A-Z ]+)</code></td><td><code>([^<]+)</code></td>")
            .SelectMany(m => m.Groups[1].Value.Split(' ').Select(method => $"{method} {m.Groups[2].Value}"))
            .ToHashSet();
        rows.ShouldBe(operations.Select(o => $"{o.Method} {o.Path}").ToHashSet(), ignoreOrder: true);
        rows.ShouldContain("DELETE /api/apikeys/{id}");

        var problem = doc.GetProperty("components").GetProperty("schemas").GetProperty("Problem");
        problem.GetProperty("properties").GetProperty("code").GetProperty("pattern").GetString().ShouldBe("^MAMORI-[0-9]{4}$");
        var read = doc.GetProperty("paths").GetProperty("/api/subjects/{id}").GetProperty("get").GetProperty("responses");
        foreach (var status in new[] { "400", "401", "403", "4XX" })
            read.GetProperty(status).GetProperty("content").GetProperty("application/problem+json").GetProperty("schema")
                .GetProperty("$ref").GetString().ShouldBe("#/components/schemas/Problem");
        var status200 = doc.GetProperty("paths").GetProperty("/api/requests/status/{token}").GetProperty("get").GetProperty("responses");
        status200.TryGetProperty("401", out _).ShouldBeFalse(); // public: no sign-in to fail
        status200.TryGetProperty("4XX", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Console_Anonymous_RedirectsToLogin()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var response = await app.Client().GetAsync("/console", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith("/login");
    }

    // Regression (walkthrough L11): a person who opened the server's root or mistyped a public address landed on the staff
    // sign-in page, and HEAD on any public page did too.
    [Fact]
    public async Task PublicAddress_RootUnknownOrHead_NoticeOrPublicNotFoundNeverSignIn()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var anonymous = app.Client();
        async Task<HttpResponseMessage> Send(HttpMethod method, string path, HttpClient? client = null) =>
            await (client ?? anonymous).SendAsync(new HttpRequestMessage(method, path), Ct);

        foreach (var (method, path, target) in new[] { (HttpMethod.Get, "/", "/privacy"), (HttpMethod.Head, "/", "/privacy"), (HttpMethod.Get, "/en", "/en/privacy"), (HttpMethod.Get, "/en/", "/en/privacy") })
        {
            var response = await Send(method, path);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{method} {path}");
            response.Headers.Location!.ToString().ShouldBe(target, $"{method} {path}");
        }
        (await Send(HttpMethod.Get, "/", await app.SignedInAsync(tenant.Id, Roles.Operator))).Headers.Location!.ToString().ShouldBe("/console");

        foreach (var (path, lang, prefix) in new[] { ("/nope", "ja", ""), ("/requests/nope", "ja", ""), ("/en/nope", "en", "/en"), ("/en/requests/nope", "en", "/en") })
        {
            var response = await Send(HttpMethod.Get, path);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            var html = await response.Content.ReadAsStringAsync(Ct);
            html.ShouldContain($"<html lang=\"{lang}\">", customMessage: path);
            html.ShouldContain(lang == "en" ? "<h1>Page not found</h1>" : "<h1>ページが見つかりません</h1>", customMessage: path);
            foreach (var link in new[] { "/privacy", "/requests", "/optout" }) html.ShouldContain($"<a href=\"{prefix}{link}\">", customMessage: path);
            (await Send(HttpMethod.Head, path)).StatusCode.ShouldBe(HttpStatusCode.NotFound, "HEAD " + path);
        }

        // A form's address opened as a link: the same page, with routing's 405 and the method it takes.
        var formAddress = await Send(HttpMethod.Get, "/requests/status/x/withdraw");
        formAddress.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        formAddress.Content.Headers.Allow.ShouldBe(["POST"]);
        (await formAddress.Content.ReadAsStringAsync(Ct)).ShouldContain("<a href=\"/privacy\">");

        // A page answers HEAD as it answers GET, without a body.
        var head = await Send(HttpMethod.Head, "/login");
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await head.Content.ReadAsByteArrayAsync(Ct)).ShouldBeEmpty();
        head.Content.Headers.ContentLength.ShouldBe((await Send(HttpMethod.Get, "/login")).Content.Headers.ContentLength);

        // A missing asset: a bare 404. The console still signs in first, the API keeps its problem details.
        var asset = await Send(HttpMethod.Get, "/static/css/nope.css");
        asset.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        asset.Content.Headers.ContentLength.ShouldBe(0);
        (await Send(HttpMethod.Get, "/console/nope")).Headers.Location!.ToString().ShouldStartWith("/login");
        (await Send(HttpMethod.Head, "/console/nope")).Headers.Location!.ToString().ShouldStartWith("/login");
        await (await Send(HttpMethod.Get, "/api/nope", await app.SignedInAsync(tenant.Id, Roles.Operator))).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-1007");
    }

    [Fact]
    public async Task LoginForm_WithoutAntiforgeryToken_Rejected()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        await app.CreateTenantAsync();
        var response = await app.Client().PostAsync("/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "a@b.example", ["password"] = "x" }), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task LoginForm_WithToken_SignsInAndRedirects()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var user = await app.UserAsync(tenant.Id, "operator");
        var get = await app.Client().GetAsync("/login?returnUrl=%2Fapi-reference", Ct);
        var html = await get.Content.ReadAsStringAsync(Ct);
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__af\" value=\"([^\"]+)\"").Groups[1].Value;
        var afCookie = get.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("mamori_af=", StringComparison.Ordinal)).Split(';')[0];
        html.ShouldContain("<html lang=\"ja\">");
        var post = await app.Client(afCookie).PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = token, ["email"] = user.Email, ["password"] = TestApp.Password, ["returnUrl"] = "//evil.example/",
        }), Ct);
        post.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        post.Headers.Location!.ToString().ShouldBe("/console");
    }

    [Fact]
    public void AuditCodeNames_EveryCode_NamedAndListedInAuditCodesMd()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "audit-codes.md"));
        var codes = Enum.GetValues<AuditCode>();
        var missing = codes.Select(c => (Code: c, Names: AuditCodeNames.Of(c)))
            .Select(x => $"| {(int)x.Code} | `{x.Code}` | {x.Names.Ja} | {x.Names.En} |")
            .Where(row => !doc.Contains(row, StringComparison.Ordinal)).ToList();
        missing.ShouldBeEmpty();
        // Each name says something different: two codes with one name would make the log ambiguous.
        codes.Select(c => AuditCodeNames.Of(c).Ja).Distinct().Count().ShouldBe(codes.Length);
        codes.Select(c => AuditCodeNames.Of(c).En).Distinct().Count().ShouldBe(codes.Length);
        // A number written by a newer server is shown as the number, not thrown on.
        AuditCodeNames.Of((AuditCode)7777).ShouldBe(("7777", "7777"));
    }

    [Fact]
    public void ErrorCatalog_EveryCode_DocumentedInErrorsMd()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "errors.md"));
        var missing = Enum.GetValues<ErrorCode>().Select(ErrorCodes.Format).Where(c => !doc.Contains(c, StringComparison.Ordinal)).ToList();
        missing.ShouldBeEmpty();
    }

    [Fact]
    public void Log_PersonalDataParameter_IsRedacted()
    {
        var collector = FakeLogCollector.Create(new FakeLogCollectorOptions());
        using var provider = new ServiceCollection()
            .AddLogging(b => b.EnableRedaction().AddProvider(new FakeLoggerProvider(collector)))
            .AddRedaction(r => r.SetRedactor<Microsoft.Extensions.Compliance.Redaction.ErasingRedactor>(
                new Microsoft.Extensions.Compliance.Classification.DataClassificationSet(MamoriTaxonomy.PersonalData)))
            .BuildServiceProvider();
        var logger = provider.GetRequiredService<ILogger<ServerTests>>();
        SubjectLooked(logger, "山田太郎 yamada@example.jp", "subject-42");
        var line = collector.LatestRecord.Message;
        line.ShouldNotContain("山田");
        line.ShouldNotContain("yamada@example.jp");
        line.ShouldContain("subject-42");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looked up {Query} for {SubjectId}")]
    private static partial void SubjectLooked(ILogger logger, [PersonalData] string query, string subjectId);

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Mamori.slnx"))) return d.FullName;
        throw new InvalidOperationException("Repository root not found.");
    }
}
