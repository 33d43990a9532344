using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mamori.Consent;
using Mamori.Policy;
using Mamori.Policy.Rendering;
using Mamori.Provision;
using Mamori.Requests;
using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// Regression tests from a walkthrough of a person's formal answer (APPI Art.33): periods, document ages, kept items and
/// their dates read as the privacy notice reads them — 「契約終了日から7年」, 「発行から1か月以内のもの」, category names, days
/// in Japan time — never ISO-8601 periods, category ids or UTC days.
/// </summary>
public sealed class AnswerWordingTests(PostgresCluster cluster)
{
    // 18:48 UTC is 03:48 the next day in Japan: a hold computed from here ends on a different day in UTC and in JST.
    private static readonly DateTimeOffset LateUtcEvening = new(2026, 12, 6, 18, 48, 0, TimeSpan.Zero);

    private static async Task<(RequestScenario S, Guid Request, Guid Subject)> VerifiedIspCustomerAsync(string provider, PostgresCluster cluster, string kind,
        string language = "ja")
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await s.SetTimeAsync(LateUtcEvening);
        var p = NewPerson();
        var subject = await IspCustomerAsync(s.App, s.Tenant, p);   // name/email/phone held P7Y under 法人税法; inquiry P1Y
        var (id, _, _) = await s.LetterAsync(kind, p, new { language });
        await s.PostAsync(id, "start");
        await s.CheckIdentityDocumentsAsync(id, RequestScenario.Today(s.App));
        var verified = await s.PostAsync(id, "verify");
        if (verified.GetProperty("status").GetString() == "awaiting-payment") await s.PostAsync(id, "payment", new { reference = "bank-0001" });
        return (s, id, subject);
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return body;
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Disclosure_PurposeRetention_ReadsAsThePrivacyNotice(string provider)
    {
        var (s, id, _) = await VerifiedIspCustomerAsync(provider, cluster, "disclosure");
        await using var _ = s.App;
        await s.PostAsync(id, "execute");
        const string contract = "契約終了日から7年（法人税法（帳簿書類の保存）により7年は保存します）";
        const string calls = "録音日から1年";

        var html = Encoding.UTF8.GetString(await s.AnswerAsync(id, "html"));
        html.ShouldContain($"<td>{contract}</td>");
        html.ShouldContain($"<td>{calls}</td>");
        html.ShouldNotContain("P7Y", Case.Sensitive);
        html.ShouldNotContain("P1Y", Case.Sensitive);
        html.ShouldNotContain("起算");

        var preview = await PageAsync(s.Staff, $"/console/requests/{id}/preview");
        preview.ShouldContain(contract);
        preview.ShouldNotContain("P7Y", Case.Sensitive);

        // JSON: the machine form stays for integrators; the readable text (Japanese, English) beside it.
        var json = RequestScenario.Json(Encoding.UTF8.GetString(await s.AnswerAsync(id, "json")));
        var purpose = json.GetProperty("subjects")[0].GetProperty("purposes").EnumerateArray().Single(x => x.GetProperty("id").GetString() == "service-provision");
        purpose.GetProperty("retention").GetString().ShouldBe("P7Y（起算：契約終了日）／法定保存：法人税法（帳簿書類の保存） P7Y");
        purpose.GetProperty("retentionText").GetProperty("ja").GetString().ShouldBe(contract);
        purpose.GetProperty("retentionText").GetProperty("en").GetString().ShouldBe("7 years from the end of the contract (kept at least 7 years under the Corporation Tax Act (keeping books))");
    }

