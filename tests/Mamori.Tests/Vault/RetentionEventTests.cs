using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// Regression (M1): retention and legal holds counted from the day the data was entered, whatever the notice promised
/// (契約終了日から7年, 退職日から5年), so the sweep would have destroyed an active customer's contract data. A purpose now counts
/// from acquisition or from an event recorded per person; until the event is recorded its data is kept.
/// </summary>
public sealed class RetentionEventTests(PostgresCluster cluster)
{
    private static Task<SweepReport> SweepAsync(TestApp app, Guid tenant) =>
        app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().SweepRetentionAsync(false, Mamori.Audit.Actor.System, Ct));

    private static Task<List<SubjectField>> FieldsAsync(TestApp app, Guid tenant, Guid subject) =>
        app.InTenantAsync(tenant, (_, db) => db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == subject).OrderBy(f => f.Category).ToListAsync(Ct));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Sweep_EventNotRecorded_KeepsTheDataAndCountsThePersonAsWaiting(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var employee = await EmployeeAsync(app, tenant, NewPerson());   // employment: 退職日から5年; payroll-tax: 法定調書の提出期限の翌日から7年
        var customer = await IspCustomerAsync(app, tenant, NewPerson()); // service-provision: 契約終了日から7年; support: 1 year from the call

        (await FieldsAsync(app, tenant, employee)).ShouldAllBe(f => f.RetainUntil == null && f.AwaitingEvents != null && f.HoldBasis != null && f.HeldUntil == null);
        app.Clock.Advance(TimeSpan.FromDays(366 * 10));
        var swept = await SweepAsync(app, tenant);

        swept.FieldsDestroyed.ShouldBe(1);   // only the inquiry, kept one year from the call
        (await FieldsAsync(app, tenant, employee)).Select(f => f.Category).ShouldBe(["address", "my-number", "name"]);
        (await FieldsAsync(app, tenant, customer)).Select(f => f.Category).ShouldBe(["email", "name", "phone"]);
        var waiting = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<RetentionEvents>().AwaitingAsync(Ct));
        waiting.Persons.ShouldBe(2);
        waiting.ByEvent.ShouldContain(("contract-end", 1));
        waiting.ByEvent.ShouldContain(("retirement", 1));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordAsync_ContractEnd_SweepDestroysWhenThePeriodFromThatDayEnds(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        app.Clock.Advance(TimeSpan.FromDays(3 * 365));   // three years a customer
        var ended = Today(app);

        var view = await RecordEventAsync(app, tenant, customer, "contract-end");

        (view.Event, view.OccurredOn, view.Name.Ja).ShouldBe(("contract-end", ended, "契約終了日"));
        var fields = await FieldsAsync(app, tenant, customer);
        // 7 years from the end of the contract, to the end of that day in Japan (23:59:59); the Corporation Tax Act's hold the same.
        var end = new DateTimeOffset(ended.AddYears(7).ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.FromHours(9));
        fields.Where(f => f.Category != "inquiry").ShouldAllBe(f => f.RetainUntil == end && f.HeldUntil == end && f.AwaitingEvents == null);
        var audit = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Code == AuditCode.RetentionEventRecorded, Ct));
        (audit.SubjectId, audit.TargetId).ShouldBe((customer.ToString(), "contract-end"));

        app.Clock.Advance(end - app.Clock.GetUtcNow() - TimeSpan.FromHours(1));
        await SweepAsync(app, tenant);
        (await FieldsAsync(app, tenant, customer)).Select(f => f.Category).ShouldBe(["email", "name", "phone"]);
        app.Clock.Advance(TimeSpan.FromHours(2));
        var swept = await SweepAsync(app, tenant);
        swept.SubjectsErased.ShouldBe(1);
        (await FieldsAsync(app, tenant, customer)).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordAsync_CorrectedDay_NeedsAReasonAndRecomputes(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        var today = Today(app);
        await RecordEventAsync(app, tenant, customer, "contract-end", today);
        var before = (await FieldsAsync(app, tenant, customer)).Single(f => f.Category == "email").RetainUntil;

        var refused = await Should.ThrowAsync<MamoriException>(() => RecordEventAsync(app, tenant, customer, "contract-end", today.AddDays(-30)));
        (refused.Code, refused.Reason).ShouldBe((ErrorCode.InvalidReason, "correction"));
        (await RecordEventAsync(app, tenant, customer, "contract-end", today)).OccurredOn.ShouldBe(today);   // the same day again: nothing to correct

        var corrected = await RecordEventAsync(app, tenant, customer, "contract-end", today.AddDays(-30), "wrong-date");

        (corrected.OccurredOn, corrected.CorrectionReason).ShouldBe((today.AddDays(-30), "wrong-date"));
        (await FieldsAsync(app, tenant, customer)).Single(f => f.Category == "email").RetainUntil.ShouldBe(before!.Value.AddDays(-30));
        var codes = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.AsNoTracking()
            .Where(e => e.Code == AuditCode.RetentionEventRecorded || e.Code == AuditCode.RetentionEventCorrected).Select(e => new { e.Code, e.ReasonCode }).ToListAsync(Ct));
        codes.Select(c => (c.Code, c.ReasonCode)).ShouldBe([(AuditCode.RetentionEventRecorded, null), (AuditCode.RetentionEventCorrected, "wrong-date")], ignoreOrder: true);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordAsync_EventOfNoPurposeShownOrFutureDay_Refused(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());

        (await Should.ThrowAsync<MamoriException>(() => RecordEventAsync(app, tenant, customer, "retirement"))).Code.ShouldBe(ErrorCode.RetentionEventUnknown);
        (await Should.ThrowAsync<MamoriException>(() => RecordEventAsync(app, tenant, customer, "contract-end", Today(app).AddDays(1)))).Code.ShouldBe(ErrorCode.RetentionEventDate);
        (await Should.ThrowAsync<MamoriException>(() => RecordEventAsync(app, tenant, Guid.NewGuid(), "contract-end"))).Code.ShouldBe(ErrorCode.SubjectNotFound);
        (await FieldsAsync(app, tenant, customer)).Where(f => f.Category != "inquiry").ShouldAllBe(f => f.RetainUntil == null);
    }

    /// <summary>
    /// Regression: a mistyped day (1900-01-01, or 0026 for 2026) was recorded without a word, and the next sweep crypto-shredded the
    /// data whose retention it ended. Such a day is now refused until confirmed, and nothing is written before that.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordAsync_DayThatEndsRetentionAlready_RefusedUntilConfirmed(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var employee = await EmployeeAsync(app, tenant, NewPerson());
        var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(Ct));

        // The withholding-tax purpose keeps the My Number 7 years from the day after the filing deadline: from 2015 it ended in 2022.
        var e = await Should.ThrowAsync<MamoriException>(() => RecordEventAsync(app, tenant, employee, "filing-deadline", new DateOnly(2015, 1, 31)));
        (e.Code, e.Status, e.Reason).ShouldBe((ErrorCode.RetentionEventEndsRetention, 409, "ends-retention"));
        e.ReasonArgs.ShouldBe(["my-number"]);
        (await Should.ThrowAsync<MamoriException>(() => RecordEventAsync(app, tenant, employee, "filing-deadline", new DateOnly(26, 12, 8))))
            .Reason.ShouldBe("too-early");
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(Ct))).ShouldBe(events);
        (await FieldsAsync(app, tenant, employee)).ShouldAllBe(f => f.RetainUntil == null);

        // A day that ends nothing yet needs no confirmation; the confirmed one is recorded and the sweep destroys what it ended.
        await RecordEventAsync(app, tenant, employee, "filing-deadline", new DateOnly(2026, 1, 31));
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<RetentionEvents>().RecordAsync(employee, "filing-deadline", new DateOnly(2015, 1, 31), "wrong-date",
            Actor.System, Ct, confirmExpired: true));
        (await SweepAsync(app, tenant)).FieldsDestroyed.ShouldBe(1);
        (await FieldsAsync(app, tenant, employee)).Select(f => f.Category).ShouldBe(["address", "name"]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConsoleCard_DayThatEndsRetention_AsksToConfirmShowingTheDayAndItems(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var employee = await EmployeeAsync(app, tenant, NewPerson());
        var officer = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var session = new Mamori.Tests.Console.ConsoleScenario.FormSession(app, (await app.SignedInAsync(officer)).DefaultRequestHeaders.GetValues("Cookie").Single());
        KeyValuePair<string, string>[] fields = [new("event", "filing-deadline"), new("date", "2015-01-31")];

        var refused = await session.PostAsync("/console/subjects", $"/console/subjects/{employee}/retention-events", fields);
        var html = await refused.Content.ReadAsStringAsync(Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict, html);
        html.ShouldContain("MAMORI-3028");
        html.ShouldContain("2015-01-31 から数えると保存期間が満了する項目");
        html.ShouldContain("個人番号");
        html.ShouldContain("name=\"confirmExpired\" value=\"yes\" required");
        (await FieldsAsync(app, tenant, employee)).ShouldAllBe(f => f.RetainUntil == null);

        var confirmed = await session.PostAsync("/console/subjects", $"/console/subjects/{employee}/retention-events", [.. fields, new("confirmExpired", "yes")]);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync(Ct));
        (await FieldsAsync(app, tenant, employee)).Single(f => f.Category == "my-number").RetainUntil.ShouldNotBeNull();
    }

    /// <summary>An erasure keeps what a hold keeps even before the hold's start is known, and says so; the event then starts the hold.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erase_HoldAwaitingItsEvent_KeptUntilRecordedThenUntilTheHoldEnds(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());

        var certificate = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(customer, "data-subject-request", Actor.System, Ct));

        certificate.Destroyed.ShouldBe("inquiry");
        certificate.Kept.ShouldBe("email awaiting contract-end (法人税法（帳簿書類の保存）); name awaiting contract-end (法人税法（帳簿書類の保存）); phone awaiting contract-end (法人税法（帳簿書類の保存）)");
        var model = (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<PolicyStore>().RequireCurrentAsync(Ct))).Model;
        HeldCategories.Text(certificate, model, NoticeLanguage.Ja).ShouldBe("電子メールアドレス、氏名、電話番号：契約終了日が記録されるまで保存（保存期間はその日から数えます）（法人税法（帳簿書類の保存））");
        HeldCategories.Text(certificate, model, NoticeLanguage.En)
            .ShouldBe("Email address, Name, Phone number: kept until the end of the contract is recorded (the retention period counts from that day) (Corporation Tax Act (keeping books))");
        app.Clock.Advance(TimeSpan.FromDays(366 * 8));
        (await SweepAsync(app, tenant)).FieldsDestroyed.ShouldBe(0);

        var ended = Today(app).AddYears(-6);
        await RecordEventAsync(app, tenant, customer, "contract-end", ended);
        var held = await FieldsAsync(app, tenant, customer);
        var end = new DateTimeOffset(ended.AddYears(7).ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.FromHours(9));
        held.ShouldAllBe(f => f.HeldUntil == end && f.RetainUntil == end);
        app.Clock.Advance(end - app.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        (await SweepAsync(app, tenant)).SubjectsErased.ShouldBe(1);
    }

    /// <summary>
    /// Data acquired while the policy counted from acquisition (a text <c>from</c>) has a computed end; once the policy names the
    /// event, the sweep does not destroy it at that end but marks it as waiting for the event.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Sweep_PolicyNowCountsFromAnEvent_OldEndIgnoredAndThePersonWaits(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        var acquisitionEnd = app.Clock.GetUtcNow().AddDays(1);
        await app.InTenantAsync(tenant, async (_, db) =>
        {
            // As computed before events existed: from acquisition, with an end and no event awaited.
            foreach (var f in await db.Set<SubjectField>().Where(f => f.SubjectId == customer).ToListAsync(Ct))
                (f.RetainUntil, f.HeldUntil, f.AwaitingEvents) = (acquisitionEnd, f.HoldBasis is null ? null : acquisitionEnd, null);
            (await db.Set<DataSubject>().SingleAsync(s => s.Id == customer, Ct)).NextExpiry = acquisitionEnd;
            return await db.SaveChangesAsync(Ct);
        });
        app.Clock.Advance(TimeSpan.FromDays(2));

        var swept = await SweepAsync(app, tenant);

        swept.FieldsDestroyed.ShouldBe(1);   // the inquiry: support counts from acquisition
        var kept = await FieldsAsync(app, tenant, customer);
        kept.Select(f => f.Category).ShouldBe(["email", "name", "phone"]);
        kept.ShouldAllBe(f => f.RetainUntil == null && f.AwaitingEvents == "contract-end");
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<RetentionEvents>().AwaitingAsync(Ct))).Persons.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordFileAsync_CsvOfEvents_RecordsRowsAndReportsRefusedLines(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var a = await EmployeeAsync(app, tenant, NewPerson());
        var b = await EmployeeAsync(app, tenant, NewPerson());
        var csv = $"subject,date\n{a},2026-03-31\n{b},2026-13-01\n{Guid.NewGuid()},2026-03-31\n{b},2026-10-15\n";

        var result = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<RetentionEvents>().RecordFileAsync(new StringReader(csv), "retirement", null, Actor.System, Ct));

        (result.Recorded, result.Unchanged).ShouldBe((2, 0));
        result.Rejected.Select(r => (r.Line, r.Code)).ShouldBe([(3L, "MAMORI-3018"), (4L, "MAMORI-3007")]);
        var again = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<RetentionEvents>().RecordFileAsync(new StringReader(csv), "retirement", null, Actor.System, Ct));
        (again.Recorded, again.Unchanged).ShouldBe((0, 2));
        var events = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<RetentionEvents>().ListAsync(a, Ct));
        events.Single(e => e.Event == "retirement").OccurredOn.ShouldBe(new DateOnly(2026, 3, 31));
        events.Single(e => e.Event == "filing-deadline").OccurredOn.ShouldBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RetentionEventsApi_RolesAndTenants_OnlyStaffWhoWriteSubjectsRecord(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        var other = (await app.CreateTenantAsync("other")).Id;
        var body = new { @event = "contract-end", date = Today(app).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) };
        var url = $"/api/subjects/{customer}/retention-events";

        (await app.Client().PostAsJsonAsync(url, body, Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await (await (await app.SignedInAsync(tenant, Roles.Auditor)).PostAsJsonAsync(url, body, Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        await (await (await app.SignedInAsync(other, Roles.PrivacyOfficer)).PostAsJsonAsync(url, body, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-3007");
        var operatorClient = await app.SignedInAsync(tenant, Roles.Operator);
        await (await operatorClient.PostAsJsonAsync(url, new { @event = "contract-end", date = "31/03/2026" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3018");
        await (await operatorClient.PostAsJsonAsync(url, new { @event = "retirement", date = body.date }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-3017");

        var recorded = await operatorClient.PostAsJsonAsync(url, body, Ct);

        recorded.StatusCode.ShouldBe(HttpStatusCode.OK, await recorded.Content.ReadAsStringAsync(Ct));
        var list = await operatorClient.GetFromJsonAsync<JsonElement>(url, Ct);
        list.GetArrayLength().ShouldBe(1);
        (list[0].GetProperty("event").GetString(), list[0].GetProperty("occurredOn").GetString()).ShouldBe(("contract-end", body.date));
        (await (await app.SignedInAsync(other, Roles.PrivacyOfficer)).GetAsync(url, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
    private static Task<Mamori.Consent.ConsentReceipt> CouponConsentAsync(TestApp app, Guid tenant, Guid subject, bool granted, Actor actor, DateTimeOffset? at = null) =>
        app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Consent.Consents>().RecordAsync(subject,
            new Mamori.Consent.RecordConsentRequest(["purpose:coupon-delivery"], granted, Mamori.Consent.ConsentMethod.WebForm, At: at), actor, Ct));

    /// <summary>
    /// Regression: an event Mamori observes itself was never recorded. The coupon mails count one year from the withdrawal of the
    /// opt-in, which the consent ledger records, yet the data waited for staff to record the day by hand.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConsentWithdrawn_PurposeCountsFromOptInWithdrawn_DayRecordedAndAudited(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var user = await SmsUserAsync(app, tenant, NewPerson(), couponConsent: true);
        var key = Actor.Key(Guid.NewGuid());
        app.Clock.Advance(TimeSpan.FromDays(40));
        var withdrawnAt = app.Clock.GetUtcNow().AddDays(-3);   // recorded three days after the person withdrew on paper

        await CouponConsentAsync(app, tenant, user, granted: false, key, withdrawnAt);

        var view = (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<RetentionEvents>().ListAsync(user, Ct))).Single(e => e.Event == "opt-in-withdrawn");
        (view.OccurredOn, view.RecordedBy).ShouldBe((Mamori.Incidents.JapanTime.DayOf(withdrawnAt, PolicyStore.Jst), key.ToString()));
        var audit = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Code == AuditCode.RetentionEventRecorded, Ct));
        (audit.SubjectId, audit.TargetId, audit.ActorKind, audit.ActorId).ShouldBe((user.ToString(), "opt-in-withdrawn", ActorKind.ApiKey, key.Id));
        // The phone still waits for the coupons' expiry, which Mamori does not observe; no longer for the withdrawal.
        (await FieldsAsync(app, tenant, user)).Single(f => f.Category == "sms-phone").AwaitingEvents.ShouldBe("coupon-expiry");
    }

    /// <summary>A new opt-in means the period has not started: the day goes and the data waits again; a later withdrawal records its own day.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConsentGrantedAgain_AfterWithdrawal_DayRemovedThenTheNewWithdrawalRecorded(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var user = await SmsUserAsync(app, tenant, NewPerson(), couponConsent: true);
        app.Clock.Advance(TimeSpan.FromDays(1));
        await CouponConsentAsync(app, tenant, user, granted: false, Actor.System);
        app.Clock.Advance(TimeSpan.FromDays(10));

        await CouponConsentAsync(app, tenant, user, granted: true, Actor.System);

        async Task<DateOnly?> DayAsync() => (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<RetentionEvents>().ListAsync(user, Ct)))
            .Single(e => e.Event == "opt-in-withdrawn").OccurredOn;
        (await DayAsync()).ShouldBeNull();
        (await FieldsAsync(app, tenant, user)).Single(f => f.Category == "sms-phone").AwaitingEvents!.ShouldContain("opt-in-withdrawn");
        var corrected = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Code == AuditCode.RetentionEventCorrected, Ct));
        corrected.ReasonCode.ShouldBe("opt-in-granted-again");

        app.Clock.Advance(TimeSpan.FromDays(10));
        await CouponConsentAsync(app, tenant, user, granted: false, Actor.System);
        (await DayAsync()).ShouldBe(Today(app));
    }

    /// <summary>A withdrawal dated before a later opt-in leaves the opt-in in force: nothing is recorded.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConsentWithdrawn_DatedBeforeTheOptInInForce_NothingRecorded(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var created = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromDays(5));
        var user = await SmsUserAsync(app, tenant, NewPerson(), couponConsent: true);

        await CouponConsentAsync(app, tenant, user, granted: false, Actor.System, created);

        (await app.InTenantAsync(tenant, (_, db) => db.Set<RetentionEvent>().AsNoTracking().CountAsync(Ct))).ShouldBe(0);
    }

    /// <summary>
    /// Regression: the dry run counted every field past its recorded end, including those the real sweep re-checks against the
    /// policy in force and keeps because they now wait for an event, so it announced destruction that would not happen.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SweepDryRun_FieldsWaitingForAnEvent_CountsExactlyWhatTheSweepDestroys(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var waiting = await IspCustomerAsync(app, tenant, NewPerson());
        var ended = await IspCustomerAsync(app, tenant, NewPerson());
        var acquisitionEnd = app.Clock.GetUtcNow().AddDays(1);
        await app.InTenantAsync(tenant, async (_, db) =>
        {
            // As computed before events existed: from acquisition, with an end and no event awaited.
            foreach (var f in await db.Set<SubjectField>().Where(f => f.SubjectId == waiting).ToListAsync(Ct))
                (f.RetainUntil, f.HeldUntil, f.AwaitingEvents) = (acquisitionEnd, f.HoldBasis is null ? null : acquisitionEnd, null);
            (await db.Set<DataSubject>().SingleAsync(s => s.Id == waiting, Ct)).NextExpiry = acquisitionEnd;
            return await db.SaveChangesAsync(Ct);
        });
        app.Clock.Advance(TimeSpan.FromDays(400));
        await RecordEventAsync(app, tenant, ended, "contract-end", Today(app).AddYears(-1).AddDays(-300));
        app.Clock.Advance(TimeSpan.FromDays(366 * 7));

        var dry = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().SweepRetentionAsync(true, Actor.System, Ct));
        var real = await SweepAsync(app, tenant);

        (dry.Subjects, dry.FieldsDestroyed, dry.SubjectsErased).ShouldBe((real.Subjects, real.FieldsDestroyed, real.SubjectsErased));
        (real.Subjects, real.FieldsDestroyed, real.SubjectsErased).ShouldBe((2, 5, 1));   // the waiting customer's inquiry; all four fields of the other
        dry.DryRun.ShouldBeTrue();
    }
    /// <summary>Regression: the subject's card named who recorded an event by its stored form (<c>User:&lt;id&gt;</c>) instead of as the rest of the console does.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConsoleCard_EventsRecordedByStaffAndCli_ShowsTheAddressAndTheAccount(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var employee = await EmployeeAsync(app, tenant, NewPerson());
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<RetentionEvents>().RecordAsync(employee, "retirement", Today(app), null, Actor.Cli("alice"), Ct));
        var officer = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var session = new Mamori.Tests.Console.ConsoleScenario.FormSession(app, (await app.SignedInAsync(officer)).DefaultRequestHeaders.GetValues("Cookie").Single());

        var response = await session.PostAsync("/console/subjects", $"/console/subjects/{employee}/retention-events",
            [new("event", "filing-deadline"), new("date", Today(app).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))]);

        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain(officer.Email);
        html.ShouldContain("CLI: alice");
        html.ShouldNotContain($"User:{officer.Id}", Case.Sensitive);
        html.ShouldNotContain("Cli:alice", Case.Sensitive);
    }
}
