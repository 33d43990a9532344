using System.Globalization;
using Mamori.Auth;
using Mamori.Errors;
using Mamori.Governance.InternalAudits;
using Mamori.Governance.Reports;
using Mamori.Staff;
using Microsoft.EntityFrameworkCore;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// Console for internal audits (内部監査, S-63): plans and their due state, audits with the generated
/// checklist and its evidence, findings and corrective actions. Server-rendered, no inline script;
/// every form carries the anti-forgery token.
/// </summary>
public static class GovernanceAuditPages
{
    public const string Base = "/console/governance/audits";

    public static void MapGovernanceAuditPages(this WebApplication app)
    {
        // Two parameters, so the lambda binds as a route handler (one HttpContext alone would bind as a RequestDelegate and drop the result).
        app.MapGet(Base, async (HttpContext http, InternalAuditing _) => Result(await IndexAsync(http, null)))
            .RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();

        app.MapPost(Base + "/plans", (HttpContext http, InternalAuditing audits) => PostAsync(http, async form =>
        {
            var plan = await audits.CreatePlanAsync(PlanInput(form), http.Actor(), http.RequestAborted);
            return $"{Base}/plans/{plan.Id}";
        }, e => IndexAsync(http, e))).RequirePermission(Permission.ManageInternalAudits).ExcludeFromDescription();

        app.MapGet(Base + "/plans/{id:guid}", async (Guid id, HttpContext http) => Result(await PlanAsync(http, id, null)))
            .RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();

        app.MapPost(Base + "/plans/{id:guid}/runs", (Guid id, HttpContext http, InternalAuditing audits) => PostAsync(http, async _ =>
        {
            var run = await audits.StartRunAsync(id, http.Actor(), http.RequestAborted);
            return $"{Base}/runs/{run.Id}";
        }, e => PlanAsync(http, id, e))).RequirePermission(Permission.ManageInternalAudits).ExcludeFromDescription();

        app.MapPost(Base + "/plans/{id:guid}/stop", (Guid id, HttpContext http, InternalAuditing audits) => PostAsync(http, async _ =>
        {
            var p = (await audits.GetPlanAsync(id, http.RequestAborted)).Plan;
            await audits.UpdatePlanAsync(id, new AuditPlanInput(p.Title, p.Scope, p.Auditor, p.NextDueOn, p.Frequency, p.Kind, p.RecipientId, p.GraceDays), false,
                http.Actor(), http.RequestAborted);
            return $"{Base}/plans/{id}";
        }, e => PlanAsync(http, id, e))).RequirePermission(Permission.ManageInternalAudits).ExcludeFromDescription();

        app.MapGet(Base + "/runs/{id:guid}", async (Guid id, HttpContext http) => Result(await RunAsync(http, id, null)))
            .RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();

        app.MapPost(Base + "/runs/{id:guid}/items/{key}", (Guid id, string key, HttpContext http, InternalAuditing audits) => PostAsync(http, async form =>
        {
            var result = Enum.TryParse<ChecklistResult>(form["result"].ToString().Replace("-", "", StringComparison.Ordinal), true, out var r) ? r : ChecklistResult.Unanswered;
            await audits.AnswerAsync(id, key, new ChecklistAnswer(result, Optional(form, "note")), http.Actor(), http.RequestAborted);
            return $"{Base}/runs/{id}#item-{key}";
        }, e => RunAsync(http, id, e))).RequirePermission(Permission.ManageInternalAudits).ExcludeFromDescription();

        app.MapPost(Base + "/runs/{id:guid}/findings", (Guid id, HttpContext http, InternalAuditing audits) => PostAsync(http, async form =>
        {
            await audits.RaiseFindingAsync(new FindingInput(form["description"].ToString(), Severity(form["severity"].ToString()), form["owner"].ToString(),
                Date(form, "dueOn", ErrorCode.FindingInvalid), null, id, Optional(form, "checklistKey")), http.Actor(), http.RequestAborted);
            return $"{Base}/runs/{id}#findings";
        }, e => RunAsync(http, id, e))).RequirePermission(Permission.ManageInternalAudits).ExcludeFromDescription();

        app.MapPost(Base + "/runs/{id:guid}/complete", (Guid id, HttpContext http, InternalAuditing audits) => PostAsync(http, async form =>
        {
            await audits.CompleteRunAsync(id, Optional(form, "summary"), http.Actor(), http.RequestAborted);
            return $"{Base}/runs/{id}";
        }, e => RunAsync(http, id, e))).RequirePermission(Permission.ManageInternalAudits).ExcludeFromDescription();

        app.MapGet("/console/governance/findings/{id:guid}", async (Guid id, HttpContext http) => Result(await FindingAsync(http, id, null)))
            .RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();

        app.MapPost("/console/governance/findings/{id:guid}/actions", (Guid id, HttpContext http, InternalAuditing audits) => PostAsync(http, async form =>
        {
            await audits.AddActionAsync(id, new CorrectiveActionInput(form["description"].ToString(), form["owner"].ToString(),
                Date(form, "dueOn", ErrorCode.CorrectiveActionInvalid)), http.Actor(), http.RequestAborted);
            return $"/console/governance/findings/{id}";
        }, e => FindingAsync(http, id, e))).RequirePermission(Permission.ManageInternalAudits).ExcludeFromDescription();

        app.MapPost("/console/governance/findings/{id:guid}/actions/{actionId:guid}", (Guid id, Guid actionId, HttpContext http, InternalAuditing audits) => PostAsync(http, async form =>
        {
            var status = form["status"].ToString() switch
            {
                "in-progress" => CorrectiveActionStatus.InProgress,
                "done" => CorrectiveActionStatus.Done,
                "planned" => CorrectiveActionStatus.Planned,
                _ => throw new MamoriException(ErrorCode.CorrectiveActionInvalid, "status is planned, in-progress or done.") { Reason = "action-status" },
            };
            await audits.SetActionStatusAsync(id, actionId, status, http.Actor(), http.RequestAborted);
            return $"/console/governance/findings/{id}";
        }, e => FindingAsync(http, id, e))).RequirePermission(Permission.ManageInternalAudits).ExcludeFromDescription();

        app.MapPost("/console/governance/findings/{id:guid}/close", (Guid id, HttpContext http, InternalAuditing audits) => PostAsync(http, async form =>
        {
            await audits.CloseFindingAsync(id, Optional(form, "note"), http.Actor(), http.RequestAborted);
            return $"/console/governance/findings/{id}";
        }, e => FindingAsync(http, id, e))).RequirePermission(Permission.ManageInternalAudits).ExcludeFromDescription();

        app.MapGovernanceEntrusteePages();
        app.MapGovernanceReviewPages();
    }

