using Mamori.Audit;
using Mamori.Data;
using Mamori.Governance.Entrustees;
using Mamori.Governance.InternalAudits;
using Mamori.Incidents;
using Mamori.Policy;
using Mamori.Provision;
using Mamori.Requests;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mamori.Governance.Reports;

/// <summary>A period of JST days, both ends included.</summary>
public readonly record struct EvidencePeriod(DateOnly From, DateOnly To)
{
    /// <summary>The first instant of <see cref="From"/> in Japan time (as UTC: PostgreSQL stores UTC only).</summary>
    public DateTimeOffset Start => JstStart(From);

    /// <summary>The first instant after <see cref="To"/> in Japan time.</summary>
    public DateTimeOffset End => JstStart(To.AddDays(1));

    public bool Contains(DateOnly day) => day >= From && day <= To;

    public bool Contains(DateTimeOffset t) => t >= Start && t < End;

    public static DateTimeOffset JstStart(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), PolicyStore.Jst.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue))).ToUniversalTime();

    public static DateOnly Day(DateTimeOffset t) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, PolicyStore.Jst).DateTime);
}

public sealed record RequestFigures(int Received, int Closed, int AnsweredOnTime, int AnsweredLate, int Refused, int Withdrawn, int OpenAtEnd, int OverdueAtEnd,
    IReadOnlyDictionary<string, int> ReceivedByKind);

public sealed record IncidentFigures(int Opened, int Reportable, int PreliminaryOnTime, int PreliminaryDue, int FinalOnTime, int FinalDue, int OpenAtEnd);

public sealed record ProvisionFigures(int Records, int Subjects, int Refused, IReadOnlyDictionary<string, int> RecordsByBasis, int Receipts, int RecordsSwept,
    int RecordsPastRetention);

public sealed record RetentionFigures(int Sweeps, int SubjectsDestroyed, int ErasureCertificates, int SubjectsPastRetention);

public sealed record AuditFigures(int PlansActive, int PlansOverdue, int RunsCompleted, int EntrusteeRunsCompleted, int FindingsRaised, int FindingsMajor,
    int FindingsMinor, int FindingsObservation, int FindingsClosed, int FindingsOpenAtEnd, int FindingsOverdue, int ActionsCompleted, int ActionsOverdue);

/// <summary>
/// Entrustee supervision figures, by each entrustee's latest assessment: <see cref="Approved"/> plainly approved (承認), and apart from
/// them the approvals with conditions (条件付き承認), each with its conditions. An approval with conditions was counted as approved,
/// which told the review and the audit that the conditions were met.
/// </summary>
public sealed record EntrusteeFigures(int Entrustees, int Approved, IReadOnlyList<ConditionalApproval> ConditionalApprovals, int ContractsComplete,
    int Audited, int ProvisionRecords)
{
    public int Conditional => ConditionalApprovals.Count;
}

/// <summary>An entrustee approved with conditions, and those conditions as staff read them (「再委託の管理体制 未確認」).</summary>
public sealed record ConditionalApproval(string RecipientId, DateOnly AssessedOn, string ConditionsJa, string ConditionsEn);

/// <summary>
/// The system's own evidence for a period, read from the features' tables (requests, incidents,
/// provision records, destruction certificates, audits). One source for the audit checklist and the
/// management review, so both show the same figures. Counts only, never a person's values.
/// </summary>
public sealed class GovernanceEvidence(MamoriDbContext db, PolicyStore policies, IOptions<RequestSettings> requestSettings, TimeProvider clock)
{
    public DateOnly Today => policies.TodayJst();

    /// <summary>The day the "at end" figures are taken: the period's last day, or today for a period still running.</summary>
    public DateOnly Cutoff(EvidencePeriod p) => p.To < Today ? p.To : Today;

