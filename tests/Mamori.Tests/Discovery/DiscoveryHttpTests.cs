using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;

namespace Mamori.Tests.Discovery;

/// <summary>The Presidio-compatible routes as wired into the server, with authorization.</summary>
public sealed class DiscoveryHttpTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnalyzeAndAnonymize_PresidioShapes_FindAndReplaceJapanesePii()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.Operator);
        const string text = "お問合せ: 山田様 電話 090-1234-5678 メール taro@example.jp";
        var analyze = await client.PostAsync("/api/analyze", new StringContent(JsonSerializer.Serialize(new { text, language = "ja" }), Encoding.UTF8, "application/json"), Ct);
        analyze.StatusCode.ShouldBe(HttpStatusCode.OK, await analyze.Content.ReadAsStringAsync(Ct));
        var results = await analyze.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var entities = results.EnumerateArray().Select(r => r.GetProperty("entity_type").GetString()).ToList();
        entities.ShouldContain("PHONE_NUMBER");
        entities.ShouldContain("EMAIL_ADDRESS");
        var phone = results.EnumerateArray().First(r => r.GetProperty("entity_type").GetString() == "PHONE_NUMBER");
        text[phone.GetProperty("start").GetInt32()..phone.GetProperty("end").GetInt32()].ShouldBe("090-1234-5678");

        var anonymize = await client.PostAsync("/api/anonymize", new StringContent(JsonSerializer.Serialize(new
        {
            text,
            analyzer_results = results,
        }), Encoding.UTF8, "application/json"), Ct);
        anonymize.StatusCode.ShouldBe(HttpStatusCode.OK, await anonymize.Content.ReadAsStringAsync(Ct));
        var anonymized = (await anonymize.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("text").GetString()!;
        anonymized.ShouldNotContain("090-1234-5678");
        anonymized.ShouldNotContain("taro@example.jp");
        anonymized.ShouldStartWith("お問合せ: ");
    }

    [Fact]
    public async Task Analyze_Auditor_Forbidden()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var client = await app.SignedInAsync(tenant.Id, Roles.Auditor);
        var response = await client.PostAsync("/api/analyze", new StringContent("{\"text\":\"x\",\"language\":\"ja\"}", Encoding.UTF8, "application/json"), Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
    }
}
