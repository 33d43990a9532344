using Mamori.Access;
using Mamori.Audit;
using Mamori.Errors;
using Mamori.Provision;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Provision.ProvisionScenario;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Provision;

/// <summary>Every refusal rule of a provision with its code, records and their retention, on every provider.</summary>
public sealed class ProvisionStorageTests(PostgresCluster cluster)
{
    private static async Task<MamoriException> RefusedAsync(TestApp app, Guid tenant, ProvisionRequest request, params string[] roles) =>
        await Should.ThrowAsync<MamoriException>(() => ProvideAsync(app, tenant, request, roles));

    private static string ReasonOf(ProvisionResult r, Guid subject) => r.Refused.Single(x => x.Subject == subject).Reason;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Provide_Consent_ProvidesConsentedRefusesOthersWithCodesWritesOneRecord(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var p = NewPerson();
        var consented = await IspCustomerAsync(app, tenant, p);
        var withdrawn = await IspCustomerAsync(app, tenant, NewPerson());
        var never = await IspCustomerAsync(app, tenant, NewPerson());
        var stopped = await IspCustomerAsync(app, tenant, NewPerson());
        var suspended = await IspCustomerAsync(app, tenant, NewPerson());
        var employee = await EmployeeAsync(app, tenant, NewPerson());
        var missing = Guid.NewGuid();
        foreach (var s in new[] { consented, withdrawn, stopped, suspended }) await GrantAsync(app, tenant, s, "provision:carriers");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await WithdrawAsync(app, tenant, withdrawn, "provision:carriers");
        await In(app, tenant, async sp => { await sp.GetRequiredService<OptOutStops>().StopSubjectAsync(stopped, Actor.System, Ct); return 0; });
        await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().Where(s => s.Id == suspended).ExecuteUpdateAsync(u => u.SetProperty(s => s.UseSuspended, true), Ct));

        var r = await ProvideAsync(app, tenant, ToCarriers(consented, withdrawn, never, stopped, suspended, employee, missing));
        r.Provided.ShouldBe([consented]);
        r.Data.Single().Fields.ShouldBe(new Dictionary<string, string> { ["name"] = p.Name, ["phone"] = p.Phone });
        ReasonOf(r, withdrawn).ShouldBe(ProvisionRefusals.ConsentMissing);
        ReasonOf(r, never).ShouldBe(ProvisionRefusals.ConsentMissing);
        r.Refused.Single(x => x.Subject == never).Code.ShouldBe("MAMORI-4054");
        ReasonOf(r, stopped).ShouldBe(ProvisionRefusals.ProvisionStopped);
        r.Refused.Single(x => x.Subject == stopped).Code.ShouldBe("MAMORI-4052");
        ReasonOf(r, suspended).ShouldBe(ProvisionRefusals.UseSuspended);
        ReasonOf(r, employee).ShouldBe(ProvisionRefusals.BasisNotDeclared);
        ReasonOf(r, missing).ShouldBe(ProvisionRefusals.SubjectNotFound);
        r.Refused.Single(x => x.Subject == missing).Code.ShouldBe("MAMORI-4050");

