using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Governance.Reports;
using Mamori.Policy;
using Mamori.Provision;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Governance.InternalAudits;

public sealed record AuditPlanInput(string Title, string Scope, string Auditor, DateOnly ScheduledOn, AuditFrequency Frequency,
    AuditPlanKind Kind = AuditPlanKind.Internal, string? RecipientId = null, int? GraceDays = null);

public sealed record ChecklistAnswer(ChecklistResult Result, string? Note = null);

public sealed record FindingInput(string Description, FindingSeverity Severity, string Owner, DateOnly DueOn, string? Reference = null,
    Guid? RunId = null, string? ChecklistKey = null, string? RecipientId = null);

public sealed record CorrectiveActionInput(string Description, string Owner, DateOnly DueOn);

public sealed record PlanView(AuditPlan Plan, AuditDueState State, DateOnly OverdueAfter, DateOnly Today);

public sealed record RunView(AuditRun Run, AuditPlan Plan, IReadOnlyList<AuditChecklistItem> Items, IReadOnlyList<AuditFinding> Findings);

public sealed record FindingView(AuditFinding Finding, IReadOnlyList<CorrectiveAction> Actions, bool Overdue, DateOnly Today);

/// <summary>
/// Internal audits (内部監査, S-63; JIS Q 15001's PDCA): plans with a schedule, runs whose checklist is
/// generated from the law and the policy with the system's own evidence, findings with owners and due
/// dates, and corrective actions. Entrustee audits (S-64) are plans of kind <see cref="AuditPlanKind.Entrustee"/>;
/// completing one also writes the provision registry's supervision record.
/// </summary>
public sealed class InternalAuditing(MamoriDbContext db, AuditLog audit, PolicyStore policies, AuditChecklist checklist, GovernanceEvidence evidence, TimeProvider clock)
{
    public DateOnly Today => policies.TodayJst();

    /// <summary>Refuses with <paramref name="code"/>; <paramref name="reason"/> and <paramref name="args"/> let the console say which rule in the page's language.</summary>
    private static void Require(bool ok, ErrorCode code, string message, string reason, params string[] args)
    {
        if (!ok) throw new MamoriException(code, message) { Reason = reason, ReasonArgs = args };
    }

    private static string Clean(string? s) => (s ?? "").Trim();

