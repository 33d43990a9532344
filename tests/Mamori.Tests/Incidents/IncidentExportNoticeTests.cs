using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Errors;
using Mamori.Incidents;
using Mamori.Notifications;
using Mamori.Provision;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Provision.ProvisionScenario;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Incidents;

/// <summary>
/// The blast radius of a leaked export (from its trace in the audit chain), the notice to persons through
/// the outbox, and the reports and notice as PDF with the business's details from the policy.
/// </summary>
public sealed class IncidentExportNoticeTests(PostgresCluster cluster)
{
    private sealed record Leak(TestApp App, Guid Tenant, Guid A, Guid B, Guid Refused, ProvisionResult Provision, string Csv, Person PersonA, Person PersonB);

    /// <summary>Three ISP customers; two consented to provision to the carriers and are exported as CSV, the third is refused.</summary>
    private async Task<Leak> LeakAsync(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        var pa = NewPerson();
        var pb = NewPerson();
        var a = await IspCustomerAsync(app, tenant, pa);
        var b = await IspCustomerAsync(app, tenant, pb);
        var refused = await IspCustomerAsync(app, tenant, NewPerson());
        foreach (var s in new[] { a, b }) await GrantAsync(app, tenant, s, "provision:carriers");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var result = await Mamori.Tests.Provision.ProvisionScenario.ProvideAsync(app, tenant, ToCarriers(a, b, refused));
        result.Provided.Count.ShouldBe(2);
        return new Leak(app, tenant, a, b, refused, result, result.ToCsv(), pa, pb);
    }

    private static Task<Incident> OpenAsync(Leak l, IncidentCause cause = IncidentCause.UnauthorizedAccess) =>
        l.App.InTenantAsync(l.Tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().CreateAsync(new IncidentInput
        {
            Title = "Carrier CSV stolen", Cause = cause, DiscoveredAt = l.App.Clock.GetUtcNow(), Summary = "提供先へ送付したCSVファイルが外部に流出した。",
            CauseDetails = "送付用サーバーへの不正アクセス", SecondaryDamage = "現時点で二次被害は確認されていない。",
        }, Actor.System, Ct));

    private static Task<(Incident Incident, ExportContents Contents)> TraceAsync(Leak l, Guid incident, ExportQuery query) =>
        l.App.InTenantAsync(l.Tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().ComputeExportBlastRadiusAsync(incident, query, Actor.System, Ct));

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ExportBlastRadius_LeakedProvisionCsv_ListsExactlyItsSubjectsAndCategories(string provider)
    {
        var l = await LeakAsync(provider);
        await using var _ = l.App;
        var incident = await OpenAsync(l);

        var (updated, contents) = await TraceAsync(l, incident.Id, ExportQuery.ForFile(Encoding.UTF8.GetBytes(l.Csv)));

        contents.Subjects.ShouldBe(new[] { l.A.ToString(), l.B.ToString() }.Order(StringComparer.Ordinal).ToArray());
        contents.Categories.ShouldBe(["name", "phone"]);
        contents.ExportKind.ShouldBe(ExportTraces.Provision);
        contents.ExportId.ShouldBe(l.Provision.RecordId!.Value.ToString());
        contents.Formats.ShouldBe(["csv"]);
        updated.BlastPersons.ShouldBe(2);
        updated.BlastRadii.ShouldHaveSingleItem().LeakedExport.ShouldBe($"provision:{l.Provision.RecordId}");
        var counterparty = await l.App.InTenantAsync(l.Tenant, (_, db) => db.Set<Mamori.Provision.ProvisionRecord>().Where(r => r.Id == l.Provision.RecordId).Select(r => r.CounterpartyName).SingleAsync(Ct));
        updated.BlastRadii.Single().Source.Ja.ShouldBe($"第三者提供の提供ファイル（2026-11-23 {counterparty}）");
        updated.Categories.ShouldBe(["name", "phone"]);
        updated.Reportable.ShouldBeTrue(); // improper purpose
        var stored = await l.App.InTenantAsync(l.Tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().SubjectsAsync(incident.Id, Ct));
        stored.ShouldNotContain(l.Refused.ToString());
        stored.Count.ShouldBe(2);

        // The same answer by the export's id, and the audit event for the computation.
        var byId = await TraceAsync(l, incident.Id, new ExportQuery(null, "provision", l.Provision.RecordId.ToString()));
        byId.Contents.Subjects.ShouldBe(contents.Subjects);
        var codes = await l.App.InTenantAsync(l.Tenant, (_, db) => db.AuditEvents.Where(e => e.TargetId == incident.Id.ToString()).Select(e => e.Code).ToListAsync(Ct));
        codes.Count(c => c == AuditCode.IncidentExportBlastRadiusComputed).ShouldBe(2);

        // A file Mamori never produced (or an edited copy) is not guessed at.
        var other = await Should.ThrowAsync<MamoriException>(() => TraceAsync(l, incident.Id, ExportQuery.ForFile(Encoding.UTF8.GetBytes(l.Csv + "x"))));
        other.Code.ShouldBe(ErrorCode.IncidentExportNotFound);
        (await Should.ThrowAsync<MamoriException>(() => TraceAsync(l, incident.Id, new ExportQuery("nothex")))).Code.ShouldBe(ErrorCode.IncidentInvalidExport);
    }

