using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// Regressions from an integrating engineer's walkthrough (connecting a shop's signup form and a CRM through the API only).
/// </summary>
public sealed class IntegratorWalkthroughTests(PostgresCluster cluster)
{
    private static Dictionary<string, object?> SignupBody(Person p, params string[] consents) => new()
    {
        ["type"] = "customer", ["service"] = "isp", ["acquisition"] = "web-form",
        ["purposesShown"] = new[] { "service-provision", "nonpayment-exchange" },
        ["fields"] = new Dictionary<string, string> { ["name"] = p.Name, ["email"] = p.Email, ["phone"] = p.Phone },
        ["consents"] = consents, ["consentMethod"] = "web-form", ["evidenceRef"] = "signup-0001",
    };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string? idempotencyKey = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) message.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(message, Ct);
    }

    private static async Task<int> SubjectsWithEmailAsync(HttpClient client, string email) =>
        (await (await client.PostAsJsonAsync("/api/subjects/lookup", new { purpose = "service-provision", email }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct))
        .GetProperty("subjects").GetArrayLength();

    /// <summary>Regression: a retry after a broken connection created the person a second time; the Idempotency-Key header was ignored.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CreateSubject_RetriedWithSameIdempotencyKey_OneSubjectSameAnswer(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var client = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Operator)).Secret);
        var p = NewPerson();
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(client, "/api/subjects", SignupBody(p, "provision:carriers"), key);
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync(Ct));
        var retry = await PostAsync(client, "/api/subjects", SignupBody(p, "provision:carriers"), key);
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        var (a, b) = (await first.Content.ReadFromJsonAsync<JsonElement>(Ct), await retry.Content.ReadFromJsonAsync<JsonElement>(Ct));
        b.GetProperty("id").GetGuid().ShouldBe(a.GetProperty("id").GetGuid());
        b.GetProperty("receiptId").GetGuid().ShouldBe(a.GetProperty("receiptId").GetGuid());
        retry.Headers.Location.ShouldBe(first.Headers.Location);
        (await SubjectsWithEmailAsync(client, p.Email)).ShouldBe(1);

        var other = NewPerson();
        var problem = await (await PostAsync(client, "/api/subjects", SignupBody(other), key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "MAMORI-1391");
        problem.GetProperty("detail").GetString()!.ShouldNotContain(other.Email);
        (await SubjectsWithEmailAsync(client, other.Email)).ShouldBe(0);

        // Keys are the caller's own: another integration choosing the same key makes its own person.
        var crm = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Operator)).Secret);
        (await PostAsync(crm, "/api/subjects", SignupBody(p), key)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await PostAsync(client, "/api/subjects", SignupBody(p), Guid.NewGuid().ToString())).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await SubjectsWithEmailAsync(client, p.Email)).ShouldBe(3);

        await (await PostAsync(client, "/api/subjects", SignupBody(NewPerson()), "two words")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1392");
        await (await PostAsync(client, "/api/subjects", SignupBody(NewPerson()), new string('k', 201))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1392");
        var stored = await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Vault.IdempotencyRecord>().Select(r => r.Key).ToListAsync(Ct));
        stored.Count.ShouldBe(3);
        stored.ShouldAllBe(k => k.Length == 64 && !k.Contains(key, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Regression: consents given with POST /api/subjects wrote no ConsentGranted event and no receipt (receiptId null), where the same
    /// grant through /consents writes both; the answer's categories also left out a date of birth sent as birthDate.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CreateSubject_WithConsents_ReceiptAndOneGrantEventPerScope(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var client = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Operator)).Secret);
        var body = SignupBody(NewPerson(), "purpose:nonpayment-exchange", "provision:carriers");
        body["birthDate"] = "1990-01-02";

        var created = await client.PostAsJsonAsync("/api/subjects", body, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var json = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = json.GetProperty("id").GetGuid();
        var receipt = json.GetProperty("receiptId").GetGuid();
        json.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ShouldBe(["name", "email", "phone", "birth-date"], ignoreOrder: true);
        json.GetProperty("receiptLinks").GetProperty("html").GetString().ShouldBe($"/consent/receipts/{receipt}");

        var onReceipt = await client.GetFromJsonAsync<JsonElement>($"/api/consents/receipts/{receipt}", Ct);
        onReceipt.GetProperty("receipt").GetProperty("scopes").GetArrayLength().ShouldBe(2);
        var now = await client.GetFromJsonAsync<JsonElement>($"/api/subjects/{id}/consents", Ct);
        now.GetProperty("scopes").EnumerateArray().ShouldAllBe(s => s.GetProperty("receiptId").GetGuid() == receipt);
        var granted = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents
            .Where(e => e.SubjectId == id.ToString() && e.Code == AuditCode.ConsentGranted).Select(e => new { e.TargetId, e.ReasonCode }).ToListAsync(Ct));
        granted.Select(g => g.ReasonCode).ShouldBe(["purpose:nonpayment-exchange", "provision:carriers"], ignoreOrder: true);
        granted.ShouldAllBe(g => g.TargetId == receipt.ToString());

        var plain = await (await client.PostAsJsonAsync("/api/subjects", SignupBody(NewPerson()), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        plain.GetProperty("receiptId").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    /// <summary>
    /// Regression: a signup recorded consent to a purpose its form never showed (events, with only service-provision shown), and
    /// reads for that purpose were allowed from then on.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CreateSubject_ConsentToPurposeNotShown_RefusedNothingStored(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var client = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Operator)).Secret);

        var refused = await client.PostAsJsonAsync("/api/subjects", SignupBody(NewPerson(), "purpose:events"), Ct);
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-4000");
        problem.GetProperty("detail").GetString()!.ShouldContain("purposesShown");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Vault.DataSubject>().CountAsync(Ct))).ShouldBe(0);

        var body = SignupBody(NewPerson(), "purpose:events");
        body["purposesShown"] = new[] { "service-provision", "events" };
        var created = await client.PostAsJsonAsync("/api/subjects", body, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>Regression: a null inside a list of ids reached the feature classes and answered 500 on six endpoints.</summary>
    [Fact]
    public async Task ListWithNullElement_EveryEndpoint_400WrongTypeNamingTheElement()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var client = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Operator)).Secret);
        var officer = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.PrivacyOfficer)).Secret);
        var id = await IspCustomerAsync(app, tenant, NewPerson());
        var signup = SignupBody(NewPerson());
        signup["consents"] = new string?[] { null };

        var cases = new (HttpClient Client, string Path, object Body, string Element)[]
        {
            (client, "/api/subjects", signup, "$.consents[0]"),
            (client, $"/api/subjects/{id}/consents", new { scopes = new string?[] { "provision:carriers", null }, action = "grant", method = "web-form" }, "$.scopes[1]"),
            (client, $"/api/subjects/{id}/read", new { purpose = "support", fields = new string?[] { null } }, "$.fields[0]"),
            (client, "/api/subjects/read-many", new { purpose = "support", subjectIds = new[] { id }, fields = new string?[] { null } }, "$.fields[0]"),
            (client, "/api/decisions", new { subjectId = id, purpose = "support", fields = new string?[] { null } }, "$.fields[0]"),
            (officer, "/api/provisions", new { recipient = "carriers", basis = "consent", categories = new string?[] { null }, subjects = new[] { id } }, "$.categories[0]"),
        };
        foreach (var (caller, path, body, element) in cases)
        {
            var problem = await (await caller.PostAsJsonAsync(path, body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1003");
            problem.GetProperty("detail").GetString()!.ShouldContain(element, customMessage: path);
        }
    }

    /// <summary>Regression: a refused read said why only in the English detail; an integration had to parse "Access denied: consent-missing.".</summary>
    [Fact]
    public async Task ReadRefused_Problem_CarriesTheDecisionsReason()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var client = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Operator)).Secret);
        var id = await IspCustomerAsync(app, tenant, NewPerson());

        var problem = await (await client.GetAsync($"/api/subjects/{id}?purpose=nonpayment-exchange", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-3010");
        problem.GetProperty("reason").GetString().ShouldBe("consent-missing");
        var plain = await (await client.GetAsync($"/api/subjects/{Guid.NewGuid()}?purpose=support", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-3007");
        plain.TryGetProperty("reason", out var none).ShouldBeFalse(none.ToString());
    }

    /// <summary>Regression: a purpose only a service declares, sent without the service, was refused as "the policy declares no purpose".</summary>
    [Fact]
    public async Task CreateSubject_ServicePurposeWithoutService_NamesTheServiceThatDeclaresIt()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var client = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Operator)).Secret);
        var body = SignupBody(NewPerson());
        body.Remove("service");

        var problem = await (await client.PostAsJsonAsync("/api/subjects", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3006");
        problem.GetProperty("detail").GetString()!.ShouldContain("'isp'");
        problem.GetProperty("reason").GetString().ShouldBe("service-missing");
    }

    /// <summary>
    /// Regression: an operator key asking POST /api/decisions with a role it does not hold (billing) was recorded as having unmasked the
    /// card number, so an access review read an unmasking that never happened: no value leaves a decision.
    /// </summary>
    [Fact]
    public async Task DecisionsApi_RolesTheCallerLacks_AuditedWithEveryCategoryMasked()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var key = await app.ApiKeyAsync(tenant, Roles.Operator);
        var client = app.Client(apiKey: key.Secret);
        var signup = SignupBody(NewPerson());
        ((Dictionary<string, string>)signup["fields"]!)["payment-card"] = "4111111111111111";
        var id = (await (await client.PostAsJsonAsync("/api/subjects", signup, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var decided = await client.PostAsJsonAsync("/api/decisions",
            new { subjectId = id, purpose = "service-provision", fields = new[] { "name", "payment-card" }, roles = new[] { "operator", "billing" }, unmasked = true }, Ct);
        var answer = await decided.Content.ReadFromJsonAsync<JsonElement>(Ct);
        answer.GetProperty("allowed").GetBoolean().ShouldBeTrue(answer.ToString());
        var recorded = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents
            .Where(e => e.SubjectId == id.ToString() && e.Code == AuditCode.AccessAllowed && e.ActorId == key.Key.Id.ToString())
            .Select(e => e.Categories).SingleAsync(Ct));
        recorded.ShouldBe("~name,~payment-card");
    }

    /// <summary>
    /// Regression: the banner's data-subject-token for a signed-in customer could be had only from the console, one person at a time;
    /// the company's site had no way to ask for it.
    /// </summary>
    [Fact]
    public async Task CookieLinkApi_SignedInCustomer_TokenOpensThePersonsSettingsAudited()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var client = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Operator)).Secret);
        var id = await IspCustomerAsync(app, tenant, NewPerson());

        var issued = await client.PostAsync($"/api/subjects/{id}/cookie-link", null, Ct);
        issued.StatusCode.ShouldBe(HttpStatusCode.OK, await issued.Content.ReadAsStringAsync(Ct));
        var link = await issued.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var token = link.GetProperty("token").GetString()!;
        token.ShouldStartWith("mst1.");
        token.ShouldNotContain(id.ToString());
        link.GetProperty("url").GetString()!.ShouldEndWith($"/privacy/cookies?t={token}");
        link.GetProperty("expiresAt").GetDateTimeOffset().ShouldBe(DateTimeOffset.FromUnixTimeSeconds((app.Clock.GetUtcNow() + TimeSpan.FromDays(30)).ToUnixTimeSeconds()));
        var page = await app.Client().GetAsync($"/privacy/cookies?t={token}", Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.SubjectId == id.ToString() && e.Code == AuditCode.SubjectLinkIssued, Ct))).ShouldBe(1);

        await (await client.PostAsync($"/api/subjects/{Guid.NewGuid()}/cookie-link", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-3007");
        var auditor = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Auditor)).Secret);
        await (await auditor.PostAsync($"/api/subjects/{id}/cookie-link", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
    }

    /// <summary>Regression: GET /api/provisions/records answered the newest records only (at most 1,000), ignored offset and gave no total.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ProvisionRecords_Paged_TotalAndNextLinkReachEveryRecord(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var client = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Operator)).Secret);
        var officer = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.PrivacyOfficer)).Secret);
        var id = (await (await client.PostAsJsonAsync("/api/subjects", SignupBody(NewPerson(), "provision:carriers"), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("id").GetGuid();
        var made = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var provided = await officer.PostAsJsonAsync("/api/provisions", new { recipient = "carriers", basis = "consent", categories = new[] { "name" }, subjects = new[] { id } }, Ct);
            provided.StatusCode.ShouldBe(HttpStatusCode.OK, await provided.Content.ReadAsStringAsync(Ct));
            made.Add((await provided.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("recordId").GetGuid());
        }

        var seen = new List<Guid>();
        var next = "/api/provisions/records?limit=2";
        var pages = 0;
        while (next is not null)
        {
            var page = await officer.GetAsync(next, Ct);
            page.StatusCode.ShouldBe(HttpStatusCode.OK, await page.Content.ReadAsStringAsync(Ct));
            page.Headers.GetValues("X-Total-Count").ShouldBe(["3"]);
            seen.AddRange((await page.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
            next = page.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
            pages++;
        }
        pages.ShouldBe(2);
        seen.ShouldBe(made, ignoreOrder: true);
        await (await officer.GetAsync("/api/provisions/records?limit=1001", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        await (await officer.GetAsync("/api/provisions/records?offset=-1", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
    }
}