    public async Task<RequestFigures> RequestsAsync(EvidencePeriod p, CancellationToken ct)
    {
        var start = p.Start;
        var rows = await db.Set<DataSubjectRequest>().AsNoTracking()
            .Where(r => r.ReceivedOn <= p.To && (r.ClosedAt == null || r.ClosedAt >= start))
            .Select(r => new { r.Kind, r.Status, r.ReceivedOn, r.DueOn, r.PausedDays, r.ClosedAt }).ToListAsync(ct);
        var days = requestSettings.Value.ResponseDays;
        var cutoff = Cutoff(p);
        int closed = 0, onTime = 0, late = 0, refused = 0, withdrawn = 0, openAtEnd = 0, overdueAtEnd = 0;
        foreach (var r in rows)
        {
            var closedDay = r.ClosedAt is { } c ? EvidencePeriod.Day(c) : (DateOnly?)null;
            var due = r.DueOn ?? RequestClock.DueOn(r.ReceivedOn, days, r.PausedDays);
            if (closedDay is { } d && p.Contains(d))
            {
                if (r.Status == RequestStatus.Withdrawn) { withdrawn++; continue; }
                closed++;
                if (r.Status == RequestStatus.Refused) refused++;
                if (d <= due) onTime++; else late++;
            }
            // Open at the cut-off: received by then and not closed by then. Overdue: its due date passed (a paused clock has none).
            if (r.ReceivedOn <= cutoff && (closedDay is null || closedDay > cutoff))
            {
                openAtEnd++;
                if (r.DueOn is { } dueOn && dueOn < cutoff) overdueAtEnd++;
            }
        }
        var byKind = rows.Where(r => p.Contains(r.ReceivedOn)).GroupBy(r => r.Kind)
            .ToDictionary(g => Incidents.IncidentRegistry.Kebab(g.Key), g => g.Count(), StringComparer.Ordinal);
        return new RequestFigures(rows.Count(r => p.Contains(r.ReceivedOn)), closed, onTime, late, refused, withdrawn, openAtEnd, overdueAtEnd, byKind);
    }

    public async Task<IncidentFigures> IncidentsAsync(EvidencePeriod p, CancellationToken ct)
    {
        var start = p.Start;
        var end = p.End;
        var rows = await db.Incidents.AsNoTracking().Where(i => i.DiscoveredAt >= start && i.DiscoveredAt < end)
            .Select(i => new { i.Reportable, i.Status, i.PreliminaryDue, i.FinalDue, i.PreliminaryReportedAt, i.FinalReportedAt }).ToListAsync(ct);
        var cutoff = Cutoff(p);
        var reportable = rows.Where(i => i.Reportable).ToList();
        // A report counts as due once its due date is within the period or already sent.
        var prelimDue = reportable.Count(i => i.PreliminaryDue is { } d && (d <= cutoff || i.PreliminaryReportedAt is not null));
        var prelimOnTime = reportable.Count(i => i.PreliminaryDue is { } d && i.PreliminaryReportedAt is { } at && EvidencePeriod.Day(at) <= d);
        var finalDue = reportable.Count(i => i.FinalDue is { } d && (d <= cutoff || i.FinalReportedAt is not null));
        var finalOnTime = reportable.Count(i => i.FinalDue is { } d && i.FinalReportedAt is { } at && EvidencePeriod.Day(at) <= d);
        return new IncidentFigures(rows.Count, reportable.Count, prelimOnTime, prelimDue, finalOnTime, finalDue, rows.Count(i => i.Status != IncidentStatus.Closed));
    }

