using System.Text;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Cli;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>Storage contract for the vault: every test on SQLite and PostgreSQL.</summary>
public sealed class VaultStorageTests(PostgresCluster cluster)
{
    private static Task<ReadResult> ReadAsync(TestApp app, Guid tenant, DecisionRequest request) =>
        app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadAsync(request, Actor.System, Ct));

    private static async Task<string> DenialAsync(TestApp app, Guid tenant, DecisionRequest request)
    {
        var (d, _, _) = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<AccessDecisions>().DecideAsync(request, Actor.System, Ct));
        d.Allowed.ShouldBeFalse();
        return d.Reason;
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_ReadByPurpose_DecryptsAllowedFieldsOnly(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var p = NewPerson();
        var id = await IspCustomerAsync(app, tenant, p);
        var r = await ReadAsync(app, tenant, new DecisionRequest(id, "support", null, [Roles.Operator]));
        r.Values["name"].ShouldBe(p.Name);
        r.Values["email"].ShouldBe(p.Email);
        r.Values["inquiry"].ShouldBe("回線速度について");
        r.Masked.Values.ShouldAllBe(m => !m);
        var stored = await app.InTenantAsync(tenant, (_, db) => db.Set<SubjectField>().Where(f => f.SubjectId == id).ToListAsync(Ct));
        stored.ShouldAllBe(f => !Encoding.UTF8.GetString(f.Ciphertext).Contains(p.Email));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Lookup_EachBlindIndex_FindsSubjectByNormalizedValue(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var p = NewPerson();
        var customer = await IspCustomerAsync(app, tenant, p);
        var employee = await EmployeeAsync(app, tenant, p);
        async Task<IReadOnlyList<Guid>> Find(LookupKind kind, string value, string purpose, params string[] roles) =>
            await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().LookupAsync(kind, value, purpose, roles, Actor.System, Ct));

        (await Find(LookupKind.Email, p.Email.ToUpperInvariant(), "support", Roles.Operator)).ShouldBe([customer]);
        var fullWidthPhone = new string(p.Phone.Replace("-", "", StringComparison.Ordinal).Select(c => (char)(c - '0' + '０')).ToArray());
        (await Find(LookupKind.Phone, fullWidthPhone, "support", Roles.Operator)).ShouldBe([customer]);
        (await Find(LookupKind.Phone, "+81 " + p.Phone[1..], "support", Roles.Operator)).ShouldBe([customer]);
        (await Find(LookupKind.MyNumber, p.MyNumber[..4] + "-" + p.MyNumber[4..8] + "-" + p.MyNumber[8..], "payroll-tax", "payroll-officer")).ShouldBe([employee]);
        (await Find(LookupKind.Email, "nobody@example.jp", "support", Roles.Operator)).ShouldBeEmpty();
        // A match the caller may not use for the purpose is not revealed.
        (await Find(LookupKind.MyNumber, p.MyNumber, "payroll-tax", Roles.Operator)).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Correct_NewValue_ReadAndLookupFollow(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var p = NewPerson();
        var id = await IspCustomerAsync(app, tenant, p);
        var newEmail = "corrected." + p.Email;
        await app.InTenantAsync(tenant, async (sp, _) =>
        {
            await sp.GetRequiredService<Subjects>().CorrectAsync(id, new Dictionary<string, string> { ["email"] = newEmail }, "data-subject-request", Actor.System, Ct);
            return 0;
        });
        (await ReadAsync(app, tenant, new DecisionRequest(id, "support", ["email"], [Roles.Operator]))).Values["email"].ShouldBe(newEmail);
        var found = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().LookupAsync(LookupKind.Email, p.Email, "support", [Roles.Operator], Actor.System, Ct));
        found.ShouldBeEmpty();
        var e = await Should.ThrowAsync<MamoriException>(() => app.InTenantAsync(tenant, async (sp, _) =>
        {
            await sp.GetRequiredService<Subjects>().CorrectAsync(id, new Dictionary<string, string> { ["email"] = "x@y.jp" }, "Because 山田 asked", Actor.System, Ct);
            return 0;
        }));
        e.Code.ShouldBe(ErrorCode.InvalidReason);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Decide_EveryDenialReason_HasItsCode(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var p = NewPerson();
        var customer = await IspCustomerAsync(app, tenant, p);
        var employee = await EmployeeAsync(app, tenant, p);
        var sms = await SmsUserAsync(app, tenant, p);

        (await DenialAsync(app, tenant, new DecisionRequest(customer, "no-such-purpose", null, [Roles.Operator]))).ShouldBe(DecisionReasons.PurposeUndeclared);
        (await DenialAsync(app, tenant, new DecisionRequest(customer, "support", ["address"], [Roles.Operator]))).ShouldBe(DecisionReasons.CategoryNotInPurpose);
        (await DenialAsync(app, tenant, new DecisionRequest(employee, "inquiries", ["name"], [Roles.Operator]))).ShouldBe(DecisionReasons.PurposeNotForSubjectType);
        (await DenialAsync(app, tenant, new DecisionRequest(sms, "verification", ["sms-phone"], [Roles.Operator], RequireUnmasked: true))).ShouldBe(DecisionReasons.UnmaskNotAllowed);
        (await DenialAsync(app, tenant, new DecisionRequest(employee, "employment", ["my-number"], ["payroll-officer"]))).ShouldBe(DecisionReasons.CategoryNotInPurpose);
        (await DenialAsync(app, tenant, new DecisionRequest(employee, "employment", ["my-number"], ["payroll-officer"], Exception: LegalException.Law, Justification: "税務署からの照会"))).ShouldBe(DecisionReasons.MyNumberWrongPurpose);
        (await DenialAsync(app, tenant, new DecisionRequest(employee, "payroll-tax", ["my-number"], [Roles.Operator]))).ShouldBe(DecisionReasons.MyNumberRole);
        (await DenialAsync(app, tenant, new DecisionRequest(sms, "coupon-delivery", ["sms-phone"], ["sms-manager"]))).ShouldBe(DecisionReasons.ConsentMissing);
        (await DenialAsync(app, tenant, new DecisionRequest(customer, "recruitment", null, [Roles.Operator], Exception: LegalException.LifeBodyProperty, Justification: "  "))).ShouldBe(DecisionReasons.ExceptionWithoutJustification);
        await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().Where(s => s.Id == customer).ExecuteUpdateAsync(u => u.SetProperty(s => s.UseSuspended, true), Ct));
        (await DenialAsync(app, tenant, new DecisionRequest(customer, "support", null, [Roles.Operator]))).ShouldBe(DecisionReasons.Suspended);
        (await DenialAsync(app, tenant, new DecisionRequest(Guid.NewGuid(), "support", null, [Roles.Operator]))).ShouldBe(DecisionReasons.SubjectNotFound);

        // The allowed counterparts: designated role unmasks; consent given; exception with justification.
        var masked = await ReadAsync(app, tenant, new DecisionRequest(sms, "verification", ["sms-phone"], [Roles.Operator]));
        masked.Masked["sms-phone"].ShouldBeTrue();
        masked.Values["sms-phone"].ShouldBe(p.Phone[..4] + "****-" + p.Phone[^4..]);
        (await ReadAsync(app, tenant, new DecisionRequest(sms, "verification", ["sms-phone"], ["sms-manager"], RequireUnmasked: true))).Values["sms-phone"].ShouldBe(p.Phone);
        (await ReadAsync(app, tenant, new DecisionRequest(employee, "payroll-tax", ["my-number"], ["payroll-officer"]))).Values["my-number"].ShouldBe(p.MyNumber);
        var exception = await ReadAsync(app, tenant, new DecisionRequest(employee, "inquiries", ["name"], [Roles.Operator], Exception: LegalException.LifeBodyProperty, Justification: "災害時の安否確認"));
        exception.Decision.Reason.ShouldBe(DecisionReasons.AllowedLegalException);

        var denied = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.AccessDenied, Ct));
        denied.ShouldBe(11);
    }

    // The decision's queries are compiled once and run on pooled contexts: the tenant filter must take each
    // context's tenant at execution, not the first one it saw. Decided in the owner's tenant before and after.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Decide_SubjectOfAnotherTenant_DeniedAsNotFound(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var other = (await app.CreateTenantAsync("other")).Id;
        await app.InTenantAsync(other, (sp, _) => PolicyPublishCommand.PublishDirectoryAsync(sp, ExamplesDir, new DateOnly(2026, 4, 1), null, Actor.System, Ct));
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        var request = new DecisionRequest(customer, "support", ["name"], [Roles.Operator]);
        Task<Decision> DecideIn(Guid t) => app.InTenantAsync(t, async (sp, _) => (await sp.GetRequiredService<AccessDecisions>().DecideAsync(request, Actor.System, Ct)).Decision);

        (await DecideIn(tenant)).Allowed.ShouldBeTrue();
        var foreign = await DecideIn(other);
        foreign.Allowed.ShouldBeFalse();
        foreign.Reason.ShouldBe(DecisionReasons.SubjectNotFound);
        (await DecideIn(tenant)).Allowed.ShouldBeTrue();
        (await Should.ThrowAsync<MamoriException>(() => ReadAsync(app, other, request))).Code.ShouldBe(ErrorCode.SubjectNotFound);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Decide_ConsentWithdrawn_NextDecisionDenied(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var sms = await SmsUserAsync(app, tenant, NewPerson(), couponConsent: true);
        var request = new DecisionRequest(sms, "coupon-delivery", ["sms-phone"], ["sms-manager"]);
        (await ReadAsync(app, tenant, request)).Decision.Allowed.ShouldBeTrue();
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.InTenantAsync(tenant, async (_, db) =>
        {
            db.Add(new Mamori.Consent.ConsentRecord { Id = Guid.CreateVersion7(app.Clock.GetUtcNow()), SubjectId = sms, Scope = "purpose:coupon-delivery", Granted = false, At = app.Clock.GetUtcNow() });
            return await db.SaveChangesAsync(Ct);
        });
        (await DenialAsync(app, tenant, request)).ShouldBe(DecisionReasons.ConsentMissing);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_SpecialCareWithoutConsent_RefusedNothingStored(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var e = await Should.ThrowAsync<MamoriException>(() => app.InTenantAsync(tenant, (sp, _) =>
            sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("employee", "paper", ["health-management"],
                new Dictionary<string, string> { ["name"] = "試験 太郎", ["health-check"] = "要再検査" }), Actor.System, Ct)));
        e.Code.ShouldBe(ErrorCode.SpecialCareWithoutConsent);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct))).ShouldBe(0);
        var ok = await app.InTenantAsync(tenant, (sp, _) =>
            sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("employee", "paper", ["health-management"],
                new Dictionary<string, string> { ["name"] = "試験 太郎", ["health-check"] = "要再検査" }, Consents: ["special-care", "purpose:health-management"]), Actor.System, Ct));
        ok.Id.ShouldNotBe(Guid.Empty);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_MyNumberOutsideItsPurposes_Refused(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var e = await Should.ThrowAsync<MamoriException>(() => app.InTenantAsync(tenant, (sp, _) =>
            sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("employee", "paper", ["employment"],
                new Dictionary<string, string> { ["name"] = "試験 太郎", ["my-number"] = NewPerson().MyNumber }), Actor.System, Ct)));
        e.Code.ShouldBe(ErrorCode.UnknownCategory);
        var bad = await Should.ThrowAsync<MamoriException>(() => EmployeeAsync(app, tenant, NewPerson() with { MyNumber = "123456789012" }));
        bad.Code.ShouldBe(ErrorCode.InvalidFieldValue);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erase_LegalHold_KeepsHeldCategoriesAndSaysWhy(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var p = NewPerson();
        var id = await IspCustomerAsync(app, tenant, p);
        await RecordEventAsync(app, tenant, id, "contract-end");   // the hold counts from the end of the contract: today
        var certificate = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));
        certificate.Destroyed.ShouldBe("inquiry");
        certificate.Kept.ShouldNotBeNull();
        certificate.Kept.ShouldContain("email until 2033-11-23 (法人税法（帳簿書類の保存）)");
        var r = await ReadAsync(app, tenant, new DecisionRequest(id, "service-provision", null, [Roles.Operator], Exception: LegalException.Law, Justification: "税務調査（法人税法）"));
        r.Values.Keys.Order().ShouldBe(["email", "name", "phone"]);
        r.Values["email"].ShouldBe(p.Email);
    }

    /// <summary>
    /// Regression (H3): a person erased on request whose data a legal hold keeps stayed readable and findable for support,
    /// marketing and the service itself, as if nothing had happened. What the hold keeps serves that law only: its statutory
    /// purpose (payroll-tax under the Income Tax Act), or the law exception with a justification when the hold was declared by
    /// an ordinary purpose (the ISP's service-provision under the Corporation Tax Act); the person's own requests still read it.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erase_LegalHold_OrdinaryPurposesDeniedOnlyTheLawReads(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var p = NewPerson();
        var worker = NewPerson();
        var customer = await IspCustomerAsync(app, tenant, p);
        var employee = await EmployeeAsync(app, tenant, worker);
        foreach (var id in new[] { customer, employee })
            await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));
        var subject = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == customer, Ct));
        subject.ErasedWithHoldAt.ShouldBe(app.Clock.GetUtcNow());
        subject.ErasedAt.ShouldBeNull();

        // Every ordinary purpose, the one that declares the hold included, and every exception but the law's.
        (await DenialAsync(app, tenant, new DecisionRequest(customer, "support", null, [Roles.Operator]))).ShouldBe(DecisionReasons.ErasedLegalHold);
        (await DenialAsync(app, tenant, new DecisionRequest(customer, "service-provision", null, [Roles.Operator]))).ShouldBe(DecisionReasons.ErasedLegalHold);
        (await DenialAsync(app, tenant, new DecisionRequest(customer, "support", null, [Roles.Operator], Exception: LegalException.LifeBodyProperty, Justification: "安否確認")))
            .ShouldBe(DecisionReasons.ErasedLegalHold);
        (await DenialAsync(app, tenant, new DecisionRequest(employee, "employment", ["name"], [Roles.Operator]))).ShouldBe(DecisionReasons.ErasedLegalHold);
        var read = await Should.ThrowAsync<MamoriException>(() => ReadAsync(app, tenant, new DecisionRequest(customer, "support", ["email"], [Roles.Operator])));
        (read.Code, read.Reason).ShouldBe((ErrorCode.AccessDenied, DecisionReasons.ErasedLegalHold));
        var many = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadManyAsync(
            [new DecisionRequest(customer, "support", null, [Roles.Operator]), new DecisionRequest(customer, "service-provision", null, [Roles.Operator])], Actor.System, Ct));
        many.ShouldAllBe(i => i.Decision.Reason == DecisionReasons.ErasedLegalHold && i.Values.Count == 0);
        async Task<IReadOnlyList<Guid>> Find(LookupKind kind, string value, string purpose, params string[] roles) =>
            await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().LookupAsync(kind, value, purpose, roles, Actor.System, Ct));
        (await Find(LookupKind.Email, p.Email, "support", Roles.Operator)).ShouldBeEmpty();
        (await Find(LookupKind.Phone, p.Phone, "service-provision", Roles.Operator)).ShouldBeEmpty();

        // The law, with its justification; the statutory purpose whose hold keeps the data; the person's own requests.
        var law = await ReadAsync(app, tenant, new DecisionRequest(customer, "service-provision", ["email"], [Roles.Operator], Exception: LegalException.Law, Justification: "税務調査（法人税法）"));
        (law.Decision.Reason, law.Values["email"]).ShouldBe((DecisionReasons.AllowedLegalException, p.Email));
        var tax = await ReadAsync(app, tenant, new DecisionRequest(employee, "payroll-tax", ["my-number"], ["payroll-officer"]));
        (tax.Decision.Reason, tax.Values["my-number"]).ShouldBe((DecisionReasons.Allowed, worker.MyNumber));
        (await Find(LookupKind.MyNumber, worker.MyNumber, "payroll-tax", "payroll-officer")).ShouldBe([employee]);
        (await ReadAsync(app, tenant, new DecisionRequest(customer, DecisionRules.RequestHandling, null, [Roles.Operator]))).Values["email"].ShouldBe(p.Email);
        (await Find(LookupKind.Email, p.Email, DecisionRules.RequestHandling, Roles.Operator)).ShouldBe([customer]);
    }

    /// <summary>
    /// After an erasure the hold is the only reason to keep a field, so it goes when the hold ends, even where the purposes the
    /// person asked to end would have kept it longer; then the subject is fully erased.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RetentionSweep_ErasedWithHold_DestroysTheRestWhenTheHoldEnds(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());   // name/email/phone under 法人税法 P7Y, inquiry P1Y
        await RecordEventAsync(app, tenant, customer, "contract-end");
        var heldUntil = await app.InTenantAsync(tenant, async (_, db) =>
        {
            // A purpose's own retention three years past the hold, as a policy may declare it.
            var held = await db.Set<SubjectField>().Where(f => f.SubjectId == customer && f.HeldUntil != null).ToListAsync(Ct);
            foreach (var f in held) f.RetainUntil = f.HeldUntil!.Value.AddYears(3);
            await db.SaveChangesAsync(Ct);
            return held.Max(f => f.HeldUntil!.Value);
        });
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(customer, "data-subject-request", Actor.System, Ct));
        async Task<SweepReport> Sweep() => await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().SweepRetentionAsync(false, Actor.System, Ct));

        app.Clock.Advance(heldUntil - app.Clock.GetUtcNow() - TimeSpan.FromDays(1));
        (await Sweep()).FieldsDestroyed.ShouldBe(0);
        (await ReadAsync(app, tenant, new DecisionRequest(customer, DecisionRules.RequestHandling, null, [Roles.Operator]))).Values.Count.ShouldBe(3);

        app.Clock.Advance(TimeSpan.FromDays(2));
        var swept = await Sweep();
        (swept.FieldsDestroyed, swept.SubjectsErased).ShouldBe((3, 1));
        var subject = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == customer, Ct));
        subject.WrappedKey.ShouldBeNull();
        subject.ErasedAt.ShouldBe(app.Clock.GetUtcNow());
        (await app.InTenantAsync(tenant, (_, db) => db.Set<SubjectLookup>().CountAsync(l => l.SubjectId == customer, Ct))).ShouldBe(0);
        (await DenialAsync(app, tenant, new DecisionRequest(customer, DecisionRules.RequestHandling, null, [Roles.Operator]))).ShouldBe(DecisionReasons.SubjectErased);
        var last = await app.InTenantAsync(tenant, (_, db) => db.Set<DestructionCertificate>().Where(c => c.SubjectId == customer && c.Kind == DestructionKind.Retention).SingleAsync(Ct));
        (last.Destroyed, last.Kept).ShouldBe(("email,name,phone", null));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erase_NoHold_KeyDestroyedReadDeniedAuditIntact(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var id = await SmsUserAsync(app, tenant, NewPerson());
        var certificate = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));
        certificate.Kept.ShouldBeNull();
        var subject = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().SingleAsync(s => s.Id == id, Ct));
        subject.WrappedKey.ShouldBeNull();
        subject.ErasedAt.ShouldNotBeNull();
        (await app.InTenantAsync(tenant, (_, db) => db.Set<SubjectLookup>().CountAsync(l => l.SubjectId == id, Ct))).ShouldBe(0);
        (await DenialAsync(app, tenant, new DecisionRequest(id, "verification", null, ["sms-manager"]))).ShouldBe(DecisionReasons.SubjectErased);
        var verify = await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct));
        verify.Intact.ShouldBeTrue(verify.Problem);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task KeyRotation_RewrapThenRetireOldKey_AllDataStillReadable(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var people = Enumerable.Range(0, 5).Select(_ => NewPerson()).ToList();
        var ids = new List<Guid>();
        foreach (var p in people) ids.Add(await IspCustomerAsync(app, tenant, p));
        var keys = app.App.Services.GetRequiredService<KeyRingProvider>();
        var old = keys.Current.Primary.Id;
        keys.Save(keys.Current.WithNewKey(app.Clock));
        var rewrapped = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().RewrapAsync(Actor.System, Ct));
        rewrapped.ShouldBe(5);
        var usage = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().KeyUsageAsync(Ct));
        usage.ContainsKey(old).ShouldBeFalse();
        keys.Save(keys.Current.Without(old));
        keys.Current.Find(old).ShouldBeNull();
        for (var i = 0; i < ids.Count; i++)
            (await ReadAsync(app, tenant, new DecisionRequest(ids[i], "support", ["email"], [Roles.Operator]))).Values["email"].ShouldBe(people[i].Email);
        Should.Throw<MamoriException>(() => keys.Current.Without(keys.Current.Primary.Id)).Code.ShouldBe(ErrorCode.KeyInUse);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RetentionSweep_FakeClock_DestroysExpiredKeepsRestWritesCertificates(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var sms = await SmsUserAsync(app, tenant, NewPerson());            // verification-log P6M, sms-phone P1Y from the coupon's expiry
        var customer = await IspCustomerAsync(app, tenant, NewPerson());   // inquiry: support P1Y; name/email/phone: 法人税法 hold P7Y
        await RecordEventAsync(app, tenant, sms, "coupon-expiry");
        async Task<SweepReport> Sweep(bool dry = false) =>
            await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().SweepRetentionAsync(dry, Actor.System, Ct));

        (await Sweep()).FieldsDestroyed.ShouldBe(0);
        app.Clock.Advance(TimeSpan.FromDays(200));
        (await Sweep(dry: true)).FieldsDestroyed.ShouldBe(1);
        var first = await Sweep();
        first.FieldsDestroyed.ShouldBe(1);
        first.SubjectsErased.ShouldBe(0);
        var read = await ReadAsync(app, tenant, new DecisionRequest(sms, "coupon-management", null, ["sms-manager"]));
        read.Values.Keys.ShouldBe(["sms-phone"]);

        app.Clock.Advance(TimeSpan.FromDays(200));
        var second = await Sweep();
        second.SubjectsErased.ShouldBe(1);
        (await DenialAsync(app, tenant, new DecisionRequest(sms, "coupon-management", null, ["sms-manager"]))).ShouldBe(DecisionReasons.SubjectErased);
        var held = await ReadAsync(app, tenant, new DecisionRequest(customer, "support", null, [Roles.Operator]));
        held.Values.Keys.Order().ShouldBe(["email", "name", "phone"]);
        var certificates = await app.InTenantAsync(tenant, (_, db) => db.Set<DestructionCertificate>().Where(c => c.Kind == DestructionKind.Retention).OrderBy(c => c.DestroyedAt).ToListAsync(Ct));
        certificates.Select(c => (c.SubjectId, c.Destroyed)).ShouldBe([(sms, "verification-log"), (sms, "sms-phone"), (customer, "inquiry")], ignoreOrder: true);
        (await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct))).Intact.ShouldBeTrue();
    }

    /// <summary>
    /// Regression: a sweep recorded what it kept without a legal hold as "sms-phone until  ()" (no day, no law), and the person's
    /// disclosure showed that string. It records the day the field's retention ends, the same way an erasure records a hold.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RetentionSweep_KeptItems_RecordedLikeAnErasure(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var sms = await SmsUserAsync(app, tenant, NewPerson());            // verification-log P6M, sms-phone P1Y from the coupon's expiry, no hold
        var customer = await IspCustomerAsync(app, tenant, NewPerson());   // inquiry P1Y; name/email/phone under 法人税法 P7Y from the contract's end
        await RecordEventAsync(app, tenant, sms, "coupon-expiry");
        await RecordEventAsync(app, tenant, customer, "contract-end");
        var fields = await app.InTenantAsync(tenant, (_, db) => db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == sms || f.SubjectId == customer).ToListAsync(Ct));
        var phoneUntil = fields.Single(f => f.SubjectId == sms && f.Category == "sms-phone").RetainUntil!.Value;
        var emailHeld = fields.Single(f => f.SubjectId == customer && f.Category == "email").HeldUntil!.Value;
        async Task Sweep() => await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().SweepRetentionAsync(false, Actor.System, Ct));
        app.Clock.Advance(TimeSpan.FromDays(200));
        await Sweep();
        app.Clock.Advance(TimeSpan.FromDays(200));
        await Sweep();
        var model = (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Policy.PolicyStore>().RequireCurrentAsync(Ct))).Model;
        var certificates = await app.InTenantAsync(tenant, (_, db) => db.Set<DestructionCertificate>().AsNoTracking().Where(c => c.Kind == DestructionKind.Retention).ToListAsync(Ct));

        var phoneKept = certificates.Single(c => c.SubjectId == sms && c.Destroyed == "verification-log");
        phoneKept.Kept.ShouldBe($"sms-phone until {phoneUntil.UtcDateTime:yyyy-MM-dd}");
        HeldCategories.Of(phoneKept).ShouldBe([new HeldCategory("sms-phone", phoneUntil.ToUniversalTime(), null)]);
        var day = Mamori.Policy.Rendering.NoticePhrases.Date(Mamori.Incidents.JapanTime.DayOf(phoneUntil, Mamori.Policy.PolicyStore.Jst), Mamori.Policy.NoticeLanguage.Ja);
        HeldCategories.Text(phoneKept, model, Mamori.Policy.NoticeLanguage.Ja).ShouldBe($"SMS認証に使用した携帯電話番号：{day}まで保存");

        // The customer's inquiry expired while the tax law still holds the rest: recorded as an erasure records a hold.
        var held = certificates.Single(c => c.SubjectId == customer);
        held.Kept!.ShouldContain($"email until {emailHeld.UtcDateTime:yyyy-MM-dd} (法人税法（帳簿書類の保存）)");
        held.Kept.ShouldBe(HeldCategories.Recorded(HeldCategories.Of(held)!));
        certificates.ShouldAllBe(c => c.Kept == null || !c.Kept.Contains("()"));
    }

    [Fact]
    public void HeldCategoriesText_SweepCertificateWithoutDayOrLaw_SaysKeptUntilItsPeriodEnds()
    {
        // Written by sweeps before the day was recorded: the person reads neither the raw string nor an invented day.
        var certificate = new DestructionCertificate { Actor = "system", Reason = "retention-expired", Destroyed = "verification-log", Kept = "sms-phone until  ()" };
        HeldCategories.Text(certificate, null, Mamori.Policy.NoticeLanguage.Ja).ShouldBe("sms-phone：保存期間の満了まで保存");
        HeldCategories.Text(certificate, null, Mamori.Policy.NoticeLanguage.En).ShouldBe("sms-phone: kept until its retention period ends");
    }

    [Fact]
    public async Task RetentionSweep_TwoConcurrentSweepsOnPostgres_DestroyEachRecordOnce()
    {
        var (app, tenant) = await StartAsync(Providers.Postgres, cluster);
        await using var _ = app;
        const int n = 250;
        await app.InTenantAsync(tenant, async (sp, db) =>
        {
            var subjects = sp.GetRequiredService<Subjects>();
            var current = await sp.GetRequiredService<Mamori.Policy.PolicyStore>().RequireCurrentAsync(Ct);
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            var prepared = Enumerable.Range(0, n).Select(i => subjects.Prepare(new CreateSubjectRequest("sms-user", "self-input", ["verification"],
                new Dictionary<string, string> { ["sms-phone"] = $"090-1234-{i:D4}", ["verification-log"] = "ok" }, "sms-verify"), current, Actor.System)).ToList();
            foreach (var p in prepared) subjects.Add(p);
            await sp.GetRequiredService<AuditLog>().AppendManyAsync(db, prepared.Select(p => p.Audit).ToList(), Ct);
            await tx.CommitAsync(Ct);
            return 0;
        });
        app.Clock.Advance(TimeSpan.FromDays(200));
        var reports = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().SweepRetentionAsync(false, Actor.System, Ct)), Ct)));
        reports.Sum(r => r.SubjectsErased).ShouldBe(n);
        var certificates = await app.InTenantAsync(tenant, (_, db) => db.Set<DestructionCertificate>().Select(c => c.SubjectId).ToListAsync(Ct));
        certificates.Count.ShouldBe(n);
        certificates.Distinct().Count().ShouldBe(n);
        (await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct))).Intact.ShouldBeTrue();
    }
}