    public async Task<AuditPlan> CreatePlanAsync(AuditPlanInput input, Actor actor, CancellationToken ct = default)
    {
        var plan = new AuditPlan { Title = "", Scope = "", Auditor = "" };
        await ApplyAsync(plan, input, ct);
        var now = clock.GetUtcNow();
        plan.Id = Guid.CreateVersion7(now);
        plan.CreatedAt = now;
        plan.UpdatedAt = now;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(plan);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.AuditPlanSaved, actor, TargetId: plan.Id.ToString(), ReasonCode: "created"), ct);
        await tx.CommitAsync(ct);
        return plan;
    }

    public async Task<AuditPlan> UpdatePlanAsync(Guid id, AuditPlanInput input, bool active, Actor actor, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var plan = await db.Set<AuditPlan>().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw PlanNotFound();
        await ApplyAsync(plan, input, ct);
        plan.Active = active;
        plan.UpdatedAt = clock.GetUtcNow();
        await audit.AppendAsync(db, new AuditEntry(AuditCode.AuditPlanSaved, actor, TargetId: plan.Id.ToString(), ReasonCode: active ? "updated" : "stopped"), ct);
        await tx.CommitAsync(ct);
        return plan;
    }

    private async Task ApplyAsync(AuditPlan plan, AuditPlanInput input, CancellationToken ct)
    {
        var title = Clean(input.Title);
        var scope = Clean(input.Scope);
        var auditor = Clean(input.Auditor);
        Require(title.Length is > 0 and <= 200, ErrorCode.AuditPlanInvalid, "A plan needs a title (at most 200 characters).", "required", "title", "200");
        Require(scope.Length is > 0 and <= 2000, ErrorCode.AuditPlanInvalid, "A plan needs a scope (at most 2000 characters).", "required", "scope", "2000");
        Require(auditor.Length is > 0 and <= 200, ErrorCode.AuditPlanInvalid, "A plan needs an auditor (at most 200 characters).", "required", "auditor", "200");
        Require(Enum.IsDefined(input.Frequency), ErrorCode.AuditPlanInvalid, "frequency is once, monthly, quarterly, semi-annual or annual.", "frequency");
        Require(Enum.IsDefined(input.Kind), ErrorCode.AuditPlanInvalid, "kind is internal or entrustee.", "kind");
        var grace = input.GraceDays ?? AuditSchedule.DefaultGraceDays;
        Require(grace is >= 0 and <= AuditSchedule.MaxGraceDays, ErrorCode.AuditPlanInvalid, $"graceDays is 0-{AuditSchedule.MaxGraceDays}.",
            "grace-days", AuditSchedule.MaxGraceDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Require(input.ScheduledOn.Year is >= 2000 and <= 2200, ErrorCode.AuditPlanInvalid, "The scheduled date is out of range.", "scheduled-on");
        string? recipient = null;
        if (input.Kind == AuditPlanKind.Entrustee)
        {
            recipient = Clean(input.RecipientId);
            Require(recipient.Length > 0, ErrorCode.AuditPlanInvalid, "An entrustee audit names the entrustee (recipientId).", "recipient-missing");
            if (!(await evidence.EntrusteeIdsAsync(ct)).Contains(recipient))
                throw new MamoriException(ErrorCode.EntrusteeNotFound, $"There is no entrustee '{ErrorText.Id(recipient)}'.", 404);
        }
        else Require(string.IsNullOrWhiteSpace(input.RecipientId), ErrorCode.AuditPlanInvalid, "Only an entrustee audit names a recipient.", "recipient-internal");
        plan.Title = title;
        plan.Scope = scope;
        plan.Auditor = auditor;
        plan.Kind = input.Kind;
        plan.RecipientId = recipient;
        plan.Frequency = input.Frequency;
        plan.NextDueOn = input.ScheduledOn;
        plan.GraceDays = grace;
    }

    public async Task<List<PlanView>> ListPlansAsync(bool activeOnly = false, CancellationToken ct = default)
    {
        var today = Today;
        var plans = await db.Set<AuditPlan>().AsNoTracking().Where(p => !activeOnly || p.Active).OrderBy(p => p.NextDueOn).ThenBy(p => p.Title).ToListAsync(ct);
        return [.. plans.Select(p => new PlanView(p, AuditSchedule.StateOf(p, today), AuditSchedule.OverdueAfter(p), today))];
    }

    public async Task<PlanView> GetPlanAsync(Guid id, CancellationToken ct = default)
    {
        var plan = await db.Set<AuditPlan>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw PlanNotFound();
        var today = Today;
        return new PlanView(plan, AuditSchedule.StateOf(plan, today), AuditSchedule.OverdueAfter(plan), today);
    }

    public Task<List<AuditRun>> RunsOfAsync(Guid planId, CancellationToken ct = default) =>
        db.Set<AuditRun>().AsNoTracking().Where(r => r.PlanId == planId).OrderByDescending(r => r.StartedOn).ThenByDescending(r => r.CreatedAt).ToListAsync(ct);

    /// <summary>Starts an audit under a plan: the checklist is generated now, with the evidence since the last audit (at most a year).</summary>
    public async Task<AuditRun> StartRunAsync(Guid planId, Actor actor, CancellationToken ct = default)
    {
        var plan = await db.Set<AuditPlan>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == planId, ct) ?? throw PlanNotFound();
        Require(plan.Active, ErrorCode.AuditPlanInvalid, "The plan is stopped or its one audit was held; start a new plan.", "stopped");
        if (await db.Set<AuditRun>().AnyAsync(r => r.PlanId == planId && r.Status == AuditRunStatus.InProgress, ct))
            throw new MamoriException(ErrorCode.AuditRunOpen, "An audit of this plan is in progress; complete it first.", 409);
        var today = Today;
        var yearAgo = today.AddYears(-1).AddDays(1);
        var from = plan.LastHeldOn is { } last && last.AddDays(1) > yearAgo ? last.AddDays(1) : yearAgo;
        if (from > today) from = today;
        var period = new EvidencePeriod(from, today);
        var drafts = plan.Kind == AuditPlanKind.Entrustee
            ? await checklist.EntrusteeAsync(plan.RecipientId!, period, ct)
            : await checklist.InternalAsync(period, ct);
        var current = await policies.CurrentAsync(ct);
        var now = clock.GetUtcNow();
        var run = new AuditRun
        {
            Id = Guid.CreateVersion7(now), PlanId = plan.Id, Kind = plan.Kind, RecipientId = plan.RecipientId, ScheduledOn = plan.NextDueOn, StartedOn = today,
            Auditor = plan.Auditor, Status = AuditRunStatus.InProgress, EvidenceFrom = period.From, EvidenceTo = period.To,
            PolicyVersion = current?.Version.Number ?? 0, CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(run);
        var order = 0;
        foreach (var d in drafts)
            db.Add(new AuditChecklistItem
            {
                RunId = run.Id, Key = d.Key, Order = order++, Reference = d.Reference, QuestionJa = d.QuestionJa, QuestionEn = d.QuestionEn,
                EvidenceJa = d.EvidenceJa, EvidenceEn = d.EvidenceEn, Numerator = d.Numerator, Denominator = d.Denominator, Suggested = d.Suggested,
                Result = ChecklistResult.Unanswered,
            });
        await audit.AppendAsync(db, new AuditEntry(AuditCode.AuditRunStarted, actor, TargetId: run.Id.ToString(), ReasonCode: plan.Kind == AuditPlanKind.Entrustee ? "entrustee" : "internal"), ct);
        await tx.CommitAsync(ct);
        return run;
    }

    public async Task<RunView> GetRunAsync(Guid runId, CancellationToken ct = default)
    {
        var run = await db.Set<AuditRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct)
                  ?? throw new MamoriException(ErrorCode.AuditRunNotFound, "There is no such audit.", 404);
        var plan = await db.Set<AuditPlan>().AsNoTracking().FirstAsync(p => p.Id == run.PlanId, ct);
        var items = await db.Set<AuditChecklistItem>().AsNoTracking().Where(i => i.RunId == runId).OrderBy(i => i.Order).ToListAsync(ct);
        var findings = await db.Set<AuditFinding>().AsNoTracking().Where(f => f.RunId == runId).OrderBy(f => f.CreatedAt).ToListAsync(ct);
        return new RunView(run, plan, items, findings);
    }

    public async Task<AuditChecklistItem> AnswerAsync(Guid runId, string key, ChecklistAnswer answer, Actor actor, CancellationToken ct = default)
    {
        Require(Enum.IsDefined(answer.Result) && answer.Result != ChecklistResult.Unanswered, ErrorCode.InvalidValue,
            "result is conforming, non-conforming, observation or not-applicable.", "checklist-result");
        Require(answer.Note is null || answer.Note.Length <= 2000, ErrorCode.InvalidValue, "A note is at most 2000 characters.", "too-long", "note", "2000");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = await OpenRunAsync(runId, ct);
        var item = await db.Set<AuditChecklistItem>().FirstOrDefaultAsync(i => i.RunId == runId && i.Key == key, ct)
                   ?? throw new MamoriException(ErrorCode.ChecklistItemUnknown, "The checklist has no such item.", 404);
        item.Result = answer.Result;
        item.Note = string.IsNullOrWhiteSpace(answer.Note) ? null : answer.Note.Trim();
        await audit.AppendAsync(db, new AuditEntry(AuditCode.ChecklistItemAnswered, actor, TargetId: run.Id.ToString(), ReasonCode: item.Key), ct);
        await tx.CommitAsync(ct);
        return item;
    }

    /// <summary>
    /// Completes an audit: every item answered, and every non-conforming item has a finding. The plan's next
    /// date moves on (or a one-off plan ends); an entrustee audit is written to the registry's supervision records.
    /// </summary>
    public async Task<AuditRun> CompleteRunAsync(Guid runId, string? summary, Actor actor, CancellationToken ct = default)
    {
        Require(summary is null || summary.Length <= 4000, ErrorCode.InvalidValue, "A summary is at most 4000 characters.", "too-long", "summary", "4000");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = await OpenRunAsync(runId, ct);
        var items = await db.Set<AuditChecklistItem>().Where(i => i.RunId == runId).ToListAsync(ct);
        var unanswered = items.Count(i => i.Result == ChecklistResult.Unanswered);
        if (unanswered > 0)
            throw new MamoriException(ErrorCode.ChecklistIncomplete, $"{unanswered} checklist item(s) are not answered yet.", 409)
            {
                Reason = "unanswered", ReasonArgs = [unanswered.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            };
        var withFinding = await db.Set<AuditFinding>().Where(f => f.RunId == runId && f.ChecklistKey != null).Select(f => f.ChecklistKey!).ToListAsync(ct);
        var missing = items.Where(i => i.Result == ChecklistResult.NonConforming && !withFinding.Contains(i.Key)).Select(i => i.Key).ToList();
        if (missing.Count > 0)
            throw new MamoriException(ErrorCode.ChecklistIncomplete, $"Non-conforming items need a finding first: {string.Join(", ", missing)}.", 409)
            {
                Reason = "finding-missing", ReasonArgs = missing,
            };
        var today = Today;
        run.Status = AuditRunStatus.Completed;
        run.CompletedOn = today;
        run.Summary = string.IsNullOrWhiteSpace(summary) ? null : summary.Trim();
        var plan = await db.Set<AuditPlan>().FirstAsync(p => p.Id == run.PlanId, ct);
        plan.LastHeldOn = today;
        if (AuditSchedule.NextAfter(plan.NextDueOn, plan.Frequency, today) is { } next) plan.NextDueOn = next;
        else plan.Active = false;
        plan.UpdatedAt = clock.GetUtcNow();
        if (run.Kind == AuditPlanKind.Entrustee && run.RecipientId is { } recipient)
        {
            var findings = await db.Set<AuditFinding>().CountAsync(f => f.RunId == runId, ct);
            var text = run.Summary ?? (findings == 0 ? "指摘事項なし / No findings" : $"指摘事項 {findings}件 / {findings} finding(s)");
            // The findings and their corrective actions stay the audit's own (they move on after the audit); the record points at it.
            db.Add(new SupervisionRecord
            {
                Id = Guid.CreateVersion7(clock.GetUtcNow()), RecipientId = recipient, HeldOn = today, Kind = SupervisionKind.OnSiteAudit,
                Findings = text.Length <= 4000 ? text : text[..4000], AuditRunId = run.Id,
                NextDue = plan.Active ? plan.NextDueOn : null, RecordedBy = actor.ToString(), RecordedAt = clock.GetUtcNow(),
            });
            await audit.AppendAsync(db, new AuditEntry(AuditCode.SupervisionRecorded, actor, TargetId: recipient, ReasonCode: nameof(SupervisionKind.OnSiteAudit)), ct);
        }
        await audit.AppendAsync(db, new AuditEntry(AuditCode.AuditRunCompleted, actor, TargetId: run.Id.ToString(),
            ReasonCode: plan.Active ? "next-" + plan.NextDueOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "plan-ended"), ct);
        await tx.CommitAsync(ct);
        return run;
    }

    private async Task<AuditRun> OpenRunAsync(Guid runId, CancellationToken ct)
    {
        var run = await db.Set<AuditRun>().FirstOrDefaultAsync(r => r.Id == runId, ct)
                  ?? throw new MamoriException(ErrorCode.AuditRunNotFound, "There is no such audit.", 404);
        if (run.Status == AuditRunStatus.Completed) throw new MamoriException(ErrorCode.AuditRunCompleted, "The audit is completed; its record no longer changes.", 409);
        return run;
    }

    public async Task<AuditFinding> RaiseFindingAsync(FindingInput input, Actor actor, CancellationToken ct = default)
    {
        var description = Clean(input.Description);
        var owner = Clean(input.Owner);
        Require(description.Length is > 0 and <= 4000, ErrorCode.FindingInvalid, "A finding needs a description (at most 4000 characters).", "required", "description", "4000");
        Require(owner.Length is > 0 and <= 200, ErrorCode.FindingInvalid, "A finding needs an owner (at most 200 characters).", "required", "owner", "200");
        Require(Enum.IsDefined(input.Severity), ErrorCode.FindingInvalid, "severity is major, minor or observation.", "severity");
        var today = Today;
        Require(input.DueOn >= today, ErrorCode.FindingInvalid, "The due date is today or later.", "today-or-later", "dueOn");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        string reference = Clean(input.Reference);
        string? recipient = string.IsNullOrWhiteSpace(input.RecipientId) ? null : input.RecipientId.Trim();
        Guid? planId = null;
        if (input.RunId is { } runId)
        {
            var run = await OpenRunAsync(runId, ct);
            planId = run.PlanId;
            recipient ??= run.RecipientId;
            if (input.ChecklistKey is { } key)
            {
                var item = await db.Set<AuditChecklistItem>().AsNoTracking().FirstOrDefaultAsync(i => i.RunId == runId && i.Key == key, ct)
                           ?? throw new MamoriException(ErrorCode.ChecklistItemUnknown, "The checklist has no such item.", 404);
                if (reference.Length == 0) reference = item.Reference;
            }
        }
        else Require(input.ChecklistKey is null, ErrorCode.FindingInvalid, "A checklist item is named only with its audit (runId).", "checklist-without-run");
        if (recipient is not null && !(await evidence.EntrusteeIdsAsync(ct)).Contains(recipient))
            throw new MamoriException(ErrorCode.EntrusteeNotFound, "There is no such entrustee.", 404);
        if (reference.Length == 0) reference = recipient is null ? "個人情報保護法第23条" : "個人情報保護法第25条";
        Require(reference.Length <= 100, ErrorCode.FindingInvalid, "A reference is at most 100 characters.", "too-long", "reference", "100");
        var now = clock.GetUtcNow();
        var finding = new AuditFinding
        {
            Id = Guid.CreateVersion7(now), RunId = input.RunId, PlanId = planId, RecipientId = recipient, ChecklistKey = input.ChecklistKey, Reference = reference,
            Severity = input.Severity, Description = description, Owner = owner, RaisedOn = today, DueOn = input.DueOn, Status = FindingStatus.Open, CreatedAt = now,
        };
        db.Add(finding);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.FindingRaised, actor, TargetId: finding.Id.ToString(), ReasonCode: finding.Severity.ToString()), ct);
        await tx.CommitAsync(ct);
        return finding;
    }

    public async Task<List<FindingView>> ListFindingsAsync(bool openOnly, string? recipientId = null, CancellationToken ct = default)
    {
        var today = Today;
        var q = db.Set<AuditFinding>().AsNoTracking().Where(f => !openOnly || f.Status == FindingStatus.Open);
        if (recipientId is not null) q = q.Where(f => f.RecipientId == recipientId);
        var findings = await q.OrderBy(f => f.DueOn).ThenBy(f => f.CreatedAt).ToListAsync(ct);
        var ids = findings.Select(f => f.Id).ToList();
        var actions = (await db.Set<CorrectiveAction>().AsNoTracking().Where(a => ids.Contains(a.FindingId)).ToListAsync(ct))
            .OrderBy(a => a.DueOn).ThenBy(a => a.CreatedAt).ToLookup(a => a.FindingId);
        return [.. findings.Select(f => new FindingView(f, [.. actions[f.Id]], AuditSchedule.IsOverdue(f, today), today))];
    }

    public async Task<FindingView> GetFindingAsync(Guid id, CancellationToken ct = default)
    {
        var f = await db.Set<AuditFinding>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw FindingNotFound();
        var actions = await db.Set<CorrectiveAction>().AsNoTracking().Where(a => a.FindingId == id).ToListAsync(ct);
        var today = Today;
        return new FindingView(f, [.. actions.OrderBy(a => a.DueOn).ThenBy(a => a.CreatedAt)], AuditSchedule.IsOverdue(f, today), today);
    }

    public async Task<CorrectiveAction> AddActionAsync(Guid findingId, CorrectiveActionInput input, Actor actor, CancellationToken ct = default)
    {
        var description = Clean(input.Description);
        var owner = Clean(input.Owner);
        Require(description.Length is > 0 and <= 2000, ErrorCode.CorrectiveActionInvalid, "An action needs a description (at most 2000 characters).", "required", "description", "2000");
        Require(owner.Length is > 0 and <= 200, ErrorCode.CorrectiveActionInvalid, "An action needs an owner (at most 200 characters).", "required", "owner", "200");
        Require(input.DueOn >= Today, ErrorCode.CorrectiveActionInvalid, "The due date is today or later.", "today-or-later", "dueOn");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var finding = await db.Set<AuditFinding>().FirstOrDefaultAsync(f => f.Id == findingId, ct) ?? throw FindingNotFound();
        if (finding.Status == FindingStatus.Closed) throw new MamoriException(ErrorCode.FindingClosed, "The finding is closed.", 409);
        var now = clock.GetUtcNow();
        var action = new CorrectiveAction
        {
            Id = Guid.CreateVersion7(now), FindingId = findingId, Description = description, Owner = owner, DueOn = input.DueOn,
            Status = CorrectiveActionStatus.Planned, CreatedAt = now, UpdatedAt = now,
        };
        db.Add(action);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.CorrectiveActionSaved, actor, TargetId: findingId.ToString(), ReasonCode: "planned"), ct);
        await tx.CommitAsync(ct);
        return action;
    }

    public async Task<CorrectiveAction> SetActionStatusAsync(Guid findingId, Guid actionId, CorrectiveActionStatus status, Actor actor, CancellationToken ct = default)
    {
        Require(Enum.IsDefined(status), ErrorCode.CorrectiveActionInvalid, "status is planned, in-progress or done.", "action-status");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var finding = await db.Set<AuditFinding>().AsNoTracking().FirstOrDefaultAsync(f => f.Id == findingId, ct) ?? throw FindingNotFound();
        if (finding.Status == FindingStatus.Closed) throw new MamoriException(ErrorCode.FindingClosed, "The finding is closed.", 409);
        var action = await db.Set<CorrectiveAction>().FirstOrDefaultAsync(a => a.Id == actionId && a.FindingId == findingId, ct)
                     ?? throw new MamoriException(ErrorCode.CorrectiveActionNotFound, "The finding has no such corrective action.", 404);
        action.Status = status;
        action.CompletedOn = status == CorrectiveActionStatus.Done ? Today : null;
        action.UpdatedAt = clock.GetUtcNow();
        await audit.AppendAsync(db, new AuditEntry(AuditCode.CorrectiveActionSaved, actor, TargetId: findingId.ToString(),
            ReasonCode: Incidents.IncidentRegistry.Kebab(status)), ct);
        await tx.CommitAsync(ct);
        return action;
    }

    /// <summary>Closes a finding once its corrective actions are done (an observation may close without any).</summary>
    public async Task<AuditFinding> CloseFindingAsync(Guid findingId, string? note, Actor actor, CancellationToken ct = default)
    {
        Require(note is null || note.Length <= 2000, ErrorCode.FindingInvalid, "A closure note is at most 2000 characters.", "too-long", "closureNote", "2000");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var finding = await db.Set<AuditFinding>().FirstOrDefaultAsync(f => f.Id == findingId, ct) ?? throw FindingNotFound();
        if (finding.Status == FindingStatus.Closed) throw new MamoriException(ErrorCode.FindingClosed, "The finding is closed.", 409);
        var actions = await db.Set<CorrectiveAction>().AsNoTracking().Where(a => a.FindingId == findingId).Select(a => a.Status).ToListAsync(ct);
        if (actions.Any(s => s != CorrectiveActionStatus.Done))
            throw new MamoriException(ErrorCode.FindingActionsOpen, "Every corrective action must be done before the finding closes.", 409) { Reason = "actions-open" };
        if (actions.Count == 0 && finding.Severity != FindingSeverity.Observation)
            throw new MamoriException(ErrorCode.FindingActionsOpen, "A nonconformity closes only after a corrective action is done.", 409) { Reason = "no-action" };
        finding.Status = FindingStatus.Closed;
        finding.ClosedOn = Today;
        finding.ClosureNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        await audit.AppendAsync(db, new AuditEntry(AuditCode.FindingClosed, actor, TargetId: finding.Id.ToString()), ct);
        await tx.CommitAsync(ct);
        return finding;
    }

    private static MamoriException PlanNotFound() => new(ErrorCode.AuditPlanNotFound, "There is no such audit plan.", 404);

    private static MamoriException FindingNotFound() => new(ErrorCode.FindingNotFound, "There is no such finding.", 404);
}
