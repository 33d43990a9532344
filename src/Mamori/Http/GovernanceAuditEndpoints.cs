using Mamori.Auth;
using Mamori.Errors;
using Mamori.Governance.Entrustees;
using Mamori.Governance.InternalAudits;
using Mamori.Governance.Reports;
using Mamori.Staff;
using Microsoft.Extensions.Options;

namespace Mamori.Http;

/// <summary>
/// /api/governance: internal audits (plans, runs with checklists, findings, corrective actions), entrustee
/// supervision (selection assessments, contract checks, linked provision records) and the annual management review.
/// </summary>
public static class GovernanceAuditEndpoints
{
    public sealed record PlanResponse(Guid Id, AuditPlanKind Kind, string Title, string Scope, string Auditor, string? RecipientId, AuditFrequency Frequency,
        DateOnly NextDueOn, int GraceDays, DateOnly OverdueAfter, DateOnly? LastHeldOn, bool Active, AuditDueState State, DateOnly Today);

    public sealed record PlanDetailResponse(PlanResponse Plan, IReadOnlyList<RunSummary> Runs);

    public sealed record RunSummary(Guid Id, DateOnly ScheduledOn, DateOnly StartedOn, DateOnly? CompletedOn, AuditRunStatus Status);

    public sealed record ChecklistItemResponse(string Key, string Reference, string QuestionJa, string QuestionEn, string? EvidenceJa, string? EvidenceEn,
        int? Numerator, int? Denominator, ChecklistResult Suggested, ChecklistResult Result, string? Note);

    public sealed record RunResponse(Guid Id, Guid PlanId, string PlanTitle, AuditPlanKind Kind, string? RecipientId, DateOnly ScheduledOn, DateOnly StartedOn,
        DateOnly? CompletedOn, string Auditor, AuditRunStatus Status, string? Summary, DateOnly EvidenceFrom, DateOnly EvidenceTo, int PolicyVersion,
        IReadOnlyList<ChecklistItemResponse> Checklist, IReadOnlyList<FindingResponse> Findings);

    public sealed record ActionResponse(Guid Id, string Description, string Owner, DateOnly DueOn, CorrectiveActionStatus Status, DateOnly? CompletedOn, bool Overdue);

    public sealed record FindingResponse(Guid Id, Guid? RunId, string? RecipientId, string? ChecklistKey, string Reference, FindingSeverity Severity, string Description,
        string Owner, DateOnly RaisedOn, DateOnly DueOn, FindingStatus Status, DateOnly? ClosedOn, string? ClosureNote, bool Overdue, IReadOnlyList<ActionResponse> Actions);

    public sealed record UpdatePlanRequest(string Title, string Scope, string Auditor, DateOnly ScheduledOn, AuditFrequency Frequency, bool Active,
        AuditPlanKind Kind = AuditPlanKind.Internal, string? RecipientId = null, int? GraceDays = null);

    public sealed record CompleteRunRequest(string? Summary = null);

    public sealed record ActionStatusRequest(CorrectiveActionStatus Status);

    public sealed record CloseFindingRequest(string? Note = null);

    public sealed record CriterionResponse(string Key, string Reference, bool Required, string Ja, string En, string TitleJa, string TitleEn);

    /// <param name="Conditions">What keeps it from approval: required criteria not met (rejected), optional ones not met or not answered (conditional).</param>
    public sealed record AssessmentResponse(Guid Id, DateOnly AssessedOn, string Assessor, AssessmentResult Result, IReadOnlyList<CriterionAnswer> Answers,
        IReadOnlyList<AssessmentCondition> Conditions, string? Note);

    public sealed record ContractCheckResponse(Guid Id, DateOnly CheckedOn, string Checker, string? ContractRef, bool Confidentiality, bool AuditRights,
        bool ReEntrustmentConditions, bool ReturnOrDeletion, bool SecurityMeasures, bool IncidentReporting, bool PurposeLimited, bool Complete, string? Note);

    public sealed record ProvisionRecordSummary(Guid Id, DateTimeOffset At, string Basis, IReadOnlyList<string> Items, int SubjectCount);

    public sealed record EntrusteeResponse(string Id, string Name, bool DeclaredInPolicy, bool Foreign, IReadOnlyList<string> Categories,
        AssessmentResponse? Assessment, ContractCheckResponse? ContractCheck, DateOnly? LastAudit, IReadOnlyList<PlanResponse> Plans,
        int OpenFindings, int OverdueFindings, EntrusteeProvisions Provisions);

    public sealed record EntrusteeDetailResponse(EntrusteeResponse Entrustee, IReadOnlyList<AssessmentResponse> Assessments,
        IReadOnlyList<ContractCheckResponse> ContractChecks, IReadOnlyList<ProvisionRecordSummary> ProvisionRecords, IReadOnlyList<FindingResponse> Findings);

