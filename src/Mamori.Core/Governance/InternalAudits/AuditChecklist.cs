using System.Globalization;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Governance.Entrustees;
using Mamori.Governance.Organisation;
using Mamori.Governance.Reports;
using Mamori.Policy;
using Mamori.Provision;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Governance.InternalAudits;

/// <summary>A checklist item before it is stored: the question, its legal basis, and the evidence the system holds.</summary>
public sealed record ChecklistDraft(string Key, string Reference, string QuestionJa, string QuestionEn, string? EvidenceJa, string? EvidenceEn,
    int? Numerator, int? Denominator, ChecklistResult Suggested);

/// <summary>
/// Generates an audit checklist from the law (appi.md L-xx), the policy's promises (S-xx) and the
/// policy in force, each item with the evidence Mamori itself holds for the period ("42/43").
/// Internal audits cover the company's handling (L-08, S-63); entrustee audits cover one entrustee (S-35, S-64).
/// </summary>
public sealed class AuditChecklist(MamoriDbContext db, PolicyStore policies, GovernanceEvidence evidence, PeopleEvidence people)
{
    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static ChecklistResult AllOf(int numerator, int denominator) =>
        denominator == 0 ? ChecklistResult.NotApplicable : numerator == denominator ? ChecklistResult.Conforming : ChecklistResult.NonConforming;

    private static ChecklistResult NoneOf(int bad) => bad == 0 ? ChecklistResult.Conforming : ChecklistResult.NonConforming;