    /// <summary>
    /// Validates the form's anti-forgery token, runs the action and redirects; a Mamori error re-renders the page with the refusal in
    /// the page's language (<see cref="FormErrors"/>), the refused form keeping what was typed (<see cref="Pages.Typed"/>).
    /// </summary>
    internal static async Task<IResult> PostAsync(HttpContext http, Func<IFormCollection, Task<string>> action, Func<MamoriException, Task<Html>> rerender)
    {
        var form = await FormAsync(http);
        try
        {
            return Results.Redirect(await action(form));
        }
        catch (MamoriException e)
        {
            return Result(await rerender(e), e.Status is >= 400 and < 500 ? e.Status : 400);
        }
    }

    internal static Html Selected(bool on) => on ? Html.Raw(" selected") : default;

    internal static string? Optional(IFormCollection form, string name) => string.IsNullOrWhiteSpace(form[name]) ? null : form[name].ToString();

    internal static DateOnly Date(IFormCollection form, string name, ErrorCode code) =>
        DateOnly.TryParseExact(form[name].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d : throw new MamoriException(code, $"{name} is a date (yyyy-MM-dd).") { Reason = "date", ReasonArgs = [name] };

    private static FindingSeverity Severity(string s) => s switch
    {
        "major" => FindingSeverity.Major,
        "minor" => FindingSeverity.Minor,
        "observation" => FindingSeverity.Observation,
        _ => throw new MamoriException(ErrorCode.FindingInvalid, "severity is major, minor or observation.") { Reason = "severity" },
    };

    private static AuditPlanInput PlanInput(IFormCollection form)
    {
        var frequency = form["frequency"].ToString() switch
        {
            "once" => AuditFrequency.Once,
            "monthly" => AuditFrequency.Monthly,
            "quarterly" => AuditFrequency.Quarterly,
            "semi-annual" => AuditFrequency.SemiAnnual,
            "annual" => AuditFrequency.Annual,
            _ => throw new MamoriException(ErrorCode.AuditPlanInvalid, "frequency is once, monthly, quarterly, semi-annual or annual.") { Reason = "frequency" },
        };
        var kind = form["kind"] == "entrustee" ? AuditPlanKind.Entrustee : AuditPlanKind.Internal;
        // Blank takes the plan's default grace; anything else must be a whole number (an unreadable one was dropped in silence).
        var graceText = form["graceDays"].ToString().Trim();
        int? grace = graceText.Length == 0 ? null
            : int.TryParse(graceText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var g) ? g
            : throw new MamoriException(ErrorCode.AuditPlanInvalid, "graceDays is a whole number.") { Reason = "number", ReasonArgs = ["graceDays"] };
        return new AuditPlanInput(form["title"].ToString(), form["scope"].ToString(), form["auditor"].ToString(), Date(form, "scheduledOn", ErrorCode.AuditPlanInvalid),
            frequency, kind, kind == AuditPlanKind.Entrustee ? Optional(form, "recipientId") : null, grace);
    }

    internal static string StateName(HttpContext http, AuditDueState s) => s switch
    {
        AuditDueState.Upcoming => T(http, "予定", "Upcoming"),
        AuditDueState.Due => T(http, "実施時期", "Due"),
        AuditDueState.Overdue => T(http, "期限超過", "Overdue"),
        _ => T(http, "終了", "Ended"),
    };

    internal static string StateClass(AuditDueState s) => s == AuditDueState.Overdue ? "error" : "";

    internal static string FrequencyName(HttpContext http, AuditFrequency f) => f switch
    {
        AuditFrequency.Once => T(http, "1回のみ", "Once"),
        AuditFrequency.Monthly => T(http, "毎月", "Monthly"),
        AuditFrequency.Quarterly => T(http, "四半期ごと", "Quarterly"),
        AuditFrequency.SemiAnnual => T(http, "半年ごと", "Every six months"),
        _ => T(http, "毎年", "Annual"),
    };

    internal static string ResultName(HttpContext http, ChecklistResult r) => r switch
    {
        ChecklistResult.Conforming => T(http, "適合", "Conforming"),
        ChecklistResult.NonConforming => T(http, "不適合", "Non-conforming"),
        ChecklistResult.Observation => T(http, "改善の機会", "Observation"),
        ChecklistResult.NotApplicable => T(http, "該当なし", "Not applicable"),
        _ => T(http, "未回答", "Unanswered"),
    };

    private static string ItemTitle(HttpContext http, string key)
    {
        var (ja, en) = AuditChecklist.Title(key);
        return T(http, ja, en);
    }

    internal static string SeverityName(HttpContext http, FindingSeverity s) => s switch
    {
        FindingSeverity.Major => T(http, "重大な不適合", "Major nonconformity"),
        FindingSeverity.Minor => T(http, "軽微な不適合", "Minor nonconformity"),
        _ => T(http, "改善の機会", "Observation"),
    };

    internal static string ActionStatusName(HttpContext http, CorrectiveActionStatus s) => s switch
    {
        CorrectiveActionStatus.Planned => T(http, "計画", "Planned"),
        CorrectiveActionStatus.InProgress => T(http, "実施中", "In progress"),
        _ => T(http, "完了", "Done"),
    };

    internal static Html SubNav(HttpContext http) => H.F($"""
        <nav aria-label="{T(http, "ガバナンス", "Governance")}" class="subnav"><ul>
        <li><a href="{Base}">{T(http, "内部監査", "Internal audits")}</a></li>
        <li><a href="/console/governance/entrustees">{T(http, "委託先の監督", "Entrustees")}</a></li>
        <li><a href="/console/governance/review">{T(http, "マネジメントレビュー", "Management review")}</a></li>
        </ul></nav>
        """);

    internal static Html FindingRows(HttpContext http, IEnumerable<FindingView> findings) => Html.Join(findings.Select(f => H.F($"""
        <tr><td><a href="/console/governance/findings/{f.Finding.Id}">{f.Finding.Reference}</a></td><td>{SeverityName(http, f.Finding.Severity)}</td>
        <td>{f.Finding.Description}</td><td>{f.Finding.Owner}</td>
        <td class="{(f.Overdue ? "error" : "")}">{f.Finding.DueOn:yyyy-MM-dd}{(f.Overdue ? " " + T(http, "（期限超過）", "(overdue)") : "")}</td>
        <td>{(f.Finding.Status == FindingStatus.Open ? T(http, "未完了", "Open") : T(http, "完了", "Closed") + " " + f.Finding.ClosedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}</td></tr>
        """)));

    internal static Html FindingTable(HttpContext http, IReadOnlyList<FindingView> findings) => findings.Count == 0
        ? H.F($"<p class=\"muted\">{T(http, "指摘事項はありません。", "No findings.")}</p>")
        : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "根拠", "Reference")}</th><th scope="col">{T(http, "区分", "Severity")}</th><th scope="col">{T(http, "内容", "Description")}</th>
            <th scope="col">{T(http, "担当", "Owner")}</th><th scope="col">{T(http, "期限", "Due")}</th><th scope="col">{T(http, "状態", "Status")}</th></tr></thead>
            <tbody>{FindingRows(http, findings)}</tbody></table>
            """);

    /// <summary>
    /// Recipients by name in the page's language: the policy's name for a declared one, else the registry's; <c>null</c> for an id neither names.
    /// </summary>
    private static async Task<Func<string, string?>> RecipientNamesAsync(HttpContext http)
    {
        var policy = await http.RequestServices.GetRequiredService<Policy.PolicyStore>().CurrentAsync(http.RequestAborted);
        var lang = Lang(http) == "en" ? Policy.NoticeLanguage.En : Policy.NoticeLanguage.Ja;
        var declared = policy is null ? new Dictionary<string, string>(StringComparer.Ordinal)
            : Provision.RecipientRegistry.Declared(policy.Model).ToDictionary(d => d.Id, d => d.Name.Get(lang), StringComparer.Ordinal);
        var registry = await http.RequestServices.GetRequiredService<Data.MamoriDbContext>().Set<Provision.RecipientProfile>().AsNoTracking()
            .Select(r => new { r.RecipientId, r.Name }).ToListAsync(http.RequestAborted);
        var profiles = registry.GroupBy(r => r.RecipientId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        return id => declared.GetValueOrDefault(id) ?? profiles.GetValueOrDefault(id);
    }

    /// <summary>An entrustee by its name with the id beside it (the id is what the registry and the API take); an unnamed one by its id.</summary>
    private static string RecipientLabel(Func<string, string?> names, string id) => names(id) is { } n && n != id ? $"{n} ({id})" : id;

    private static async Task<Html> IndexAsync(HttpContext http, MamoriException? error)
    {
        var sp = http.RequestServices;
        var ct = http.RequestAborted;
        var audits = sp.GetRequiredService<InternalAuditing>();
        var plans = await audits.ListPlansAsync(false, ct);
        var findings = await audits.ListFindingsAsync(true, null, ct);
        var entrustees = await sp.GetRequiredService<GovernanceEvidence>().EntrusteeIdsAsync(ct);
        var recipientName = await RecipientNamesAsync(http);
        string RecipientLabel(string id) => GovernanceAuditPages.RecipientLabel(recipientName, id);
        var rows = plans.Select(p => H.F($"""
            <tr class="{StateClass(p.State)}"><td><a href="{Base}/plans/{p.Plan.Id}">{p.Plan.Title}</a></td>
            <td>{(p.Plan.Kind == AuditPlanKind.Entrustee ? T(http, "委託先", "Entrustee") + ": " + (p.Plan.RecipientId is { } rid ? RecipientLabel(rid) : "—") : T(http, "内部", "Internal"))}</td>
            <td>{p.Plan.Auditor}</td><td>{FrequencyName(http, p.Plan.Frequency)}</td><td>{p.Plan.NextDueOn:yyyy-MM-dd}</td><td>{p.OverdueAfter:yyyy-MM-dd}</td>
            <td class="{StateClass(p.State)}">{StateName(http, p.State)}</td></tr>
            """));
        // A refused plan keeps what was typed.
        string? Typed(string field, string? current = null) => Pages.Typed(http, Base + "/plans", field, current);
        Html Option(string field, string value, string label) => H.F($"""<option value="{value}"{Selected(Typed(field) == value)}>{label}</option>""");
        Html form = !Can(http, Permission.ManageInternalAudits) ? default : H.F($"""
            <h2 id="new-plan">{T(http, "監査計画を作成", "Plan an audit")}</h2>
            <form method="post" action="{Base}/plans" class="stack">
              {AntiforgeryField(http)}
              <label for="title">{T(http, "名称", "Title")}</label><input id="title" name="title" required maxlength="200" value="{Typed("title")}">
              <label for="scope">{T(http, "範囲", "Scope")}</label><textarea id="scope" name="scope" required maxlength="2000" rows="3">{TextareaValue(Typed("scope"))}</textarea>
              <label for="auditor">{T(http, "監査責任者", "Auditor")}</label><input id="auditor" name="auditor" required maxlength="200" value="{Typed("auditor")}">
              <label for="scheduledOn">{T(http, "実施予定日", "Scheduled date")}</label><input id="scheduledOn" name="scheduledOn" type="date" required value="{Typed("scheduledOn")}">
              <label for="frequency">{T(http, "頻度", "Frequency")}</label>
              <select id="frequency" name="frequency">
                {Option("frequency", "annual", T(http, "毎年", "Annual"))}{Option("frequency", "semi-annual", T(http, "半年ごと", "Every six months"))}
                {Option("frequency", "quarterly", T(http, "四半期ごと", "Quarterly"))}{Option("frequency", "monthly", T(http, "毎月", "Monthly"))}
                {Option("frequency", "once", T(http, "1回のみ", "Once"))}
              </select>
              <label for="graceDays">{T(http, "猶予日数（この日数を過ぎると期限超過）", "Grace days (overdue after these)")}</label>
              <input id="graceDays" name="graceDays" type="number" min="0" max="{AuditSchedule.MaxGraceDays}" value="{Typed("graceDays", AuditSchedule.DefaultGraceDays.ToString(CultureInfo.InvariantCulture))}">
              <label for="kind">{T(http, "種類", "Kind")}</label>
              <select id="kind" name="kind">{Option("kind", "internal", T(http, "内部監査", "Internal audit"))}{Option("kind", "entrustee", T(http, "委託先監査", "Entrustee audit"))}</select>
              <label for="recipientId">{T(http, "委託先（委託先監査のみ）", "Entrustee (entrustee audits only)")}</label>
              <select id="recipientId" name="recipientId"><option value="">—</option>{Html.Join(entrustees.Select(id => Option("recipientId", id, RecipientLabel(id))))}</select>
              <button type="submit">{T(http, "作成", "Create")}</button>
            </form>
            """);
        var title = T(http, "内部監査", "Internal audits");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {SubNav(http)}
            {FormErrors.Block(http, error)}
            <h2>{T(http, "監査計画", "Audit plans")}</h2>
            {(plans.Count == 0 ? H.F($"<p class=\"muted\">{T(http, "監査計画はまだありません。", "No audit plans yet.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "名称", "Title")}</th><th scope="col">{T(http, "種類", "Kind")}</th><th scope="col">{T(http, "監査責任者", "Auditor")}</th>
            <th scope="col">{T(http, "頻度", "Frequency")}</th><th scope="col">{T(http, "実施予定日", "Scheduled")}</th><th scope="col">{T(http, "期限", "Overdue after")}</th>
            <th scope="col">{T(http, "状態", "State")}</th></tr></thead><tbody>{rows}</tbody></table>
            """))}
            <h2 id="findings">{T(http, "未完了の指摘事項", "Open findings")}</h2>
            {FindingTable(http, findings)}
            {form}
            """));
    }

    private static async Task<Html> PlanAsync(HttpContext http, Guid id, MamoriException? error)
    {
        var audits = http.RequestServices.GetRequiredService<InternalAuditing>();
        var ct = http.RequestAborted;
        var p = await audits.GetPlanAsync(id, ct);
        var runs = await audits.RunsOfAsync(id, ct);
        var recipientName = await RecipientNamesAsync(http);
        var runRows = runs.Select(r => H.F($"""
            <tr><td><a href="{Base}/runs/{r.Id}">{r.StartedOn:yyyy-MM-dd}</a></td><td>{r.ScheduledOn:yyyy-MM-dd}</td>
            <td>{(r.CompletedOn is { } c ? c.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : T(http, "実施中", "In progress"))}</td></tr>
            """));
        var manage = Can(http, Permission.ManageInternalAudits) && p.Plan.Active;
        Html actions = !manage ? default : H.F($"""
            <form method="post" action="{Base}/plans/{id}/runs" class="inline">{AntiforgeryField(http)}<button type="submit">{T(http, "監査を開始（チェックリストを生成）", "Start the audit (generate the checklist)")}</button></form>
            <form method="post" action="{Base}/plans/{id}/stop" class="inline">{AntiforgeryField(http)}<button type="submit">{T(http, "計画を終了", "Stop the plan")}</button></form>
            """);
        return Layout(http, p.Plan.Title, H.F($"""
            <h1>{p.Plan.Title}</h1>
            {SubNav(http)}
            {FormErrors.Block(http, error)}
            <dl>
            <dt>{T(http, "種類", "Kind")}</dt><dd>{(p.Plan.Kind == AuditPlanKind.Entrustee ? T(http, "委託先監査", "Entrustee audit") + ": " + (p.Plan.RecipientId is { } rid ? RecipientLabel(recipientName, rid) : "—") : T(http, "内部監査", "Internal audit"))}</dd>
            <dt>{T(http, "範囲", "Scope")}</dt><dd>{p.Plan.Scope}</dd>
            <dt>{T(http, "監査責任者", "Auditor")}</dt><dd>{p.Plan.Auditor}</dd>
            <dt>{T(http, "頻度", "Frequency")}</dt><dd>{FrequencyName(http, p.Plan.Frequency)}</dd>
            <dt>{T(http, "次回の実施予定日", "Next scheduled")}</dt><dd>{p.Plan.NextDueOn:yyyy-MM-dd}</dd>
            <dt>{T(http, "この日を過ぎると期限超過", "Overdue after")}</dt><dd>{p.OverdueAfter:yyyy-MM-dd}</dd>
            <dt>{T(http, "前回の実施", "Last held")}</dt><dd>{(p.Plan.LastHeldOn is { } l ? l.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—")}</dd>
            <dt>{T(http, "状態", "State")}</dt><dd class="{StateClass(p.State)}">{StateName(http, p.State)}</dd>
            </dl>
            {actions}
            <h2>{T(http, "実施した監査", "Audits held")}</h2>
            {(runs.Count == 0 ? H.F($"<p class=\"muted\">{T(http, "まだ実施していません。", "None yet.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "開始", "Started")}</th><th scope="col">{T(http, "予定日", "Scheduled")}</th><th scope="col">{T(http, "完了", "Completed")}</th></tr></thead><tbody>{runRows}</tbody></table>
            """))}
            """));
    }

    private static async Task<Html> RunAsync(HttpContext http, Guid id, MamoriException? error)
    {
        var audits = http.RequestServices.GetRequiredService<InternalAuditing>();
        var v = await audits.GetRunAsync(id, http.RequestAborted);
        var open = v.Run.Status == AuditRunStatus.InProgress && Can(http, Permission.ManageInternalAudits);
        var en = Lang(http) == "en";
        var rows = v.Items.Select(i => H.F($"""
            <tr id="item-{i.Key}"><td>{i.Reference}</td><td><strong>{ItemTitle(http, i.Key)}</strong><br>{(en ? i.QuestionEn : i.QuestionJa)}</td><td>{(en ? i.EvidenceEn : i.EvidenceJa) ?? T(http, "（現地で確認）", "(check on site)")}</td>
            <td>{ResultName(http, i.Suggested)}</td>
            <td class="{(i.Result == ChecklistResult.NonConforming ? "error" : "")}">{ResultName(http, i.Result)}{(i.Note is null ? default : H.F($"<br><small>{i.Note}</small>"))}
            {(!open ? default : H.F($"""
              <form method="post" action="{Base}/runs/{id}/items/{i.Key}" class="stack">{AntiforgeryField(http)}
              <label for="r-{i.Key}" class="sr-only">{T(http, "判定", "Result")}</label><select id="r-{i.Key}" name="result">{OptionsFor(i)}</select>
              <label for="n-{i.Key}" class="sr-only">{T(http, "メモ", "Note")}</label><input id="n-{i.Key}" name="note" maxlength="2000" value="{Typed(http, $"{Base}/runs/{id}/items/{i.Key}", "note", i.Note)}">
              <button type="submit">{T(http, "記録", "Record")}</button></form>
              """))}</td></tr>
            """));

        Html OptionsFor(AuditChecklistItem i) => Html.Join(new[] { ChecklistResult.Conforming, ChecklistResult.NonConforming, ChecklistResult.Observation, ChecklistResult.NotApplicable }
            .Select(r => H.F($"""<option value="{Incidents.IncidentRegistry.Kebab(r)}"{Selected(Typed(http, $"{Base}/runs/{id}/items/{i.Key}", "result") is { } typed ? typed == Incidents.IncidentRegistry.Kebab(r) : r == (i.Result == ChecklistResult.Unanswered ? i.Suggested : i.Result))}>{ResultName(http, r)}</option>""")));

        var today = audits.Today;
        var findings = v.Findings.Select(f => new FindingView(f, [], AuditSchedule.IsOverdue(f, today), today)).ToList();
        string? Finding(string field) => Typed(http, $"{Base}/runs/{id}/findings", field);
        Html Option(string field, string value, string label) => H.F($"""<option value="{value}"{Selected(Finding(field) == value)}>{label}</option>""");
        Html forms = !open ? default : H.F($"""
            <h2>{T(http, "指摘事項を登録", "Raise a finding")}</h2>
            <form method="post" action="{Base}/runs/{id}/findings" class="stack">{AntiforgeryField(http)}
              <label for="checklistKey">{T(http, "チェック項目", "Checklist item")}</label>
              <select id="checklistKey" name="checklistKey"><option value="">—</option>{Html.Join(v.Items.Select(i => Option("checklistKey", i.Key, $"{ItemTitle(http, i.Key)} ({i.Reference})")))}</select>
              <label for="description">{T(http, "内容", "Description")}</label><textarea id="description" name="description" required maxlength="4000" rows="3">{TextareaValue(Finding("description"))}</textarea>
              <label for="severity">{T(http, "区分", "Severity")}</label>
              <select id="severity" name="severity">{Option("severity", "minor", SeverityName(http, FindingSeverity.Minor))}{Option("severity", "major", SeverityName(http, FindingSeverity.Major))}{Option("severity", "observation", SeverityName(http, FindingSeverity.Observation))}</select>
              <label for="owner">{T(http, "担当", "Owner")}</label><input id="owner" name="owner" required maxlength="200" value="{Finding("owner")}">
              <label for="dueOn">{T(http, "期限", "Due date")}</label><input id="dueOn" name="dueOn" type="date" required value="{Finding("dueOn")}">
              <button type="submit">{T(http, "登録", "Raise")}</button>
            </form>
            <h2>{T(http, "監査を完了", "Complete the audit")}</h2>
            <form method="post" action="{Base}/runs/{id}/complete" class="stack">{AntiforgeryField(http)}
              <label for="summary">{T(http, "総括", "Summary")}</label><textarea id="summary" name="summary" maxlength="4000" rows="3">{TextareaValue(Typed(http, $"{Base}/runs/{id}/complete", "summary"))}</textarea>
              <button type="submit">{T(http, "完了", "Complete")}</button>
            </form>
            """);
        var title = T(http, "監査", "Audit") + ": " + v.Plan.Title;
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {SubNav(http)}
            {FormErrors.Block(http, error)}
            <p>{T(http, "証跡の対象期間", "Evidence period")}: {v.Run.EvidenceFrom:yyyy-MM-dd} – {v.Run.EvidenceTo:yyyy-MM-dd} · {T(http, "監査責任者", "Auditor")}: {v.Run.Auditor} ·
            {(v.Run.CompletedOn is { } c ? T(http, "完了", "Completed") + " " + c.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : T(http, "実施中", "In progress"))}</p>
            {(v.Run.Summary is null ? default : H.F($"<p>{v.Run.Summary}</p>"))}
            <h2>{T(http, "チェックリスト", "Checklist")}</h2>
            <table><thead><tr><th scope="col">{T(http, "根拠", "Reference")}</th><th scope="col">{T(http, "確認事項", "Question")}</th><th scope="col">{T(http, "システムの証跡", "Evidence held")}</th>
            <th scope="col">{T(http, "証跡からの判定", "Suggested")}</th><th scope="col">{T(http, "判定", "Result")}</th></tr></thead><tbody>{rows}</tbody></table>
            <h2 id="findings">{T(http, "指摘事項", "Findings")}</h2>
            {FindingTable(http, findings)}
            {forms}
            """));
    }

    private static async Task<Html> FindingAsync(HttpContext http, Guid id, MamoriException? error)
    {
        var audits = http.RequestServices.GetRequiredService<InternalAuditing>();
        var v = await audits.GetFindingAsync(id, http.RequestAborted);
        var f = v.Finding;
        // The audit by its plan's title and the entrustee by its name, not by their ids.
        var planTitle = f.PlanId is { } planId ? (await audits.GetPlanAsync(planId, http.RequestAborted)).Plan.Title : null;
        var recipientName = await RecipientNamesAsync(http);
        var manage = f.Status == FindingStatus.Open && Can(http, Permission.ManageInternalAudits);
        string? Action(string field, string? current = null) => Typed(http, $"/console/governance/findings/{id}/actions", field, current);
        var rows = v.Actions.Select(a => H.F($"""
            <tr><td>{a.Description}</td><td>{a.Owner}</td><td class="{(AuditSchedule.IsOverdue(a, v.Today) ? "error" : "")}">{a.DueOn:yyyy-MM-dd}</td>
            <td>{ActionStatusName(http, a.Status)}{(a.CompletedOn is { } c ? " " + c.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "")}
            {(!manage || a.Status == CorrectiveActionStatus.Done ? default : H.F($"""
              <form method="post" action="/console/governance/findings/{id}/actions/{a.Id}" class="inline">{AntiforgeryField(http)}
              <input type="hidden" name="status" value="{(a.Status == CorrectiveActionStatus.Planned ? "in-progress" : "done")}">
              <button type="submit">{(a.Status == CorrectiveActionStatus.Planned ? T(http, "着手", "Start") : T(http, "完了", "Mark done"))}</button></form>
              """))}</td></tr>
            """));
        Html forms = !manage ? default : H.F($"""
            <h2>{T(http, "是正処置を追加", "Add a corrective action")}</h2>
            <form method="post" action="/console/governance/findings/{id}/actions" class="stack">{AntiforgeryField(http)}
              <label for="description">{T(http, "内容", "Description")}</label><textarea id="description" name="description" required maxlength="2000" rows="2">{TextareaValue(Action("description"))}</textarea>
              <label for="owner">{T(http, "担当", "Owner")}</label><input id="owner" name="owner" required maxlength="200" value="{Action("owner", f.Owner)}">
              <label for="dueOn">{T(http, "期限", "Due date")}</label><input id="dueOn" name="dueOn" type="date" required value="{Action("dueOn", f.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}">
              <button type="submit">{T(http, "追加", "Add")}</button>
            </form>
            <h2>{T(http, "指摘事項を完了", "Close the finding")}</h2>
            <form method="post" action="/console/governance/findings/{id}/close" class="stack">{AntiforgeryField(http)}
              <label for="note">{T(http, "有効性の確認", "Effectiveness check")}</label><textarea id="note" name="note" maxlength="2000" rows="2">{TextareaValue(Typed(http, $"/console/governance/findings/{id}/close", "note"))}</textarea>
              <button type="submit">{T(http, "完了", "Close")}</button>
            </form>
            """);
        var title = T(http, "指摘事項", "Finding") + " " + f.Reference;
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {SubNav(http)}
            {FormErrors.Block(http, error)}
            <dl>
            <dt>{T(http, "区分", "Severity")}</dt><dd>{SeverityName(http, f.Severity)}</dd>
            <dt>{T(http, "内容", "Description")}</dt><dd>{f.Description}</dd>
            <dt>{T(http, "担当", "Owner")}</dt><dd>{f.Owner}</dd>
            <dt>{T(http, "登録日", "Raised")}</dt><dd>{f.RaisedOn:yyyy-MM-dd}</dd>
            <dt>{T(http, "期限", "Due")}</dt><dd class="{(v.Overdue ? "error" : "")}">{f.DueOn:yyyy-MM-dd}{(v.Overdue ? " " + T(http, "（期限超過）", "(overdue)") : "")}</dd>
            <dt>{T(http, "状態", "Status")}</dt><dd>{(f.Status == FindingStatus.Open ? T(http, "未完了", "Open") : T(http, "完了", "Closed") + " " + f.ClosedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}</dd>
            {(f.RunId is { } run ? H.F($"<dt>{T(http, "監査", "Audit")}</dt><dd><a href=\"{Base}/runs/{run}\">{planTitle ?? run.ToString()}</a></dd>") : default)}
            {(f.ChecklistKey is { } item ? H.F($"<dt>{T(http, "チェック項目", "Checklist item")}</dt><dd>{ItemTitle(http, item)}</dd>") : default)}
            {(f.RecipientId is { } r ? H.F($"<dt>{T(http, "委託先", "Entrustee")}</dt><dd><a href=\"/console/governance/entrustees/{r}\">{RecipientLabel(recipientName, r)}</a></dd>") : default)}
            {(f.ClosureNote is { } n ? H.F($"<dt>{T(http, "有効性の確認", "Effectiveness check")}</dt><dd>{n}</dd>") : default)}
            </dl>
            <h2>{T(http, "是正処置", "Corrective actions")}</h2>
            {(v.Actions.Count == 0 ? H.F($"<p class=\"muted\">{T(http, "是正処置はまだありません。", "No corrective actions yet.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "内容", "Description")}</th><th scope="col">{T(http, "担当", "Owner")}</th><th scope="col">{T(http, "期限", "Due")}</th><th scope="col">{T(http, "状態", "Status")}</th></tr></thead><tbody>{rows}</tbody></table>
            """))}
            {forms}
            """));
    }
}

/// <summary>The dashboard tile for internal audits: plans due or overdue, open and overdue findings and actions.</summary>
public sealed class GovernanceAuditsPanel(InternalAuditing audits) : IDashboardPanel
{
    public int Order => 30;

    public Permission Needs => Permission.ReadInternalAudits;

    public async Task<Html> RenderAsync(HttpContext http, CancellationToken ct)
    {
        var plans = await audits.ListPlansAsync(true, ct);
        var findings = await audits.ListFindingsAsync(true, null, ct);
        var overduePlans = plans.Count(p => p.State == AuditDueState.Overdue);
        var duePlans = plans.Count(p => p.State == AuditDueState.Due);
        var overdueFindings = findings.Count(f => f.Overdue);
        var overdueActions = findings.SelectMany(f => f.Actions).Count(a => AuditSchedule.IsOverdue(a, audits.Today));
        return H.F($"""
            <section class="card" aria-labelledby="gov-audits-h"><h2 id="gov-audits-h">{T(http, "内部監査", "Internal audits")}</h2>
            <p class="big {(overduePlans + overdueFindings > 0 ? "error" : "")}">{overduePlans + overdueFindings:N0} <span class="unit">{T(http, "件 期限超過", "overdue")}</span></p>
            <dl><dt>{T(http, "期限超過の監査", "Audits overdue")}</dt><dd class="{(overduePlans > 0 ? "error" : "")}">{overduePlans:N0}</dd>
            <dt>{T(http, "実施時期の監査", "Audits due now")}</dt><dd>{duePlans:N0}</dd>
            <dt>{T(http, "未完了の指摘事項", "Open findings")}</dt><dd>{findings.Count:N0}</dd>
            <dt>{T(http, "期限超過の指摘事項", "Findings overdue")}</dt><dd class="{(overdueFindings > 0 ? "error" : "")}">{overdueFindings:N0}</dd>
            <dt>{T(http, "期限超過の是正処置", "Actions overdue")}</dt><dd class="{(overdueActions > 0 ? "error" : "")}">{overdueActions:N0}</dd></dl>
            <p><a href="{GovernanceAuditPages.Base}">{T(http, "内部監査へ", "To internal audits")}</a></p>
            </section>
            """);
    }
}
