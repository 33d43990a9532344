using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Backbone;

public sealed class AuthTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Login_WrongPassword_Returns401AndAuditsFailure(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var user = await app.UserAsync(tenant.Id, Roles.Operator);

        var (response, cookie) = await app.LoginAsync(user.Email, "not the password at all");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1101");
        cookie.ShouldBeNull();
        var failed = await app.InTenantAsync(tenant.Id, (_, db) =>
            db.AuditEvents.Where(e => e.Code == AuditCode.LoginFailed).ToListAsync(Ct));
        failed.Count.ShouldBe(1);
        failed[0].TargetId.ShouldBe(user.Id.ToString());
        failed[0].ReasonCode.ShouldBe("wrong-password");
        failed[0].Outcome.ShouldBe(AuditOutcome.Denied);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Login_RightPassword_SetsOpaqueHttpOnlyLaxCookieAndServesApi(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var user = await app.UserAsync(tenant.Id, Roles.Auditor);

        var (response, cookie) = await app.LoginAsync(user.Email.ToUpperInvariant(), TestApp.Password);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith("mamori_session=", StringComparison.Ordinal));
        setCookie.ShouldContain("httponly", Case.Insensitive);
        setCookie.ShouldContain("samesite=lax", Case.Insensitive);
        cookie.ShouldNotBeNull();
        cookie.ShouldNotContain(user.Email);
        cookie.ShouldNotContain(user.Id.ToString());
        var me = await app.Client(cookie).GetFromJsonAsync<JsonElement>("/api/auth/me", Ct);
        me.GetProperty("email").GetString().ShouldBe(user.Email);
        var audit = await app.Client(cookie).GetAsync("/api/audit", Ct);
        audit.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Session_UserDisabled_NextRequestRejected()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var user = await app.UserAsync(tenant.Id, Roles.Operator);
        var client = await app.SignedInAsync(user);
        (await client.GetAsync("/api/auth/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var admin = await app.SignedInAsync(tenant.Id, Roles.Admin);
        (await admin.PostAsync($"/api/users/{user.Id}/disable", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await (await client.GetAsync("/api/auth/me", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1103");
        var revoked = await app.InTenantAsync(tenant.Id, (_, db) => db.Sessions.Where(s => s.UserId == user.Id).ToListAsync(Ct));
        revoked.ShouldAllBe(s => s.RevokedAt != null);
    }

    [Fact]
    public async Task Session_IdleTooLong_Rejected()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.Operator);
        app.Clock.Advance(TimeSpan.FromHours(3));
        await (await client.GetAsync("/api/auth/me", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1103");
    }

    [Fact]
    public async Task Logout_SessionCookie_NoLongerWorks()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.Operator);
        (await client.PostAsync("/api/auth/logout", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await client.GetAsync("/api/auth/me", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1103");
    }

    [Fact]
    public async Task Login_RepeatedFailures_ThrottledEvenWithRightPassword()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var user = await app.UserAsync(tenant.Id, Roles.Operator);
        for (var i = 0; i < 5; i++) (await app.LoginAsync(user.Email, "wrong password " + i)).Response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var (response, _) = await app.LoginAsync(user.Email, TestApp.Password);
        await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-1112");
        app.Clock.Advance(TimeSpan.FromMinutes(16));
        (await app.LoginAsync(user.Email, TestApp.Password)).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Regression: the failures were counted in each server's memory, so every server added five guesses and a restart forgot them.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Login_FailuresThroughOneServer_AnotherServersThrottleRefuses(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var user = await app.UserAsync(tenant.Id, Roles.Operator);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++) (await app.LoginAsync(user.Email, "wrong password " + i)).Response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await app.InTenantAsync(Guid.Empty, async (sp, db) =>
        {
            // What another server on this database would construct: nothing carried over in memory.
            var other = new LoginThrottle(db, sp.GetRequiredService<Mamori.Vault.KeyRingProvider>(), app.Clock);
            var refused = await Should.ThrowAsync<Mamori.Errors.MamoriException>(() => other.EnsureAllowedAsync(user.Email.ToUpperInvariant(), Ct));
            refused.Code.ShouldBe(Mamori.Errors.ErrorCode.LoginRateLimited);
            var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.LoginFailures, Ct);
            rows.Count.ShouldBe(LoginThrottle.MaxFailures);
            rows.ShouldAllBe(r => r.Account.Length == 32, "an HMAC of the address, never the address");
            return 0;
        });
    }

    [Fact]
    public async Task Login_UnknownAddressFailsRepeatedly_ThrottledLikeAnAccountAndOldFailuresPruned()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        await app.CreateTenantAsync();
        for (var i = 0; i < LoginThrottle.MaxFailures; i++) await app.LoginAsync("nobody@test.example", "wrong password " + i);
        // The lockout does not tell an address with an account from one without.
        await (await app.LoginAsync("nobody@test.example", "wrong password")).Response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-1112");
        app.Clock.Advance(LoginThrottle.Window + TimeSpan.FromMinutes(1));
        (await app.LoginAsync("nobody@test.example", "wrong password")).Response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var rows = await app.InTenantAsync(Guid.Empty, (_, db) => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.LoginFailures, Ct));
        rows.ShouldBe(1, "a failure takes the expired ones with it");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ApiKey_Valid_AuthenticatesAndRecordsLastUse(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Auditor);
        (await app.Client(apiKey: key.Secret).GetAsync("/api/audit", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var stored = await app.InTenantAsync(tenant.Id, (_, db) => db.ApiKeys.SingleAsync(k => k.Id == key.Key.Id, Ct));
        stored.LastUsedAt.ShouldNotBeNull();
        stored.SecretHash.ShouldNotBe(System.Text.Encoding.UTF8.GetBytes(key.Secret));
    }

    [Fact]
    public async Task ApiKey_Expired_Returns401WithCode()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Auditor, expiresDays: 1);
        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await (await app.Client(apiKey: key.Secret).GetAsync("/api/audit", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1105");
    }

    [Fact]
    public async Task ApiKey_Revoked_Returns401WithCode()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Auditor);
        var admin = await app.SignedInAsync(tenant.Id, Roles.Admin);
        (await admin.DeleteAsync($"/api/apikeys/{key.Key.Id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await app.Client(apiKey: key.Secret).GetAsync("/api/audit", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1106");
    }

    [Fact]
    public async Task ApiKey_WrongSecretRightPrefix_Returns401()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Auditor);
        var forged = key.Secret[..^4] + "AAAA";
        await (await app.Client(apiKey: forged).GetAsync("/api/audit", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1104");
    }

    [Fact]
    public async Task ApiKey_OwnerDisabled_KeyRevoked()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var user = await app.UserAsync(tenant.Id, Roles.Auditor);
        var key = await app.InTenantAsync(tenant.Id, (sp, _) =>
            sp.GetRequiredService<ApiKeys>().CreateAsync("mine", Roles.Auditor, [], null, user.Id, Actor.User(user.Id), Ct));
        await app.InTenantAsync(tenant.Id, async (sp, _) =>
        {
            var accounts = sp.GetRequiredService<StaffAccounts>();
            await accounts.DisableAsync(await accounts.GetAsync(user.Id, Ct), Actor.System, Ct);
            return 0;
        });
        await (await app.Client(apiKey: key.Secret).GetAsync("/api/audit", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1106");
    }

    [Fact]
    public async Task ApiKeyEndpoint_CreatedSecret_ShownOnceNeverListed()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var admin = await app.SignedInAsync(tenant.Id, Roles.Admin);
        var created = await admin.PostAsJsonAsync("/api/apikeys", new { name = "crm", role = "operator", expiresDays = 30 }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;
        secret.ShouldStartWith("mk_");
        var list = await admin.GetStringAsync("/api/apikeys", Ct);
        list.ShouldNotContain(secret[(secret.IndexOf('_', 3) + 1)..]); // the secret part may itself contain '_'
    }

    [Fact]
    public async Task Password_ChangeWithCurrent_OtherSessionsEnd()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var user = await app.UserAsync(tenant.Id, Roles.Operator);
        var first = await app.SignedInAsync(user);
        var second = await app.SignedInAsync(user);
        var r = await first.PostAsJsonAsync("/api/auth/password", new { currentPassword = TestApp.Password, newPassword = "a much better passphrase 2026" }, Ct);
        r.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await first.GetAsync("/api/auth/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await second.GetAsync("/api/auth/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
