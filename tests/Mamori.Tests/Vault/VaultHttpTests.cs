using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Staff;
using Microsoft.EntityFrameworkCore;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

public sealed class VaultHttpTests(PostgresCluster cluster)
{
    private static object CustomerBody(Person p) => new
    {
        type = "customer", service = "isp", acquisition = "web-form", purposesShown = new[] { "service-provision", "support" },
        fields = new Dictionary<string, string> { ["name"] = p.Name, ["email"] = p.Email, ["phone"] = p.Phone },
    };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SubjectsApi_CreateReadLookupCorrectErase_RoundTrip(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var operatorClient = await app.SignedInAsync(tenant, Roles.Operator);
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var p = NewPerson();

        var created = await operatorClient.PostAsJsonAsync("/api/subjects", CustomerBody(p), Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var read = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/subjects/{id}?purpose=support&fields=name,email", Ct);
        read.GetProperty("fields").GetProperty("email").GetString().ShouldBe(p.Email);

        var found = await operatorClient.PostAsJsonAsync("/api/subjects/lookup", new { purpose = "support", phone = p.Phone.Replace("-", "", StringComparison.Ordinal) }, Ct);
        (await found.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("subjects")[0].GetGuid().ShouldBe(id);

        var patch = await operatorClient.PatchAsJsonAsync($"/api/subjects/{id}", new { fields = new Dictionary<string, string> { ["phone"] = "03-1234-5678" }, reason = "customer-update" }, Ct);
        patch.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await operatorClient.DeleteAsync($"/api/subjects/{id}?reason=data-subject-request", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        var erased = await officer.DeleteAsync($"/api/subjects/{id}?reason=data-subject-request", Ct);
        erased.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await erased.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("kept").GetString()!.ShouldContain("法人税法");
        var certificates = await officer.GetFromJsonAsync<JsonElement>($"/api/subjects/{id}/certificates", Ct);
        certificates.GetArrayLength().ShouldBe(1);
    }

    /// <summary>
    /// Regression (auditor walkthrough): destruction certificates needed the permission to erase, so an auditor, who reads every
    /// 3002/3004 event naming them, could never see one. They hold ids and category names only; reading the audit log reads them.
    /// </summary>
    [Fact]
    public async Task Certificates_Auditor_ReadsThemButCannotErase()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var operatorClient = await app.SignedInAsync(tenant, Roles.Operator);
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var auditor = await app.SignedInAsync(tenant, Roles.Auditor);
        var created = await operatorClient.PostAsJsonAsync("/api/subjects", CustomerBody(NewPerson()), Ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        await (await auditor.DeleteAsync($"/api/subjects/{id}?reason=data-subject-request", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        var certificate = await (await officer.DeleteAsync($"/api/subjects/{id}?reason=data-subject-request", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        var read = await auditor.GetFromJsonAsync<JsonElement>($"/api/subjects/{id}/certificates", Ct);
        read.GetArrayLength().ShouldBe(1);
        read[0].GetProperty("id").GetGuid().ShouldBe(certificate.GetProperty("id").GetGuid());
        await (await operatorClient.GetAsync($"/api/subjects/{id}/certificates", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
    }

    /// <summary>
    /// Regression (H3): after DELETE ?reason=data-subject-request the certificate said the data was kept for the Corporation Tax
    /// Act, and every read path still served it for support and for the service. Each refuses now with erased-legal-hold; the
    /// law exception with its justification reads what the law keeps.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SubjectsApi_ErasedWithLegalHold_EveryReadPathServesOnlyTheLaw(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var operatorClient = await app.SignedInAsync(tenant, Roles.Operator);
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var p = NewPerson();
        var created = await operatorClient.PostAsJsonAsync("/api/subjects", CustomerBody(p), Ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var certificate = await (await officer.DeleteAsync($"/api/subjects/{id}?reason=data-subject-request", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        certificate.GetProperty("destroyed").GetArrayLength().ShouldBe(0);
        // Erasing again changes nothing: the same certificate, no second one, no second event (security review, outside security).
        var again = await (await officer.DeleteAsync($"/api/subjects/{id}?reason=data-subject-request", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        again.GetProperty("id").GetGuid().ShouldBe(certificate.GetProperty("id").GetGuid());
        (await (await officer.GetAsync($"/api/subjects/{id}/certificates", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetArrayLength().ShouldBe(1);
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.SubjectErased && e.SubjectId == id.ToString(), Ct))).ShouldBe(1);

        foreach (var purpose in new[] { "support", "service-provision" })
        {
            var read = await operatorClient.GetAsync($"/api/subjects/{id}?purpose={purpose}", Ct);
            var problem = await read.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-3010");
            problem.GetProperty("detail").GetString().ShouldBe("Access denied: erased-legal-hold.");
            problem.ToString().ShouldNotContain(p.Email);

            var many = await (await operatorClient.PostAsJsonAsync("/api/subjects/read-many", new { purpose, subjectIds = new[] { id } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
            var item = many.GetProperty("subjects")[0];
            (item.GetProperty("allowed").GetBoolean(), item.GetProperty("reason").GetString()).ShouldBe((false, "erased-legal-hold"));
            item.GetProperty("fields").EnumerateObject().ShouldBeEmpty();

            var found = await (await operatorClient.PostAsJsonAsync("/api/subjects/lookup", new { purpose, email = p.Email }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
            found.GetProperty("subjects").GetArrayLength().ShouldBe(0);

            var decision = await (await operatorClient.PostAsJsonAsync("/api/decisions", new { subjectId = id, purpose }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
            (decision.GetProperty("allowed").GetBoolean(), decision.GetProperty("reason").GetString()).ShouldBe((false, "erased-legal-hold"));
        }

        var law = await operatorClient.PostAsJsonAsync($"/api/subjects/{id}/read",
            new { purpose = "service-provision", fields = new[] { "email" }, exception = "law", justification = "税務調査（法人税法）" }, Ct);
        law.StatusCode.ShouldBe(HttpStatusCode.OK, await law.Content.ReadAsStringAsync(Ct));
        var body = await law.Content.ReadFromJsonAsync<JsonElement>(Ct);
        (body.GetProperty("reason").GetString(), body.GetProperty("fields").GetProperty("email").GetString()).ShouldBe(("allowed-legal-exception", p.Email));
    }

    [Fact]
    public async Task SubjectsApi_Denied_403ProblemWithReasonNoValues()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.Operator);
        var p = NewPerson();
        var id = await SmsUserAsync(app, tenant, p);
        var denied = await client.GetAsync($"/api/subjects/{id}?purpose=verification&fields=sms-phone&unmasked=true", Ct);
        var problem = await denied.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-3010");
        problem.GetProperty("detail").GetString()!.ShouldContain("unmask-not-allowed");
        // The whole number nowhere, and not even its last digits in the text (the trace id may hold any four digits by chance).
        problem.ToString().ShouldNotContain(p.Phone);
        problem.GetProperty("detail").GetString()!.ShouldNotContain(p.Phone[^4..]);
        var masked = await client.GetFromJsonAsync<JsonElement>($"/api/subjects/{id}?purpose=verification&fields=sms-phone", Ct);
        masked.GetProperty("masked").GetProperty("sms-phone").GetBoolean().ShouldBeTrue();
        masked.GetProperty("fields").GetProperty("sms-phone").GetString()!.ShouldContain("****");
        await (await client.GetAsync($"/api/subjects/{Guid.NewGuid()}?purpose=support", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-3007");
    }

    // Regression (UX review 4, H2): a key could not carry the policy's `sms-manager`, so no integration could ever read the
    // numbers in clear (e.g. the system sending opted-in coupon SMS); the key with the viewer role unmasks, the other does not.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SubjectsApi_KeyWithViewerRole_UnmasksOnlyThatKey(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var p = NewPerson();
        var id = await SmsUserAsync(app, tenant, p);
        var viewer = await app.ApiKeyAsync(tenant, Roles.Operator, policyRoles: ["sms-manager"]);
        var plain = await app.ApiKeyAsync(tenant, Roles.Operator);
        var url = $"/api/subjects/{id}?purpose=verification&fields=sms-phone&unmasked=true";

        var read = await app.Client(apiKey: viewer.Secret).GetFromJsonAsync<JsonElement>(url, Ct);
        read.GetProperty("fields").GetProperty("sms-phone").GetString().ShouldBe(p.Phone);
        var denied = await app.Client(apiKey: plain.Secret).GetAsync(url, Ct);
        (await denied.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-3010")).GetProperty("detail").GetString()!.ShouldContain("unmask-not-allowed");
    }

    [Fact]
    public async Task ApiKeysApi_PolicyRoleAloneOrUnknown_400AndBesideBuiltInCreated()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var admin = await app.SignedInAsync(tenant, Roles.Admin);
        var alone = await admin.PostAsJsonAsync("/api/apikeys", new { name = "sms", role = "sms-manager" }, Ct);
        (await alone.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1109")).GetProperty("detail").GetString()!.ShouldContain("policy");
        await (await admin.PostAsJsonAsync("/api/apikeys", new { name = "sms", role = "operator", policyRoles = new[] { "nobody" } }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1109");
        await (await admin.PostAsJsonAsync("/api/apikeys", new { name = "sms", role = "operator", policyRoles = new[] { "auditor" } }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1109");
        var created = await admin.PostAsJsonAsync("/api/apikeys", new { name = "sms", role = "operator", policyRoles = new[] { "sms-manager" } }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetProperty("policyRoles")[0].GetString().ShouldBe("sms-manager");

        // A user with the policy's role only could sign in and do nothing: refused, with the advice to add a built-in role.
        var user = await admin.PostAsJsonAsync("/api/users", new { email = "sms@example.com", roles = new[] { "sms-manager" }, password = "long enough password 1" }, Ct);
        (await user.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1109")).GetProperty("detail").GetString()!.ShouldContain("built-in role");
        (await admin.PostAsJsonAsync("/api/users", new { email = "sms@example.com", roles = new[] { "operator", "sms-manager" }, password = "long enough password 1" }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task LookupApi_UndeclaredPurpose_403PurposeUndeclaredAndAudited(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.Operator);
        var p = NewPerson();
        var id = await IspCustomerAsync(app, tenant, p);
        var found = await client.PostAsJsonAsync("/api/subjects/lookup", new { purpose = "support", email = p.Email }, Ct);
        (await found.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("subjects")[0].GetGuid().ShouldBe(id);

        // Regression: a misspelt purpose answered 200 {"subjects":[]}, as if the person were not in the vault, and left no audit event.
        foreach (var purpose in new[] { "suport", "nope" })
        {
            var denied = await client.PostAsJsonAsync("/api/subjects/lookup", new { purpose, email = p.Email }, Ct);
            (await denied.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-3010")).GetProperty("detail").GetString().ShouldBe("Access denied: purpose-undeclared.");
        }
        var read = await client.GetAsync($"/api/subjects/{id}?purpose=nope", Ct);
        await read.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-3010");
        var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents
            .Where(e => e.Code == Mamori.Audit.AuditCode.AccessDenied && e.ReasonCode == "purpose-undeclared" && e.SubjectId == null)
            .Select(e => new { e.Purpose, e.Outcome }).ToListAsync(Ct));
        events.Count.ShouldBe(2);
        events.ShouldAllBe(e => e.Purpose == "undeclared" && e.Outcome == Mamori.Audit.AuditOutcome.Denied);
    }

    [Fact]
    public async Task SubjectsApi_BadFieldValues_400WithCodesNothingStored()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.Operator);
        var bad = NewPerson() with { Email = "not-an-email" };
        await (await client.PostAsJsonAsync("/api/subjects", CustomerBody(bad), Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3003");
        await (await client.PostAsJsonAsync("/api/subjects", new { type = "alien", acquisition = "web-form", purposesShown = new[] { "support" }, fields = new { name = "x" } }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3004");
        await (await client.PostAsJsonAsync("/api/subjects", new { type = "customer", service = "isp", acquisition = "web-form", purposesShown = new[] { "support" }, fields = new { favourite_color = "blue" } }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3005");
        // Regression: SMS numbers the policy acquires only by the person's own input were stored as acquired by web form (S-10).
        await (await client.PostAsJsonAsync("/api/subjects", new { type = "sms-user", service = "sms-verify", acquisition = "web-form", purposesShown = new[] { "coupon-management" },
                fields = new Dictionary<string, string> { ["sms-phone"] = "090-8888-1212" } }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3019");
        // S-14: nor from a log, although the verification purpose also acquires its log automatically.
        await (await client.PostAsJsonAsync("/api/subjects", new { type = "sms-user", service = "sms-verify", acquisition = "automatic", purposesShown = new[] { "verification" },
                fields = new Dictionary<string, string> { ["sms-phone"] = "090-8888-1212", ["verification-log"] = "2026-11-01 ok" } }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3019");
        var count = await app.InTenantAsync(tenant, (_, db) => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Set<Mamori.Vault.DataSubject>(), Ct));
        count.ShouldBe(0);
    }

    [Fact]
    public async Task DecisionsApi_IntegratorAsksForRole_AnswersWithoutData()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var key = await app.ApiKeyAsync(tenant, Roles.Operator);
        var id = await SmsUserAsync(app, tenant, NewPerson());
        var client = app.Client(apiKey: key.Secret);
        var allowed = await client.PostAsJsonAsync("/api/decisions", new { subjectId = id, purpose = "verification", fields = new[] { "sms-phone" }, roles = new[] { "sms-manager" }, unmasked = true }, Ct);
        var a = await allowed.Content.ReadFromJsonAsync<JsonElement>(Ct);
        a.GetProperty("allowed").GetBoolean().ShouldBeTrue();
        a.GetProperty("fields")[0].GetProperty("unmasked").GetBoolean().ShouldBeTrue();
        var denied = await (await client.PostAsJsonAsync("/api/decisions", new { subjectId = id, purpose = "marketing" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        denied.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        denied.GetProperty("reason").GetString().ShouldBe("purpose-not-for-subject-type");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ReadManyApi_MixedSubjects_ValuesForAllowedReasonsForOthersOneEventEach(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.Operator);
        var people = Enumerable.Range(0, 3).Select(_ => NewPerson()).ToList();
        var ids = new List<Guid>();
        foreach (var p in people) ids.Add(await IspCustomerAsync(app, tenant, p));
        var sms = NewPerson();
        var smsUser = await SmsUserAsync(app, tenant, sms);
        var missing = Guid.NewGuid();
        var before = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == Mamori.Audit.AuditCode.AccessAllowed || e.Code == Mamori.Audit.AuditCode.AccessDenied, Ct));

        var response = await client.PostAsJsonAsync("/api/subjects/read-many",
            new { purpose = "support", subjectIds = ids.Append(missing).Append(smsUser), fields = new[] { "name", "email" } }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("subjects").EnumerateArray().ToList();

        items.Count.ShouldBe(5);
        for (var i = 0; i < 3; i++)
        {
            items[i].GetProperty("id").GetGuid().ShouldBe(ids[i]);
            items[i].GetProperty("allowed").GetBoolean().ShouldBeTrue();
            items[i].GetProperty("fields").GetProperty("email").GetString().ShouldBe(people[i].Email);
        }
        items[3].GetProperty("allowed").GetBoolean().ShouldBeFalse();
        items[3].GetProperty("reason").GetString().ShouldBe("subject-not-found");
        items[4].GetProperty("allowed").GetBoolean().ShouldBeFalse();
        items[4].GetProperty("fields").EnumerateObject().ShouldBeEmpty();
        var after = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == Mamori.Audit.AuditCode.AccessAllowed || e.Code == Mamori.Audit.AuditCode.AccessDenied, Ct));
        (after - before).ShouldBe(5);
    }

    [Fact]
    public async Task ReadManyApi_TooManyOrNoSubjects_400NothingAudited()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.Operator);
        var before = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(Ct));
        var tooMany = Enumerable.Range(0, Mamori.Vault.Subjects.MaxBatchRead + 1).Select(_ => Guid.NewGuid()).ToArray();
        await (await client.PostAsJsonAsync("/api/subjects/read-many", new { purpose = "support", subjectIds = tooMany }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        await (await client.PostAsJsonAsync("/api/subjects/read-many", new { purpose = "support", subjectIds = Array.Empty<Guid>() }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(Ct))).ShouldBe(before);
    }
}
