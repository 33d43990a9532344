using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Anonymization;
using Mamori.Audit;
using Mamori.Datasets;
using Mamori.Errors;
using Mamori.Provision;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Tests.Provision;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using LocalizedText = Mamori.Policy.LocalizedText;

namespace Mamori.Tests.Anonymization;

/// <summary>
/// Pseudonymized (L-25) and anonymized (L-26) datasets on SQLite and PostgreSQL: keys in the key ring,
/// the processing in the audit chain without values, the use limits, provision records, the public notice.
/// </summary>
public sealed class DatasetStorageTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Header = ["customer_id", "name", "email", "my_number", "card", "plan", "amount"];

    private static Table Customers(params (string Id, string Name, string Email)[] rows) => new(Header,
        rows.Select((r, i) => new[] { r.Id, r.Name, r.Email, "12345678901" + (i % 10), "4111-1111-1111-111" + (i % 10), "fiber", (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList());

    private static readonly Table Sample = Customers(("C-001", "山田 太郎", "taro@example.jp"), ("C-002", "佐藤 花子", "hanako@example.jp"), ("C-001", "山田 太郎", "taro@example.jp"));

    private static Dictionary<string, PseudonymColumnSpec> Plan() => new()
    {
        ["customer_id"] = new(PseudonymColumnKind.Identifier, "customer"),
        ["name"] = new(PseudonymColumnKind.Identifier),
        ["email"] = new(PseudonymColumnKind.Identifier),
        ["my_number"] = new(PseudonymColumnKind.IdentificationCode),
        ["card"] = new(PseudonymColumnKind.PropertyDamageItem, Category: "payment-card"),
    };

    private static Task<T> In<T>(TestApp app, Guid tenant, Func<ProcessedDatasets, Task<T>> work) =>
        app.InTenantAsync(tenant, (sp, _) => work(sp.GetRequiredService<ProcessedDatasets>()));

    private static Task<PseudonymizeResult> PseudonymizeAsync(TestApp app, Guid tenant, Table table, Guid? sameKeyAs = null, string[]? purposes = null) =>
        In(app, tenant, d => d.PseudonymizeAsync(new PseudonymizeRequest("購買分析", purposes ?? ["marketing"], Plan(), table, sameKeyAs), Actor.System, Ct));

    private static Dictionary<string, LocalizedText> Labels(params (string Item, string Ja, string? En)[] labels) =>
        labels.ToDictionary(l => l.Item, l => new LocalizedText(l.Ja, l.En));

    private static KeyRing Ring(TestApp app) => KeyRing.Parse(File.ReadAllText(Path.Combine(app.Database.DataDir, "keys.json")), "test");

    private static async Task<MamoriException> FailsAsync(Func<Task> work) => await Should.ThrowAsync<MamoriException>(work);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Pseudonymize_Table_IdentifiersReplacedCodesDeletedKeyInRingAuditedWithoutValues(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var result = await PseudonymizeAsync(app, tenant, Sample);

        result.Output.Header.ShouldBe(["customer_id", "name", "email", "plan", "amount"]);
        var rows = result.Output.Rows;
        rows[0][0].ShouldMatch("^[0-9a-f]{32}$");
        rows[0][0].ShouldBe(rows[2][0]);
        rows[0][0].ShouldNotBe(rows[1][0]);
        rows.ShouldAllBe(r => r[3] == "fiber");
        var d = result.Dataset;
        d.Kind.ShouldBe("pseudonymized");
        d.Replaced.ShouldBe(["customer_id", "name", "email"]);
        d.Deleted.ShouldBe(["my_number", "card"]);
        d.Purposes.ShouldBe(["marketing"]);
        d.RowCount.ShouldBe(3);
        d.K.ShouldBeNull();
        Ring(app).PseudonymizationKeys.Select(k => k.Id).ShouldBe([d.KeyId!]);

        var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.DatasetPseudonymized).ToListAsync(Ct));
        events.Count.ShouldBe(1);
        events[0].TargetId.ShouldBe(d.Id.ToString());
        events[0].ReasonCode.ShouldBe(d.KeyId);
        events[0].Categories.ShouldBe("customer_id,name,email,plan,amount");
        var all = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.ToListAsync(Ct));
        var text = string.Join("|", all.Select(e => $"{e.SubjectId}{e.TargetId}{e.Purpose}{e.ReasonCode}{e.Categories}"));
        foreach (var value in new[] { "C-001", "山田", "taro@example.jp", "4111", "123456789012" }) text.ShouldNotContain(value);
        (await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct))).Intact.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Pseudonymize_ContactKeptCardReplacedUnknownPurpose_RefusedNoKeyLeft(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var keep = Plan();
        keep["email"] = new(PseudonymColumnKind.Keep);
        (await FailsAsync(() => In(app, tenant, d => d.PseudonymizeAsync(new("x", ["marketing"], keep, Sample), Actor.System, Ct)))).Code.ShouldBe(ErrorCode.PseudonymizedContactItem);
        var card = Plan();
        card["card"] = new(PseudonymColumnKind.Identifier, Category: "payment-card");
        (await FailsAsync(() => In(app, tenant, d => d.PseudonymizeAsync(new("x", ["marketing"], card, Sample), Actor.System, Ct)))).Code.ShouldBe(ErrorCode.DatasetInvalid);
        (await FailsAsync(() => PseudonymizeAsync(app, tenant, Sample, purposes: ["no-such-purpose"]))).Code.ShouldBe(ErrorCode.DatasetInvalid);
        var unknownColumn = Plan();
        unknownColumn["nope"] = new(PseudonymColumnKind.Identifier);
        (await FailsAsync(() => In(app, tenant, d => d.PseudonymizeAsync(new("x", ["marketing"], unknownColumn, Sample), Actor.System, Ct)))).Code.ShouldBe(ErrorCode.DatasetProcessingFailed);
        Ring(app).PseudonymizationKeys.ShouldBeEmpty();
        (await In(app, tenant, d => d.ListAsync(Ct))).ShouldBeEmpty();
    }

    // Bug M6: a contact column the configuration did not name was kept readable and registered as 仮名加工情報
    // (「replaced customer_id; deleted nothing」); only a column called email was refused.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Pseudonymize_IdentifiersInUnlistedColumns_RefusedNamingColumnsNotValues(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var idOnly = new Dictionary<string, PseudonymColumnSpec> { ["customer_id"] = new(PseudonymColumnKind.Identifier, "customer") };
        Task<PseudonymizeResult> Run(Table t, Dictionary<string, PseudonymColumnSpec> plan) =>
            In(app, tenant, d => d.PseudonymizeAsync(new("購買分析", ["marketing"], plan, t), Actor.System, Ct));

        // Names that say nothing (a column called mail or tel is refused by its name, 8055, before its values are read).
        var contact = await FailsAsync(() => Run(new(["customer_id", "contact", "reach", "amount"],
            [["C-1", "taro@example.jp", "090-1234-5678", "1200"], ["C-2", "hanako@example.jp", "03-1234-5678", "98000"]]), idOnly));
        contact.Code.ShouldBe(ErrorCode.DatasetIdentifiersInValues);
        contact.Message.ShouldContain("'contact' (e-mail addresses)");
        contact.Message.ShouldContain("'reach' (phone numbers)");
        contact.Message.ShouldNotContain("amount");
        foreach (var value in new[] { "taro", "example.jp", "090-1234-5678", "03-1234" }) contact.Message.ShouldNotContain(value);

        var renamed = await FailsAsync(() => Run(new(["cid", "phone_no", "e_mail"], [["C-1", "09012345678", "taro@example.jp"]]),
            new() { ["cid"] = new(PseudonymColumnKind.Identifier) }));
        renamed.Code.ShouldBe(ErrorCode.PseudonymizedContactItem);
        renamed.Message.ShouldContain("'phone_no' is a contact item");

        // Kept on purpose is kept all the same: kind keep does not make a My Number column safe.
        var myNumbers = await FailsAsync(() => Run(new(["customer_id", "mn"], [["C-1", "123456789018"], ["C-2", "9876 5432 1093"]]),
            new() { ["customer_id"] = new(PseudonymColumnKind.Identifier), ["mn"] = new(PseudonymColumnKind.Keep) }));
        myNumbers.Code.ShouldBe(ErrorCode.DatasetIdentifiersInValues);
        myNumbers.Message.ShouldContain("'mn' (My Numbers)");

        var memo = await FailsAsync(() => Run(new(["customer_id", "memo"], [["C-1", "折り返し希望"], ["C-2", "連絡先 090-1234-5678 まで"], ["C-3", ""]]), idOnly));
        memo.Message.ShouldContain("'memo' (phone numbers)");

        Ring(app).PseudonymizationKeys.ShouldBeEmpty();
        (await In(app, tenant, d => d.ListAsync(Ct))).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Pseudonymize_AmountsDatesAndCodesKept_NotMistakenForIdentifiers(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        // 123456789018 passes the My Number check digit, as one 12-digit number in ten does: one amount in five is not a My Number column.
        var table = new Table(["customer_id", "amount", "ordered", "plan", "zip", "order_no"],
        [
            ["C-1", "1200", "2026-11-02", "fiber", "100-0001", "202611020001"],
            ["C-2", "98000", "2026-11-03", "mobile", "150-0002", "202611030002"],
            ["C-3", "123456789018", "2026-11-04", "fiber", "530-0001", "202611040003"],
            ["C-4", "0", "2026-11-05", "fiber", "060-0001", "202611050004"],
            ["C-5", "45000", "2026-11-06", "mobile", "980-0811", "202611060005"],
        ]);
        var result = await In(app, tenant, d => d.PseudonymizeAsync(new("購買分析", ["marketing"],
            new Dictionary<string, PseudonymColumnSpec> { ["customer_id"] = new(PseudonymColumnKind.Identifier) }, table), Actor.System, Ct));
        result.Output.Header.ShouldBe(["customer_id", "amount", "ordered", "plan", "zip", "order_no"]);
        result.Output.Rows[2][1].ShouldBe("123456789018");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DeleteKey_SharedKeyDatasets_PseudonymsUnlinkableAndKeyGone(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var first = await PseudonymizeAsync(app, tenant, Sample);
        var batch = Customers(("C-001", "山田 太郎", "taro@example.jp"));
        var second = await PseudonymizeAsync(app, tenant, batch, sameKeyAs: first.Dataset.Id);
        second.Dataset.KeyId.ShouldBe(first.Dataset.KeyId);
        second.Output.Rows[0][0].ShouldBe(first.Output.Rows[0][0]);
        (await In(app, tenant, d => d.PseudonymsAsync(first.Dataset.Id, "customer", ["C-001"], Ct))).ShouldBe([first.Output.Rows[0][0]]);
        var other = await PseudonymizeAsync(app, tenant, batch);
        other.Dataset.KeyId.ShouldNotBe(first.Dataset.KeyId);
        other.Output.Rows[0][0].ShouldNotBe(first.Output.Rows[0][0]);

        var keysPath = Path.Combine(app.Database.DataDir, "keys.json");
        var backup = await File.ReadAllTextAsync(keysPath, Ct);
        var deleted = await In(app, tenant, d => d.DeleteKeyAsync(first.Dataset.Id, Actor.System, Ct));
        deleted.KeyDeleted.ShouldBeTrue();
        Ring(app).PseudonymizationKeys.Select(k => k.Id).ShouldBe([other.Dataset.KeyId!]);
        File.ReadAllText(Path.Combine(app.Database.DataDir, "keys.json")).ShouldNotContain(first.Dataset.KeyId!);
        (await In(app, tenant, d => d.GetAsync(second.Dataset.Id, Ct))).KeyDeleted.ShouldBeTrue();
        (await FailsAsync(() => In(app, tenant, d => d.PseudonymsAsync(first.Dataset.Id, "customer", ["C-001"], Ct)))).Code.ShouldBe(ErrorCode.PseudonymizationKeyDeleted);
        (await FailsAsync(() => PseudonymizeAsync(app, tenant, batch, sameKeyAs: second.Dataset.Id))).Code.ShouldBe(ErrorCode.PseudonymizationKeyDeleted);
        (await FailsAsync(() => In(app, tenant, d => d.DeleteKeyAsync(first.Dataset.Id, Actor.System, Ct)))).Code.ShouldBe(ErrorCode.PseudonymizationKeyDeleted);
        // An old keys.json restored from a backup brings the key back: deleting again removes it.
        await File.WriteAllTextAsync(keysPath, backup, Ct);
        Ring(app).FindPseudonymizationKey(first.Dataset.KeyId!).ShouldNotBeNull();
        (await In(app, tenant, d => d.DeleteKeyAsync(second.Dataset.Id, Actor.System, Ct))).KeyDeletedAt.ShouldBe(deleted.KeyDeletedAt);
        Ring(app).FindPseudonymizationKey(first.Dataset.KeyId!).ShouldBeNull();
        Ring(app).FindPseudonymizationKey(other.Dataset.KeyId!).ShouldNotBeNull();
        var codes = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.DatasetKeyDeleted).Select(e => e.TargetId).ToListAsync(Ct));
        codes.Order().ShouldBe(new[] { first.Dataset.Id.ToString(), second.Dataset.Id.ToString(), first.Dataset.Id.ToString(), second.Dataset.Id.ToString() }.Order());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ExportKeyUseProvide_PseudonymizedLimits_EnforcedAndRecorded(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var d = (await PseudonymizeAsync(app, tenant, Sample)).Dataset;

        var export = await FailsAsync(() => In(app, tenant, async x => { await x.ExportKeyAsync(d.Id, Actor.System, Ct); return 0; }));
        export.Code.ShouldBe(ErrorCode.PseudonymizationKeyNotExportable);
        export.Status.ShouldBe(403);

        (await In(app, tenant, x => x.UseAsync(d.Id, "marketing", false, Actor.System, Ct))).Id.ShouldBe(d.Id);
        (await FailsAsync(() => In(app, tenant, x => x.UseAsync(d.Id, "inquiries", false, Actor.System, Ct)))).Code.ShouldBe(ErrorCode.DatasetPurposeNotDeclared);
        (await FailsAsync(() => In(app, tenant, x => x.UseAsync(d.Id, "marketing", true, Actor.System, Ct)))).Code.ShouldBe(ErrorCode.DatasetContactRefused);

        (await FailsAsync(() => In(app, tenant, x => x.ProvideAsync(d.Id, new(ProvisionBasisKind.Consent, "authorities"), Actor.System, Ct)))).Code.ShouldBe(ErrorCode.PseudonymizedProvision);
        (await FailsAsync(() => In(app, tenant, x => x.ProvideAsync(d.Id, new(ProvisionBasisKind.LegalException, "authorities"), Actor.System, Ct)))).Code.ShouldBe(ErrorCode.PseudonymizedProvision);
        var sharedUse = await FailsAsync(() => In(app, tenant, x => x.ProvideAsync(d.Id, new(ProvisionBasisKind.SharedUse, "payment-agent"), Actor.System, Ct)));
        sharedUse.Code.ShouldBe(ErrorCode.BasisNotForRecipient);
        sharedUse.Message.ShouldBe("Basis 'shared-use' does not apply to recipient 'payment-agent' (kind: entrustee).");
        var record = await In(app, tenant, x => x.ProvideAsync(d.Id, new(ProvisionBasisKind.Entrustment, "payment-agent"), Actor.System, Ct));
        record.Basis.ShouldBe("entrustment");
        record.DatasetId.ShouldBe(d.Id);
        record.Items.ShouldBe(d.Items);
        record.SubjectCount.ShouldBe(0);
        record.RecipientNotice!.ShouldContain("仮名加工情報");
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ProvisionRecords>().GetAsync(record.Id, Ct))).DatasetId.ShouldBe(d.Id);

        var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.TargetId == d.Id.ToString()).Select(e => new { e.Code, e.Outcome, e.Purpose }).ToListAsync(Ct));
        events.ShouldContain(e => e.Code == AuditCode.DatasetKeyExportRefused && e.Outcome == AuditOutcome.Denied);
        events.ShouldContain(e => e.Code == AuditCode.DatasetUsed && e.Purpose == "marketing");
        events.Count(e => e.Code == AuditCode.DatasetUseRefused).ShouldBe(2);
        events.Count(e => e.Code == AuditCode.DatasetProvisionRefused).ShouldBe(2);
        events.Count(e => e.Code == AuditCode.DatasetProvided).ShouldBe(1);
        (await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct))).Intact.ShouldBeTrue();
    }

    // Regression: POST /api/datasets/anonymized published 氏名、メール、個人番号 as items of anonymized information, and took
    // rowCount 0, k above the row count and a second dataset of the same name.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RegisterAnonymized_IdentifyingItemsNoRowsOrDuplicateName_Refused(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        Task<MamoriException> Register(string name, string[] items, int rows, int k) => FailsAsync(() => In(app, tenant, x => x.RegisterAnonymizedAsync(
            new(name, items, "generalized", rows, k, Labels: items.ToDictionary(i => i, i => new LocalizedText(i == "x" ? "氏名" : "年齢"))), Actor.System, Ct)));

        foreach (var items in new[] { new[] { "name", "age" }, ["email"], ["my-number"], ["顧客ID"], ["x"] })
        {
            var e = await Register("api4", items, 10, 5);
            e.Code.ShouldBe(ErrorCode.DatasetIdentifyingColumn, string.Join(",", items));
            e.Message.ShouldContain(items[0]);
        }
        (await Register("api1", ["age"], 0, 5)).Code.ShouldBe(ErrorCode.DatasetInvalid);
        (await Register("api1", ["age"], 1, 5)).Message.ShouldContain("cannot be k-anonymous");
        await In(app, tenant, x => x.RegisterAnonymizedAsync(new("api1", ["age"], "generalized", 10, 5, Labels: Labels(("age", "年齢", null))), Actor.System, Ct));
        var twice = await Register("api1", ["age"], 10, 5);
        twice.Code.ShouldBe(ErrorCode.DatasetNameTaken);
        twice.Status.ShouldBe(409);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Anonymized_RegisteredPublishedProvided_NoticeAndRecordCarryItems(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var lowK = await FailsAsync(() => In(app, tenant, x => x.RegisterAnonymizedAsync(new("低k", ["age"], "generalized", 100, 3, Labels: Labels(("age", "年齢", null))), Actor.System, Ct)));
        lowK.Code.ShouldBe(ErrorCode.DatasetInvalid);
        lowK.Message.ShouldContain("k = 3");
        var plain = await In(app, tenant, x => x.RegisterAnonymizedAsync(new("利用統計 2026", ["age", "prefecture", "plan"], "age in decades", 1000, 5,
            Labels: Labels(("age", "年齢（10歳刻み）", "Age (10-year bands)"), ("prefecture", "都道府県", "Prefecture"), ("plan", "契約プラン", "Plan"))), Actor.System, Ct));
        plain.SafetyMeasures.ShouldStartWith("k-anonymity (k = 5)");
        var d = await In(app, tenant, x => x.RegisterAnonymizedAsync(
            new("年代別利用傾向", ["age-band", "region", "monthly-fee"], "k-anonymity (k = 10); region to prefecture", 5000, 10, ["name"], "CSVファイルを暗号化して送付",
                Labels(("age-band", "年代", "Age band"), ("region", "地域（都道府県）", "Region (prefecture)"), ("monthly-fee", "月額料金", "Monthly fee"))), Actor.System, Ct));
        // The k is kept as a value (it was only in the safety measures' text), for the API and the console.
        (await In(app, tenant, x => x.GetAsync(d.Id, Ct))).K.ShouldBe(10);
        var api = await (await app.SignedInAsync(tenant, Roles.Auditor)).GetFromJsonAsync<JsonElement>($"/api/datasets/{plain.Id}", Ct);
        api.GetProperty("k").GetInt32().ShouldBe(5);

        var ja = await app.Client().GetStringAsync("/privacy", Ct);
        ja.ShouldContain("匿名加工情報");
        ja.ShouldContain("年代別利用傾向");
        ja.ShouldContain("年代、地域（都道府県）、月額料金");
        ja.ShouldContain("CSVファイルを暗号化して送付");
        ja.ShouldContain("第三者に提供していません");
        var en = await app.Client().GetStringAsync("/en/privacy", Ct);
        en.ShouldContain("Anonymized information");
        en.ShouldContain("Age band, Region (prefecture), Monthly fee");

        (await FailsAsync(() => In(app, tenant, x => x.ProvideAsync(plain.Id, new(RecipientName: "統計研究所"), Actor.System, Ct)))).Code.ShouldBe(ErrorCode.DatasetInvalid);
        (await FailsAsync(() => In(app, tenant, x => x.ProvideAsync(d.Id, new(ProvisionBasisKind.Consent, RecipientName: "統計研究所"), Actor.System, Ct)))).Code.ShouldBe(ErrorCode.DatasetKindMismatch);
        var record = await In(app, tenant, x => x.ProvideAsync(d.Id, new(RecipientName: "一般財団法人 統計研究所", RecipientAddress: "東京都港区1-1"), Actor.System, Ct));
        record.Basis.ShouldBe("anonymized-information");
        record.CounterpartyName.ShouldBe("一般財団法人 統計研究所");
        record.Items.ShouldBe(["age-band", "region", "monthly-fee"]);
        record.RecipientNotice!.ShouldContain("匿名加工情報です");
        // Regression: the notice to the recipient (Art.44) listed the column ids (「age-band, region, monthly-fee」); it names the items.
        record.RecipientNotice!.ShouldContain("項目：年代、地域（都道府県）、月額料金。");
        record.RecipientNotice!.ShouldContain("Items: Age band, Region (prefecture), Monthly fee.");
        record.RecipientNotice!.ShouldNotContain("age-band");
        record.RecipientNotice!.ShouldContain("CSVファイルを暗号化して送付");
        var listed = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ProvisionRecords>().ListAsync(10, Ct));
        listed.ShouldContain(r => r.Id == record.Id && r.DatasetId == d.Id);
    }

    // Bug M10: the notice published the items of anonymized information as raw column names (「age、zip、pref、disease」).
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RegisterAnonymized_ItemLabels_NoticeInWordsUnlabelledRefusedOldRowsShowColumnNames(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var unlabelled = await FailsAsync(() => In(app, tenant, x => x.RegisterAnonymizedAsync(
            new("健康診断分析 2026", ["age", "zip", "pref", "disease"], "generalized", 100, 5, Labels: Labels(("age", "年齢（20歳刻み）", null))), Actor.System, Ct)));
        unlabelled.Code.ShouldBe(ErrorCode.DatasetInvalid);
        unlabelled.Message.ShouldContain("without one: zip, pref, disease.");
        (await FailsAsync(() => In(app, tenant, x => x.RegisterAnonymizedAsync(new("x", ["age"], "generalized", 100, 5,
            Labels: Labels(("age", "年齢", null), ("name", "氏名", null))), Actor.System, Ct)))).Message.ShouldContain("'name' is not one of the items");
        (await In(app, tenant, x => x.ListAsync(Ct))).ShouldBeEmpty();

        // A dataset registered before labels existed (the migration leaves its labels empty) still renders, with its column names.
        await app.InTenantAsync(tenant, async (_, db) =>
        {
            db.Add(new ProcessedDataset
            {
                Id = Guid.CreateVersion7(), Kind = DatasetKind.Anonymized, Name = "旧データセット", Items = ["age_band", "plan"],
                SafetyMeasures = "k-anonymity (k = 5)", CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "system",
            });
            return await db.SaveChangesAsync(Ct);
        });

        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var created = await officer.PostAsJsonAsync("/api/datasets/anonymized", new
        {
            name = "健康診断分析 2026", items = new[] { "age", "zip", "pref", "disease" }, safetyMeasures = "k-anonymity (k = 5)", rowCount = 40, k = 5,
            labels = new Dictionary<string, object>
            {
                ["age"] = new { ja = "年齢（20歳刻み）", en = "Age (20-year bands)" },
                ["zip"] = new { ja = "郵便番号（マスク）", en = "Postal code (masked)" },
                ["pref"] = new { ja = "都道府県" },
                ["disease"] = new { ja = "病名", en = "Disease" },
            },
        }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var view = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
        view.GetProperty("labels").GetProperty("zip").GetProperty("ja").GetString().ShouldBe("郵便番号（マスク）");
        var stored = (await In(app, tenant, x => x.ListAsync(Ct))).Single(v => v.Name == "健康診断分析 2026");
        stored.Labels["age"].ShouldBe(new LocalizedText("年齢（20歳刻み）", "Age (20-year bands)"));
        stored.Labels["pref"].En.ShouldBeNull();

        var ja = await app.Client().GetStringAsync("/privacy", Ct);
        ja.ShouldContain("<td>健康診断分析 2026</td><td>年齢（20歳刻み）、郵便番号（マスク）、都道府県、病名</td>");
        ja.ShouldContain("<td>旧データセット</td><td>age_band、plan</td>");
        var en = await app.Client().GetStringAsync("/en/privacy", Ct);
        en.ShouldContain("<td>Age (20-year bands), Postal code (masked), 都道府県, Disease</td>");
        en.ShouldContain("<td>age_band, plan</td>");
    }

    // Regression (anonymization review F6): a dataset registered without a method of provision could never be provided (no
    // operation set it later), and registering it again listed it twice on the privacy notice.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SetProvisionMethod_RegisteredWithoutOne_PublishedThenProvidedOnceAudited(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var d = await In(app, tenant, x => x.RegisterAnonymizedAsync(new("年代別利用傾向", ["age-band"], "k-anonymity (k = 10)", 5000, 10,
            Labels: Labels(("age-band", "年代", "Age band"))), Actor.System, Ct));
        (await FailsAsync(() => In(app, tenant, x => x.ProvideAsync(d.Id, new(RecipientName: "統計研究所"), Actor.System, Ct)))).Message.ShouldContain("provision-method");
        var pseudonymized = await PseudonymizeAsync(app, tenant, Sample);

        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var auditor = await app.SignedInAsync(tenant, Roles.Auditor);
        var path = $"/api/datasets/{d.Id}/provision-method";
        await (await auditor.PutAsJsonAsync(path, new { method = "x" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        await (await officer.PutAsJsonAsync(path, new { method = " " }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-8051");
        await (await officer.PutAsJsonAsync($"/api/datasets/{pseudonymized.Dataset.Id}/provision-method", new { method = "x" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-8058");
        await (await officer.PutAsJsonAsync($"/api/datasets/{Guid.NewGuid()}/provision-method", new { method = "x" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-8050");
        (await app.Client().GetStringAsync("/privacy", Ct)).ShouldContain("第三者に提供していません");

        for (var i = 0; i < 2; i++) // the same method again changes and records nothing
        {
            var set = await officer.PutAsJsonAsync(path, new { method = " CSVファイルを暗号化して送付 " }, Ct);
            set.StatusCode.ShouldBe(HttpStatusCode.OK, await set.Content.ReadAsStringAsync(Ct));
            (await set.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("provisionMethod").GetString().ShouldBe("CSVファイルを暗号化して送付");
        }
        var notice = await app.Client().GetStringAsync("/privacy", Ct);
        notice.ShouldContain("CSVファイルを暗号化して送付");
        notice.Split("年代別利用傾向").Length.ShouldBe(2); // listed once
        var record = await In(app, tenant, x => x.ProvideAsync(d.Id, new(RecipientName: "一般財団法人 統計研究所", RecipientAddress: "東京都港区1-1"), Actor.System, Ct));
        record.RecipientNotice!.ShouldContain("提供の方法：CSVファイルを暗号化して送付");
        var events = await app.InTenantAsync(tenant, (_, db) => db.Set<AuditEvent>().AsNoTracking()
            .Where(e => e.Code == AuditCode.DatasetProvisionMethodSet && e.TargetId == d.Id.ToString()).CountAsync(Ct));
        events.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Http_PseudonymizeExportKeyDelete_CodesAndPermissions(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var body = new
        {
            name = "分析用", purposes = new[] { "marketing" }, csv = "customer_id;name;card;plan\nC-1;山田 太郎;4111111111111111;fiber\n", delimiter = ";",
            columns = new Dictionary<string, object>
            {
                ["customer_id"] = new { kind = "identifier", domain = "customer" },
                ["name"] = new { kind = "identifier" },
                ["card"] = new { kind = "property-damage-item" },
            },
        };
        var created = await officer.PostAsJsonAsync("/api/datasets/pseudonymize", body, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
        var csv = json.GetProperty("csv").GetString()!;
        csv.ShouldStartWith("customer_id;name;plan");
        csv.ShouldNotContain("山田");
        csv.ShouldNotContain("4111");
        var id = json.GetProperty("dataset").GetProperty("id").GetGuid();

        var export = await officer.PostAsync($"/api/datasets/{id}/key/export", null, Ct);
        await export.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-8052");
        var auditor = await app.SignedInAsync(tenant, Roles.Auditor);
        (await auditor.GetFromJsonAsync<JsonElement>("/api/datasets", Ct)).GetArrayLength().ShouldBe(1);
        await (await auditor.DeleteAsync($"/api/datasets/{id}/key", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        var provide = await officer.PostAsJsonAsync($"/api/datasets/{id}/provide", new { basis = "consent", recipient = "authorities" }, Ct);
        await provide.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-4028");
        var use = await officer.PostAsJsonAsync($"/api/datasets/{id}/use", new { purpose = "marketing", contactsPersons = true }, Ct);
        await use.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-8056");
        (await officer.DeleteAsync($"/api/datasets/{id}/key", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await officer.GetAsync($"/api/datasets/{Guid.NewGuid()}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-8050");
    }
}
