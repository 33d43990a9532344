using System.Text.Json;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Governance.InternalAudits;
using Mamori.Governance.Reports;
using Mamori.Policy;
using Mamori.Provision;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Governance.Entrustees;

/// <summary>
/// A selection criterion (GL 3-4-4): required ones decide approval; optional ones not met or not answered make it conditional,
/// and only optional ones may be answered not applicable.
/// </summary>
/// <param name="Reference">Its legal basis as cited to staff, e.g. 「個人情報保護法第25条」.</param>
/// <param name="TitleJa">A short name for where the criterion is named beside a result (「条件: 再委託の管理体制 未確認」); <paramref name="TitleEn"/> in English.</param>
public sealed record SelectionCriterion(string Key, string Reference, bool Required, string Ja, string En, string TitleJa, string TitleEn);

public sealed record AssessmentInput(DateOnly AssessedOn, string Assessor, IReadOnlyList<CriterionAnswer> Answers, string? Note = null);

public sealed record ContractCheckInput(DateOnly CheckedOn, string Checker, bool Confidentiality, bool AuditRights, bool ReEntrustmentConditions,
    bool ReturnOrDeletion, bool SecurityMeasures = false, bool IncidentReporting = false, bool PurposeLimited = false, string? ContractRef = null, string? Note = null);

/// <summary>What was provided to an entrustee (entrustment provision records, S-35).</summary>
public sealed record EntrusteeProvisions(int Records, int Subjects, DateTimeOffset? Last, IReadOnlyList<string> Categories,
    int RecordsBeforeApproval, int RecordsWithoutContractCheck);

/// <summary>One entrustee with its supervision: selection, contract, audits, findings and what was provided.</summary>
/// <param name="Name">Japanese; <paramref name="NameEn"/> its English rendering (the same where the policy gives none).</param>
public sealed record EntrusteeView(string Id, string Name, string NameEn, bool DeclaredInPolicy, bool Foreign, IReadOnlyList<string> Categories,
    EntrusteeAssessment? Assessment, EntrusteeContractCheck? ContractCheck, RecipientProfile? Profile, DateOnly? LastAudit,
    IReadOnlyList<PlanView> Plans, int OpenFindings, int OverdueFindings, EntrusteeProvisions Provisions);

/// <summary>
/// Supervision of entrustees (委託先の監督, Art.25, L-08, S-35, S-64): selection assessments, contract
/// checks, periodic audits (audit plans of kind entrustee) and findings, linked to the entrustment
/// provision records of each entrustee. Builds on the provision registry (<see cref="RecipientRegistry"/>).
/// </summary>
public sealed class EntrusteeSupervision(MamoriDbContext db, AuditLog audit, PolicyStore policies, GovernanceEvidence evidence, InternalAuditing audits, TimeProvider clock)
{
    public const string ForeignEnvironment = "foreign-environment";

    public static readonly IReadOnlyList<SelectionCriterion> Criteria =
    [
        new("organizational", "個人情報保護法第23条、第25条", true, "組織的安全管理措置（責任者の設置、規程、取扱状況の記録）", "Organisational measures (a responsible person, rules, records of handling)",
            "組織的安全管理措置", "Organisational measures"),
        new("human", "個人情報保護法第23条、第25条", true, "人的安全管理措置（従業者の教育、秘密保持の誓約）", "Human measures (staff training, confidentiality undertakings)",
            "人的安全管理措置", "Human measures"),
        new("physical", "個人情報保護法第23条、第25条", true, "物理的安全管理措置（入退室管理、機器・媒体の盗難防止、確実な廃棄）", "Physical measures (entry control, theft prevention, secure disposal)",
            "物理的安全管理措置", "Physical measures"),
        new("technical", "個人情報保護法第23条、第25条", true, "技術的安全管理措置（アクセス制御、不正アクセス対策、暗号化）", "Technical measures (access control, protection from intrusion, encryption)",
            "技術的安全管理措置", "Technical measures"),
        new("rules", "個人情報保護法第25条", true, "個人情報の取扱規程が整備され、当社と同等以上の保護水準であること", "Handling rules in place, protecting at least as well as the company's own",
            "取扱規程", "Handling rules"),
        new("track-record", "個人情報保護法第25条", true, "業務の実績と、過去の漏えい等事案への対応", "Track record, and how past incidents were handled",
            "実績と事故対応", "Track record"),
        new("certification", "個人情報保護法第25条", false, "第三者認証（プライバシーマーク、ISMS 等）", "Third-party certification (PrivacyMark, ISMS…)",
            "第三者認証", "Certification"),
        new("re-entrustment", "個人情報保護法第25条（個人番号関係事務の委託は番号法第10条）", false, "再委託の予定と再委託先の管理体制", "Planned re-entrustment and how sub-entrustees are managed",
            "再委託の管理体制", "Re-entrustment management"),
        new(ForeignEnvironment, "個人情報保護法第23条、第25条", false, "外国で取り扱う場合、その国の個人情報保護制度の把握", "Where handled abroad, the foreign country's protection system is known",
            "外国の制度の把握", "Foreign protection system"),
        new("financial", "個人情報保護法第25条", false, "経営の安定性（業務の継続性）", "Financial stability (continuity of the service)",
            "経営の安定性", "Financial stability"),
    ];

