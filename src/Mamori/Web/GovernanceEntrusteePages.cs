using System.Globalization;
using Mamori.Auth;
using Mamori.Errors;
using Mamori.Governance.Entrustees;
using Mamori.Governance.InternalAudits;
using Mamori.Staff;
using static Mamori.Web.GovernanceAuditPages;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>Console for supervising entrustees (委託先の監督, S-35, S-64): selection, contract, audits and what was provided.</summary>
public static class GovernanceEntrusteePages
{
    public const string Base = "/console/governance/entrustees";

    public static void MapGovernanceEntrusteePages(this WebApplication app)
    {
        app.MapGet(Base, async (HttpContext http, EntrusteeSupervision entrustees) => Result(await ListAsync(http, entrustees)))
            .RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();

        app.MapGet(Base + "/{id}", async (string id, HttpContext http) => Result(await DetailAsync(http, id, null)))
            .RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();

        app.MapPost(Base + "/{id}/assessments", (string id, HttpContext http, EntrusteeSupervision entrustees) => PostAsync(http, async form =>
        {
            var answers = EntrusteeSupervision.Criteria.Select(c => (c.Key, Answer: form["met-" + c.Key].ToString())).Where(x => x.Answer is "yes" or "no" or "na")
                .Select(x => new CriterionAnswer(x.Key, x.Answer == "yes", Optional(form, "note-" + x.Key), x.Answer == "na")).ToList();
            await entrustees.AssessAsync(id, new AssessmentInput(Date(form, "assessedOn", ErrorCode.AssessmentInvalid), form["assessor"].ToString(), answers,
                Optional(form, "note")), http.Actor(), http.RequestAborted);
            return $"{Base}/{id}#assessments";
        }, e => DetailAsync(http, id, e))).RequirePermission(Permission.ManageRecipients).ExcludeFromDescription();

        app.MapPost(Base + "/{id}/contract-checks", (string id, HttpContext http, EntrusteeSupervision entrustees) => PostAsync(http, async form =>
        {
            bool On(string name) => form[name] == "on";
            await entrustees.CheckContractAsync(id, new ContractCheckInput(Date(form, "checkedOn", ErrorCode.ContractCheckInvalid), form["checker"].ToString(),
                On("confidentiality"), On("auditRights"), On("reEntrustmentConditions"), On("returnOrDeletion"), On("securityMeasures"), On("incidentReporting"),
                On("purposeLimited"), Optional(form, "contractRef"), Optional(form, "note")), http.Actor(), http.RequestAborted);
            return $"{Base}/{id}#contract";
        }, e => DetailAsync(http, id, e))).RequirePermission(Permission.ManageRecipients).ExcludeFromDescription();
    }

    private static string AssessmentName(HttpContext http, AssessmentResult? r) => r switch
    {
        AssessmentResult.Approved => T(http, "承認", "Approved"),
        AssessmentResult.Conditional => T(http, "条件付き承認", "Conditional"),
        AssessmentResult.Rejected => T(http, "不承認", "Rejected"),
        _ => T(http, "未評価", "Not assessed"),
    };

    /// <summary>The result with what keeps it from approval beside it (「条件付き承認」 「条件: 再委託の管理体制 未確認」), or 「未評価」.</summary>
    private static Html AssessmentCell(HttpContext http, EntrusteeAssessment? a)
    {
        if (a is null || a.Result == AssessmentResult.Approved) return H.F($"{AssessmentName(http, a?.Result)}");
        var (ja, en) = EntrusteeSupervision.ConditionText(a);
        var label = a.Result == AssessmentResult.Rejected ? T(http, "理由", "Why") : T(http, "条件", "Conditions");
        return H.F($"""{AssessmentName(http, a.Result)}<br><small>{label}: {T(http, ja, en)}</small>""");
    }