        var record = await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().GetAsync(r.RecordId!.Value, Ct));
        record.Subjects.ShouldBe([consented]);
        record.Basis.ShouldBe("consent");
        record.CounterpartyName.ShouldBe("不払者情報交換に参加する電気通信事業者");
        record.Items.ShouldBe(["name", "phone"]);
        record.ConsentRef!.ShouldContain("provision:carriers");
        record.StatutoryRecord.ShouldBeTrue();
        record.KeepThrough.ShouldBe(new DateOnly(2029, 11, 23));
        (await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().ForSubjectAsync(withdrawn, Ct))).ShouldBeEmpty();
        (await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().ForSubjectAsync(consented, Ct))).Single().Id.ShouldBe(r.RecordId!.Value);

        var audit = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Purpose == DecisionRules.ThirdPartyProvision).ToListAsync(Ct));
        audit.Count(e => e.Code == AuditCode.AccessAllowed).ShouldBe(1);
        audit.Count(e => e.Code == AuditCode.AccessDenied).ShouldBe(6);
        audit.Single(e => e.Code == AuditCode.ProvisionMade).TargetId.ShouldBe(r.RecordId.ToString());
        audit.Single(e => e.SubjectId == withdrawn.ToString()).ReasonCode.ShouldBe(ProvisionRefusals.ConsentMissing);
        (await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct))).Intact.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Provide_RequestLevelRules_RefusedWithCodesNothingLeaves(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        await GrantAsync(app, tenant, customer, "provision:carriers");

        (await RefusedAsync(app, tenant, ToCarriers(customer) with { Recipient = "nobody" })).Code.ShouldBe(ErrorCode.UnknownRecipient);
        var optOut = await RefusedAsync(app, tenant, ToCarriers(customer) with { Basis = ProvisionBasisKind.OptOut });
        optOut.Code.ShouldBe(ErrorCode.BasisNotForRecipient);
        // Regression: the detail said "(ThirdParty)", the C# name, where the API says third-party.
        optOut.Message.ShouldBe("Basis 'opt-out' does not apply to recipient 'carriers' (kind: third-party).");
        (await RefusedAsync(app, tenant, ToCarriers(customer) with { Basis = ProvisionBasisKind.Entrustment })).Code.ShouldBe(ErrorCode.BasisNotForRecipient);
        (await RefusedAsync(app, tenant, ToCarriers(customer) with { Categories = ["name", "email"] })).Code.ShouldBe(ErrorCode.CategoryNotForRecipient);
        (await RefusedAsync(app, tenant, ToCarriers(customer) with { Pseudonymized = true })).Code.ShouldBe(ErrorCode.PseudonymizedProvision);
        (await RefusedAsync(app, tenant, new ProvisionRequest("authorities", ProvisionBasisKind.LegalException, ["name"], [customer], LegalException.Law, " ")))
            .Code.ShouldBe(ErrorCode.JustificationRequired);
        (await RefusedAsync(app, tenant, new ProvisionRequest(OptOutRecipient, ProvisionBasisKind.OptOut, ["health-check"], [customer]))).Code.ShouldBe(ErrorCode.OptOutSpecialCare);
        (await RefusedAsync(app, tenant, new ProvisionRequest(OptOutRecipient, ProvisionBasisKind.OptOut, ["name"], [customer]))).Code.ShouldBe(ErrorCode.OptOutNotAvailable);
        (await RefusedAsync(app, tenant, new ProvisionRequest("ad-partner", ProvisionBasisKind.Consent, ["browsing"], [customer], RecipientLinks: true)))
            .Code.ShouldBe(ErrorCode.PersonRelatedConfirmationMissing);
        await In(app, tenant, sp => sp.GetRequiredService<RecipientRegistry>().SaveProfileAsync("payment-agent",
            new RecipientProfileRequest(RecipientKind.Entrustee, "さくら決済サービス株式会社", "東京都", "代表取締役", Confidentiality: true, AuditClause: false), Actor.System, Ct));
        (await RefusedAsync(app, tenant, new ProvisionRequest("payment-agent", ProvisionBasisKind.Entrustment, ["name"], [customer]))).Code.ShouldBe(ErrorCode.EntrusteeContractMissing);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ProvisionRecord>().CountAsync(Ct))).ShouldBe(0);
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Purpose == DecisionRules.ThirdPartyProvision, Ct))).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Provide_Foreign_NeedsConsentWithThreeItemsUnlessEquivalentMeasures(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var shown = await RegistrantAsync(app, tenant, NewPerson());
        var plain = await RegistrantAsync(app, tenant, NewPerson());
        var none = await RegistrantAsync(app, tenant, NewPerson());
        await GrantAsync(app, tenant, shown, "foreign:icann", foreignShown: true);
        // A ledger entry written without the items (an import of old paper consents, say).
        await app.InTenantAsync(tenant, (_, db) =>
        {
            db.Add(new Mamori.Consent.ConsentRecord { Id = Guid.NewGuid(), SubjectId = plain, Scope = "foreign:icann", Granted = true, At = app.Clock.GetUtcNow(), PolicyVersion = 1, Seq = 1 });
            return db.SaveChangesAsync(Ct);
        });
        var r = await ProvideAsync(app, tenant, new ProvisionRequest("icann", ProvisionBasisKind.Consent, ["domain-registration"], [shown, plain, none]));
        r.Provided.ShouldBe([shown]);
        ReasonOf(r, plain).ShouldBe(ProvisionRefusals.ForeignInfoNotShown);
        r.Refused.Single(x => x.Subject == plain).Code.ShouldBe("MAMORI-4056");
        ReasonOf(r, none).ShouldBe(ProvisionRefusals.ForeignConsentMissing);
        r.Refused.Single(x => x.Subject == none).Code.ShouldBe("MAMORI-4055");
        (await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().GetAsync(r.RecordId!.Value, Ct))).Country.ShouldBe("US");

        // W-10: a US vendor under a Rules-16 contract (equivalent measures) takes entrusted data without consent.
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        var cloud = await ProvideAsync(app, tenant, new ProvisionRequest("cloud-us", ProvisionBasisKind.Entrustment, ["name", "email"], [customer]));
        cloud.Provided.ShouldBe([customer]);
        var record = await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().GetAsync(cloud.RecordId!.Value, Ct));
        record.StatutoryRecord.ShouldBeFalse();
        record.Basis.ShouldBe("entrustment");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Provide_OptOut_RefusesOptOutAcquiredAndStoppedRecordsFilingFacts(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var own = await OptOutUserAsync(app, tenant, NewPerson());
        var bought = await OptOutUserAsync(app, tenant, NewPerson(), acquisition: "opt-out-purchase");
        var received = await OptOutUserAsync(app, tenant, NewPerson());
        var erased = await OptOutUserAsync(app, tenant, NewPerson());
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().RecordReceiptAsync(new ReceiptRequest("名簿販売株式会社", "大阪府大阪市北区1-1", "代表取締役 名簿 一郎",
            "同社がオプトアウト手続により第三者提供を受けて取得", ProvisionBasisKind.OptOut, ["携帯電話番号", "認証履歴"], new DateOnly(2026, 11, 1), [received],
            PpcPublication: "個人情報保護委員会 公表 2026-06-01"), Actor.System, Ct));
        await In(app, tenant, sp => sp.GetRequiredService<Subjects>().EraseAsync(erased, "data-subject-request", Actor.System, Ct));

        var r = await ProvideAsync(app, tenant, OptOut(own, bought, received, erased, customer));
        r.Provided.ShouldBe([own]);
        ReasonOf(r, bought).ShouldBe(ProvisionRefusals.OptOutAcquired);
        r.Refused.Single(x => x.Subject == bought).Code.ShouldBe("MAMORI-4057");
        ReasonOf(r, received).ShouldBe(ProvisionRefusals.OptOutAcquired);
        ReasonOf(r, erased).ShouldBe(ProvisionRefusals.SubjectErased);
        ReasonOf(r, customer).ShouldBe(ProvisionRefusals.BasisNotDeclared);
        var record = await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().GetAsync(r.RecordId!.Value, Ct));
        record.OptOutFacts!.ShouldContain("個人情報保護委員会への届出 2025-08-20");
        record.CounterpartyAddress.ShouldBe("東京都港区芝一丁目1番1号");
        record.At.ShouldBe(app.Clock.GetUtcNow());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Provide_PersonRelated_NeedsRecipientConfirmationPerPerson(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var confirmed = await MemberAsync(app, tenant, NewPerson());
        var unconfirmed = await MemberAsync(app, tenant, NewPerson());
        foreach (var s in new[] { confirmed, unconfirmed }) await GrantAsync(app, tenant, s, "provision:ad-partner");
        var r = await ProvideAsync(app, tenant, new ProvisionRequest("ad-partner", ProvisionBasisKind.Consent, ["browsing"], [confirmed, unconfirmed], RecipientLinks: true,
            Confirmation: new PersonRelatedConfirmation("AP-2026-11-confirmation", new DateOnly(2026, 11, 20), [confirmed])));
        r.Provided.ShouldBe([confirmed]);
        ReasonOf(r, unconfirmed).ShouldBe(ProvisionRefusals.PersonRelatedUnconfirmed);
        r.Refused.Single().Code.ShouldBe("MAMORI-4059");
        var record = await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().GetAsync(r.RecordId!.Value, Ct));
        record.PersonRelatedConfirmation!.ShouldStartWith("AP-2026-11-confirmation（2026-11-20 確認");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Provide_SharedUseEntrustmentLegalException_RecordTheirItems(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        var shared = await ProvideAsync(app, tenant, new ProvisionRequest("sakura-group", ProvisionBasisKind.SharedUse, ["name", "email"], [customer]));
        shared.Provided.ShouldBe([customer]);
        var record = await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().GetAsync(shared.RecordId!.Value, Ct));
        record.CounterpartyName.ShouldBe("株式会社サクラネット");
        record.CounterpartyRepresentative.ShouldBe("代表取締役社長 桜井 花子");

        var law = await ProvideAsync(app, tenant, new ProvisionRequest("authorities", ProvisionBasisKind.LegalException, ["name", "email"], [customer],
            LegalException.Law, "刑事訴訟法第197条第2項に基づく照会（令和8年第123号）"));
        law.Provided.ShouldBe([customer]);
        var lawRecord = await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().GetAsync(law.RecordId!.Value, Ct));
        lawRecord.Justification.ShouldStartWith("刑事訴訟法");
        lawRecord.LegalException.ShouldBe("law");

        // Payment card data is exported only by the designated role (viewers: billing).
        var card = await In(app, tenant, sp => sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("customer", "web-form", ["service-provision"],
            new Dictionary<string, string> { ["name"] = "試験 決済", ["payment-card"] = "4111111111111111" }, "isp"), Actor.System, Ct));
        var officer = await ProvideAsync(app, tenant, new ProvisionRequest("payment-agent", ProvisionBasisKind.Entrustment, ["name", "payment-card"], [card.Id]));
        officer.Provided.ShouldBeEmpty();
        officer.RecordId.ShouldBeNull();
        officer.Refused.Single().Reason.ShouldBe(DecisionReasons.UnmaskNotAllowed);
        officer.Refused.Single().Code.ShouldBe("MAMORI-4060");
        var billing = await ProvideAsync(app, tenant, new ProvisionRequest("payment-agent", ProvisionBasisKind.Entrustment, ["name", "payment-card"], [card.Id]), Roles.PrivacyOfficer, "billing");
        billing.Data.Single().Fields["payment-card"].ShouldBe("4111111111111111");
    }

    // The policy check (MAMORI-2036) keeps such a group out of new versions; a version published before it, or by a store that
    // took the model as it was, still must not let data leave under a shared use the public was not fully told of.
    [Fact]
    public async Task Provide_SharedUseWithoutRepresentativeInForce_RefusedItemsMissingNothingLeaves()
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        var model = Mamori.Policy.PolicyLoader.LoadDirectory(PolicyDir()).Policy!;
        var incomplete = model with
        {
            Recipients = model.Recipients with
            {
                SharedUse = [.. model.Recipients.SharedUse.Select(g => g.Id == "sakura-group" ? g with { ResponsibleParty = g.ResponsibleParty! with { Representative = null } } : g)],
            },
        };
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Policy.PolicyStore>().PublishAsync(incomplete, new DateOnly(2026, 11, 1), null, Actor.System, Ct));

        var refused = await RefusedAsync(app, tenant, new ProvisionRequest("sakura-group", ProvisionBasisKind.SharedUse, ["name", "email"], [customer]));
        refused.Code.ShouldBe(ErrorCode.SharedUseItemsMissing);
        refused.Message.ShouldContain("representative");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ProvisionRecord>().CountAsync(Ct))).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Sweep_FakeClock_OlderRecordsSweptYoungerKept(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var a = await IspCustomerAsync(app, tenant, NewPerson());
        await GrantAsync(app, tenant, a, "provision:carriers");
        // 2026-11-23: an own record (kept through 2029-11-23) and an order form as the record, last provision 2026-03-10 (W-07: kept through 2027-03-10).
        var own = await ProvideAsync(app, tenant, ToCarriers(a));
        var contract = await ProvideAsync(app, tenant, ToCarriers(a) with { Contract = new ContractAsRecord("order-2026-0310", new DateOnly(2026, 3, 10)) });
        var receipt = await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().RecordReceiptAsync(new ReceiptRequest("提供元株式会社", "京都府京都市1-1", "代表取締役 提供 花子",
            "本人から申込書により取得", ProvisionBasisKind.Consent, ["氏名"], new DateOnly(2026, 11, 20), [a], ConsentRef: "申込書の同意欄"), Actor.System, Ct));
        async Task<int> Sweep() => (await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().SweepAsync(false, Actor.System, Ct))).Swept;
        async Task<List<Guid>> Left() => await app.InTenantAsync(tenant, (_, db) => db.Set<ProvisionRecord>().Select(r => r.Id).ToListAsync(Ct));

        app.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 14, 59, 0, TimeSpan.Zero)); // 2027-03-10 23:59 JST: the anniversary, still kept
        (await Sweep()).ShouldBe(0);
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 15, 0, 0, TimeSpan.Zero)); // 2027-03-11 00:00 JST
        (await In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().SweepAsync(true, Actor.System, Ct))).Swept.ShouldBe(1);
        (await Sweep()).ShouldBe(1);
        (await Left()).Order().ShouldBe(new[] { own.RecordId!.Value, receipt.Id }.Order());
        app.Clock.SetUtcNow(new DateTimeOffset(2029, 11, 23, 14, 0, 0, TimeSpan.Zero));
        (await Sweep()).ShouldBe(0);
        app.Clock.SetUtcNow(new DateTimeOffset(2029, 11, 23, 15, 0, 0, TimeSpan.Zero)); // 2029-11-24 JST
        (await Sweep()).ShouldBe(2);
        (await Left()).ShouldBeEmpty();
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ProvisionRecordSubject>().CountAsync(Ct))).ShouldBe(0);
        contract.RecordId.ShouldNotBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Sweep_SixAtOnce_EachRecordDeletedAndCountedOnce(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var a = await IspCustomerAsync(app, tenant, NewPerson());
        await GrantAsync(app, tenant, a, "provision:carriers");
        for (var i = 0; i < 5; i++) await ProvideAsync(app, tenant, ToCarriers(a));
        app.Clock.SetUtcNow(new DateTimeOffset(2029, 11, 23, 15, 0, 0, TimeSpan.Zero)); // 2029-11-24 JST: all five past their three years

        // Six servers' jobs at once, each in its own scope and transaction.
        var reports = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().SweepAsync(false, Actor.System, Ct))));

        reports.Sum(r => r.Swept).ShouldBe(5);
        reports.Count(r => r.Swept > 0).ShouldBe(1);
        var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.ProvisionRecordsSwept).Select(e => e.Categories).ToListAsync(Ct));
        events.ShouldBe(["5"]);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ProvisionRecord>().CountAsync(Ct))).ShouldBe(0);
        (await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct))).Intact.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BackgroundJobs_RecordPastRetention_Deleted(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var a = await IspCustomerAsync(app, tenant, NewPerson());
        await GrantAsync(app, tenant, a, "provision:carriers");
        await ProvideAsync(app, tenant, ToCarriers(a));
        var jobs = app.App.Services.GetRequiredService<Mamori.Hosting.VaultJobs>();

        app.Clock.SetUtcNow(new DateTimeOffset(2029, 11, 23, 14, 59, 0, TimeSpan.Zero)); // 2029-11-23 23:59 JST: the last day it is kept
        await jobs.RunOnceAsync(Ct);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ProvisionRecord>().CountAsync(Ct))).ShouldBe(1);

        app.Clock.SetUtcNow(new DateTimeOffset(2029, 11, 23, 15, 0, 0, TimeSpan.Zero));
        await jobs.RunOnceAsync(Ct);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ProvisionRecord>().CountAsync(Ct))).ShouldBe(0);
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.ProvisionRecordsSwept, Ct))).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Receipt_MissingArt30Items_RefusedWithCode(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var e = await Should.ThrowAsync<MamoriException>(() => In(app, tenant, sp => sp.GetRequiredService<ProvisionRecords>().RecordReceiptAsync(
            new ReceiptRequest("提供元株式会社", " ", null, "", ProvisionBasisKind.OptOut, ["氏名"], new DateOnly(2026, 11, 20)), Actor.System, Ct)));
        e.Code.ShouldBe(ErrorCode.ReceiptItemsMissing);
        e.Message.ShouldContain("providerAddress, providerRepresentative, acquisitionHistory, ppcPublication");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Registry_SupervisionAndSharedUseMembers_Kept(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        await In(app, tenant, sp => sp.GetRequiredService<RecipientRegistry>().SaveProfileAsync("payment-agent", new RecipientProfileRequest(RecipientKind.Entrustee,
            "さくら決済サービス株式会社", "東京都中央区1-1", "代表取締役 決済 一郎", true, true, true, new DateOnly(2023, 4, 1), new DateOnly(2028, 3, 31), "委託契約書 2023-04"), Actor.System, Ct));
        await In(app, tenant, sp => sp.GetRequiredService<RecipientRegistry>().AddSupervisionAsync("payment-agent",
            new SupervisionRequest(new DateOnly(2026, 10, 1), SupervisionKind.OnSiteAudit, "アクセスログの保存期間が契約より短い", "是正計画を受領", new DateOnly(2027, 10, 1)), Actor.System, Ct));
        await In(app, tenant, sp => sp.GetRequiredService<RecipientRegistry>().AddMemberAsync("sakura-group",
            new SharedUseMemberRequest("サクラデータセンター株式会社", "東京都江東区1-1", "代表取締役 データ 次郎", new DateOnly(2020, 4, 1)), Actor.System, Ct));
        var list = await In(app, tenant, sp => sp.GetRequiredService<RecipientRegistry>().ListAsync(Ct));
        var agent = list.Single(r => r.Id == "payment-agent");
        agent.LastSupervision.ShouldBe(new DateOnly(2026, 10, 1));
        agent.Profile!.AuditClause.ShouldBeTrue();
        list.Single(r => r.Id == OptOutRecipient).DeclaredInPolicy.ShouldBeFalse();
        (await In(app, tenant, sp => sp.GetRequiredService<RecipientRegistry>().MembersAsync("sakura-group", Ct))).Single().Name.ShouldBe("サクラデータセンター株式会社");
        var kind = await Should.ThrowAsync<MamoriException>(() => In(app, tenant, sp => sp.GetRequiredService<RecipientRegistry>().SaveProfileAsync("carriers",
            new RecipientProfileRequest(RecipientKind.Entrustee, "x"), Actor.System, Ct)));
        kind.Code.ShouldBe(ErrorCode.InvalidRecipientProfile);
        kind.Message.ShouldBe("The policy declares 'carriers' as third-party, not entrustee."); // not "as ThirdParty, not Entrustee"
        (await Should.ThrowAsync<MamoriException>(() => In(app, tenant, sp => sp.GetRequiredService<RecipientRegistry>().AddMemberAsync("no-group",
            new SharedUseMemberRequest("x"), Actor.System, Ct)))).Code.ShouldBe(ErrorCode.UnknownRecipient);
        // The entrustee with a contract in force now takes entrusted data.
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        (await ProvideAsync(app, tenant, new ProvisionRequest("payment-agent", ProvisionBasisKind.Entrustment, ["name"], [customer]))).Provided.ShouldBe([customer]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Disclosure_AfterProvision_ListsTheRecordWithoutOtherSubjects(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var person = await IspCustomerAsync(app, tenant, NewPerson());
        var other = await IspCustomerAsync(app, tenant, NewPerson());
        foreach (var s in new[] { person, other }) await GrantAsync(app, tenant, s, "provision:carriers");
        (await ProvideAsync(app, tenant, ToCarriers(person, other))).Provided.Count.ShouldBe(2);
        var package = await In(app, tenant, sp => sp.GetRequiredService<Mamori.Requests.DisclosureBuilder>()
            .BuildAsync("R-TEST", Mamori.Requests.RequestKind.ProvisionRecords, [person], Actor.System, Ct));
        package.ProvisionRecordsAvailable.ShouldBeTrue();
        var records = package.Subjects.Single().ProvisionRecords;
        records.Count.ShouldBe(1);
        records[0].Categories.ShouldBe(["name", "phone"], ignoreOrder: true);
        System.Text.Json.JsonSerializer.Serialize(package).ShouldNotContain(other.ToString());
    }
}