    /// <summary>The person consented on a web form to the non-payment exchange purpose and on paper to providing to its carriers, which then received their name and phone.</summary>
    private static Task ConsentedAndProvidedAsync(RequestScenario s, Guid subject) => s.App.InTenantAsync(s.Tenant, async (sp, _) =>
    {
        var consents = sp.GetRequiredService<Consents>();
        await consents.RecordAsync(subject, new RecordConsentRequest(["purpose:nonpayment-exchange"], true, ConsentMethod.WebForm), Actor.System, Ct);
        await consents.RecordAsync(subject, new RecordConsentRequest(["provision:carriers"], true, ConsentMethod.Paper), Actor.System, Ct);
        (await sp.GetRequiredService<Provisions>().ProvideAsync(new ProvisionRequest("carriers", ProvisionBasisKind.Consent, ["name", "phone"], [subject]),
            [Roles.PrivacyOfficer], Actor.System, Ct)).Provided.ShouldBe([subject]);
        return true;
    });

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Disclosure_ConsentsAndProvisions_ByNameNotScopeOrEnumIds(string provider)
    {
        var (s, id, subject) = await VerifiedIspCustomerAsync(provider, cluster, "disclosure");
        await using var _ = s.App;
        await ConsentedAndProvidedAsync(s, subject);
        await s.PostAsync(id, "execute");

        var html = Encoding.UTF8.GetString(await s.AnswerAsync(id, "html"));
        html.ShouldContain("<td>利用目的：携帯電話等の不払者情報の交換における対象事業者間での情報交換</td><td>同意</td><td>Webフォーム</td>");
        html.ShouldContain("<td>第三者提供：不払者情報交換に参加する電気通信事業者</td><td>同意</td><td>書面</td>");
        html.ShouldContain("<td>氏名、電話番号</td><td>本人の同意</td>");
        foreach (var raw in new[] { "purpose:nonpayment-exchange", "provision:carriers", "WebForm", ">Paper<", ">consent<", ">name, phone<" }) html.ShouldNotContain(raw, Case.Sensitive);
        html.ShouldNotContain("English rendering"); // a request made in Japanese is answered in Japanese

        var preview = await PageAsync(s.Staff, $"/console/requests/{id}/preview");
        preview.ShouldContain("第三者提供：不払者情報交換に参加する電気通信事業者");
        preview.ShouldNotContain("provision:carriers");

        // JSON: the recorded scope and method stay for integrators; the names beside them.
        var json = RequestScenario.Json(Encoding.UTF8.GetString(await s.AnswerAsync(id, "json")));
        var consent = json.GetProperty("subjects")[0].GetProperty("consents").EnumerateArray().Single(c => c.GetProperty("scope").GetString() == "provision:carriers");
        consent.GetProperty("method").GetString().ShouldBe("Paper");
        consent.GetProperty("scopeName").GetProperty("ja").GetString().ShouldBe("第三者提供：不払者情報交換に参加する電気通信事業者");
        consent.GetProperty("methodName").GetProperty("en").GetString().ShouldBe("Paper");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Disclosure_RequestMadeInEnglish_EnglishRenderingFollowsTheJapanese(string provider)
    {
        var (s, id, subject) = await VerifiedIspCustomerAsync(provider, cluster, "disclosure", language: "en");
        await using var _ = s.App;
        await ConsentedAndProvidedAsync(s, subject);
        await s.PostAsync(id, "execute");

        var html = Encoding.UTF8.GetString(await s.AnswerAsync(id, "html"));
        var english = html.IndexOf("<section lang=\"en\">", StringComparison.Ordinal);
        english.ShouldBeGreaterThan(html.IndexOf("<h1>保有個人データ開示書</h1>", StringComparison.Ordinal));
        html.IndexOf("<h1>保有個人データ開示書</h1>", StringComparison.Ordinal).ShouldBeGreaterThan(0);
        var en = html[english..];
        en.ShouldContain("the Japanese text prevails");
        en.ShouldContain("<h1>Disclosure of retained personal data</h1>");
        en.ShouldContain("<td>Provision to a third party: Telecommunications carriers taking part in the non-payment exchange</td><td>Given</td><td>Paper</td>");
        en.ShouldContain("<td>Name, Phone number</td><td>Consent</td>");
        en.ShouldContain("<td>7 years from the end of the contract (kept at least 7 years under the Corporation Tax Act (keeping books))</td>");
        en.ShouldContain("<td>Email address</td>");
        en.ShouldNotContain("保有個人データ開示書");
    }

    [Fact]
    public void DisclosureLines_RequestMadeInEnglish_PdfHasTheEnglishRenderingAfterTheJapanese()
    {
        var consent = new PackageConsent("provision:carriers", true, LateUtcEvening, 1, "Paper", false,
            new LocalizedText("第三者提供：通信事業者", "Provision to a third party: Carriers"), ConsentMethods.Name(ConsentMethod.Paper));
        var record = new PackageProvision(LateUtcEvening, "通信事業者", "provided", ["name"], "consent", new LocalizedText("氏名", "Name"), Provisions.BasisName("consent"));
        var subject = new PackageSubject(Guid.NewGuid(), "お客さま", null, "Webフォーム", LateUtcEvening, 1, false, false, false, [], [], [consent], [record], [],
            "Customer", null, "Web form");
        var package = new DisclosurePackage(DisclosurePackage.FormatId, "R-TEST-0001", RequestKind.Disclosure, LateUtcEvening, "2026-12-07", "テスト株式会社",
            null, null, PackageSections.Consents | PackageSections.ProvisionRecords, true, [subject], [], "Test Inc.");

        var japanese = DisclosureHtml.Lines(package).Select(l => l.Text).ToList();
        japanese.ShouldContain("2026-12-07 03:48　第三者提供：通信事業者　同意　書面");
        japanese.ShouldContain("2026-12-07 03:48　通信事業者　氏名　本人の同意");
        japanese.ShouldNotContain(l => l.Contains("Paper") || l.Contains("provision:"));

        var both = DisclosureHtml.Lines(package, english: true).Select(l => l.Text).ToList();
        both.Take(japanese.Count).ShouldBe(japanese);
        both.ShouldContain("2026-12-07 03:48  Provision to a third party: Carriers  Given  Paper");
        both.ShouldContain("2026-12-07 03:48  通信事業者  Name  Consent");
        both.ShouldContain(l => l.Contains("the Japanese text prevails"));
    }

    [Fact]
    public void DisclosureLines_PurposeRetention_PdfReadsAsThePrivacyNotice()
    {
        var retention = new Retention { Period = IsoPeriod.Parse("P1Y"), From = new LocalizedText("録音日", "the day of the call") };
        var purpose = new PackagePurpose("support", "保守・サポート", "P1Y（起算：録音日）", ["name"],
            new LocalizedText(NoticePhrases.Retention(retention, NoticeLanguage.Ja), NoticePhrases.Retention(retention, NoticeLanguage.En)));
        var subject = new PackageSubject(Guid.NewGuid(), "お客さま", null, "Webフォーム", LateUtcEvening, 1, false, false, false, [], [purpose], [], [], []);
        var package = new DisclosurePackage(DisclosurePackage.FormatId, "R-TEST-0001", RequestKind.PurposeNotification, LateUtcEvening, "2026-12-07", "テスト株式会社",
            null, null, PackageSections.Purposes, false, [subject], []);
        DisclosureHtml.Lines(package).Select(l => l.Text).ShouldContain("・保守・サポート（保存期間：録音日から1年）");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RequestPages_DocumentMaxAge_ReadsAsThePrivacyNotice(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var ja = await PageAsync(s.App.Client(), "/requests");
        ja.ShouldContain("住民票の写し（発行から1か月以内のもの）");
        ja.ShouldContain("委任状に押印した印鑑の印鑑登録証明書（発行から3か月以内のもの）");
        ja.ShouldNotContain("P1M", Case.Sensitive);
        ja.ShouldNotContain("P3M", Case.Sensitive);
        var en = await PageAsync(s.App.Client(), "/en/requests");
        en.ShouldContain("(issued within 1 month)");
        en.ShouldContain("(issued within 3 months)");
        en.ShouldNotContain("P1M", Case.Sensitive);

        // The console checklist of a letter whose residence certificate has not been seen yet.
        var p = NewPerson();
        await s.InquirerAsync(p);
        var (id, _, request) = await s.LetterAsync("disclosure", p);
        request.GetProperty("missingDocuments").EnumerateArray().ShouldContain(m => m.GetProperty("maxAge").GetString() == "P1M"); // the API keeps the ISO period
        await s.PostAsync(id, "start");
        var console = await PageAsync(s.Staff, $"/console/requests/{id}");
        console.ShouldContain("・発行から1か月以内のもの)");
        console.ShouldNotContain("P1M", Case.Sensitive);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erasure_LegalHold_KeptItemsByNameWithTheJapanDay(string provider)
    {
        var (s, id, subject) = await VerifiedIspCustomerAsync(provider, cluster, "erasure");
        await using var _ = s.App;
        // The Corporation Tax Act's hold counts from the end of the contract: 7 December 2026 in Japan (the clock is 6 December
        // 18:48 UTC), so it runs to the end of 7 December 2033 in Japan, 14:59:59 UTC.
        var ended = await s.Staff.PostAsJsonAsync($"/api/subjects/{subject}/retention-events", new { @event = "contract-end", date = "2026-12-07" }, Ct);
        ended.StatusCode.ShouldBe(HttpStatusCode.OK, await ended.Content.ReadAsStringAsync(Ct));
        await s.PostAsync(id, "execute");
        const string kept = "電子メールアドレス、氏名、電話番号：2033年12月7日まで保存（法人税法（帳簿書類の保存））";
        const string keptEn = "Email address, Name, Phone number: kept until 7 December 2033 (Corporation Tax Act (keeping books))";

        var html = Encoding.UTF8.GetString(await s.AnswerAsync(id, "html"));
        html.ShouldContain("消去：お問合せ内容");
        html.ShouldContain("法令により保存を続ける項目（保存期間の満了後に消去します）：" + kept);
        html.ShouldContain(keptEn);
        html.ShouldNotContain("2033-12-06");
        html.ShouldNotContain("email until", Case.Sensitive);

        var json = RequestScenario.Json(Encoding.UTF8.GetString(await s.AnswerAsync(id, "json")));
        json.GetProperty("items").EnumerateArray().ShouldContain(i => i.GetString()!.EndsWith(kept, StringComparison.Ordinal));
        json.GetProperty("itemsEn").EnumerateArray().ShouldContain(i => i.GetString()!.EndsWith(keptEn, StringComparison.Ordinal));

        var preview = await PageAsync(s.Staff, $"/console/requests/{id}/preview");
        preview.ShouldContain(kept);

        // The certificates API: the recorded string unchanged, the same as data (UTC instant) and as the readable text.
        var certificates = await s.OkAsync(await s.Staff.GetAsync($"/api/subjects/{subject}/certificates", Ct));
        var c = certificates.EnumerateArray().Single();
        c.GetProperty("kept").GetString()!.ShouldContain("email until 2033-12-07 (法人税法（帳簿書類の保存）)");
        var items = c.GetProperty("keptItems").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("category").GetString()).ShouldBe(["email", "name", "phone"]);
        items.ShouldAllBe(i => i.GetProperty("keepUntil").GetDateTimeOffset() == new DateTimeOffset(2033, 12, 7, 14, 59, 59, TimeSpan.Zero));
        items.ShouldAllBe(i => i.GetProperty("law").GetString() == "法人税法（帳簿書類の保存）");
        c.GetProperty("keptText").GetProperty("ja").GetString().ShouldBe(kept);
        c.GetProperty("keptText").GetProperty("en").GetString().ShouldBe(keptEn);
    }
}