    [Fact]
    public async Task BlastRadiusCli_LeakedCsvFile_ListsItsSubjects()
    {
        var l = await LeakAsync(Providers.Sqlite);
        await using var _ = l.App;
        var incident = await OpenAsync(l);
        var file = Path.Combine(l.App.Database.DataDir, "leaked.csv");
        await File.WriteAllTextAsync(file, l.Csv, Ct);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await Mamori.Cli.MamoriCli.RunAsync(["incident", "blast-radius", incident.Id.ToString(), "--export", file,
            "--db", l.App.Database.CliValue, "--data-dir", l.App.Database.DataDir], stdout, stderr);

        code.ShouldBe(0, stderr.ToString());
        stdout.ToString().ShouldContain($"the provision export {l.Provision.RecordId} (csv) held 2 persons, categories name, phone; audit chain verified");
        var stored = await l.App.InTenantAsync(l.Tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().SubjectsAsync(incident.Id, Ct));
        stored.Order(StringComparer.Ordinal).ShouldBe(new[] { l.A.ToString(), l.B.ToString() }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ExportBlastRadius_OverHttpByDigest_SameSubjects()
    {
        var l = await LeakAsync(Providers.Sqlite);
        await using var _ = l.App;
        var incident = await OpenAsync(l);
        var officer = await l.App.SignedInAsync(l.Tenant, Roles.PrivacyOfficer);
        var sha = ExportTraces.Digest(Encoding.UTF8.GetBytes(l.Csv));
        var response = await officer.PostAsJsonAsync($"/api/incidents/{incident.Id}/blast-radius/export", new { sha256 = sha.ToUpperInvariant() }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("subjectCount").GetInt32().ShouldBe(2);
        body.GetProperty("exportKind").GetString().ShouldBe("provision");
        var auditor = await l.App.SignedInAsync(l.Tenant, Roles.Auditor);
        (await auditor.PostAsJsonAsync($"/api/incidents/{incident.Id}/blast-radius/export", new { sha256 = sha }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ExportBlastRadius_TamperedTraceEvent_RefusedChainBroken(string provider)
    {
        var l = await LeakAsync(provider);
        await using var _ = l.App;
        var incident = await OpenAsync(l);
        // Someone removes a person from the evidence by rewriting the trace event.
        await l.App.InTenantAsync(l.Tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.ExportSubjectIncluded && e.SubjectId == l.B.ToString())
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.SubjectId, l.A.ToString()), Ct));
        var e = await Should.ThrowAsync<ChainBrokenException>(() => TraceAsync(l, incident.Id, ExportQuery.ForFile(Encoding.UTF8.GetBytes(l.Csv))));
        e.Code.ShouldBe(ErrorCode.IncidentChainBroken);
        var after = await l.App.InTenantAsync(l.Tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().GetAsync(incident.Id, Ct));
        after.BlastPersons.ShouldBeNull();
        after.BlastRadii.ShouldBeEmpty();
    }

    [Fact]
    public async Task ExportBlastRadius_IndexRowPointsElsewhere_RefusedMismatch()
    {
        var l = await LeakAsync(Providers.Sqlite);
        await using var _ = l.App;
        var incident = await OpenAsync(l);
        // The index (not the chain) is edited to cover only part of the trace.
        await l.App.InTenantAsync(l.Tenant, (_, db) => db.Set<ExportTrace>().ExecuteUpdateAsync(u => u.SetProperty(t => t.FirstSequence, t => t.FirstSequence + 1), Ct));
        var e = await Should.ThrowAsync<MamoriException>(() => TraceAsync(l, incident.Id, new ExportQuery(null, "provision", l.Provision.RecordId.ToString())));
        e.Code.ShouldBe(ErrorCode.IncidentExportTraceMismatch);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Notices_AfterExportBlastRadius_QueuedOncePerPersonWithLawItemsAndPolicyContact(string provider)
    {
        var l = await LeakAsync(provider);
        await using var _ = l.App;
        var incident = await OpenAsync(l);
        await TraceAsync(l, incident.Id, ExportQuery.ForFile(Encoding.UTF8.GetBytes(l.Csv)));
        // A person without an email address in the vault (reached by letter or the announcement).
        var sms = await SmsUserAsync(l.App, l.Tenant, NewPerson());
        await l.App.InTenantAsync(l.Tenant, async (_, db) =>
        {
            db.IncidentSubjects.Add(new IncidentSubject { IncidentId = incident.Id, SubjectId = sms.ToString() });
            return await db.SaveChangesAsync(Ct);
        });

        var run = await l.App.InTenantAsync(l.Tenant, (sp, _) => sp.GetRequiredService<IncidentNotices>().QueueAsync(incident.Id, Actor.System, Ct));
        run.ShouldBe(new NoticeRun(2, 0, 1, 3));
        run.AnnouncementAdvised.ShouldBeTrue();

        var (ring, messages) = await l.App.InTenantAsync(l.Tenant, async (sp, db) =>
            (sp.GetRequiredService<KeyRingProvider>().Current, await db.Set<OutboxMessage>().Where(m => m.Template == IncidentNotices.Template).ToListAsync(Ct)));
        messages.Count.ShouldBe(2);
        messages.ShouldAllBe(m => m.Topic == "incident:" + incident.Id && !m.Subject.Contains('@'));
        var envelopes = messages.Select(m => Outbox.Open(ring, m)).ToList();
        envelopes.Select(e => e.To).Order().ShouldBe(new[] { l.PersonA.Email, l.PersonB.Email }.Order());
        var body = envelopes[0].Body;
        foreach (var item in new[] { "【概要】", "【漏えい等が発生し、又は発生したおそれがある個人データの項目】", "【原因】", "【二次被害又はそのおそれの有無及びその内容】", "【その他参考となる事項】", "【お問い合わせ先】" })
            body.ShouldContain(item);
        body.ShouldContain("株式会社サクラネット");                 // the business from the policy, not the tenant slug
        body.ShouldContain("サクラネット 個人情報お問合せ窓口");       // the policy's inquiry desk (the incident names none)
        body.ShouldContain("外部からの不正アクセス");
        body.ShouldContain("データ項目: 氏名、電話番号");          // the policy's names, not the category ids
        body.ShouldNotContain(l.PersonA.Name);

        // Each address read is an audited access decision with the built-in purpose; a second run sends nothing new.
        var reads = await l.App.InTenantAsync(l.Tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.AccessAllowed && e.Purpose == Mamori.Access.DecisionRules.IncidentNotice, Ct));
        reads.ShouldBe(2);
        var again = await l.App.InTenantAsync(l.Tenant, (sp, _) => sp.GetRequiredService<IncidentNotices>().QueueAsync(incident.Id, Actor.System, Ct));
        again.ShouldBe(new NoticeRun(0, 2, 1, 3));
        (await l.App.InTenantAsync(l.Tenant, (_, db) => db.Set<OutboxMessage>().CountAsync(m => m.Template == IncidentNotices.Template, Ct))).ShouldBe(2);
        var events = await l.App.InTenantAsync(l.Tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.IncidentNoticesQueued).Select(e => e.ReasonCode).ToListAsync(Ct));
        events.ShouldBe(["queued-2-unreachable-1", "queued-0-unreachable-1"]);
        // Recomputing the radius keeps who was already told.
        await TraceAsync(l, incident.Id, ExportQuery.ForFile(Encoding.UTF8.GetBytes(l.Csv)));
        (await l.App.InTenantAsync(l.Tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().NotifiedCountAsync(incident.Id, Ct))).ShouldBe(2);
    }

    /// <summary>
    /// Regression: the notices read the incident outside their transaction, so facts another staff member (or server) committed
    /// meanwhile were not what the notice said: people were told the summary as it was before the change. The incident is now
    /// read again under the chain head's lock, as every change of it is.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task QueueAsync_FactsChangedAfterIncidentRead_NoticeSaysCommittedFacts(string provider)
    {
        var l = await LeakAsync(provider);
        await using var _ = l.App;
        var incident = await OpenAsync(l);
        await TraceAsync(l, incident.Id, ExportQuery.ForFile(Encoding.UTF8.GetBytes(l.Csv)));
        const string corrected = "提供先へ送付したCSVファイルの一部が外部に流出した（訂正）。";

        var run = await l.App.InTenantAsync(l.Tenant, async (sp, _) =>
        {
            // This unit of work has read the incident (a page, an earlier step) before the other change commits.
            await sp.GetRequiredService<IncidentRegistry>().GetAsync(incident.Id, Ct);
            await l.App.InTenantAsync(l.Tenant, (other, _) => other.GetRequiredService<IncidentRegistry>().UpdateFactsAsync(incident.Id, new IncidentInput
            {
                Title = "Carrier CSV stolen", Cause = IncidentCause.UnauthorizedAccess, DiscoveredAt = incident.DiscoveredAt, Summary = corrected,
                CauseDetails = "送付用サーバーへの不正アクセス", SecondaryDamage = "現時点で二次被害は確認されていない。",
            }, Actor.System, Ct));
            return await sp.GetRequiredService<IncidentNotices>().QueueAsync(incident.Id, Actor.System, Ct);
        });

        run.Queued.ShouldBe(2);
        var (ring, messages) = await l.App.InTenantAsync(l.Tenant, async (sp, db) =>
            (sp.GetRequiredService<KeyRingProvider>().Current, await db.Set<OutboxMessage>().Where(m => m.Template == IncidentNotices.Template).ToListAsync(Ct)));
        messages.Count.ShouldBe(2);
        messages.ShouldAllBe(m => Outbox.Open(ring, m).Body.Contains(corrected));
    }

    /// <summary>
    /// UX report 3, H2: each blast radius replaced the affected persons and forgot who was notified. A run that found nobody (a wrong window)
    /// emptied the list, the next run brought the persons back unnotified, and 本人へ通知する sent them the breach notice a second time; a
    /// second stolen key's victims replaced the first key's. Now the persons are the union of every computation and each is told once.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BlastRadius_TwoKeysAndAnEmptyRun_AffectedAreTheUnionAndEachPersonNotifiedOnce(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var people = Enumerable.Range(0, 3).Select(_ => NewPerson()).ToList();
        var (a, b, c) = (await IspCustomerAsync(app, tenant, people[0]), await IspCustomerAsync(app, tenant, people[1]), await IspCustomerAsync(app, tenant, people[2]));
        var first = await app.ApiKeyAsync(tenant, Roles.Operator);
        var second = await app.ApiKeyAsync(tenant, Roles.Operator);
        var from = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.InTenantAsync(tenant, async (sp, db) =>
        {
            AuditEntry Read(ApiKeys.Created key, Guid subject) => new(AuditCode.AccessAllowed, Actor.Key(key.Key.Id), SubjectId: subject.ToString(), Purpose: "support", Categories: "email,name");
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await sp.GetRequiredService<AuditLog>().AppendManyAsync(db, [Read(first, a), Read(first, b), Read(second, b), Read(second, c)], Ct);
            await tx.CommitAsync(Ct);
            return 0;
        });
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var to = app.Clock.GetUtcNow();
        var incident = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().CreateAsync(new IncidentInput
        {
            Title = "Two keys stolen", Cause = IncidentCause.UnauthorizedAccess, DiscoveredAt = to,
        }, Actor.System, Ct));
        Task<(Incident Incident, BlastRadiusResult Result, IncidentBlastRadius Computation)> RadiusAsync(ApiKeys.Created key, DateTimeOffset start, DateTimeOffset end) =>
            app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>()
                .ComputeBlastRadiusAsync(incident.Id, new BlastRadiusQuery(ActorKindCode.ApiKey, key.Key.Id.ToString(), start, end), Actor.System, Ct));
        Task<NoticeRun> NotifyAsync() => app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<IncidentNotices>().QueueAsync(incident.Id, Actor.System, Ct));
        Task<List<string>> AffectedAsync() => app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().SubjectsAsync(incident.Id, Ct));
        Task<int> NotifiedAsync() => app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().NotifiedCountAsync(incident.Id, Ct));

        (await RadiusAsync(first, from, to)).Computation.NewPersons.ShouldBe(2);
        (await NotifyAsync()).ShouldBe(new NoticeRun(2, 0, 0, 2));

        // The first key again over a window in which it read nobody: nobody is dropped, nobody forgotten.
        var empty = await RadiusAsync(first, from.AddDays(-2), from.AddDays(-1));
        (empty.Computation.Persons, empty.Computation.NewPersons, empty.Incident.BlastPersons).ShouldBe((0L, 0L, (long?)2));
        (await AffectedAsync()).Count.ShouldBe(2);
        (await NotifiedAsync()).ShouldBe(2);

        // The second key: its victims join the first's; b, whom both read, counts once.
        var more = await RadiusAsync(second, from, to);
        (more.Computation.Persons, more.Computation.NewPersons, more.Incident.BlastPersons).ShouldBe((2L, 1L, (long?)3));
        (await AffectedAsync()).ShouldBe(new[] { a, b, c }.Select(x => x.ToString()).Order(StringComparer.Ordinal));
        (await NotifyAsync()).ShouldBe(new NoticeRun(1, 2, 0, 3)); // only c
        (await RadiusAsync(first, from, to)).Incident.BlastPersons.ShouldBe(3L);
        (await NotifyAsync()).ShouldBe(new NoticeRun(0, 3, 0, 3));

        // Each person holds one notice.
        var (ring, messages) = await app.InTenantAsync(tenant, async (sp, db) =>
            (sp.GetRequiredService<KeyRingProvider>().Current, await db.Set<OutboxMessage>().Where(m => m.Template == IncidentNotices.Template).ToListAsync(Ct)));
        messages.Select(m => Outbox.Open(ring, m).To).Order().ShouldBe(people.Select(p => p.Email).Order());

        // The timeline, the API and report item (3) give every computation and the union.
        var timeline = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().TimelineAsync(incident.Id, Ct));
        timeline.Where(t => t.Kind == "blast-radius").Select(t => t.Text).ShouldContain(t => t.Contains("本人 2 名（うち新たに 1 名。この事案で影響を受けた本人は計 3 名）"));
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var api = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident.Id}", Ct);
        api.GetProperty("personsFromBlastRadius").GetInt64().ShouldBe(3);
        api.GetProperty("blastRadii").EnumerateArray().Select(r => (r.GetProperty("persons").GetInt64(), r.GetProperty("newPersons").GetInt64()))
            .ShouldBe([(2L, 2L), (0L, 0L), (2L, 1L), (2L, 0L)]);
        var persons = (await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident.Id}/report?kind=final", Ct)).GetProperty("items")[2].GetProperty("content").GetString()!;
        persons.ShouldStartWith("3人\n監査ログ（ハッシュチェーンにより改ざんのないことを検証済み）から特定した本人の数: 3人（次の4件の算定の合計。重複を除く）。\n・APIキー ");
        persons.ShouldContain($"\n・APIキー {second.Key.Name}（mk_{second.Key.Prefix}_） が ");
        persons.ShouldEndWith("までに実際に閲覧した本人: 2人");
    }

    /// <summary>
    /// UX report 3, L4: the notice called every person a customer (「お客様の個人データ」, also for an employee's health-check result), and its English
    /// part named the business and the inquiry desk in Japanese although the policy gives them in English.
    /// </summary>
    [Fact]
    public async Task PersonNotice_PolicyInEnglishToo_NoCustomerWordingAndEnglishNamesInTheEnglishPart()
    {
        var l = await LeakAsync(Providers.Sqlite);
        await using var _ = l.App;
        var incident = await OpenAsync(l);
        var officer = await l.App.SignedInAsync(l.Tenant, Roles.PrivacyOfficer);

        var text = await officer.GetStringAsync($"/api/incidents/{incident.Id}/notice?format=text", Ct);
        var parts = text.Split("----\n");
        parts[0].ShouldNotContain("お客様");
        parts[0].ShouldContain("株式会社サクラネットにおいて、ご本人様に関する個人データの漏えいが発生したことが判明しました。");
        parts[0].ShouldContain("サクラネット 個人情報お問合せ窓口（総務部）");
        parts[1].ShouldContain("Sakura Net Inc. has found that your personal data was affected by a leak");
        parts[1].ShouldContain("Contact: Sakura Net Personal Information Desk (General Affairs)\nPersonal Information, General Affairs, Sakura Net Inc.");
        parts[1].ShouldContain("Phone 03-0000-1234\nEmail privacy@sakuranet.example\nHours Monday to Friday");
        parts[1].ShouldNotContain("株式会社サクラネット");
        parts[1].ShouldNotContain("窓口");
        (await officer.GetStringAsync($"/api/incidents/{incident.Id}/announcement", Ct)).ShouldNotContain("お客様");
    }

    [Fact]
    public async Task Notices_NotReportableOrNoSubjects_Refused()
    {
        var l = await LeakAsync(Providers.Sqlite);
        await using var _ = l.App;
        var reportable = await OpenAsync(l);
        var none = await Should.ThrowAsync<MamoriException>(() => l.App.InTenantAsync(l.Tenant, (sp, _) => sp.GetRequiredService<IncidentNotices>().QueueAsync(reportable.Id, Actor.System, Ct)));
        none.Code.ShouldBe(ErrorCode.IncidentNoAffectedSubjects);
        var minor = await OpenAsync(l, IncidentCause.Misdelivery);
        await TraceAsync(l, minor.Id, ExportQuery.ForFile(Encoding.UTF8.GetBytes(l.Csv)));
        var notReportable = await Should.ThrowAsync<MamoriException>(() => l.App.InTenantAsync(l.Tenant, (sp, _) => sp.GetRequiredService<IncidentNotices>().QueueAsync(minor.Id, Actor.System, Ct)));
        notReportable.Code.ShouldBe(ErrorCode.IncidentNotReportable);
    }

    private static string PdfText(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mamori-incident-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            using var p = Process.Start(new ProcessStartInfo("pdftotext", [path, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            p.ExitCode.ShouldBe(0);
            return text;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ReportAndNoticePdf_RenderJapaneseWithBusinessFromPolicy()
    {
        var l = await LeakAsync(Providers.Sqlite);
        await using var _ = l.App;
        var incident = await OpenAsync(l);
        await TraceAsync(l, incident.Id, ExportQuery.ForFile(Encoding.UTF8.GetBytes(l.Csv)));
        var officer = await l.App.SignedInAsync(l.Tenant, Roles.PrivacyOfficer);

        foreach (var (kind, title) in new[] { ("preliminary", "個人データの漏えい等の報告（速報）"), ("final", "個人データの漏えい等の報告（確報）") })
        {
            var response = await officer.GetAsync($"/api/incidents/{incident.Id}/report?kind={kind}&format=pdf", Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
            var text = PdfText(await response.Content.ReadAsByteArrayAsync(Ct));
            text.ShouldContain(title);
            text.ShouldContain("株式会社サクラネット");
            text.ShouldContain("東京都千代田区桜田町一丁目2番3号");
            text.ShouldContain("代表取締役社長 桜井 花子");
            text.ShouldContain("原因");
            text.ShouldContain("2人");
            text.ShouldNotContain("ポリシーに未記載");
        }
        var notice = await officer.GetAsync($"/api/incidents/{incident.Id}/notice?format=pdf", Ct);
        notice.StatusCode.ShouldBe(HttpStatusCode.OK);
        var noticeText = PdfText(await notice.Content.ReadAsByteArrayAsync(Ct));
        noticeText.ShouldContain("個人情報に関するお詫びとお知らせ");
        noticeText.ShouldContain("お問い合わせ先");

        // The console serves the same PDFs; the HTML report shows the policy's address too.
        var console = await officer.GetAsync($"/console/incidents/{incident.Id}/report.pdf?kind=final", Ct);
        console.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var html = await officer.GetStringAsync($"/api/incidents/{incident.Id}/report?kind=final&format=html", Ct);
        html.ShouldContain("代表取締役社長 桜井 花子");
        html.ShouldContain("データ項目: 氏名、電話番号"); // the policy's names for name and phone, not the ids
    }

    [Fact]
    public async Task ReportPdf_NoJapaneseFont_503WithCodeAndHtmlStillWorks()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster, b => b.Configuration["Mamori:Requests:PdfFont"] = "/nonexistent/font.ttf");
        await using var _ = app;
        var incident = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().CreateAsync(new IncidentInput
        {
            Title = "Laptop with health data lost", Cause = IncidentCause.Loss, DiscoveredAt = app.Clock.GetUtcNow(), SpecialCare = true, PersonsKnown = 3,
        }, Actor.System, Ct));
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        await (await officer.GetAsync($"/api/incidents/{incident.Id}/report?kind=preliminary&format=pdf", Ct)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "MAMORI-6050");
        var page = await officer.GetAsync($"/console/incidents/{incident.Id}/notice.pdf", Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await page.Content.ReadAsStringAsync(Ct)).ShouldContain("MAMORI-6050");
        (await officer.GetAsync($"/api/incidents/{incident.Id}/report?kind=preliminary&format=html", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ExportBlastRadius_MisdeliveredDisclosureAnswerPdf_TracesThePerson()
    {
        var s = await Mamori.Tests.Requests.RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        var p = NewPerson();
        var subject = await s.InquirerAsync(p);
        var (id, _, _) = await s.LetterAsync("disclosure", p);
        await s.PostAsync(id, "start");
        await s.CheckIdentityDocumentsAsync(id, Mamori.Tests.Requests.RequestScenario.Today(s.App));
        await s.PostAsync(id, "verify");
        await s.PostAsync(id, "payment", new { reference = "bank-0001" });
        await s.PostAsync(id, "execute");
        var pdf = await s.AnswerAsync(id, "pdf");

        var incident = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().CreateAsync(new IncidentInput
        {
            Title = "Disclosure answer sent to the wrong address", Cause = IncidentCause.Misdelivery, DiscoveredAt = s.App.Clock.GetUtcNow(),
        }, Actor.System, Ct));
        var (updated, contents) = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>()
            .ComputeExportBlastRadiusAsync(incident.Id, ExportQuery.ForFile(pdf), Actor.System, Ct));
        contents.ExportKind.ShouldBe(ExportTraces.Disclosure);
        contents.ExportId.ShouldBe(id.ToString());
        contents.Subjects.ShouldBe([subject.ToString()]);
        contents.Formats.ShouldBe(["pdf"]); // the file that leaked
        var byId = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>()
            .ComputeExportBlastRadiusAsync(incident.Id, new ExportQuery(null, ExportTraces.Disclosure, id.ToString()), Actor.System, Ct));
        byId.Contents.Formats.ShouldBe(["html", "json", "pdf"]); // every rendering of the answer
        byId.Contents.Subjects.ShouldBe(contents.Subjects);
        contents.Categories.ShouldContain("email");
        contents.Categories.ShouldContain("name");
        updated.BlastPersons.ShouldBe(1);
        updated.Reportable.ShouldBeFalse(); // one person, no special-care data, no improper purpose
        // Regression: the report and the console named the file 「漏えいしたエクスポート disclosure:<uuid>」, which no regulator can read.
        var reference = await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<Mamori.Requests.DataSubjectRequest>().Where(r => r.Id == id).Select(r => r.Reference).SingleAsync(Ct));
        updated.BlastRadii.First().Source.Ja.ShouldBe($"開示等の請求への回答ファイル（受付番号 {reference}）");
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
    }
}
