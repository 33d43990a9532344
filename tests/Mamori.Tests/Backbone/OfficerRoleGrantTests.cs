using System.Net;
using System.Net.Http.Json;
using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Backbone;

/// <summary>
/// Security review (separation of duties): an admin could mint a privacy-officer API key, or an account with that role, and so
/// read every person's data their own role keeps from them. Only a privacy officer grants the role now, to users and keys
/// alike; the operator's command line still can (the first officer). The admin role, likewise, only by an admin.
/// </summary>
public sealed class OfficerRoleGrantTests(PostgresCluster cluster)
{
    private const string Password = "A long enough passphrase 9";

    [Fact]
    public async Task ApiKeysAndUsersApi_AdminGrantsOfficerRole_403NamingTheRule()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var admin = await app.SignedInAsync(tenant, Roles.Admin);

        var key = await (await admin.PostAsJsonAsync("/api/apikeys", new { name = "officer-key", role = Roles.PrivacyOfficer }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1117");
        key.GetProperty("detail").GetString()!.ShouldContain("Only a privacy officer grants the privacy-officer role");
        await (await admin.PostAsJsonAsync("/api/users", new { email = "officer@test.example", roles = new[] { Roles.Operator, Roles.PrivacyOfficer }, password = Password }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1117");
        (await app.InTenantAsync(tenant, (_, db) => Task.FromResult(db.ApiKeys.Count(k => k.Role == Roles.PrivacyOfficer) + db.Users.Count(u => u.Email == "officer@test.example"))))
            .ShouldBe(0);

        // The admin's other work is unchanged.
        (await admin.PostAsJsonAsync("/api/apikeys", new { name = "operator-key", role = Roles.Operator }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await admin.PostAsJsonAsync("/api/users", new { email = "operator@test.example", roles = new[] { Roles.Operator }, password = Password }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ApiKeysApi_AdminKeyMintsOfficerKey_403()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var adminKey = await app.ApiKeyAsync(tenant, Roles.Admin);
        var client = app.Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey.Secret);
        await (await client.PostAsJsonAsync("/api/apikeys", new { name = "officer-key", role = Roles.PrivacyOfficer }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1117");
    }

    [Fact]
    public async Task ApiKeysAndUsersApi_AdminWhoIsOfficer_GrantsOfficerRole()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var officerAdmin = await app.SignedInAsync(tenant, Roles.Admin, Roles.PrivacyOfficer);
        (await officerAdmin.PostAsJsonAsync("/api/apikeys", new { name = "officer-key", role = Roles.PrivacyOfficer }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await officerAdmin.PostAsJsonAsync("/api/users", new { email = "officer@test.example", roles = new[] { Roles.PrivacyOfficer }, password = Password }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    /// <summary>
    /// Regression: a privacy officer who was not also an admin could not issue, list or revoke any API key (MAMORI-1102), so an
    /// officer's key needed someone holding both roles. The officer supervises access: lists, revokes and issues keys for the
    /// roles they oversee; an admin key stays with admins.
    /// </summary>
    [Fact]
    public async Task ApiKeysApi_OfficerWithoutAdmin_IssuesListsRevokesButNoAdminKey()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        foreach (var role in new[] { Roles.PrivacyOfficer, Roles.Operator, Roles.Auditor })
            (await officer.PostAsJsonAsync("/api/apikeys", new { name = $"{role}-key", role }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var refused = await (await officer.PostAsJsonAsync("/api/apikeys", new { name = "admin-key", role = Roles.Admin }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1123");
        refused.GetProperty("detail").GetString()!.ShouldContain("Only an admin grants the admin role");

        var adminsKey = await app.ApiKeyAsync(tenant, Roles.Admin);
        var listed = await officer.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/apikeys", Ct);
        listed.EnumerateArray().Select(k => k.GetProperty("role").GetString()).ShouldBe(
            [Roles.PrivacyOfficer, Roles.Operator, Roles.Auditor, Roles.Admin], ignoreOrder: true);
        // Supervising access includes ending it: the officer revokes an admin's key (an incident cannot wait for the admin).
        (await officer.DeleteAsync($"/api/apikeys/{adminsKey.Key.Id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await app.InTenantAsync(tenant, (_, db) => Task.FromResult(db.ApiKeys.Count(k => k.Role == Roles.Admin && k.RevokedAt == null)))).ShouldBe(0);

        // Staff accounts stay with admins.
        await (await officer.PostAsJsonAsync("/api/users", new { email = "operator@test.example", roles = new[] { Roles.Operator }, password = Password }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
    }

    [Fact]
    public async Task ApiKeysApi_OfficerKeyMintsAdminKey_403()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var officerKey = await app.ApiKeyAsync(tenant, Roles.PrivacyOfficer);
        var client = app.Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", officerKey.Secret);
        await (await client.PostAsJsonAsync("/api/apikeys", new { name = "admin-key", role = Roles.Admin }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1123");
        (await client.PostAsJsonAsync("/api/apikeys", new { name = "operator-key", role = Roles.Operator }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ApiKeysConsole_OfficerWithoutAdmin_OffersOwnRolesAndRefusesAdminInJapanese()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var page = await s.GetStringAsync("/console/apikeys");
        page.ShouldContain($"<option value=\"{Roles.PrivacyOfficer}\"");
        page.ShouldContain($"<option value=\"{Roles.Operator}\"");
        page.ShouldNotContain($"<option value=\"{Roles.Admin}\"");
        (await s.PostAsync("/console/apikeys", "/console/apikeys", [new("name", "dpo-export"), new("role", Roles.PrivacyOfficer)])).StatusCode.ShouldBe(HttpStatusCode.OK);
        var admin = await s.PostAsync("/console/apikeys", "/console/apikeys", [new("name", "admin-key"), new("role", Roles.Admin)]);
        admin.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await admin.Content.ReadAsStringAsync(Ct)).ShouldContain("管理者の役割を付与できるのは管理者だけです。");

        // An admin alone is offered no officer key.
        var adminSession = await SessionAsync(app, tenant, Roles.Admin);
        var adminPage = await adminSession.GetStringAsync("/console/apikeys");
        adminPage.ShouldContain($"<option value=\"{Roles.Admin}\"");
        adminPage.ShouldNotContain($"<option value=\"{Roles.PrivacyOfficer}\"");
    }

    // Regression (review): the users page offered an admin who is not a privacy officer the officer's check box, which could only
    // be refused (403, MAMORI-1117); docs/console.md says it offers the roles the signed-in person may grant, as the keys page does.
    [Fact]
    public async Task UsersConsole_AdminWithoutOfficer_OffersOnlyTheRolesTheyMayGrant()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var admin = await (await SessionAsync(app, tenant, Roles.Admin)).GetStringAsync("/console/users");
        foreach (var role in new[] { Roles.Admin, Roles.Operator, Roles.Auditor, Roles.ExternalAuditor })
            admin.ShouldContain($"""<input type="checkbox" name="roles" value="{role}">""");
        admin.ShouldNotContain($"""value="{Roles.PrivacyOfficer}">""");

        // An admin who is also the privacy officer grants both.
        var both = await (await SessionAsync(app, tenant, Roles.Admin, Roles.PrivacyOfficer)).GetStringAsync("/console/users");
        both.ShouldContain($"""<input type="checkbox" name="roles" value="{Roles.PrivacyOfficer}">""");
    }

    [Fact]
    public async Task ConsoleForms_AdminGrantsOfficerRole_SaysSoInJapanese()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var key = await s.PostAsync("/console/apikeys", "/console/apikeys", [new("name", "officer-key"), new("role", Roles.PrivacyOfficer)]);
        key.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await key.Content.ReadAsStringAsync(Ct)).ShouldContain("個人情報保護管理者の役割を付与できるのは個人情報保護管理者だけです。");
        var user = await s.PostAsync("/console/users", "/console/users",
            [new("email", "officer@test.example"), new("roles", Roles.PrivacyOfficer), new("password", Password)]);
        user.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await user.Content.ReadAsStringAsync(Ct)).ShouldContain("個人情報保護管理者に作成を依頼してください。 (MAMORI-1117)");
    }

    /// <summary>
    /// The external auditor (外部監査人) reads the company's whole management system: only an admin or a privacy officer lets someone
    /// from outside in. Every path to a new user or key is an admin's or an officer's today, except the command line with the
    /// --actor of someone else, which now says so.
    /// </summary>
    [Fact]
    public async Task ExternalAuditorRole_GrantedByAdminOrOfficerOnly_6055Otherwise()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var admin = await app.SignedInAsync(tenant, Roles.Admin);
        (await admin.PostAsJsonAsync("/api/users", new { email = "kansa@audit-firm.example", roles = new[] { Roles.ExternalAuditor }, password = Password }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        (await officer.PostAsJsonAsync("/api/apikeys", new { name = "audit-firm", role = Roles.ExternalAuditor }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var auditor = await app.UserAsync(tenant, Roles.Auditor);
        var user = await Should.ThrowAsync<Mamori.Errors.MamoriException>(() => app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<StaffAccounts>()
            .AddAsync("other@audit-firm.example", [Roles.ExternalAuditor], Password, Actor.User(auditor.Id), Ct)));
        user.Code.ShouldBe(Mamori.Errors.ErrorCode.ExternalAuditorGrantedByOfficerOrAdmin);
        user.Status.ShouldBe(403);
        var key = await Should.ThrowAsync<Mamori.Errors.MamoriException>(() => app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ApiKeys>()
            .CreateAsync("other-firm", Roles.ExternalAuditor, [], null, null, Actor.User(auditor.Id), Ct)));
        key.Code.ShouldBe(Mamori.Errors.ErrorCode.ExternalAuditorGrantedByOfficerOrAdmin);
        (await app.InTenantAsync(tenant, (_, db) => Task.FromResult(db.Users.Count(u => u.Email == "other@audit-firm.example") + db.ApiKeys.Count(k => k.Name == "other-firm"))))
            .ShouldBe(0);

        // The console offers the role by its name to both.
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        (await s.GetStringAsync("/console/apikeys")).ShouldContain($"<option value=\"{Roles.ExternalAuditor}\">外部監査人 (external-auditor)</option>");
        var adminSession = await SessionAsync(app, tenant, Roles.Admin);
        (await adminSession.GetStringAsync("/console/users")).ShouldContain($"value=\"{Roles.ExternalAuditor}\"> 外部監査人 (external-auditor)</label>");
    }

    [Fact]
    public async Task Cli_OperatorWithoutActor_GrantsOfficerRole()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var created = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ApiKeys>()
            .CreateAsync("cli-officer", Roles.PrivacyOfficer, [], null, null, Actor.Cli("root"), Ct));
        created.Key.Role.ShouldBe(Roles.PrivacyOfficer);
    }
}