    /// <summary>
    /// The entrustees the policy gives My Number to (a category flagged <c>myNumber</c> in the company's or a service's declarations):
    /// only their entrustment falls under the My Number Act (Art.10 re-entrustment, Art.11 supervision).
    /// </summary>
    private static HashSet<string> MyNumberEntrustees(PolicyModel? model)
    {
        if (model is null) return [];
        var myNumber = model.DataCategories.Concat(model.Services.SelectMany(s => s.DataCategories)).Where(c => c.MyNumber).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        return RecipientRegistry.Declared(model).Where(d => d.Categories.Any(myNumber.Contains)).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<List<ChecklistDraft>> InternalAsync(EvidencePeriod period, CancellationToken ct)
    {
        var items = new List<ChecklistDraft>();
        var current = await policies.CurrentAsync(ct);
        var model = current?.Model;

        items.Add(current is null
            ? new("policy-published", "個人情報保護法第21条、第32条", "公表事項（名称・利用目的・請求手続・安全管理措置・苦情窓口）を記載したプライバシーポリシーを公表しているか",
                "Is a privacy policy with the public matters (name, purposes, request procedures, security measures, complaint contact) published?",
                "公開されたポリシーがありません", "No policy is published", null, null, ChecklistResult.NonConforming)
            : new("policy-published", "個人情報保護法第21条、第32条", "公表事項（名称・利用目的・請求手続・安全管理措置・苦情窓口）を記載したプライバシーポリシーを公表しているか",
                "Is a privacy policy with the public matters (name, purposes, request procedures, security measures, complaint contact) published?",
                $"第{current.Version.Number}版（施行日 {current.Version.EffectiveFrom:yyyy-MM-dd}）、公表前に法定の記載事項を検査済み",
                $"Version {current.Version.Number} (effective {current.Version.EffectiveFrom:yyyy-MM-dd}), checked for the statutory items before publication",
                null, null, ChecklistResult.Conforming));

        var sm = model?.SecurityMeasures;
        var kinds = sm is null ? 0 : new[] { sm.Organizational.Count, sm.Human.Count, sm.Physical.Count, sm.Technical.Count }.Count(c => c > 0);
        items.Add(new("security-measures", "個人情報保護法第23条、第32条", "組織的・人的・物理的・技術的安全管理措置を定め、公表しているか",
            "Are organisational, human, physical and technical security measures set and published?",
            $"ポリシーに定めのある措置の区分: {kinds}/4", $"Kinds of measures the policy sets: {kinds}/4", kinds, 4, AllOf(kinds, 4)));

        items.Add(new("privacy-managers", "個人情報保護法第23条", "個人情報保護管理者（責任者）と部門ごとの管理者を定めているか",
            "Are the overall personal-information manager and a manager per department named?",
            model?.PrivacyManagers is { } pm ? $"責任者: {pm.Overall.Title.Ja}、部門の管理者: {N(pm.Departments.Count)}名" : "ポリシーに定めがありません",
            model?.PrivacyManagers is { } pm2 ? $"Overall: {pm2.Overall.Title.En ?? pm2.Overall.Title.Ja}; department managers: {N(pm2.Departments.Count)}" : "The policy names none",
            null, null, model?.PrivacyManagers is null ? ChecklistResult.NonConforming : ChecklistResult.Conforming));

        var r = await evidence.RequestsAsync(period, ct);
        var answered = r.AnsweredOnTime + r.AnsweredLate;
        items.Add(new("requests-on-time", "個人情報保護法第33条〜第35条", "開示等の請求に期限内に回答しているか",
            "Are data-subject requests answered within the deadline?",
            $"期限内に回答: {N(r.AnsweredOnTime)}/{N(answered)}件", $"Answered within the deadline: {N(r.AnsweredOnTime)}/{N(answered)}",
            r.AnsweredOnTime, answered, AllOf(r.AnsweredOnTime, answered)));
        items.Add(new("requests-overdue", "個人情報保護法第33条〜第35条", "回答期限を過ぎた未完了の請求がないか", "Are there no open requests past their deadline?",
            $"期限超過の未完了請求: {N(r.OverdueAtEnd)}件（未完了 {N(r.OpenAtEnd)}件中）", $"Open requests past their deadline: {N(r.OverdueAtEnd)} (of {N(r.OpenAtEnd)} open)",
            r.OverdueAtEnd, r.OpenAtEnd, NoneOf(r.OverdueAtEnd)));

        var i = await evidence.IncidentsAsync(period, ct);
        var reportsDue = i.PreliminaryDue + i.FinalDue;
        var reportsOnTime = i.PreliminaryOnTime + i.FinalOnTime;
        items.Add(new("incident-reports", "個人情報保護法第26条、同法施行規則第7条〜第10条", "報告対象の漏えい等について、速報・確報を期限内に個人情報保護委員会へ提出しているか",
            "Are preliminary and final reports of reportable incidents sent to the PPC on time?",
            $"期限内の報告: {N(reportsOnTime)}/{N(reportsDue)}件（期間中の事案 {N(i.Opened)}件、うち報告対象 {N(i.Reportable)}件）",
            $"Reports on time: {N(reportsOnTime)}/{N(reportsDue)} ({N(i.Opened)} incidents in the period, {N(i.Reportable)} reportable)",
            reportsOnTime, reportsDue, AllOf(reportsOnTime, reportsDue)));

        var p = await evidence.ProvisionsAsync(period, ct);
        items.Add(new("provision-records", "個人情報保護法第29条、第30条", "第三者提供の記録を作成し、法定の保存期間が過ぎたものを廃棄しているか",
            "Are provision records made, and those past their statutory retention disposed of?",
            $"期間中の提供記録: {N(p.Records)}件、受領記録: {N(p.Receipts)}件、保存期間を過ぎて残る記録: {N(p.RecordsPastRetention)}件",
            $"Provision records in the period: {N(p.Records)}; receipt records: {N(p.Receipts)}; records kept past their retention: {N(p.RecordsPastRetention)}",
            p.RecordsPastRetention, null, NoneOf(p.RecordsPastRetention)));

        var ret = await evidence.RetentionAsync(period, ct);
        items.Add(new("retention", "個人情報保護法第22条", "保存期間を過ぎた個人データを遅滞なく消去しているか", "Is personal data past its retention erased without delay?",
            $"消去証明: {N(ret.SubjectsDestroyed)}件（{N(ret.Sweeps)}回の消去処理）、保存期間を過ぎて残る本人: {N(ret.SubjectsPastRetention)}人",
            $"Destruction certificates: {N(ret.SubjectsDestroyed)} ({N(ret.Sweeps)} sweeps); subjects held past their retention: {N(ret.SubjectsPastRetention)}",
            ret.SubjectsPastRetention, null, NoneOf(ret.SubjectsPastRetention)));

        var e = await evidence.EntrusteesAsync(period, ct);
        items.Add(new("entrustee-selection", "個人情報保護法第25条", "委託先を選定基準（安全管理措置・実績等）で評価し、承認しているか",
            "Are entrustees assessed against the selection criteria (security measures, track record…) and approved?",
            $"評価で承認された委託先: {N(e.Approved)}/{N(e.Entrustees)}社、条件付き承認: {N(e.Conditional)}社"
                + string.Concat(e.ConditionalApprovals.Select(c => $"（{c.RecipientId}: {c.ConditionsJa}）")),
            $"Entrustees approved by an assessment: {N(e.Approved)}/{N(e.Entrustees)}; approved with conditions: {N(e.Conditional)}"
                + string.Concat(e.ConditionalApprovals.Select(c => $" ({c.RecipientId}: {c.ConditionsEn})")),
            e.Approved, e.Entrustees,
            // Conditions still open are an opportunity for improvement, not plain conformity; an entrustee without approval is a nonconformity.
            e.Entrustees > 0 && e.Conditional > 0 && e.Approved + e.Conditional == e.Entrustees ? ChecklistResult.Observation : AllOf(e.Approved, e.Entrustees)));
        items.Add(new("entrustee-contracts", MyNumberEntrustees(model).Count > 0 ? "個人情報保護法第25条、番号法第10条・第11条" : "個人情報保護法第25条", "委託契約に秘密保持・監査・再委託の条件・返却/削除の条項があるか",
            "Do entrustment contracts have confidentiality, audit, re-entrustment and return/deletion clauses?",
            $"条項がそろった契約: {N(e.ContractsComplete)}/{N(e.Entrustees)}社", $"Contracts with every clause: {N(e.ContractsComplete)}/{N(e.Entrustees)}",
            e.ContractsComplete, e.Entrustees, AllOf(e.ContractsComplete, e.Entrustees)));
        items.Add(new("entrustee-audits", "個人情報保護法第25条", "委託先の取扱いを定期的に監査しているか", "Is each entrustee's handling audited periodically?",
            $"期間中に監査した委託先: {N(e.Audited)}/{N(e.Entrustees)}社", $"Entrustees audited in the period: {N(e.Audited)}/{N(e.Entrustees)}",
            e.Audited, e.Entrustees, AllOf(e.Audited, e.Entrustees)));

        var a = await evidence.AuditsAsync(period, ct);
        items.Add(new("findings-closed", "個人情報保護法第23条、JIS Q 15001", "指摘事項の是正処置を期限内に完了しているか（PDCA）", "Are corrective actions on findings completed by their due dates (PDCA)?",
            $"期限を過ぎた未完了の指摘: {N(a.FindingsOverdue)}件（未完了 {N(a.FindingsOpenAtEnd)}件中）、期限を過ぎた是正処置: {N(a.ActionsOverdue)}件",
            $"Open findings past due: {N(a.FindingsOverdue)} (of {N(a.FindingsOpenAtEnd)} open); corrective actions past due: {N(a.ActionsOverdue)}",
            a.FindingsOverdue, a.FindingsOpenAtEnd, NoneOf(a.FindingsOverdue + a.ActionsOverdue)));

        var h = await people.SummarizeAsync(period.Start, period.End, ct);
        items.Add(new("access-reviews", "個人情報保護法第23条", "部門ごとにアクセス権を定期的に見直し、退職者等の認証情報を無効にしているか",
            "Is access reviewed periodically per department, and are leavers' credentials disabled?",
            $"完了した見直し: {N(h.AccessReviewsCompleted)}件、期限を過ぎた見直し: {N(h.AccessReviewsOverdueNow)}件、有効なアクセスが残っていた退職者等: {N(h.LeaversWithLiveAccess)}/{N(h.LeaversChecked)}人",
            $"Reviews completed: {N(h.AccessReviewsCompleted)}; reviews overdue: {N(h.AccessReviewsOverdueNow)}; leavers with live access: {N(h.LeaversWithLiveAccess)}/{N(h.LeaversChecked)}",
            h.AccessReviewsCompleted, null,
            h.AccessReviewsCompleted == 0 && h.AccessReviewsOverdueNow == 0 && h.Departments > 0 ? ChecklistResult.NonConforming : NoneOf(h.AccessReviewsOverdueNow + h.LeaversWithLiveAccess)));
        items.Add(new("training", "個人情報保護法第24条", "従業者に定期的な教育を行い、受講期限を守っているか", "Is staff trained periodically, within the required frequency?",
            $"教育コース: {N(h.TrainingCourses)}件、期間中の受講: {N(h.TrainingCompletions)}件、受講期限を過ぎた従業者: {N(h.StaffWithTrainingOverdueNow)}人",
            $"Courses: {N(h.TrainingCourses)}; completions in the period: {N(h.TrainingCompletions)}; staff with training overdue: {N(h.StaffWithTrainingOverdueNow)}",
            h.StaffWithTrainingOverdueNow, null, h.TrainingCourses == 0 ? ChecklistResult.NonConforming : NoneOf(h.StaffWithTrainingOverdueNow)));

        var start = period.Start;
        var end = period.End;
        var verifications = await db.AuditEvents.AsNoTracking()
            .Where(x => (x.Code == AuditCode.AuditChainVerified || x.Code == AuditCode.AuditChainBroken) && x.Time >= start && x.Time < end)
            .Select(x => x.Code).ToListAsync(ct);
        var broken = verifications.Count(c => c == AuditCode.AuditChainBroken);
        items.Add(new("audit-chain", "個人情報保護法第23条", "アクセス記録（監査ログ）の改ざん検知を定期的に行い、不整合がないか",
            "Is the audit log checked for tampering periodically, without breaks?",
            $"期間中の検証: {N(verifications.Count)}回、不整合: {N(broken)}回", $"Verifications in the period: {N(verifications.Count)}; broken: {N(broken)}",
            verifications.Count - broken, verifications.Count,
            verifications.Count == 0 ? ChecklistResult.NonConforming : NoneOf(broken)));

        if (model?.MyNumber is { } mn)
            items.Add(new("my-number", "番号法第12条", "特定個人情報の事務取扱担当者を指定し、その者に限って取り扱わせているか",
                "Are designated staff named for My Number, and only they handle it?",
                $"指定された役割: {string.Join("、", mn.DesignatedRoles)}", $"Designated roles: {string.Join(", ", mn.DesignatedRoles)}",
                null, null, mn.DesignatedRoles.Count > 0 ? ChecklistResult.Conforming : ChecklistResult.NonConforming));
        return items;
    }

    public async Task<List<ChecklistDraft>> EntrusteeAsync(string recipientId, EvidencePeriod period, CancellationToken ct)
    {
        var items = new List<ChecklistDraft>();
        var current = await policies.CurrentAsync(ct);
        var myNumber = MyNumberEntrustees(current?.Model).Contains(recipientId);
        var assessment = await db.Set<EntrusteeAssessment>().AsNoTracking().Where(a => a.RecipientId == recipientId)
            .OrderByDescending(a => a.AssessedOn).ThenByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        items.Add(new("selection", "個人情報保護法第25条", "選定基準による評価で承認されているか（当社と同等以上の保護水準）",
            "Was the entrustee approved by a selection assessment (protection at least as good as ours)?",
            assessment is null ? "評価の記録がありません" : $"{assessment.AssessedOn:yyyy-MM-dd} の評価: {ResultJa(assessment.Result)}{Why(assessment).Ja}",
            assessment is null ? "No assessment on record" : $"Assessment of {assessment.AssessedOn:yyyy-MM-dd}: {assessment.Result}{Why(assessment).En}",
            null, null, assessment?.Result is AssessmentResult.Approved ? ChecklistResult.Conforming
                : assessment?.Result is AssessmentResult.Conditional ? ChecklistResult.Observation : ChecklistResult.NonConforming));

        var check = await db.Set<EntrusteeContractCheck>().AsNoTracking().Where(c => c.RecipientId == recipientId)
            .OrderByDescending(c => c.CheckedOn).ThenByDescending(c => c.CreatedAt).FirstOrDefaultAsync(ct);
        var clauses = check is null ? 0 : new[] { check.Confidentiality, check.AuditRights, check.ReEntrustmentConditions, check.ReturnOrDeletion }.Count(x => x);
        items.Add(new("contract", "個人情報保護法第25条", "契約に秘密保持・監査・再委託の条件・返却/削除の条項があるか",
            "Does the contract have confidentiality, audit, re-entrustment and return/deletion clauses?",
            check is null ? "契約確認の記録がありません" : $"{check.CheckedOn:yyyy-MM-dd} の確認: 必須条項 {clauses}/4",
            check is null ? "No contract check on record" : $"Check of {check.CheckedOn:yyyy-MM-dd}: required clauses {clauses}/4",
            check is null ? null : clauses, check is null ? null : 4, check is null ? ChecklistResult.NonConforming : AllOf(clauses, 4)));

        var start = period.Start;
        var end = period.End;
        var records = await db.Set<ProvisionRecord>().AsNoTracking()
            .Where(x => x.CounterpartyId == recipientId && x.Direction == RecordDirection.Provided && x.At >= start && x.At < end)
            .Select(x => new { x.Basis, x.SubjectCount, x.Items }).ToListAsync(ct);
        var declared = current is null ? [] : RecipientRegistry.Declared(current.Model).Where(d => d.Id == recipientId).SelectMany(d => d.Categories).ToHashSet(StringComparer.Ordinal);
        var outside = records.SelectMany(x => x.Items).Where(c => !declared.Contains(c)).Distinct(StringComparer.Ordinal).ToList();
        items.Add(new("provisions", "個人情報保護法第25条、第27条第5項第1号", "委託した個人データが委託業務に必要な範囲（ポリシーで宣言した項目）に限られているか",
            "Is the data entrusted limited to what the task needs (the categories the policy declares)?",
            $"期間中の提供記録: {N(records.Count)}件（本人 {N(records.Sum(x => x.SubjectCount))}人）、宣言外の項目: {(outside.Count == 0 ? "なし" : string.Join("、", outside))}",
            $"Provision records in the period: {N(records.Count)} ({N(records.Sum(x => x.SubjectCount))} subjects); categories not declared: {(outside.Count == 0 ? "none" : string.Join(", ", outside))}",
            records.Count, null, NoneOf(outside.Count)));

        items.Add(new("security-measures", "個人情報保護法第25条", "委託先の安全管理措置（組織的・人的・物理的・技術的）が契約どおり実施されているか",
            "Does the entrustee keep the organisational, human, physical and technical measures the contract requires?", null, null, null, null, ChecklistResult.Unanswered));
        items.Add(new("re-entrustment", myNumber ? "個人情報保護法第25条、番号法第10条" : "個人情報保護法第25条", "再委託は当社の許諾を得て、同等の義務を課して行われているか",
            "Is any re-entrustment made only with our permission and under the same duties?", null, null, null, null, ChecklistResult.Unanswered));
        items.Add(new("return-deletion", "個人情報保護法第22条、第25条", "不要になった個人データが返却または削除され、その証跡があるか",
            "Is data no longer needed returned or deleted, with evidence?", null, null, null, null, ChecklistResult.Unanswered));
        items.Add(new("incident-reporting", "個人情報保護法第26条第1項", "漏えい等が発生した場合に直ちに当社へ報告する体制があるか",
            "Would the entrustee report an incident to us at once?", null, null, null, null, ChecklistResult.Unanswered));

        var today = policies.TodayJst();
        var openFindings = await db.Set<AuditFinding>().AsNoTracking().Where(f => f.RecipientId == recipientId && f.Status == FindingStatus.Open)
            .Select(f => f.DueOn).ToListAsync(ct);
        var overdue = openFindings.Count(d => d < today);
        items.Add(new("previous-findings", "個人情報保護法第25条", "前回までの指摘事項が期限内に是正されているか", "Were previous findings corrected by their due dates?",
            $"未完了の指摘: {N(openFindings.Count)}件、うち期限超過: {N(overdue)}件", $"Open findings: {N(openFindings.Count)}; past due: {N(overdue)}",
            overdue, openFindings.Count, NoneOf(overdue)));
        return items;
    }

    /// <summary>
    /// Each item's short title by its key, for the places that name an item without its whole question: the finding form's
    /// choice of item and the refusal to complete an audit. The key stays what the API takes and errors carry.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Ja, string En)> Titles = new Dictionary<string, (string Ja, string En)>(StringComparer.Ordinal)
    {
        // Internal audits.
        ["policy-published"] = ("プライバシーポリシーの公表", "Privacy policy published"),
        ["security-measures"] = ("安全管理措置", "Security measures"),
        ["privacy-managers"] = ("個人情報保護管理者", "Personal-information managers"),
        ["requests-on-time"] = ("開示等の請求への期限内の回答", "Requests answered on time"),
        ["requests-overdue"] = ("期限を過ぎた未完了の請求", "Open requests past their deadline"),
        ["incident-reports"] = ("漏えい等の報告", "Incident reports to the PPC"),
        ["provision-records"] = ("第三者提供の記録", "Provision records"),
        ["retention"] = ("保存期間を過ぎた個人データの消去", "Erasure after retention"),
        ["entrustee-selection"] = ("委託先の選定", "Entrustee selection"),
        ["entrustee-contracts"] = ("委託契約の条項", "Entrustment contract clauses"),
        ["entrustee-audits"] = ("委託先の監査", "Entrustee audits"),
        ["findings-closed"] = ("指摘事項の是正", "Corrective actions on findings"),
        ["access-reviews"] = ("アクセス権の見直し", "Access reviews"),
        ["training"] = ("従業者の教育", "Staff training"),
        ["audit-chain"] = ("監査ログの改ざん検知", "Audit log integrity"),
        ["my-number"] = ("特定個人情報の事務取扱担当者", "My Number designated staff"),
        // Entrustee audits (security-measures is shared).
        ["selection"] = ("選定評価", "Selection assessment"),
        ["contract"] = ("委託契約の条項", "Contract clauses"),
        ["provisions"] = ("委託した個人データの範囲", "Data entrusted"),
        ["re-entrustment"] = ("再委託", "Re-entrustment"),
        ["return-deletion"] = ("返却・削除", "Return or deletion"),
        ["incident-reporting"] = ("漏えい等の報告体制", "Incident reporting"),
        ["previous-findings"] = ("前回までの指摘事項の是正", "Previous findings corrected"),
    };

    /// <summary>An item's title (<see cref="Titles"/>); its key where it has none.</summary>
    public static (string Ja, string En) Title(string key) => Titles.TryGetValue(key, out var t) ? t : (key, key);

    /// <summary>What keeps an assessment from approval, after its result: 「（条件: 再委託の管理体制 未確認）」; nothing for an approved one.</summary>
    private static (string Ja, string En) Why(EntrusteeAssessment a)
    {
        if (a.Result == AssessmentResult.Approved) return ("", "");
        var (ja, en) = EntrusteeSupervision.ConditionText(a);
        return a.Result == AssessmentResult.Rejected ? ($"（理由: {ja}）", $" (why: {en})") : ($"（条件: {ja}）", $" (conditions: {en})");
    }

    public static string ResultJa(AssessmentResult r) => r switch
    {
        AssessmentResult.Approved => "承認",
        AssessmentResult.Conditional => "条件付き承認",
        _ => "不承認",
    };
}
