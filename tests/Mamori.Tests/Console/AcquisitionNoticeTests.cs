using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Console;

/// <summary>
/// S-11: a company's own form states the purposes before it collects (Art.21(2)). The public acquisition notice gives the form
/// what to show from the policy in force, and the ids it gives are what the vault takes as purposesShown.
/// </summary>
public sealed class AcquisitionNoticeTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AcquisitionNotice_SignupForm_PurposesItemsConsentScopesAndTheVaultTakesThem(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var visitor = app.Client();

        var response = await visitor.GetAsync("/api/public/notice/acquisition?type=customer&service=isp&acquisition=web-form", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("*");
        var notice = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        notice.GetProperty("policyVersion").GetInt32().ShouldBe(1);
        (notice.GetProperty("subjectTypeName").GetString(), notice.GetProperty("noticeUrl").GetString()).ShouldBe(("お客さま（会員・利用者）", "/privacy/services/isp"));
        var purposes = notice.GetProperty("purposes").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!);
        purposes.Keys.ShouldContain("service-provision");
        purposes.Keys.ShouldNotContain("site-operation"); // collected automatically, not by this form
        purposes.Keys.ShouldNotContain("recruitment"); // for candidates
        var provision = purposes["service-provision"];
        provision.GetProperty("name").GetString().ShouldBe("サービスの提供に伴う本人認証・運用業務・料金等の請求・与信管理");
        provision.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ShouldContain("氏名");
        provision.GetProperty("consentScope").ValueKind.ShouldBe(JsonValueKind.Null);
        var exchange = purposes["nonpayment-exchange"];
        (exchange.GetProperty("consentRequired").GetBoolean(), exchange.GetProperty("consentScope").GetString()).ShouldBe((true, "purpose:nonpayment-exchange"));

        // The form sends back what it showed: the vault takes those ids and that consent scope.
        var operatorClient = await app.SignedInAsync(tenant, Roles.Operator);
        var p = NewPerson();
        var created = await operatorClient.PostAsJsonAsync("/api/subjects", new
        {
            type = "customer", service = "isp", acquisition = "web-form", purposesShown = new[] { "service-provision", "nonpayment-exchange" },
            fields = new Dictionary<string, string> { ["name"] = p.Name, ["email"] = p.Email },
            consents = new[] { exchange.GetProperty("consentScope").GetString() }, consentMethod = "web-form", evidenceRef = "signup-0001",
        }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));

        var english = await visitor.GetFromJsonAsync<JsonElement>("/api/public/notice/acquisition?type=customer&service=isp&lang=en", Ct);
        (english.GetProperty("language").GetString(), english.GetProperty("noticeUrl").GetString()).ShouldBe(("en", "/en/privacy/services/isp"));
        english.GetProperty("purposes").EnumerateArray().Single(x => x.GetProperty("id").GetString() == "service-provision").GetProperty("name").GetString()
            .ShouldBe("Authentication, operations, billing and credit management for the service");
    }

    [Fact]
    public async Task AcquisitionNotice_UnknownTypeServiceOrMethod_400WithItsCode()
    {
        var (app, _) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var visitor = app.Client();
        await (await visitor.GetAsync("/api/public/notice/acquisition", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3004");
        await (await visitor.GetAsync("/api/public/notice/acquisition?type=alien", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3004");
        await (await visitor.GetAsync("/api/public/notice/acquisition?type=customer&service=nowhere", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3009");
        await (await visitor.GetAsync("/api/public/notice/acquisition?type=customer&acquisition=telepathy", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3013");
    }
}
