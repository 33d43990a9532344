using System.Net;
using System.Text;
using System.Text.Json;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;

namespace Mamori.Tests.Backbone;

/// <summary>Bad input gets a 4xx problem with a stable code, never a 500, and changes nothing.</summary>
public sealed class BadInputTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, int, string> Cases => new()
    {
        { "POST", "/api/users", "{\"email\": \"a@b.c\", ", 400, "MAMORI-1001" },
        { "POST", "/api/users", "not json at all", 400, "MAMORI-1001" },
        { "POST", "/api/users", "{\"email\":\"a@b.example\",\"roles\":[\"operator\"],\"password\":\"long enough password\",\"isRoot\":true}", 400, "MAMORI-1002" },
        { "POST", "/api/users", "{\"email\":42,\"roles\":[\"operator\"],\"password\":\"long enough password\"}", 400, "MAMORI-1003" },
        { "POST", "/api/users", "{\"email\":\"a@b.example\",\"roles\":\"operator\",\"password\":\"long enough password\"}", 400, "MAMORI-1003" },
        { "POST", "/api/users", "{\"email\":null,\"roles\":[\"operator\"],\"password\":\"long enough password\"}", 400, "MAMORI-1003" },
        { "POST", "/api/users", "{\"roles\":[\"operator\"]}", 400, "MAMORI-1005" },
        { "POST", "/api/users", "{\"email\":\"a@b.example\",\"roles\":[\"root\"],\"password\":\"long enough password\"}", 400, "MAMORI-1109" },
        { "POST", "/api/users", "{\"email\":\"a@b.example\",\"roles\":[\"operator\"],\"password\":\"short\"}", 400, "MAMORI-1108" },
        { "POST", "/api/users", "[1,2,3]", 400, "MAMORI-1003" },
        { "POST", "/api/users", "", 400, "MAMORI-1005" },
        { "POST", "/api/apikeys", "{\"name\":\"x\",\"role\":\"operator\",\"expiresDays\":\"soon\"}", 400, "MAMORI-1003" },
        { "POST", "/api/apikeys", "{\"name\":\"x\",\"role\":\"operator\",\"expiresDays\":99999999999}", 400, "MAMORI-1003" },
        { "POST", "/api/apikeys", "{\"name\":\"x\",\"role\":\"operator\",\"expiresDays\":-5}", 400, "MAMORI-1006" },
        { "GET", "/api/audit?limit=abc", "", 400, "MAMORI-1003" },
        { "GET", "/api/audit?limit=100000", "", 400, "MAMORI-1006" },
        { "GET", "/api/audit?from=yesterday", "", 400, "MAMORI-1003" },
        { "POST", "/api/users/not-a-guid/disable", "", 404, "MAMORI-1007" },
        { "GET", "/api/no-such-thing", "", 404, "MAMORI-1007" },
        { "DELETE", "/api/audit", "", 405, "MAMORI-1010" },
    };

    [Theory, MemberData(nameof(Cases))]
    public async Task Request_BadInput_ProblemWithCodeNever500(string method, string path, string body, int status, string code)
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.Admin, Roles.Auditor);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET" && method != "DELETE") request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await client.SendAsync(request, Ct);
        await response.ShouldBeProblemAsync((HttpStatusCode)status, code);
        var users = await app.InTenantAsync(tenant.Id, (_, db) => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Users, Ct));
        users.ShouldBe(1);
    }

    // Regression: a GET without a required query parameter was answered "Malformed Json" (MAMORI-1001).
    [Fact]
    public async Task Request_RequiredQueryParameterMissing_MissingFieldNamingIt()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var response = await client.GetAsync($"/api/subjects/{Guid.NewGuid()}", Ct);
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1005");
        problem.GetProperty("detail").GetString().ShouldBe("The query parameter 'purpose' is required.");
    }

    // Regression: both answered "A route or query parameter has the wrong type." without naming the parameter.
    [Fact]
    public async Task Request_QueryParameterOfWrongType_WrongTypeNamingItAndWhatItTakes()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var at = await client.GetAsync($"/api/subjects/{Guid.NewGuid()}/consents?at=yesterday", Ct);
        (await at.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003")).GetProperty("detail").GetString()
            .ShouldBe("The query parameter 'at' has the wrong type: expected a date and time with its offset (ISO 8601, e.g. 2026-12-07T09:00:00+09:00).");
        var subject = await client.GetAsync("/api/provisions/records?subject=taro@example.jp", Ct);
        var detail = (await subject.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003")).GetProperty("detail").GetString();
        detail.ShouldBe("The query parameter 'subject' has the wrong type: expected an id (UUID).");
        var limit = await client.GetAsync("/api/provisions/records?limit=all", Ct);
        (await limit.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003")).GetProperty("detail").GetString()
            .ShouldBe("The query parameter 'limit' has the wrong type: expected a whole number.");
    }

    /// <summary>
    /// Regression (integrator walkthrough): a date and time without its offset was read in the server's time zone, in a body and in
    /// a query string alike; for a Japanese company 2026-12-07T09:00:00 may mean JST or UTC, nine hours apart.
    /// </summary>
    [Fact]
    public async Task Request_DateTimeWithoutOffset_WrongTypeInBodyAndQuery()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        const string Expected = "expected a date and time with its offset (ISO 8601, e.g. 2026-12-07T09:00:00+09:00).";
        Task<HttpResponseMessage> IncidentAsync(string discoveredAt) => client.PostAsync("/api/incidents", new StringContent(
            $"{{\"title\":\"誤送付\",\"cause\":\"misdelivery\",\"discoveredAt\":\"{discoveredAt}\"}}", Encoding.UTF8, "application/json"), Ct);

        var day = app.Clock.GetUtcNow().AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var given in new[] { $"{day}T09:00:00Z", $"{day}T09:00:00+09:00", $"{day}T09:00:00.123-05:30" })
        {
            var created = await IncidentAsync(given);
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
            var at = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("discoveredAt").GetDateTimeOffset();
            at.ShouldBe(DateTimeOffset.Parse(given, System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (var given in new[] { $"{day}T09:00:00", $"{day}T09:00", day, "yesterday", "1" })
            (await (await IncidentAsync(given)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003")).GetProperty("detail").GetString()
                .ShouldBe("A field has the wrong type at $.discoveredAt: " + Expected);
        var nullable = await client.PostAsync($"/api/subjects/{Guid.NewGuid()}/consents", new StringContent(
            "{\"scopes\":[\"provision:carriers\"],\"action\":\"grant\",\"method\":\"paper\",\"at\":\"2026-12-07T09:00:00\"}", Encoding.UTF8, "application/json"), Ct);
        (await nullable.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003")).GetProperty("detail").GetString()
            .ShouldBe("A field has the wrong type at $.at: " + Expected);

        foreach (var given in new[] { "2026-12-07T09:00:00Z", "2026-12-07T09:00:00%2B09:00" })
        {
            var page = await client.GetAsync($"/api/audit?from={given}&to=2026-12-08T00:00:00Z", Ct);
            page.StatusCode.ShouldBe(HttpStatusCode.OK, await page.Content.ReadAsStringAsync(Ct));
        }
        foreach (var query in new[] { "from=2026-12-07T09:00:00", "from=2026-12-07T09:00:00Z&to=2026-12-08", "from=2026-12-07T09:00:00Z&to=2026-12-08T00:00" })
        {
            var name = query.Contains("&to=", StringComparison.Ordinal) ? "to" : "from";
            (await (await client.GetAsync($"/api/audit?{query}", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003"))
                .GetProperty("detail").GetString().ShouldBe($"The query parameter '{name}' has the wrong type: " + Expected);
        }
        (await (await client.GetAsync($"/api/subjects/{Guid.NewGuid()}/consents?at=2026-12-07T09:00:00", Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003")).GetProperty("detail").GetString()
            .ShouldBe("The query parameter 'at' has the wrong type: " + Expected);
    }

    // Regression: an unknown enum value said only "A field has the wrong type at $.exception.", unlike MAMORI-5000 for a request kind.
    [Fact]
    public async Task Request_UnknownEnumValueInBody_WrongTypeListingTheValues()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var read = await client.PostAsync($"/api/subjects/{Guid.NewGuid()}/read",
            new StringContent("{\"purpose\":\"support\",\"exception\":\"bogus\"}", Encoding.UTF8, "application/json"), Ct);
        (await read.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003")).GetProperty("detail").GetString()
            .ShouldBe("A field has the wrong type at $.exception: expected one of law, life-body-property, public-health-children, authority-cooperation.");
        var consent = await client.PostAsync($"/api/subjects/{Guid.NewGuid()}/consents",
            new StringContent("{\"scopes\":[\"provision:carriers\"],\"action\":\"maybe\",\"method\":\"paper\"}", Encoding.UTF8, "application/json"), Ct);
        (await consent.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003")).GetProperty("detail").GetString()
            .ShouldBe("A field has the wrong type at $.action: expected one of grant, withdraw.");
        // Regression: a number was taken for an enum and stored as a method no enum declares (42).
        var number = await client.PostAsync($"/api/subjects/{Guid.NewGuid()}/consents",
            new StringContent("{\"scopes\":[\"provision:carriers\"],\"action\":\"grant\",\"method\":42}", Encoding.UTF8, "application/json"), Ct);
        (await number.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003")).GetProperty("detail").GetString()
            .ShouldBe("A field has the wrong type at $.method: expected one of web-form, paper, oral, electronic-signature, api.");
    }

    [Fact]
    public async Task Request_BatchOfBadBodies_NeverServerError()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.Admin);
        string[] bodies =
        [
            "{", "}", "[", "null", "true", "\"x\"", "{\"email\":{\"$ne\":1}}", new string('[', 5000) + new string(']', 5000),
            "{\"email\":\"\\ud800\"}", "{\"roles\":[" + string.Join(",", Enumerable.Repeat("\"admin\"", 10000)) + "]}",
            "{\"email\":\"a@b.example\",\"email\":\"c@d.example\"}", "\u0000\u0001\u0002", "{\"password\":" + new string('9', 400) + "}",
        ];
        foreach (var body in bodies)
        {
            var response = await client.PostAsync("/api/users", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
            ((int)response.StatusCode).ShouldBeInRange(400, 499, body.Length > 60 ? body[..60] : body);
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }
        var invalidUtf8 = new ByteArrayContent([0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
        invalidUtf8.Headers.ContentType = new("application/json");
        ((int)(await client.PostAsync("/api/users", invalidUtf8, Ct)).StatusCode).ShouldBeInRange(400, 499);
    }

    [Fact]
    public async Task Request_OversizeBody_413Problem()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.Admin);
        var huge = "{\"email\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        var response = await client.PostAsync("/api/users", new StringContent(huge, Encoding.UTF8, "application/json"), Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "MAMORI-1004");
    }

    [Fact]
    public async Task Request_WrongContentType_415Problem()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.Admin);
        var response = await client.PostAsync("/api/users", new StringContent("email=a", Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "MAMORI-1008");
    }
}
