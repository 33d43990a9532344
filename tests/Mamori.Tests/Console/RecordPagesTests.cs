using System.Net;
using System.Net.Http.Json;
using Mamori.Audit;
using Mamori.Provision;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Tests.Provision;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Provision.ProvisionScenario;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Console;

/// <summary>
/// The console's consent and provision pages: a person's ledger and records, a recipient's consents and
/// records, one record, and the CSV export of the Art.29/30 records, each view audited; on every provider.
/// </summary>
public sealed class RecordPagesTests(PostgresCluster cluster)
{
    private const string CarriersJa = "不払者情報交換に参加する電気通信事業者";
    private const string CarriersEn = "Telecommunications carriers taking part in the non-payment exchange";

    private static Task<List<AuditEvent>> EventsAsync(TestApp app, Guid tenant, AuditCode code) =>
        app.InTenantAsync(tenant, (_, db) => db.AuditEvents.AsNoTracking().Where(e => e.Code == code).OrderBy(e => e.Sequence).ToListAsync(Ct));

    private static Task<ProvisionRecordView> ReceiptAsync(TestApp app, Guid tenant, params Guid[] subjects) =>
        In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().RecordReceiptAsync(new ReceiptRequest("名簿販売株式会社", "大阪府大阪市北区1-1",
            "代表取締役 名簿 一郎", "同社がオプトアウト手続により第三者提供を受けて取得", ProvisionBasisKind.OptOut, ["携帯電話番号", "=認証履歴"],
            new DateOnly(2026, 11, 1), subjects, PpcPublication: "個人情報保護委員会 公表 2026-06-01"), Actor.System, Ct));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SubjectPage_ConsentAndProvision_ShowsLedgerAndRecordsAndAuditsView(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var person = await IspCustomerAsync(app, tenant, NewPerson());
        await GrantAsync(app, tenant, person, "provision:carriers");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await GrantAsync(app, tenant, person, "cookies:analytics");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await WithdrawAsync(app, tenant, person, "cookies:analytics");
        var provided = await ProvideAsync(app, tenant, ToCarriers(person));
        var officer = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var client = await app.SignedInAsync(officer);

        var response = await client.GetAsync($"/console/consents/subjects/{person}", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("<html lang=\"ja\">");
        html.ShouldContain("第三者提供: " + CarriersJa);
        html.ShouldContain("Cookie・外部送信: analytics <code class=\"muted\">cookies:analytics</code>");
        html.ShouldContain("撤回");
        html.ShouldContain($"/console/provisions/records/{provided.RecordId}");
        html.ShouldContain($"/console/provisions/export?subject={person}");
        var viewed = (await EventsAsync(app, tenant, AuditCode.ConsentLedgerViewed)).ShouldHaveSingleItem();
        viewed.SubjectId.ShouldBe(person.ToString());
        viewed.ActorId.ShouldBe(officer.Id.ToString());
        viewed.ReasonCode.ShouldBe("consents+provisions");

        var en = await (await client.GetAsync($"/console/consents/subjects/{person}?lang=en", Ct)).Content.ReadAsStringAsync(Ct);
        en.ShouldContain("<html lang=\"en\">");
        en.ShouldContain("Provision to: " + CarriersEn);

        // An operator may read consents but not provision records: the page leaves them out, and says so in the audit event.
        var operatorClient = await app.SignedInAsync(tenant, Roles.Operator);
        var op = await (await operatorClient.GetAsync($"/console/consents/subjects/{person}", Ct)).Content.ReadAsStringAsync(Ct);
        op.ShouldContain(CarriersJa);
        op.ShouldNotContain("/console/provisions/records/");
        (await EventsAsync(app, tenant, AuditCode.ConsentLedgerViewed)).Last().ReasonCode.ShouldBe("consents");

        (await client.GetAsync($"/console/consents/subjects/{Guid.NewGuid()}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var redirect = await app.Client(cookie: client.DefaultRequestHeaders.GetValues("Cookie").Single()).GetAsync($"/console/consents?subject={person}", Ct);
        redirect.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        redirect.Headers.Location!.ToString().ShouldBe($"/console/consents/subjects/{person}");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecipientPage_Carriers_CountsLatestConsentsListsRecordsAndAuditsView(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var granting = await IspCustomerAsync(app, tenant, NewPerson());
        var withdrew = await IspCustomerAsync(app, tenant, NewPerson());
        foreach (var s in new[] { granting, withdrew }) await GrantAsync(app, tenant, s, "provision:carriers");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await WithdrawAsync(app, tenant, withdrew, "provision:carriers");
        var provided = await ProvideAsync(app, tenant, ToCarriers(granting, withdrew));
        provided.Provided.ShouldBe([granting]);
        var client = await app.SignedInAsync(tenant, Roles.Auditor);

        var index = await (await client.GetAsync("/console/provisions", Ct)).Content.ReadAsStringAsync(Ct);
        index.ShouldContain("/console/provisions/recipients/carriers");
        index.ShouldContain(CarriersJa);
        index.ShouldContain("委託先");

        var response = await client.GetAsync("/console/provisions/recipients/carriers", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync(Ct);
        html.ShouldContain($"<h1>{CarriersJa} <code class=\"muted\">carriers</code></h1>");
        // One person grants now, one withdrew: counted by each person's latest entry.
        html.ShouldContain("<td class=\"num\">1</td><td class=\"num\">1</td>");
        html.ShouldContain($"/console/provisions/records/{provided.RecordId}");
        html.ShouldContain("本人の同意");
        var viewed = (await EventsAsync(app, tenant, AuditCode.ProvisionRecordsViewed)).ShouldHaveSingleItem();
        viewed.TargetId.ShouldBe("carriers");
        viewed.Categories.ShouldBe("1");

        (await client.GetAsync("/console/provisions/recipients/nobody", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await (await client.GetAsync("/console/provisions/recipients/carriers?lang=en", Ct)).Content.ReadAsStringAsync(Ct)).ShouldContain(CarriersEn);
    }

    /// <summary>
    /// Regression: the entrustee pages showed 「契約 —」 (only the registry's contract) while the provision check accepted the
    /// policy's. The page shows the contract the check reads, and where it comes from.
    /// </summary>
    [Fact]
    public async Task RecipientPage_EntrusteeWithoutRegistryEntry_ShowsThePolicysContract()
    {
        var (app, tenant, _) = await ConsoleScenario.StartAsync(cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);

        var html = await (await client.GetAsync("/console/provisions/recipients/payment-agent", Ct)).Content.ReadAsStringAsync(Ct);
        html.ShouldContain("<dt>契約</dt><dd>出典: ポリシー（台帳に登録なし） — 秘密保持 ✔ · 監査 ✔ · 再委託は許諾制 ✔ — 契約日 2023-04-01<br>"
            + "<span class=\"ok\">委託による提供はこの契約で確認します。秘密保持と監査の条項があり、有効です。</span></dd>");
        var payroll = await (await client.GetAsync("/console/provisions/recipients/payroll-outsourcer?lang=en", Ct)).Content.ReadAsStringAsync(Ct);
        payroll.ShouldContain("<dt>Contract</dt><dd>Source: Policy (not in the registry) — Confidentiality ✔ · Audit rights ✔ · Re-entrustment only with permission ✔<br>"
            + "<span class=\"ok\">Entrustment is checked against this contract");

        var recipients = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/recipients", Ct);
        var contract = recipients.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "payment-agent").GetProperty("contract");
        contract.GetProperty("source").GetString().ShouldBe("policy");
        contract.GetProperty("signedOn").GetString().ShouldBe("2023-04-01");
    }

    /// <summary>Once the registry has an entry, its contract decides: the page says so, and says when it allows no entrustment.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecipientPage_EntrusteeInRegistry_ShowsTheRegistrysContractAndWhetherItAllowsEntrustment(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        var client = await app.SignedInAsync(tenant, Roles.Auditor);
        Task<ProvisionResult> Entrust() => ProvideAsync(app, tenant, new ProvisionRequest("payment-agent", ProvisionBasisKind.Entrustment, ["name"], [customer]));

        await In(app, tenant, sp => sp.GetRequiredService<RecipientRegistry>().SaveProfileAsync("payment-agent",
            new RecipientProfileRequest(RecipientKind.Entrustee, "さくら決済サービス株式会社", "東京都千代田区", "代表取締役 佐藤", Confidentiality: true, AuditClause: false,
                ContractStart: new DateOnly(2024, 4, 1), ContractRef: "委-2024-07"), Actor.System, Ct));
        var html = await (await client.GetAsync("/console/provisions/recipients/payment-agent", Ct)).Content.ReadAsStringAsync(Ct);
        html.ShouldContain("<dt>契約</dt><dd>出典: 台帳 — 秘密保持 ✔ · 監査 ✖ · 再委託は許諾制 ✖ — 参照番号 委-2024-07 · 契約期間 2024-04-01から<br><strong class=\"error\">");
        html.ShouldContain("委託による提供はできません。");
        (await Should.ThrowAsync<Mamori.Errors.MamoriException>(Entrust())).Code.ShouldBe(Mamori.Errors.ErrorCode.EntrusteeContractMissing);

        await In(app, tenant, sp => sp.GetRequiredService<RecipientRegistry>().SaveProfileAsync("payment-agent",
            new RecipientProfileRequest(RecipientKind.Entrustee, "さくら決済サービス株式会社", "東京都千代田区", "代表取締役 佐藤", Confidentiality: true, AuditClause: true,
                ContractStart: new DateOnly(2024, 4, 1), ContractRef: "委-2024-07"), Actor.System, Ct));
        html = await (await client.GetAsync("/console/provisions/recipients/payment-agent", Ct)).Content.ReadAsStringAsync(Ct);
        html.ShouldContain("<dt>契約</dt><dd>出典: 台帳 — 秘密保持 ✔ · 監査 ✔ · 再委託は許諾制 ✖ — 参照番号 委-2024-07 · 契約期間 2024-04-01から<br><span class=\"ok\">");
        (await Entrust()).Provided.ShouldBe([customer]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordPage_Receipt_ShowsArt30ItemsAndListedPersonsAndAuditsView(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var person = await IspCustomerAsync(app, tenant, NewPerson());
        var receipt = await ReceiptAsync(app, tenant, person);
        var client = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);

        var html = await (await client.GetAsync($"/console/provisions/records/{receipt.Id}", Ct)).Content.ReadAsStringAsync(Ct);
        html.ShouldContain("受領（法30条）");
        html.ShouldContain("名簿販売株式会社");
        html.ShouldContain("大阪府大阪市北区1-1");
        html.ShouldContain("同社がオプトアウト手続により第三者提供を受けて取得");
        html.ShouldContain("個人情報保護委員会 公表 2026-06-01");
        html.ShouldContain($"/console/consents/subjects/{person}");
        var viewed = (await EventsAsync(app, tenant, AuditCode.ProvisionRecordsViewed)).ShouldHaveSingleItem();
        viewed.TargetId.ShouldBe(receipt.Id.ToString());
        (await client.GetAsync($"/console/provisions/records/{Guid.NewGuid()}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordPage_ConsentAndLegalException_ReadInJapaneseWithApiIds(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var person = await IspCustomerAsync(app, tenant, NewPerson());
        await GrantAsync(app, tenant, person, "provision:carriers");
        var consent = await ProvideAsync(app, tenant, ToCarriers(person));
        var law = await ProvideAsync(app, tenant, new ProvisionRequest("authorities", ProvisionBasisKind.LegalException, ["name"], [person],
            Mamori.Access.LegalException.Law, "刑事訴訟法第197条第2項に基づく照会"));
        // A record written before the API's ids were stored kept the enum member.
        await app.InTenantAsync(tenant, (_, db) => db.Set<ProvisionRecord>().Where(r => r.Id == law.RecordId).ExecuteUpdateAsync(u => u.SetProperty(r => r.LegalException, "Law"), Ct));
        var client = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);

        // Regression: the record read 「consent ledger: provision:carriers or foreign:carriers held for each subject at 2026-…Z」
        // (English, UTC, and a foreign scope for a recipient in Japan), 「例外の種類 Law」 and 「記録者 System」.
        var jst = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), Mamori.Policy.PolicyStore.Jst).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var html = await (await client.GetAsync($"/console/provisions/records/{consent.RecordId}", Ct)).Content.ReadAsStringAsync(Ct);
        html.ShouldContain($"<dd>同意台帳により、提供時点（{jst} JST）に各本人の同意（provision:carriers）があることを確認</dd>");
        html.ShouldContain("<dt>記録者</dt><dd>システム</dd>");
        var exception = await (await client.GetAsync($"/console/provisions/records/{law.RecordId}", Ct)).Content.ReadAsStringAsync(Ct);
        exception.ShouldContain("<dt>例外の種類</dt><dd>法令に基づく場合</dd>");
        (await (await client.GetAsync($"/console/provisions/records/{law.RecordId}?lang=en", Ct)).Content.ReadAsStringAsync(Ct)).ShouldContain("<dd>Required by law</dd>");

        var record = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/provisions/records/{law.RecordId}", Ct);
        record.GetProperty("legalException").GetString().ShouldBe("law");
        var csv = await (await client.GetAsync($"/console/provisions/export?subject={person}", Ct)).Content.ReadAsStringAsync(Ct);
        csv.ShouldContain(",law,刑事訴訟法第197条第2項に基づく照会,");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Export_Filters_CsvHoldsEveryRequiredItemAndIsAudited(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var person = await IspCustomerAsync(app, tenant, NewPerson());
        var other = await IspCustomerAsync(app, tenant, NewPerson());
        await GrantAsync(app, tenant, person, "provision:carriers");
        var provided = await ProvideAsync(app, tenant, ToCarriers(person));
        app.Clock.Advance(TimeSpan.FromDays(1));
        var receipt = await ReceiptAsync(app, tenant, other);
        var client = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);

        var all = await client.GetAsync("/console/provisions/export", Ct);
        all.StatusCode.ShouldBe(HttpStatusCode.OK);
        all.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        all.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldStartWith("provision-records-all-");
        var bytes = await all.Content.ReadAsByteArrayAsync(Ct);
        bytes[..3].ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF }, "a byte-order mark, so spreadsheets read the Japanese");
        var lines = System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        // Regression (auditor walkthrough): the file had English column ids only, and said neither its period nor when or by whom it was made.
        lines[0].ShouldStartWith("第三者提供・受領の記録（個人情報保護法第29条・第30条）,");
        lines[1].ShouldBe("対象期間（日本時間）,全期間");
        lines[2].ShouldBe("絞り込み,なし");
        lines[3].ShouldMatch(@"^出力日時（日本時間）,2026-11-2\d \d\d:\d\d$");
        lines[4].ShouldMatch(@"^出力者,privacy-officer-[0-9a-f]{32}@test\.example$");
        lines[5].ShouldBe("件数,2");
        lines[6].ShouldStartWith("記録ID (record_id),提供・受領 (direction),根拠 (basis),提供・受領の日時（日本時間） (at_jst),");
        lines[6].ShouldBe(string.Join(',', RecordRegister.Header.Select(h => $"{h.Ja} ({h.Id})")));
        lines.Length.ShouldBe(9);
        // Oldest first: the receipt (received 2026-11-01) before the provision (2026-11-23).
        var receiptLine = lines[7];
        receiptLine.ShouldStartWith($"{receipt.Id},received,opt-out,2026-11-01T00:00:00+09:00,,名簿販売株式会社,大阪府大阪市北区1-1,代表取締役 名簿 一郎,,携帯電話番号 =認証履歴,1,{other},");
        receiptLine.ShouldContain("個人情報保護委員会 公表 2026-06-01");
        receiptLine.ShouldContain("同社がオプトアウト手続により第三者提供を受けて取得");
        var providedLine = lines[8];
        providedLine.ShouldStartWith($"{provided.RecordId},provided,consent,2026-11-2");
        providedLine.ShouldContain($",carriers,{CarriersJa},");
        providedLine.ShouldContain($",name phone,1,{person},");
        providedLine.ShouldEndWith(",System");
        var byRecipient = await (await client.GetAsync("/console/provisions/export?recipient=carriers", Ct)).Content.ReadAsStringAsync(Ct);
        byRecipient.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(8);
        byRecipient.ShouldContain("\r\n絞り込み,提供先・提供元: carriers\r\n");
        byRecipient.ShouldContain(provided.RecordId!.Value.ToString());
        var bySubject = await (await client.GetAsync($"/console/provisions/export?subject={other}", Ct)).Content.ReadAsStringAsync(Ct);
        bySubject.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(8);
        bySubject.ShouldContain(receipt.Id.ToString());
        var byDay = await (await client.GetAsync("/console/provisions/export?from=2026-11-01&to=2026-11-01", Ct)).Content.ReadAsStringAsync(Ct);
        byDay.ShouldContain(receipt.Id.ToString());
        byDay.ShouldContain("\r\n対象期間（日本時間）,2026-11-01〜2026-11-01\r\n");
        byDay.ShouldNotContain(provided.RecordId!.Value.ToString());

        var exports = await EventsAsync(app, tenant, AuditCode.ProvisionRecordsExported);
        exports.Select(e => (e.ReasonCode, e.Categories)).ShouldBe([("all", "2"), ("recipient", "1"), ("subject", "1"), ("all", "1")]);
        exports[2].SubjectId.ShouldBe(other.ToString());

        var bad = await client.GetAsync("/console/provisions/export?from=2026-11-02&to=2026-11-01", Ct);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(Ct)).ShouldContain("MAMORI-1450");
        (await client.GetAsync("/console/provisions/export?from=11/01/2026", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await EventsAsync(app, tenant, AuditCode.ProvisionRecordsExported)).Count.ShouldBe(4, "a refused export writes nothing");

        var operatorClient = await app.SignedInAsync(tenant, Roles.Operator);
        (await operatorClient.GetAsync("/console/provisions/export", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    /// <summary>A refused export says what is wrong in the page's language, with the code as other console forms give it, and keeps the period typed.</summary>
    [Theory]
    [InlineData("from=2026-12-08&to=2026-12-01", "開始日が終了日より後になっています。開始日は終了日と同じか、それより前の日にしてください。 (MAMORI-1450)")]
    [InlineData("from=2026-12-08&to=2026-12-01&lang=en", "The start day is after the end day; choose a start on or before the end. (MAMORI-1450)")]
    [InlineData("from=12/08/2026", "開始日を年月日で入力してください（例: 2026-04-01）。 (MAMORI-1450)")]
    [InlineData("to=2026-12-32&lang=en", "The end day is a date, e.g. 2026-04-01. (MAMORI-1450)")]
    public async Task Export_InvalidFilter_SaysWhyInPageLanguageWithCode(string query, string message)
    {
        var (app, tenant, _) = await ConsoleScenario.StartAsync(cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var response = await client.GetAsync("/console/provisions/export?" + query, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        html.ShouldContain($"<p class=\"error\" role=\"alert\">{message}</p>");
        html.ShouldNotContain("[MAMORI-");
        if (query.StartsWith("from=2026-12-08", StringComparison.Ordinal))
        {
            html.ShouldContain("""name="from" type="date" value="2026-12-08">""");
            html.ShouldContain("""name="to" type="date" value="2026-12-01">""");
        }
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+81", "\"'+81\"")]
    [InlineData("@SUM", "\"'@SUM\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("", "")]
    public void Cell_TextOrFormula_QuotedSoSpreadsheetsShowIt(string value, string expected) =>
        RecordRegister.Cell(value).ShouldBe(expected);

    // Security review F11: the provided-data CSV let a tab or CR start through, which the register's export guards.
    [Theory]
    [InlineData("\t=cmd", "\"'\t=cmd\"")]
    [InlineData("\r=cmd", "\"'\r=cmd\"")]
    [InlineData("=cmd", "\"'=cmd\"")]
    public void ProvisionCsv_FormulaStart_QuotedAsTheRegisterDoes(string value, string expected)
    {
        var subject = Guid.NewGuid();
        var csv = new Mamori.Provision.ProvisionResult(null, [subject], [], ["name"], [new(subject, new Dictionary<string, string> { ["name"] = value })]).ToCsv();
        csv.ShouldBe($"subject,name\r\n{subject},{expected}\r\n");
    }
}