    public const int ProvisionRecordsShown = 50;

    public static RouteGroupBuilder MapGovernanceAudits(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/governance").WithTags("Governance: audits");

        g.MapGet("/audits/plans", async (InternalAuditing audits, string? state, HttpContext http) =>
        {
            AuditDueState? filter = state switch
            {
                null or "" or "all" => null,
                "upcoming" => AuditDueState.Upcoming,
                "due" => AuditDueState.Due,
                "overdue" => AuditDueState.Overdue,
                "inactive" => AuditDueState.Inactive,
                _ => throw MamoriException.Invalid("state is upcoming, due, overdue, inactive or all."),
            };
            var plans = await audits.ListPlansAsync(false, http.RequestAborted);
            return TypedResults.Ok(plans.Where(p => filter is null || p.State == filter).Select(ToResponse).ToArray());
        }).RequirePermission(Permission.ReadInternalAudits).WithSummary("Audit plans with their due state today (JST); ?state=due|overdue for what needs holding.");

        g.MapPost("/audits/plans", async (AuditPlanInput body, InternalAuditing audits, HttpContext http) =>
        {
            var plan = await audits.CreatePlanAsync(body, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/governance/audits/plans/{plan.Id}", ToResponse(await audits.GetPlanAsync(plan.Id, http.RequestAborted)));
        }).RequirePermission(Permission.ManageInternalAudits).WithSummary("Plan an internal or entrustee audit: scope, auditor, scheduled date, frequency, grace days.");

        g.MapGet("/audits/plans/{id:guid}", async (Guid id, InternalAuditing audits, HttpContext http) =>
        {
            var plan = await audits.GetPlanAsync(id, http.RequestAborted);
            var runs = await audits.RunsOfAsync(id, http.RequestAborted);
            return TypedResults.Ok(new PlanDetailResponse(ToResponse(plan), [.. runs.Select(r => new RunSummary(r.Id, r.ScheduledOn, r.StartedOn, r.CompletedOn, r.Status))]));
        }).RequirePermission(Permission.ReadInternalAudits).WithSummary("One plan with the audits held under it.");

        g.MapPut("/audits/plans/{id:guid}", async (Guid id, UpdatePlanRequest body, InternalAuditing audits, HttpContext http) =>
        {
            await audits.UpdatePlanAsync(id, new AuditPlanInput(body.Title, body.Scope, body.Auditor, body.ScheduledOn, body.Frequency, body.Kind, body.RecipientId, body.GraceDays),
                body.Active, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(await audits.GetPlanAsync(id, http.RequestAborted)));
        }).RequirePermission(Permission.ManageInternalAudits).WithSummary("Change a plan (reschedule, change auditor or scope, stop it with active=false).");

        g.MapPost("/audits/plans/{id:guid}/runs", async (Guid id, InternalAuditing audits, HttpContext http) =>
        {
            var run = await audits.StartRunAsync(id, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/governance/audits/runs/{run.Id}", ToResponse(await audits.GetRunAsync(run.Id, http.RequestAborted), audits.Today));
        }).RequirePermission(Permission.ManageInternalAudits).WithSummary("Start an audit: its checklist is generated from the law and the policy, with the system's evidence.");

        g.MapGet("/audits/runs/{id:guid}", async (Guid id, InternalAuditing audits, HttpContext http) =>
            TypedResults.Ok(ToResponse(await audits.GetRunAsync(id, http.RequestAborted), audits.Today)))
            .RequirePermission(Permission.ReadInternalAudits).WithSummary("One audit with its checklist (law references, evidence, answers) and findings.");

        g.MapPost("/audits/runs/{id:guid}/items/{key}", async (Guid id, string key, ChecklistAnswer body, InternalAuditing audits, HttpContext http) =>
        {
            await audits.AnswerAsync(id, key, body, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(await audits.GetRunAsync(id, http.RequestAborted), audits.Today));
        }).RequirePermission(Permission.ManageInternalAudits).WithSummary("Answer a checklist item: conforming, non-conforming, observation or not-applicable, with a note.");

        g.MapPost("/audits/runs/{id:guid}/complete", async (Guid id, CompleteRunRequest body, InternalAuditing audits, HttpContext http) =>
        {
            await audits.CompleteRunAsync(id, body.Summary, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(await audits.GetRunAsync(id, http.RequestAborted), audits.Today));
        }).RequirePermission(Permission.ManageInternalAudits).WithSummary("Complete an audit (every item answered, every nonconformity with a finding); the plan's next date moves on.");

        g.MapGet("/findings", async (InternalAuditing audits, string? status, string? recipientId, HttpContext http) =>
        {
            var open = status switch
            {
                null or "" or "open" => true,
                "all" => false,
                _ => throw MamoriException.Invalid("status is open or all."),
            };
            var list = await audits.ListFindingsAsync(open, string.IsNullOrEmpty(recipientId) ? null : recipientId, http.RequestAborted);
            return TypedResults.Ok(list.Select(ToResponse).ToArray());
        }).RequirePermission(Permission.ReadInternalAudits).WithSummary("Findings with their corrective actions and whether they are overdue; ?status=all, ?recipientId= for one entrustee.");

        g.MapPost("/findings", async (FindingInput body, InternalAuditing audits, HttpContext http) =>
        {
            var f = await audits.RaiseFindingAsync(body, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/governance/findings/{f.Id}", ToResponse(await audits.GetFindingAsync(f.Id, http.RequestAborted)));
        }).RequirePermission(Permission.ManageInternalAudits).WithSummary("Raise a finding (from an audit's checklist item, or on its own) with an owner and a due date.");

        g.MapGet("/findings/{id:guid}", async (Guid id, InternalAuditing audits, HttpContext http) =>
            TypedResults.Ok(ToResponse(await audits.GetFindingAsync(id, http.RequestAborted))))
            .RequirePermission(Permission.ReadInternalAudits).WithSummary("One finding with its corrective actions.");

        g.MapPost("/findings/{id:guid}/actions", async (Guid id, CorrectiveActionInput body, InternalAuditing audits, HttpContext http) =>
        {
            await audits.AddActionAsync(id, body, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/governance/findings/{id}", ToResponse(await audits.GetFindingAsync(id, http.RequestAborted)));
        }).RequirePermission(Permission.ManageInternalAudits).WithSummary("Plan a corrective action for a finding.");

        g.MapPost("/findings/{id:guid}/actions/{actionId:guid}/status", async (Guid id, Guid actionId, ActionStatusRequest body, InternalAuditing audits, HttpContext http) =>
        {
            await audits.SetActionStatusAsync(id, actionId, body.Status, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(await audits.GetFindingAsync(id, http.RequestAborted)));
        }).RequirePermission(Permission.ManageInternalAudits).WithSummary("Move a corrective action to in-progress or done.");

        g.MapPost("/findings/{id:guid}/close", async (Guid id, CloseFindingRequest body, InternalAuditing audits, HttpContext http) =>
        {
            await audits.CloseFindingAsync(id, body.Note, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(await audits.GetFindingAsync(id, http.RequestAborted)));
        }).RequirePermission(Permission.ManageInternalAudits).WithSummary("Close a finding once every corrective action is done.");

        g.MapGet("/entrustee-criteria", () => TypedResults.Ok(EntrusteeSupervision.Criteria.Select(c => new CriterionResponse(c.Key, c.Reference, c.Required, c.Ja, c.En, c.TitleJa, c.TitleEn)).ToArray()))
            .RequirePermission(Permission.ReadInternalAudits).WithSummary("The selection criteria of an entrustee assessment (GL 3-4-4); required ones decide approval, optional ones may be answered not applicable.");

        g.MapGet("/entrustees", async (EntrusteeSupervision entrustees, HttpContext http) =>
            TypedResults.Ok((await entrustees.ListAsync(http.RequestAborted)).Select(ToResponse).ToArray()))
            .RequirePermission(Permission.ReadInternalAudits).WithSummary("Entrustees with their latest assessment, contract check, audits, open findings and entrustment provisions.");

        g.MapGet("/entrustees/{id}", async (string id, EntrusteeSupervision entrustees, InternalAuditing audits, HttpContext http) =>
        {
            var ct = http.RequestAborted;
            var view = await entrustees.GetAsync(id, ct);
            var records = await entrustees.ProvisionRecordsAsync(id, ProvisionRecordsShown, ct);
            return TypedResults.Ok(new EntrusteeDetailResponse(ToResponse(view),
                [.. (await entrustees.AssessmentsAsync(id, ct)).Select(ToResponse)], [.. (await entrustees.ContractChecksAsync(id, ct)).Select(ToResponse)],
                [.. records.Select(r => new ProvisionRecordSummary(r.Id, r.At, Incidents.IncidentRegistry.Kebab(r.Basis), r.Items, r.SubjectCount))],
                [.. (await audits.ListFindingsAsync(false, id, ct)).Select(ToResponse)]));
        }).RequirePermission(Permission.ReadInternalAudits).WithSummary("One entrustee: assessments, contract checks, its provision records (newest 50) and findings.");

        g.MapPost("/entrustees/{id}/assessments", async (string id, AssessmentInput body, EntrusteeSupervision entrustees, HttpContext http) =>
        {
            var a = await entrustees.AssessAsync(id, body, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/governance/entrustees/{id}", ToResponse(a));
        }).RequirePermission(Permission.ManageRecipients).WithSummary("Record a selection assessment against the criteria (met, not met, or notApplicable for an optional one); the result (approved, conditional, rejected) and its conditions are computed.");

        g.MapPost("/entrustees/{id}/contract-checks", async (string id, ContractCheckInput body, EntrusteeSupervision entrustees, HttpContext http) =>
        {
            var c = await entrustees.CheckContractAsync(id, body, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/governance/entrustees/{id}", ToResponse(c));
        }).RequirePermission(Permission.ManageRecipients).WithSummary("Record a check of the entrustment contract's clauses (confidentiality, audit, re-entrustment, return/deletion…).");

        g.MapGet("/management-review", async (int? year, int? startMonth, string? format, ManagementReview review, IOptions<Requests.RequestSettings> settings, HttpContext http) =>
        {
            var y = year ?? review.DefaultYear();
            var report = await review.BuildAsync(y, startMonth ?? 1, await Mamori.Web.Pages.CallerNameAsync(http), http.RequestAborted);
            switch (format)
            {
                case null or "" or "json":
                    return Results.Json(report);
                case "html":
                    return Results.Content(ManagementReview.Html(report), "text/html; charset=utf-8");
                case "pdf":
                    var pdf = ManagementReview.Pdf(report, settings.Value.PdfFont);
                    if (pdf.Bytes is null) throw new MamoriException(ErrorCode.ReviewPdfUnavailable, pdf.Problem ?? "The PDF could not be produced.", 503);
                    return Results.File(pdf.Bytes, "application/pdf", $"management-review-{report.Year}.pdf");
                default:
                    throw MamoriException.Invalid("format is json, html or pdf.");
            }
        }).RequirePermission(Permission.ReadInternalAudits)
            .WithSummary("The annual management review from the system's own evidence (JA): ?year=2026&startMonth=4 for a fiscal year; ?format=json|html|pdf.");
        return api;
    }

    internal static PlanResponse ToResponse(PlanView v) => new(v.Plan.Id, v.Plan.Kind, v.Plan.Title, v.Plan.Scope, v.Plan.Auditor, v.Plan.RecipientId, v.Plan.Frequency,
        v.Plan.NextDueOn, v.Plan.GraceDays, v.OverdueAfter, v.Plan.LastHeldOn, v.Plan.Active, v.State, v.Today);

    internal static RunResponse ToResponse(RunView v, DateOnly today) => new(v.Run.Id, v.Run.PlanId, v.Plan.Title, v.Run.Kind, v.Run.RecipientId, v.Run.ScheduledOn,
        v.Run.StartedOn, v.Run.CompletedOn, v.Run.Auditor, v.Run.Status, v.Run.Summary, v.Run.EvidenceFrom, v.Run.EvidenceTo, v.Run.PolicyVersion,
        [.. v.Items.Select(i => new ChecklistItemResponse(i.Key, i.Reference, i.QuestionJa, i.QuestionEn, i.EvidenceJa, i.EvidenceEn, i.Numerator, i.Denominator,
            i.Suggested, i.Result, i.Note))],
        [.. v.Findings.Select(f => ToResponse(new FindingView(f, [], AuditSchedule.IsOverdue(f, today), today)))]);

    internal static FindingResponse ToResponse(FindingView v) => new(v.Finding.Id, v.Finding.RunId, v.Finding.RecipientId, v.Finding.ChecklistKey, v.Finding.Reference,
        v.Finding.Severity, v.Finding.Description, v.Finding.Owner, v.Finding.RaisedOn, v.Finding.DueOn, v.Finding.Status, v.Finding.ClosedOn, v.Finding.ClosureNote,
        v.Overdue, [.. v.Actions.Select(a => new ActionResponse(a.Id, a.Description, a.Owner, a.DueOn, a.Status, a.CompletedOn, AuditSchedule.IsOverdue(a, v.Today)))]);

    internal static AssessmentResponse ToResponse(EntrusteeAssessment a)
    {
        var answers = EntrusteeSupervision.ReadAnswers(a);
        return new(a.Id, a.AssessedOn, a.Assessor, a.Result, answers, EntrusteeSupervision.Conditions(answers), a.Note);
    }

    internal static ContractCheckResponse ToResponse(EntrusteeContractCheck c) => new(c.Id, c.CheckedOn, c.Checker, c.ContractRef, c.Confidentiality, c.AuditRights,
        c.ReEntrustmentConditions, c.ReturnOrDeletion, c.SecurityMeasures, c.IncidentReporting, c.PurposeLimited, c.Complete, c.Note);

    internal static EntrusteeResponse ToResponse(EntrusteeView v) => new(v.Id, v.Name, v.DeclaredInPolicy, v.Foreign, v.Categories,
        v.Assessment is null ? null : ToResponse(v.Assessment), v.ContractCheck is null ? null : ToResponse(v.ContractCheck), v.LastAudit,
        [.. v.Plans.Select(ToResponse)], v.OpenFindings, v.OverdueFindings, v.Provisions);
}
