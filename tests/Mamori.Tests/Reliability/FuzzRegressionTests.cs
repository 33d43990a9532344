using System.Net;
using System.Text;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Reliability;

/// <summary>Bugs the fuzzers found, one test each, named after the bug.</summary>
public sealed class FuzzRegressionTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/users", Roles.Admin)]
    [InlineData("/api/public/consent/choice", null)]
    public async Task Bug_JsonBodyWithUnknownCharset_Was500(string path, string? role)
    {
        // "Content-Type: application/json; charset=bogus" made the JSON reader throw InvalidOperationException
        // (wrapping Encoding's ArgumentException), which the exception handler turned into a 500.
        var (app, tenant, _) = await Console.ConsoleScenario.StartAsync(cluster);
        await using var _ = app;
        var client = role is null ? app.Client() : await app.SignedInAsync(tenant, role);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=bogus");
        var response = await client.PostAsync(path, content, Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "MAMORI-1008");
    }

    [Fact]
    public async Task Bug_UnterminatedMultipartUpload_Was500()
    {
        // A document upload whose multipart body stops before the closing boundary made the form reader throw
        // IOException ("Unexpected end of Stream"), which became a 500.
        var (app, tenant, _) = await Console.ConsoleScenario.StartAsync(cluster);
        await using var _ = app;
        var (_, token) = await Console.ConsoleScenario.RequestAsync(app, tenant);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("--XyZ\r\nContent-Disposition: form-data; name=\"group\"\r\n\r\nidentity\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 abc\r\n"));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=XyZ");
        var response = await app.Client().PostAsync($"/api/requests/status/{token}/documents", content, Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1001");
    }

    [Theory]
    [InlineData("山田 太郎")]
    [InlineData("taro@example.jp")]
    public async Task Bug_UnknownIdEchoedInErrorMessage(string value)
    {
        // "The policy declares no service '…'", "Unknown role '…'", "… no data category '…'" quoted the caller's text;
        // an import CSV without its header line made a person's name the category id, so the name reached stderr.
        var (app, tenant) = await Vault.VaultScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var error = await Should.ThrowAsync<Errors.MamoriException>(app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Vault.Subjects>().CreateAsync(
            new Mamori.Vault.CreateSubjectRequest("customer", "web-form", ["service-provision"], new Dictionary<string, string> { [value] = "x" }, "isp"), Actor.System, Ct)));
        error.Message.ShouldNotContain(value);
        error.Message.ShouldContain(Errors.ErrorText.NotAnId);
        var role = await Should.ThrowAsync<Errors.MamoriException>(app.ApiKeyAsync(tenant, value));
        role.Message.ShouldNotContain(value);
    }

    [Fact]
    public async Task Bug_UndeclaredPurposeText_WrittenToAuditChain()
    {
        // The decision recorded the caller's purpose and field names verbatim: free text (the fuzzer sent a
        // person's name as ?purpose=) ended up in the append-only audit chain. Undeclared ids are now "undeclared".
        var (app, tenant, subject) = await Console.ConsoleScenario.StartAsync(cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, [.. Roles.BuiltIn]);
        var response = await client.GetAsync($"/api/subjects/{subject}?purpose={Uri.EscapeDataString("山田 太郎")}&fields={Uri.EscapeDataString("taro@example.jp")}", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain("taro@example.jp");
        var denied = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.AccessDenied).ToListAsync(Ct));
        denied.ShouldNotBeEmpty();
        denied.ShouldAllBe(e => e.Purpose == AuditIds.Undeclared || e.Purpose == null);
        denied.ShouldAllBe(e => e.Categories == null || !e.Categories.Contains('@'));

        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<AccessDecisions>().DecideAsync(
            new DecisionRequest(subject, "verification", ["sms-phone"], [Roles.Admin]), Actor.System, Ct));
        var allowedOrDenied = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.OrderByDescending(e => e.Sequence).FirstAsync(Ct));
        allowedOrDenied.Purpose.ShouldBe("verification"); // a declared purpose is kept
    }
}
