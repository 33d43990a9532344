using System.Net;
using System.Net.Http.Json;
using Mamori.Auth;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Backbone;

/// <summary>
/// Security review F7, F8, F9: a company's admin could create an account carrying another company's staff address (sign-in
/// is by address across the installation); failed sign-ins left no trace of where they came from; the password rule was
/// length only.
/// </summary>
public sealed class StaffAccountSecurityTests(PostgresCluster cluster)
{
    [Fact]
    public async Task UsersApi_AddressOfAnotherCompany_409UserExistsElsewhere()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var mine = await app.CreateTenantAsync("sakura");
        var other = await app.CreateTenantAsync("other");
        var theirs = await app.UserAsync(other.Id, Roles.Admin);
        var admin = await app.SignedInAsync(mine.Id, Roles.Admin);
        var response = await admin.PostAsJsonAsync("/api/users", new { email = theirs.Email.ToUpperInvariant(), roles = new[] { Roles.Admin }, password = "A long enough passphrase 9" }, Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-1113");
        (await admin.PostAsJsonAsync("/api/users", new { email = "someone.new@sakura.example", roles = new[] { Roles.Admin }, password = "A long enough passphrase 9" }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("Password2026!")]
    [InlineData("123456789012")]
    [InlineData("Qwertyuiop123")]
    [InlineData("P@ssw0rd-2026")]
    public async Task UsersApi_CommonPassword_400WeakPassword(string password)
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var admin = await app.SignedInAsync(tenant, Roles.Admin);
        var problem = await (await admin.PostAsJsonAsync("/api/users", new { email = "new@test.example", roles = new[] { Roles.Operator }, password }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1108");
        problem.GetProperty("detail").GetString()!.ShouldContain("most common");
    }

    [Fact]
    public async Task UsersForm_CommonPassword_SaysSoInJapanese()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var response = await s.PostAsync("/console/users", "/console/users",
            [new("email", "new-staff@test.example"), new("roles", Roles.Operator), new("password", "Password2026!")]);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("その初期パスワードはよく使われるもので、推測されやすいため使えません。 (MAMORI-1108)");
    }

    [Fact]
    public async Task Login_WrongPasswordThenThrottled_LogsClientAddressNotTypedAddress()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var user = await app.UserAsync(tenant, Roles.Operator);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++) await app.LoginAsync(user.Email, "Wrong passphrase 1234");
        (await app.LoginAsync(user.Email, TestApp.Password)).Response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var lines = app.Guard.Lines.Where(l => l.Contains("Sign-in refused", StringComparison.Ordinal)).ToList();
        lines.Count(l => l.Contains("Sign-in refused (MAMORI-1101) from 127.0.0.1", StringComparison.Ordinal)).ShouldBe(LoginThrottle.MaxFailures);
        lines.ShouldContain(l => l.Contains("Sign-in refused (MAMORI-1112) from 127.0.0.1", StringComparison.Ordinal));
        app.Guard.Lines.ShouldNotContain(l => l.Contains(user.Email, StringComparison.OrdinalIgnoreCase));
    }
}