    private static async Task<Html> ListAsync(HttpContext http, EntrusteeSupervision entrustees)
    {
        var list = await entrustees.ListAsync(http.RequestAborted);
        var rows = list.Select(e => H.F($"""
            <tr><td><a href="{Base}/{e.Id}">{T(http, e.Name, e.NameEn)}</a><br><code>{e.Id}</code></td>
            <td class="{(e.Assessment?.Result is AssessmentResult.Approved or AssessmentResult.Conditional ? "" : "error")}">{AssessmentCell(http, e.Assessment)}</td>
            <td class="{(e.ContractCheck?.Complete == true ? "" : "error")}">{(e.ContractCheck is null ? T(http, "未確認", "Not checked") : e.ContractCheck.Complete ? T(http, "条項あり", "Complete") : T(http, "条項不足", "Incomplete"))}</td>
            <td>{(e.LastAudit is { } l ? l.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—")}</td>
            <td class="{(e.Plans.Any(p => p.State == AuditDueState.Overdue) ? "error" : "")}">{(e.Plans.Where(p => p.Plan.Active).OrderBy(p => p.Plan.NextDueOn).FirstOrDefault() is { } next ? next.Plan.NextDueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " " + StateName(http, next.State) : T(http, "計画なし", "No plan"))}</td>
            <td class="{(e.OverdueFindings > 0 ? "error" : "")}">{e.OpenFindings:N0}{(e.OverdueFindings > 0 ? $" ({e.OverdueFindings:N0} {T(http, "期限超過", "overdue")})" : "")}</td>
            <td class="num">{e.Provisions.Records:N0}</td></tr>
            """));
        var title = T(http, "委託先の監督", "Entrustee supervision");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {SubNav(http)}
            <p class="muted">{T(http, "委託先は当社と同等以上の保護水準で選定し、秘密保持・監査条項を含む契約を結び、監督します（個人情報保護法第25条）。", "Entrustees are chosen for protection at least as good as ours, bound by a contract with confidentiality and audit clauses, and supervised (Art.25 APPI).")}</p>
            {(list.Count == 0 ? H.F($"<p class=\"muted\">{T(http, "委託先はありません。", "No entrustees.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "委託先", "Entrustee")}</th><th scope="col">{T(http, "選定評価", "Selection")}</th><th scope="col">{T(http, "契約", "Contract")}</th>
            <th scope="col">{T(http, "前回の監査", "Last audit")}</th><th scope="col">{T(http, "次回の監査", "Next audit")}</th><th scope="col">{T(http, "未完了の指摘", "Open findings")}</th>
            <th scope="col">{T(http, "提供記録", "Provision records")}</th></tr></thead><tbody>{rows}</tbody></table>
            """))}
            """));
    }

    private static async Task<Html> DetailAsync(HttpContext http, string id, MamoriException? error)
    {
        var sp = http.RequestServices;
        var ct = http.RequestAborted;
        var entrustees = sp.GetRequiredService<EntrusteeSupervision>();
        var e = await entrustees.GetAsync(id, ct);
        var assessments = await entrustees.AssessmentsAsync(id, ct);
        var checks = await entrustees.ContractChecksAsync(id, ct);
        var records = await entrustees.ProvisionRecordsAsync(id, 20, ct);
        var findings = await sp.GetRequiredService<InternalAuditing>().ListFindingsAsync(false, id, ct);
        var en = Lang(http) == "en";
        var categories = await CategoryNamesAsync(http);
        string CriterionName(string key) => EntrusteeSupervision.Criteria.FirstOrDefault(c => c.Key == key) is { } c ? (en ? c.En : c.Ja) : key;
        var assessmentRows = assessments.Select(a => H.F($"""
            <tr><td>{a.AssessedOn:yyyy-MM-dd}</td><td>{a.Assessor}</td><td class="{(a.Result == AssessmentResult.Rejected ? "error" : "")}">{AssessmentCell(http, a)}</td>
            <td><ul>{Html.Join(EntrusteeSupervision.ReadAnswers(a).Select(x => H.F($"<li>{(x.Met ? "✔" : x.NotApplicable ? "－" : "✖")} {CriterionName(x.Key)}{(x.NotApplicable ? T(http, "（該当なし）", " (not applicable)") : "")}{(x.Note is null ? "" : " — " + x.Note)}</li>")))}</ul></td></tr>
            """));
        string Yes(bool b) => b ? "✔" : "✖";
        var checkRows = checks.Select(c => H.F($"""
            <tr><td>{c.CheckedOn:yyyy-MM-dd}</td><td>{c.Checker}</td><td>{c.ContractRef ?? "—"}</td>
            <td>{Yes(c.Confidentiality)}</td><td>{Yes(c.AuditRights)}</td><td>{Yes(c.ReEntrustmentConditions)}</td><td>{Yes(c.ReturnOrDeletion)}</td>
            <td>{Yes(c.SecurityMeasures)}</td><td>{Yes(c.IncidentReporting)}</td><td>{Yes(c.PurposeLimited)}</td>
            <td class="{(c.Complete ? "ok" : "error")}">{(c.Complete ? T(http, "そろっている", "Complete") : T(http, "不足", "Incomplete"))}</td></tr>
            """));
        var recordRows = records.Select(r => H.F($"""
            <tr><td>{Jst(r.At)}</td><td>{RecordPages.Basis(http, Incidents.IncidentRegistry.Kebab(r.Basis))}</td><td>{categories(r.Items)}</td><td class="num">{r.SubjectCount:N0}</td></tr>
            """));
        var planRows = e.Plans.Select(p => H.F($"""
            <tr><td><a href="{GovernanceAuditPages.Base}/plans/{p.Plan.Id}">{p.Plan.Title}</a></td><td>{p.Plan.NextDueOn:yyyy-MM-dd}</td><td class="{StateClass(p.State)}">{StateName(http, p.State)}</td></tr>
            """));
        var manage = Can(http, Permission.ManageRecipients);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(sp.GetRequiredService<TimeProvider>().GetUtcNow(), Policy.PolicyStore.Jst).DateTime);
        // A refused form keeps what was typed.
        string? Assessment(string field, string? current = null) => Typed(http, $"{Base}/{id}/assessments", field, current);
        string? Check(string field, string? current = null) => Typed(http, $"{Base}/{id}/contract-checks", field, current);
        Html Checked(bool on) => on ? Html.Raw(" checked") : default;
        Html Box(string field, string ja, string en) => H.F($"""<label><input type="checkbox" name="{field}"{Checked(Check(field) == "on")}> {T(http, ja, en)}</label>""");
        Html assessmentForm = !manage ? default : H.F($"""
            <h3>{T(http, "選定評価を記録", "Record a selection assessment")}</h3>
            <form method="post" action="{Base}/{id}/assessments" class="stack">{AntiforgeryField(http)}
              <label for="assessedOn">{T(http, "評価日", "Assessed on")}</label><input id="assessedOn" name="assessedOn" type="date" required value="{Assessment("assessedOn", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}">
              <label for="assessor">{T(http, "評価者", "Assessor")}</label><input id="assessor" name="assessor" required maxlength="200" value="{Assessment("assessor")}">
              <p class="muted">{T(http, "* は必須の基準です（すべて満たせば承認、1つでも満たさなければ不承認）。任意の基準は、満たさないか未回答のとき条件付き承認の条件になります。この委託先に当てはまらない任意の基準は「該当なし」を選びます。",
                "* marks a required criterion (all met: approved; any not met: rejected). An optional criterion not met or left unanswered makes the approval conditional; choose \"Not applicable\" where it does not concern this entrustee.")}</p>
              {Html.Join(EntrusteeSupervision.Criteria.Select(c => H.F($"""
              <fieldset><legend>{(en ? c.En : c.Ja)}{(c.Required ? " *" : "")}</legend>
              <label><input type="radio" name="met-{c.Key}" value="yes"{Checked(Assessment("met-" + c.Key) == "yes")}> {T(http, "満たす", "Met")}</label>
              <label><input type="radio" name="met-{c.Key}" value="no"{Checked(Assessment("met-" + c.Key) == "no")}> {T(http, "満たさない", "Not met")}</label>
              {(c.Required || (e.Foreign && c.Key == EntrusteeSupervision.ForeignEnvironment) ? default
                : H.F($"""<label><input type="radio" name="met-{c.Key}" value="na"{Checked(Assessment("met-" + c.Key) == "na")}> {T(http, "該当なし", "Not applicable")}</label>"""))}
              <label for="note-{c.Key}" class="sr-only">{T(http, "メモ", "Note")}</label><input id="note-{c.Key}" name="note-{c.Key}" maxlength="500" value="{Assessment("note-" + c.Key)}">
              </fieldset>
              """)))}
              <label for="a-note">{T(http, "所見", "Note")}</label><textarea id="a-note" name="note" maxlength="2000" rows="2">{TextareaValue(Assessment("note"))}</textarea>
              <button type="submit">{T(http, "記録", "Record")}</button>
            </form>
            """);
        Html checkForm = !manage ? default : H.F($"""
            <h3>{T(http, "契約の確認を記録", "Record a contract check")}</h3>
            <form method="post" action="{Base}/{id}/contract-checks" class="stack">{AntiforgeryField(http)}
              <label for="checkedOn">{T(http, "確認日", "Checked on")}</label><input id="checkedOn" name="checkedOn" type="date" required value="{Check("checkedOn", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}">
              <label for="checker">{T(http, "確認者", "Checker")}</label><input id="checker" name="checker" required maxlength="200" value="{Check("checker")}">
              <label for="contractRef">{T(http, "契約の参照番号", "Contract reference")}</label><input id="contractRef" name="contractRef" maxlength="200" value="{Check("contractRef")}">
              {Box("confidentiality", "秘密保持 *", "Confidentiality *")}
              {Box("auditRights", "監査・報告を求める権利 *", "Audit rights *")}
              {Box("reEntrustmentConditions", "再委託の条件（許諾制・同等の義務） *", "Re-entrustment conditions (permission, same duties) *")}
              {Box("returnOrDeletion", "契約終了時の返却・削除 *", "Return or deletion at the end *")}
              {Box("securityMeasures", "安全管理措置の内容", "Security measures")}
              {Box("incidentReporting", "漏えい等の報告", "Incident reporting")}
              {Box("purposeLimited", "委託業務以外での利用禁止", "Use limited to the entrusted task")}
              <label for="c-note">{T(http, "メモ", "Note")}</label><textarea id="c-note" name="note" maxlength="2000" rows="2">{TextareaValue(Check("note"))}</textarea>
              <button type="submit">{T(http, "記録", "Record")}</button>
            </form>
            """);
        Html planLink = Can(http, Permission.ManageInternalAudits)
            ? H.F($"<p><a href=\"{GovernanceAuditPages.Base}#new-plan\">{T(http, "委託先監査を計画する", "Plan an entrustee audit")}</a></p>") : default;
        var p = e.Provisions;
        return Layout(http, T(http, e.Name, e.NameEn), H.F($"""
            <h1>{T(http, e.Name, e.NameEn)}</h1>
            {SubNav(http)}
            {FormErrors.Block(http, error)}
            <p><code>{e.Id}</code> · {(e.DeclaredInPolicy ? T(http, "ポリシーで宣言", "Declared in the policy") : T(http, "台帳のみ", "Registry only"))}{(e.Foreign ? " · " + T(http, "外国", "Abroad") : "")}
            · {T(http, "委託する項目", "Categories")}: {categories(e.Categories)}</p>
            <h2>{T(http, "委託による提供", "What was entrusted")}</h2>
            <dl><dt>{T(http, "提供記録", "Provision records")}</dt><dd>{p.Records:N0}</dd>
            <dt>{T(http, "本人の延べ人数", "Subjects (total)")}</dt><dd>{p.Subjects:N0}</dd>
            <dt>{T(http, "最後の提供", "Last provided")}</dt><dd>{Jst(p.Last)}</dd>
            <dt>{T(http, "提供した項目", "Categories provided")}</dt><dd>{categories(p.Categories)}</dd>
            <dt>{T(http, "選定評価の承認前の提供", "Provided before approval")}</dt><dd class="{(p.RecordsBeforeApproval > 0 ? "error" : "")}">{p.RecordsBeforeApproval:N0}</dd>
            <dt>{T(http, "契約確認の前の提供", "Provided before a complete contract check")}</dt><dd class="{(p.RecordsWithoutContractCheck > 0 ? "error" : "")}">{p.RecordsWithoutContractCheck:N0}</dd></dl>
            {(records.Count == 0 ? default : H.F($"""
            <table><caption>{T(http, "最近の提供記録", "Recent provision records")}</caption><thead><tr><th scope="col">{T(http, "日時", "When")}</th><th scope="col">{T(http, "根拠", "Basis")}</th>
            <th scope="col">{T(http, "項目", "Items")}</th><th scope="col">{T(http, "人数", "Subjects")}</th></tr></thead><tbody>{recordRows}</tbody></table>
            """))}
            <h2 id="assessments">{T(http, "選定評価", "Selection assessments")}</h2>
            {(assessments.Count == 0 ? H.F($"<p class=\"error\">{T(http, "評価の記録がありません。", "No assessment on record.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "評価日", "Date")}</th><th scope="col">{T(http, "評価者", "Assessor")}</th><th scope="col">{T(http, "結果", "Result")}</th><th scope="col">{T(http, "基準", "Criteria")}</th></tr></thead><tbody>{assessmentRows}</tbody></table>
            """))}
            {assessmentForm}
            <h2 id="contract">{T(http, "契約の確認", "Contract checks")}</h2>
            {(checks.Count == 0 ? H.F($"<p class=\"error\">{T(http, "契約確認の記録がありません。", "No contract check on record.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "確認日", "Date")}</th><th scope="col">{T(http, "確認者", "Checker")}</th><th scope="col">{T(http, "契約", "Contract")}</th>
            <th scope="col">{T(http, "秘密保持", "Confid.")}</th><th scope="col">{T(http, "監査", "Audit")}</th><th scope="col">{T(http, "再委託", "Re-entr.")}</th><th scope="col">{T(http, "返却・削除", "Return/del.")}</th>
            <th scope="col">{T(http, "安全管理", "Security")}</th><th scope="col">{T(http, "事故報告", "Incidents")}</th><th scope="col">{T(http, "目的限定", "Purpose")}</th><th scope="col">{T(http, "判定", "Result")}</th></tr></thead><tbody>{checkRows}</tbody></table>
            """))}
            {checkForm}
            <h2>{T(http, "委託先監査", "Entrustee audits")}</h2>
            <p>{T(http, "前回の監査", "Last audit")}: {(e.LastAudit is { } l ? l.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—")}</p>
            {(e.Plans.Count == 0 ? H.F($"<p class=\"muted\">{T(http, "監査計画はありません。", "No audit plan.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "計画", "Plan")}</th><th scope="col">{T(http, "次回", "Next")}</th><th scope="col">{T(http, "状態", "State")}</th></tr></thead><tbody>{planRows}</tbody></table>
            """))}
            {planLink}
            <h2>{T(http, "指摘事項", "Findings")}</h2>
            {FindingTable(http, findings)}
            """));
    }
}
