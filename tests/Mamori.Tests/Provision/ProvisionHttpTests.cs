using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Provision.ProvisionScenario;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Provision;

public sealed class ProvisionHttpTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConsentApi_EvidenceRefFreeText_400NothingRecorded(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.Operator);
        var p = NewPerson();
        var id = await IspCustomerAsync(app, tenant, p);

        // Regression: personal data in the evidence reference was recorded outside the vault and shown in clear on the receipt.
        foreach (var evidenceRef in new[] { "山田太郎 090-1234-5678 の申込書", "form 42", p.Email, new string('a', 201) })
        {
            var refused = await client.PostAsJsonAsync($"/api/subjects/{id}/consents",
                new { scopes = new[] { "provision:carriers" }, action = "grant", method = "paper", evidenceRef }, Ct);
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-4006");
            problem.ToString().ShouldNotContain("山田");
            problem.ToString().ShouldNotContain(p.Email);
        }
        var created = await client.PostAsJsonAsync("/api/subjects", new
        {
            type = "customer", service = "isp", acquisition = "web-form", purposesShown = new[] { "service-provision" },
            fields = new Dictionary<string, string> { ["name"] = p.Name }, consents = new[] { "provision:carriers" }, evidenceRef = "山田太郎の申込書",
        }, Ct);
        await created.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-4006");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Consent.ConsentRecord>().CountAsync(c => c.SubjectId == id, Ct))).ShouldBe(0);

        foreach (var evidenceRef in new[] { "form-2026-11-0042", "dms:/scans/2026/11/0042.pdf#p2", "paper_2026.11" })
        {
            var granted = await client.PostAsJsonAsync($"/api/subjects/{id}/consents",
                new { scopes = new[] { "provision:carriers" }, action = "grant", method = "paper", evidenceRef }, Ct);
            granted.StatusCode.ShouldBe(HttpStatusCode.Created, await granted.Content.ReadAsStringAsync(Ct));
            (await granted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetProperty("evidenceRef").GetString().ShouldBe(evidenceRef);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConsentApi_GrantReceiptWithdraw_NextProvisionRefused(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var operatorClient = await app.SignedInAsync(tenant, Roles.Operator);
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var p = NewPerson();
        var id = await IspCustomerAsync(app, tenant, p);

        var granted = await operatorClient.PostAsJsonAsync($"/api/subjects/{id}/consents",
            new { scopes = new[] { "provision:carriers" }, action = "grant", method = "web-form", evidenceRef = "form-42" }, Ct);
        granted.StatusCode.ShouldBe(HttpStatusCode.Created, await granted.Content.ReadAsStringAsync(Ct));
        var receipt = await granted.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var receiptId = receipt.GetProperty("receipt").GetProperty("id").GetGuid();
        var html = receipt.GetProperty("links").GetProperty("html").GetString()!;
        html.ShouldBe($"/consent/receipts/{receiptId}");

        // The public receipt page: JA and EN, no personal data in its URL or body.
        var page = await app.Client().GetAsync(html, Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        var body = await page.Content.ReadAsStringAsync(Ct);
        body.ShouldContain("同意の控え");
        body.ShouldContain("不払者情報交換に参加する電気通信事業者");
        body.ShouldNotContain(p.Name);
        body.ShouldNotContain(p.Email);
        body.ShouldNotContain(id.ToString());
        (await app.Client().GetStringAsync($"/en/consent/receipts/{receiptId}", Ct)).ShouldContain("Consent receipt");
        (await app.Client().GetAsync($"/consent/receipts/{Guid.NewGuid()}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await officer.GetFromJsonAsync<JsonElement>($"/api/consents/receipts/{receiptId}", Ct)).GetProperty("receipt").GetProperty("evidenceRef").GetString().ShouldBe("form-42");

        var provide = new { recipient = "carriers", basis = "consent", categories = new[] { "name", "phone" }, subjects = new[] { id }, format = "csv" };
        var first = await (await officer.PostAsJsonAsync("/api/provisions", provide, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        first.GetProperty("providedCount").GetInt32().ShouldBe(1);
        first.GetProperty("csv").GetString().ShouldBe($"subject,name,phone\r\n{id},{p.Name},{p.Phone}\r\n");

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        (await operatorClient.PostAsJsonAsync($"/api/subjects/{id}/consents", new { scopes = new[] { "provision:carriers" }, action = "withdraw", method = "oral" }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var now = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/subjects/{id}/consents", Ct);
        now.GetProperty("scopes")[0].GetProperty("granted").GetBoolean().ShouldBeFalse();
        var before = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/subjects/{id}/consents?at={Uri.EscapeDataString(app.Clock.GetUtcNow().AddMilliseconds(-500).ToString("O"))}", Ct);
        before.GetProperty("scopes")[0].GetProperty("granted").GetBoolean().ShouldBeTrue();

        var second = await (await officer.PostAsJsonAsync("/api/provisions", provide, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        second.GetProperty("providedCount").GetInt32().ShouldBe(0);
        second.GetProperty("refused")[0].GetProperty("code").GetString().ShouldBe("MAMORI-4054");

        var records = await officer.GetFromJsonAsync<JsonElement>($"/api/provisions/records?subject={id}", Ct);
        records.GetArrayLength().ShouldBe(1);
        records[0].GetProperty("counterpartyName").GetString().ShouldBe("不払者情報交換に参加する電気通信事業者");
        // The refusal names what the call needs (walkthrough 4, L11): an integrator knows which key to ask for.
        (await (await operatorClient.PostAsJsonAsync("/api/provisions", provide, Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102"))
            .GetProperty("detail").GetString().ShouldBe("Your role does not allow this: it needs the permission 'provide-data', which the role(s) privacy-officer grant.");
        await (await officer.PostAsJsonAsync($"/api/subjects/{id}/consents", new { scopes = new[] { "foreign:icann" }, action = "grant", method = "web-form" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-4000");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task OptOutStop_PublicApi_StopsTheVeryNextProvisionSameAnswerForNoMatch(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var p = NewPerson();
        var id = await OptOutUserAsync(app, tenant, p);
        var other = await OptOutUserAsync(app, tenant, NewPerson());
        (await ProvideAsync(app, tenant, OptOut(id, other))).Provided.Count.ShouldBe(2);

        var stop = await app.Client().PostAsJsonAsync("/api/optout/stop", new { phone = p.Phone }, Ct);
        stop.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var noMatch = await app.Client().PostAsJsonAsync("/api/optout/stop", new { phone = "090-0000-0001" }, Ct);
        noMatch.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await noMatch.Content.ReadAsStringAsync(Ct)).ShouldBe(await stop.Content.ReadAsStringAsync(Ct));

        var next = await ProvideAsync(app, tenant, OptOut(id, other));
        next.Provided.ShouldBe([other]);
        next.Refused.Single().Subject.ShouldBe(id);
        next.Refused.Single().Code.ShouldBe("MAMORI-4052");
        await (await app.Client().PostAsJsonAsync("/api/optout/stop", new { phone = "not a phone" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3003");
    }

    [Fact]
    public async Task OptOutPage_FormWithAntiforgery_StopsByEmailNeverSaysWhetherMatched()
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var p = NewPerson();
        var id = await MemberAsync(app, tenant, p);
        var client = app.Client();
        var get = await client.GetAsync("/optout", Ct);
        var html = await get.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("認証履歴");
        html.ShouldContain("当社の不正登録検知サービスを利用する事業者");
        (await app.Client().GetStringAsync("/en/optout", Ct)).ShouldContain("Ask us to stop providing your data");
        var token = Regex.Match(html, "name=\"__af\" value=\"([^\"]+)\"").Groups[1].Value;
        var cookie = get.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("mamori_af=", StringComparison.Ordinal));

        async Task<(HttpStatusCode, string)> Post(string value, bool withToken = true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/optout")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = withToken ? token : "", ["kind"] = "email", ["value"] = value }),
            };
            request.Headers.Add("Cookie", cookie);
            var response = await client.SendAsync(request, Ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        }
        var (noTokenStatus, _) = await Post(p.Email, withToken: false);
        noTokenStatus.ShouldBe(HttpStatusCode.BadRequest);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().FindAsync([id], Ct).AsTask()))!.ProvisionStopped.ShouldBeFalse();

        var (status, matched) = await Post(p.Email.ToUpperInvariant());
        status.ShouldBe(HttpStatusCode.OK);
        var (_, unmatched) = await Post("nobody@example.jp");
        unmatched.Replace(token, "", StringComparison.Ordinal).ShouldBe(matched.Replace(token, "", StringComparison.Ordinal));
        matched.ShouldNotContain(p.Email, Case.Insensitive);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().FindAsync([id], Ct).AsTask()))!.ProvisionStopped.ShouldBeTrue();
        var (badStatus, _) = await Post("not-an-email");
        badStatus.ShouldBe(HttpStatusCode.BadRequest);
    }

    // Regression (UX review 4, L3): a company-wide opt-out was headed 「当社」, its items note was glued on with a space, and the page
    // promised 「直ちに」 while the policy's own stopOnRequest, shown below, said 「遅滞なく」.
    [Fact]
    public async Task OptOutPage_CompanyWideOptOut_HeadedByCompanyNoteInParenthesesNoOwnPromise()
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var model = Mamori.Policy.PolicyLoader.LoadDirectory(ExamplesDir).Policy!;
        var optOut = model.Services.Select(x => x.OptOut).OfType<Mamori.Policy.OptOutProvision>().First();
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Policy.PolicyStore>().PublishAsync(
            model with { OptOut = optOut, Services = [.. model.Services.Select(x => x with { OptOut = null })] }, new DateOnly(2026, 4, 1), null, Mamori.Audit.Actor.System, Ct));

        var html = await app.Client().GetStringAsync("/optout", Ct);
        html.ShouldContain($"<h2>{model.Company.LegalName!.Ja}</h2>");
        html.ShouldNotContain("<h2>当社</h2>");
        html.ShouldContain($"（{optOut.ItemsNote!.Ja}）</dd>");
        html.ShouldNotContain("直ちに");
        html.ShouldContain(optOut.StopOnRequest!.Ja);
        (await app.Client().GetStringAsync("/en/optout", Ct)).ShouldContain($" ({optOut.ItemsNote!.En})</dd>");
    }

    [Fact]
    public async Task OptOutNoticeCommand_Json_ListsTheNineItems()
    {
        var (app, _) = await ProvisionScenario.StartAsync(Providers.Sqlite, cluster);
        await using var host = app;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Mamori.Cli.MamoriCli.RunAsync(["optout", "notice", "--json", "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir], stdout, stderr);
        code.ShouldBe(0, stderr.ToString());
        var json = JsonDocument.Parse(stdout.ToString()).RootElement;
        var notice = json.GetProperty("notices").EnumerateArray().Single();
        notice.GetProperty("service").GetString().ShouldBe("sms-verify");
        notice.GetProperty("businessName").GetProperty("ja").GetString().ShouldBe("株式会社サクラネット");
        notice.GetProperty("provisionPurpose").GetProperty("ja").GetString().ShouldBe("不正登録検知のための認証履歴の第三者への提供");
        notice.GetProperty("deliveryMethods").GetArrayLength().ShouldBe(4);
        notice.GetProperty("startDate").GetString().ShouldBe("2025-10-01");
        notice.GetProperty("missing").GetArrayLength().ShouldBe(0);
    }
}