    public async Task<ProvisionFigures> ProvisionsAsync(EvidencePeriod p, CancellationToken ct)
    {
        var start = p.Start;
        var end = p.End;
        var rows = await db.Set<ProvisionRecord>().AsNoTracking().Where(r => r.At >= start && r.At < end)
            .Select(r => new { r.Direction, r.Basis, r.SubjectCount, r.RefusedCount }).ToListAsync(ct);
        var provided = rows.Where(r => r.Direction == RecordDirection.Provided).ToList();
        var byBasis = provided.GroupBy(r => r.Basis).ToDictionary(g => Incidents.IncidentRegistry.Kebab(g.Key), g => g.Count(), StringComparer.Ordinal);
        var sweeps = await db.AuditEvents.AsNoTracking().Where(e => e.Code == AuditCode.ProvisionRecordsSwept && e.Time >= start && e.Time < end)
            .Select(e => e.Categories).ToListAsync(ct);
        var swept = sweeps.Sum(c => int.TryParse(c, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0);
        var cutoff = Cutoff(p);
        var pastRetention = await db.Set<ProvisionRecord>().AsNoTracking().CountAsync(r => r.KeepThrough < cutoff, ct);
        return new ProvisionFigures(provided.Count, provided.Sum(r => r.SubjectCount), provided.Sum(r => r.RefusedCount), byBasis,
            rows.Count(r => r.Direction == RecordDirection.Received), swept, pastRetention);
    }

    public async Task<RetentionFigures> RetentionAsync(EvidencePeriod p, CancellationToken ct)
    {
        var start = p.Start;
        var end = p.End;
        // A destruction re-applied after a restore names the key its first certificate destroyed: it counts only when that certificate
        // was lost with the restore, so each erasure counts once. A re-shred is no sweep run.
        const string reapplied = VaultMaintenance.ReappliedReason;
        var certs = await db.Set<DestructionCertificate>().AsNoTracking().Where(c => c.DestroyedAt >= start && c.DestroyedAt < end)
            .Where(c => c.Reason != reapplied
                        || !db.Set<DestructionCertificate>().Any(o => o.DestroyedKeyId == c.DestroyedKeyId && o.Reason != reapplied))
            .Select(c => new { c.Kind, c.DestroyedAt, Reapplied = c.Reason == reapplied }).ToListAsync(ct);
        var retention = certs.Where(c => c.Kind == DestructionKind.Retention).ToList();
        var now = clock.GetUtcNow();
        var at = p.End < now ? p.End : now;
        // Subjects whose retention ended before the cut-off and that are still held: the sweep missed them.
        var past = await db.Set<DataSubject>().AsNoTracking().CountAsync(s => s.ErasedAt == null && s.NextExpiry != null && s.NextExpiry < at, ct);
        return new RetentionFigures(retention.Where(c => !c.Reapplied).Select(c => c.DestroyedAt).Distinct().Count(), retention.Count, certs.Count(c => c.Kind == DestructionKind.Erasure), past);
    }

    public async Task<AuditFigures> AuditsAsync(EvidencePeriod p, CancellationToken ct)
    {
        var cutoff = Cutoff(p);
        var plans = await db.Set<AuditPlan>().AsNoTracking().Where(x => x.Active).ToListAsync(ct);
        var runs = await db.Set<AuditRun>().AsNoTracking().Where(r => r.CompletedOn != null && r.CompletedOn >= p.From && r.CompletedOn <= p.To)
            .Select(r => r.Kind).ToListAsync(ct);
        var findings = await db.Set<AuditFinding>().AsNoTracking().Where(f => f.RaisedOn <= p.To)
            .Select(f => new { f.Id, f.Severity, f.RaisedOn, f.DueOn, f.Status, f.ClosedOn }).ToListAsync(ct);
        var raised = findings.Where(f => p.Contains(f.RaisedOn)).ToList();
        var openAtEnd = findings.Where(f => f.ClosedOn is null || f.ClosedOn > cutoff).ToList();
        var actions = await db.Set<CorrectiveAction>().AsNoTracking().Select(a => new { a.Status, a.DueOn, a.CompletedOn }).ToListAsync(ct);
        return new AuditFigures(
            plans.Count, plans.Count(x => AuditSchedule.StateOf(x, cutoff) == AuditDueState.Overdue),
            runs.Count(k => k == AuditPlanKind.Internal), runs.Count(k => k == AuditPlanKind.Entrustee),
            raised.Count, raised.Count(f => f.Severity == FindingSeverity.Major), raised.Count(f => f.Severity == FindingSeverity.Minor),
            raised.Count(f => f.Severity == FindingSeverity.Observation),
            findings.Count(f => f.ClosedOn is { } c && p.Contains(c)), openAtEnd.Count, openAtEnd.Count(f => f.DueOn < cutoff),
            actions.Count(a => a.CompletedOn is { } c && p.Contains(c)),
            actions.Count(a => (a.CompletedOn is null || a.CompletedOn > cutoff) && a.DueOn < cutoff));
    }

    public async Task<EntrusteeFigures> EntrusteesAsync(EvidencePeriod p, CancellationToken ct)
    {
        var ids = await EntrusteeIdsAsync(ct);
        var cutoff = Cutoff(p);
        var assessments = await db.Set<EntrusteeAssessment>().AsNoTracking().Where(a => a.AssessedOn <= cutoff).ToListAsync(ct);
        var latest = ids.Select(id => assessments.Where(a => a.RecipientId == id).OrderBy(a => a.AssessedOn).ThenBy(a => a.CreatedAt).LastOrDefault())
            .OfType<EntrusteeAssessment>().ToList();
        var approved = latest.Count(a => a.Result == AssessmentResult.Approved);
        var conditional = latest.Where(a => a.Result == AssessmentResult.Conditional)
            .Select(a => (Assessment: a, Text: EntrusteeSupervision.ConditionText(a)))
            .Select(x => new ConditionalApproval(x.Assessment.RecipientId, x.Assessment.AssessedOn, x.Text.Ja, x.Text.En)).ToList();
        var checks = await db.Set<EntrusteeContractCheck>().AsNoTracking().Where(c => c.CheckedOn <= cutoff).ToListAsync(ct);
        var complete = ids.Count(id => checks.Where(c => c.RecipientId == id).OrderBy(c => c.CheckedOn).ThenBy(c => c.CreatedAt).LastOrDefault()?.Complete == true);
        var audited = await AuditedEntrusteesAsync(p, ct);
        var start = p.Start;
        var end = p.End;
        var records = await db.Set<ProvisionRecord>().AsNoTracking()
            .CountAsync(r => r.Direction == RecordDirection.Provided && r.Basis == ProvisionBasisKind.Entrustment && r.At >= start && r.At < end, ct);
        return new EntrusteeFigures(ids.Count, approved, conditional, complete, ids.Count(audited.Contains), records);
    }

    /// <summary>Entrustees audited in the period: a completed entrustee audit or a supervision record of the registry (S-64).</summary>
    public async Task<HashSet<string>> AuditedEntrusteesAsync(EvidencePeriod p, CancellationToken ct)
    {
        var runs = await db.Set<AuditRun>().AsNoTracking()
            .Where(r => r.Kind == AuditPlanKind.Entrustee && r.RecipientId != null && r.CompletedOn != null && r.CompletedOn >= p.From && r.CompletedOn <= p.To)
            .Select(r => r.RecipientId!).ToListAsync(ct);
        var supervisions = await db.Set<SupervisionRecord>().AsNoTracking().Where(s => s.HeldOn >= p.From && s.HeldOn <= p.To)
            .Select(s => s.RecipientId).ToListAsync(ct);
        return [.. runs, .. supervisions];
    }

    /// <summary>The entrustees the policy in force declares (domestic, and foreign ones with an entrusted task), plus registry-only ones.</summary>
    public async Task<List<string>> EntrusteeIdsAsync(CancellationToken ct)
    {
        var current = await policies.CurrentAsync(ct);
        var ids = new List<string>();
        if (current is not null)
        {
            foreach (var r in new[] { current.Model.Recipients }.Concat(current.Model.Services.Select(s => s.Recipients)))
            {
                foreach (var e in r.Entrustees) if (!ids.Contains(e.Id)) ids.Add(e.Id);
                foreach (var f in r.Foreign) if (f.Task is not null && !ids.Contains(f.Id)) ids.Add(f.Id);
            }
        }
        var registry = await db.Set<RecipientProfile>().AsNoTracking().Where(x => x.Kind == RecipientKind.Entrustee).Select(x => x.RecipientId).ToListAsync(ct);
        foreach (var id in registry) if (!ids.Contains(id)) ids.Add(id);
        return ids;
    }
}