    /// <summary>The criteria that keep <paramref name="answers"/> from approval, in the criteria's order (none: approved).</summary>
    public static IReadOnlyList<AssessmentCondition> Conditions(IReadOnlyList<CriterionAnswer> answers) =>
    [
        .. Criteria.Select(c => (Criterion: c, Answer: answers.FirstOrDefault(a => a.Key == c.Key)))
            .Where(x => x.Answer is null ? !x.Criterion.Required : !x.Answer.Met && !x.Answer.NotApplicable)
            .Select(x => new AssessmentCondition(x.Criterion.Key, x.Criterion.Required, x.Answer is null ? ConditionStatus.Unanswered : ConditionStatus.NotMet)),
    ];

    public static AssessmentResult Decide(IReadOnlyList<CriterionAnswer> answers)
    {
        var conditions = Conditions(answers);
        if (Criteria.Any(c => c.Required && answers.All(a => a.Key != c.Key)) || conditions.Any(c => c.Required)) return AssessmentResult.Rejected;
        return conditions.Count == 0 ? AssessmentResult.Approved : AssessmentResult.Conditional;
    }

    /// <summary>
    /// The conditions of an assessment as staff read them beside its result: 「再委託の管理体制 未確認、第三者認証 満たさない」 — for a
    /// rejected one the required criteria not met, for a conditional one the optional ones; empty for an approved one.
    /// </summary>
    public static (string Ja, string En) ConditionText(EntrusteeAssessment a)
    {
        var rejected = a.Result == AssessmentResult.Rejected;
        var shown = Conditions(ReadAnswers(a)).Where(c => c.Required == rejected).ToList();
        string Say(Func<SelectionCriterion, string> title, string notMet, string unanswered, string separator) => string.Join(separator, shown.Select(c =>
            $"{(Criteria.FirstOrDefault(x => x.Key == c.Key) is { } criterion ? title(criterion) : c.Key)} {(c.Status == ConditionStatus.NotMet ? notMet : unanswered)}"));
        return (Say(c => c.TitleJa, "満たさない", "未確認", "、"), Say(c => c.TitleEn, "not met", "not checked", "; "));
    }

    public static IReadOnlyList<CriterionAnswer> ReadAnswers(EntrusteeAssessment a) =>
        JsonSerializer.Deserialize<List<CriterionAnswer>>(a.Answers) ?? [];

    private async Task RequireEntrusteeAsync(string recipientId, CancellationToken ct)
    {
        if (!(await evidence.EntrusteeIdsAsync(ct)).Contains(recipientId))
            throw new MamoriException(ErrorCode.EntrusteeNotFound, $"There is no entrustee '{ErrorText.Id(recipientId)}'.", 404);
    }

    public async Task<EntrusteeAssessment> AssessAsync(string recipientId, AssessmentInput input, Actor actor, CancellationToken ct = default)
    {
        await RequireEntrusteeAsync(recipientId, ct);
        var assessor = (input.Assessor ?? "").Trim();
        if (assessor.Length is 0 or > 200)
            throw new MamoriException(ErrorCode.AssessmentInvalid, "An assessment needs an assessor (at most 200 characters).") { Reason = "required", ReasonArgs = ["assessor", "200"] };
        if (input.Note is { Length: > 2000 })
            throw new MamoriException(ErrorCode.AssessmentInvalid, "A note is at most 2000 characters.") { Reason = "too-long", ReasonArgs = ["assessmentNote", "2000"] };
        if (input.AssessedOn > policies.TodayJst())
            throw new MamoriException(ErrorCode.AssessmentInvalid, "The assessment date is in the future.") { Reason = "not-future", ReasonArgs = ["assessedOn"] };
        var answers = input.Answers ?? [];
        if (answers.FirstOrDefault(a => Criteria.All(c => c.Key != a.Key)) is { } unknown)
            throw new MamoriException(ErrorCode.AssessmentInvalid, $"Unknown criterion '{ErrorText.Id(unknown.Key)}'.") { Reason = "criterion" };
        if (answers.GroupBy(a => a.Key).Any(g => g.Count() > 1))
            throw new MamoriException(ErrorCode.AssessmentInvalid, "A criterion is answered twice.") { Reason = "criterion-twice" };
        if (answers.FirstOrDefault(a => a.NotApplicable && Criteria.Any(c => c.Key == a.Key && c.Required)) is { } required)
            throw new MamoriException(ErrorCode.AssessmentInvalid, $"A required criterion always applies: '{ErrorText.Id(required.Key)}' cannot be not applicable.")
            {
                Reason = "criterion-applies",
            };
        if (answers.Any(a => a.NotApplicable && a.Met))
            throw new MamoriException(ErrorCode.AssessmentInvalid, "A criterion is either met or not applicable, not both.") { Reason = "criterion-met-and-not-applicable" };
        if (answers.Any(a => a.NotApplicable && a.Key == ForeignEnvironment) && await AbroadAsync(recipientId, ct))
            throw new MamoriException(ErrorCode.AssessmentInvalid, "The entrustee handles the data abroad, so knowing the foreign protection system applies.")
            {
                Reason = "criterion-applies-abroad",
            };
        if (answers.Any(a => a.Note is { Length: > 500 }))
            throw new MamoriException(ErrorCode.AssessmentInvalid, "A criterion's note is at most 500 characters.") { Reason = "too-long", ReasonArgs = ["criterionNote", "500"] };
        var missing = Criteria.Where(c => c.Required && answers.All(a => a.Key != c.Key)).Select(c => c.Key).ToList();
        if (missing.Count > 0)
            throw new MamoriException(ErrorCode.AssessmentInvalid, $"Every required criterion needs an answer: {string.Join(", ", missing)}.") { Reason = "criteria-required" };
        var ordered = Criteria.Select(c => answers.FirstOrDefault(a => a.Key == c.Key)).Where(a => a is not null).Select(a => a!).ToList();
        var now = clock.GetUtcNow();
        var assessment = new EntrusteeAssessment
        {
            Id = Guid.CreateVersion7(now), RecipientId = recipientId, AssessedOn = input.AssessedOn, Assessor = assessor,
            Answers = JsonSerializer.Serialize(ordered), Result = Decide(ordered), Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim(), CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(assessment);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.EntrusteeAssessed, actor, TargetId: recipientId, ReasonCode: assessment.Result.ToString()), ct);
        await tx.CommitAsync(ct);
        return assessment;
    }

    /// <summary>The policy declares the entrustee as a recipient in a foreign country (Art.28): the foreign-handling criterion applies to it.</summary>
    private async Task<bool> AbroadAsync(string recipientId, CancellationToken ct) =>
        await policies.CurrentAsync(ct) is { } current && RecipientRegistry.Declared(current.Model).Any(d => d.Id == recipientId && d.Kind == RecipientKind.Foreign);

    public async Task<EntrusteeContractCheck> CheckContractAsync(string recipientId, ContractCheckInput input, Actor actor, CancellationToken ct = default)
    {
        await RequireEntrusteeAsync(recipientId, ct);
        var checker = (input.Checker ?? "").Trim();
        if (checker.Length is 0 or > 200)
            throw new MamoriException(ErrorCode.ContractCheckInvalid, "A contract check needs a checker (at most 200 characters).") { Reason = "required", ReasonArgs = ["checker", "200"] };
        if (input.ContractRef is { Length: > 200 })
            throw new MamoriException(ErrorCode.ContractCheckInvalid, "A contract reference is at most 200 characters.") { Reason = "too-long", ReasonArgs = ["contractRef", "200"] };
        if (input.Note is { Length: > 2000 })
            throw new MamoriException(ErrorCode.ContractCheckInvalid, "A note is at most 2000 characters.") { Reason = "too-long", ReasonArgs = ["note", "2000"] };
        if (input.CheckedOn > policies.TodayJst())
            throw new MamoriException(ErrorCode.ContractCheckInvalid, "The check date is in the future.") { Reason = "not-future", ReasonArgs = ["checkedOn"] };
        var now = clock.GetUtcNow();
        var check = new EntrusteeContractCheck
        {
            Id = Guid.CreateVersion7(now), RecipientId = recipientId, CheckedOn = input.CheckedOn, Checker = checker,
            ContractRef = string.IsNullOrWhiteSpace(input.ContractRef) ? null : input.ContractRef.Trim(),
            Confidentiality = input.Confidentiality, AuditRights = input.AuditRights, ReEntrustmentConditions = input.ReEntrustmentConditions,
            ReturnOrDeletion = input.ReturnOrDeletion, SecurityMeasures = input.SecurityMeasures, IncidentReporting = input.IncidentReporting,
            PurposeLimited = input.PurposeLimited, Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim(), CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(check);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.EntrusteeContractChecked, actor, TargetId: recipientId, ReasonCode: check.Complete ? "complete" : "incomplete"), ct);
        await tx.CommitAsync(ct);
        return check;
    }

    public async Task<List<EntrusteeView>> ListAsync(CancellationToken ct = default)
    {
        var ids = await evidence.EntrusteeIdsAsync(ct);
        var result = new List<EntrusteeView>();
        foreach (var id in ids) result.Add(await ViewAsync(id, ct));
        return result;
    }

    public async Task<EntrusteeView> GetAsync(string recipientId, CancellationToken ct = default)
    {
        await RequireEntrusteeAsync(recipientId, ct);
        return await ViewAsync(recipientId, ct);
    }

    public Task<List<EntrusteeAssessment>> AssessmentsAsync(string recipientId, CancellationToken ct = default) =>
        db.Set<EntrusteeAssessment>().AsNoTracking().Where(a => a.RecipientId == recipientId).OrderByDescending(a => a.AssessedOn).ThenByDescending(a => a.CreatedAt).ToListAsync(ct);

    public Task<List<EntrusteeContractCheck>> ContractChecksAsync(string recipientId, CancellationToken ct = default) =>
        db.Set<EntrusteeContractCheck>().AsNoTracking().Where(c => c.RecipientId == recipientId).OrderByDescending(c => c.CheckedOn).ThenByDescending(c => c.CreatedAt).ToListAsync(ct);

    /// <summary>The entrustment provision records of an entrustee, newest first (ids, dates, items and counts only).</summary>
    public Task<List<ProvisionRecord>> ProvisionRecordsAsync(string recipientId, int take, CancellationToken ct = default) =>
        db.Set<ProvisionRecord>().AsNoTracking().Where(r => r.CounterpartyId == recipientId && r.Direction == RecordDirection.Provided)
            .OrderByDescending(r => r.At).Take(take).ToListAsync(ct);

    private async Task<EntrusteeView> ViewAsync(string id, CancellationToken ct)
    {
        var current = await policies.CurrentAsync(ct);
        var declared = current is null ? default : RecipientRegistry.Declared(current.Model).FirstOrDefault(d => d.Id == id);
        var profile = await db.Set<RecipientProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.RecipientId == id, ct);
        var assessments = await AssessmentsAsync(id, ct);
        var checks = await ContractChecksAsync(id, ct);
        var lastSupervision = await db.Set<SupervisionRecord>().AsNoTracking().Where(s => s.RecipientId == id).MaxAsync(s => (DateOnly?)s.HeldOn, ct);
        var lastRun = await db.Set<AuditRun>().AsNoTracking().Where(r => r.RecipientId == id && r.CompletedOn != null).MaxAsync(r => r.CompletedOn, ct);
        var last = new[] { lastSupervision, lastRun }.Max();
        var plans = (await audits.ListPlansAsync(false, ct)).Where(p => p.Plan.RecipientId == id).ToList();
        var today = policies.TodayJst();
        var findings = await db.Set<AuditFinding>().AsNoTracking().Where(f => f.RecipientId == id && f.Status == FindingStatus.Open).Select(f => f.DueOn).ToListAsync(ct);

        var records = await db.Set<ProvisionRecord>().AsNoTracking().Where(r => r.CounterpartyId == id && r.Direction == RecordDirection.Provided)
            .Select(r => new { r.At, r.SubjectCount, r.Items }).ToListAsync(ct);
        // Entrusted before the entrustee was first approved, or before any contract check: evidence an auditor asks about (S-35).
        var firstApproval = assessments.Where(a => a.Result != AssessmentResult.Rejected).Select(a => (DateOnly?)a.AssessedOn).Min();
        var firstCheck = checks.Where(c => c.Complete).Select(c => (DateOnly?)c.CheckedOn).Min();
        var provisions = new EntrusteeProvisions(records.Count, records.Sum(r => r.SubjectCount), records.Count == 0 ? null : records.Max(r => r.At),
            [.. records.SelectMany(r => r.Items).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            records.Count(r => firstApproval is null || EvidencePeriod.Day(r.At) < firstApproval),
            records.Count(r => firstCheck is null || EvidencePeriod.Day(r.At) < firstCheck));
        var name = declared.Id is not null ? declared.Name.Ja : profile?.Name ?? id;
        var nameEn = declared.Id is not null ? declared.Name.Get(NoticeLanguage.En) : name;
        return new EntrusteeView(id, name, nameEn, declared.Id is not null, declared.Kind == RecipientKind.Foreign, declared.Categories ?? [],
            assessments.FirstOrDefault(), checks.FirstOrDefault(), profile, last, plans, findings.Count, findings.Count(d => d < today), provisions);
    }
}
