using Mamori.Auth;
using Mamori.Errors;
using Mamori.Governance.AccessReviews;
using Mamori.Governance.Organisation;
using Mamori.Governance.Training;
using Mamori.Staff;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>Console screens of the people side of the PMS: organisation (S-08), access reviews (S-62), training (S-63).</summary>
public static class GovernancePeoplePages
{
    private const string Base = "/console/governance";

    public static void MapGovernancePeoplePages(this WebApplication app)
    {
        // The return type is spelled out: an expression-bodied `async (HttpContext http) => Result(…)` binds to the
        // RequestDelegate overload, which drops the IResult and answers 200 with an empty body.
        app.MapGet(Base + "/organisation", async Task<IResult> (HttpContext http) => Result(await OrganisationAsync(http, null)))
            .RequirePermission(Permission.ReadGovernance).ExcludeFromDescription();
        app.MapGet(Base + "/departments", async Task<IResult> (HttpContext http) => Result(await DepartmentsAsync(http)))
            .RequirePermission(Permission.ReadAccessReviews).ExcludeFromDescription();
        app.MapGet(Base + "/departments/{id}", async Task<IResult> (string id, HttpContext http) => Result(await DepartmentAsync(http, id)))
            .RequirePermission(Permission.ReadAccessReviews).ExcludeFromDescription();
        app.MapGet(Base + "/access-reviews", async Task<IResult> (HttpContext http) => Result(await ReviewsAsync(http, null)))
            .RequirePermission(Permission.ReadAccessReviews).ExcludeFromDescription();
        app.MapGet(Base + "/access-reviews/{id:guid}", async (Guid id, HttpContext http) => Result(await ReviewAsync(http, id, null)))
            .RequirePermission(Permission.ReadAccessReviews).ExcludeFromDescription();
        // A filter that cannot be read answers 400 with the page and the reason beside the filter.
        app.MapGet(Base + "/training", async Task<IResult> (HttpContext http) => Result(await TrainingAsync(http, null), CompletionQuery(http).Error is null ? 200 : 400))
            .RequirePermission(Permission.ReadGovernance).ExcludeFromDescription();

        Post(app, "/organisation/representative", Permission.ManageOrganisation, "/organisation", OrganisationAsync, async (http, f) =>
            await Svc<Organisation>(http).SetRepresentativeAsync(Guid.TryParse(f["userId"], out var u) ? u : null, http.Actor(), http.RequestAborted));
        Post(app, "/organisation/department", Permission.ManageOrganisation, "/organisation", OrganisationAsync, async (http, f) =>
            await Svc<Organisation>(http).SaveDepartmentAsync(f["id"].ToString(), new DepartmentChange(
                NullIfEmpty(f["nameJa"]), NullIfEmpty(f["nameEn"]), Guid.TryParse(f["managerUserId"], out var m) ? m : null, f["managerUserId"] == "none",
                Number(f, "everyMonths", "reviewEveryMonths"), Number(f, "graceDays", "reviewGraceDays"), Day(f, "nextReviewOn", "nextReviewOn")), http.Actor(), http.RequestAborted));
        Post(app, "/organisation/staff", Permission.ManageOrganisation, "/organisation", OrganisationAsync, async (http, f) =>
            await Svc<Organisation>(http).AssignAsync(UserId(f), NullIfEmpty(f["departmentId"]), NullIfEmpty(f["title"]), http.Actor(), http.RequestAborted));
        Post(app, "/organisation/responsibility", Permission.ManageOrganisation, "/organisation", OrganisationAsync, async (http, f) =>
        {
            var item = f["item"].ToString().Split(':', 2);
            await Svc<Organisation>(http).SetResponsibilityAsync(item[0] == "purpose" ? ResponsibilityKind.Purpose : ResponsibilityKind.Category, item.Length > 1 ? item[1] : "",
                f["departmentId"].ToString(), Guid.TryParse(f["userId"], out var u) ? u : null, http.Actor(), http.RequestAborted);
        });
        Post(app, "/organisation/settings", Permission.ManageOrganisation, "/organisation", OrganisationAsync, async (http, f) =>
            await Svc<Organisation>(http).SaveSettingsAsync(new SettingsChange(Number(f, "unusedDays", "unusedDays"),
                Number(f, "keyMaxAgeDays", "keyMaxAgeDays"), f["suspend"] == "on"), http.Actor(), http.RequestAborted));

        app.MapPost(Base + "/access-reviews", async (HttpContext http) =>
        {
            var f = await FormAsync(http);
            try
            {
                var d = await Svc<AccessReviews>(http).StartAsync(f["departmentId"].ToString(), http.Caller(), http.RequestAborted);
                return Results.Redirect($"{Base}/access-reviews/{d.Review.Id}");
            }
            catch (MamoriException e)
            {
                return Result(await ReviewsAsync(http, e), Status(e));
            }
        }).RequirePermission(Permission.ReviewAccess).ExcludeFromDescription();
        app.MapPost(Base + "/access-reviews/{id:guid}/lines/{lineId:guid}", async (Guid id, Guid lineId, HttpContext http) =>
        {
            var f = await FormAsync(http);
            var decision = f["decision"] == "revoked" ? AccessReviewDecision.Revoked : AccessReviewDecision.Confirmed;
            return await Try(http, $"{Base}/access-reviews/{id}", e => ReviewAsync(http, id, e),
                () => Svc<AccessReviews>(http).DecideAsync(id, lineId, decision, http.Caller(), http.RequestAborted));
        }).RequirePermission(Permission.ReviewAccess).ExcludeFromDescription();
        app.MapPost(Base + "/access-reviews/{id:guid}/complete", async (Guid id, HttpContext http) =>
        {
            await FormAsync(http);
            return await Try(http, $"{Base}/access-reviews/{id}", e => ReviewAsync(http, id, e),
                () => Svc<AccessReviews>(http).CompleteAsync(id, http.Caller(), http.RequestAborted));
        }).RequirePermission(Permission.ReviewAccess).ExcludeFromDescription();

        Post(app, "/training/course", Permission.ManageTraining, "/training", TrainingAsync, async (http, f) =>
            await Svc<TrainingRecords>(http).SaveCourseAsync(f["code"].ToString(), new CourseChange(f["titleJa"].ToString(), NullIfEmpty(f["titleEn"]),
                Required(Number(f, "everyMonths", "courseEveryMonths"), "courseEveryMonths"), Required(Number(f, "graceDays", "courseGraceDays"), "courseGraceDays"),
                [.. f["roles"].Where(r => !string.IsNullOrEmpty(r)).Select(r => r!)]), http.Actor(), http.RequestAborted));
        Post(app, "/training/completion", Permission.ManageTraining, "/training", TrainingAsync, async (http, f) =>
            await Svc<TrainingRecords>(http).RecordAsync(f["course"].ToString(), UserId(f),
                GovernanceAuditPages.Date(f, "completedOn", ErrorCode.InvalidValue), http.Actor(), http.RequestAborted));
    }

    /// <summary>The staff member a form chose.</summary>
    private static Guid UserId(IFormCollection f) => Guid.TryParse(f["userId"], out var u) ? u
        : throw new MamoriException(ErrorCode.InvalidValue, "Choose a staff member (userId).") { Reason = "choose-user" };

    /// <summary>
    /// A whole number typed in <paramref name="name"/>: blank is null, which keeps the field's documented meaning (a department's
    /// or the settings' value unchanged); anything else that is not a whole number is refused, naming the field by its label
    /// (<paramref name="field"/>, FormErrors), so the form comes back with what was typed instead of saving without it.
    /// </summary>
    private static int? Number(IFormCollection f, string name, string field)
    {
        var text = f[name].ToString().Trim();
        if (text.Length == 0) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
            : throw new MamoriException(ErrorCode.InvalidValue, $"{name} is a whole number.") { Reason = "number", ReasonArgs = [field] };
    }

    /// <summary>A number the form must have (a course's frequency and grace): blank is refused as a value that is not a number.</summary>
    private static int Required(int? value, string field) =>
        value ?? throw new MamoriException(ErrorCode.InvalidValue, $"{field} is a whole number.") { Reason = "number", ReasonArgs = [field] };

    /// <summary>A day typed in <paramref name="name"/> (yyyy-MM-dd, a real day): blank is null (unchanged); anything else is refused, naming the field.</summary>
    private static DateOnly? Day(IFormCollection f, string name, string field)
    {
        var text = f[name].ToString().Trim();
        if (text.Length == 0) return null;
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? d
            : throw new MamoriException(ErrorCode.InvalidValue, $"{name} is a date (yyyy-MM-dd).") { Reason = "date", ReasonArgs = [field] };
    }

    private static T Svc<T>(HttpContext http) where T : notnull => http.RequestServices.GetRequiredService<T>();

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues v) => string.IsNullOrWhiteSpace(v) ? null : v.ToString();

    private static void Post(WebApplication app, string path, Permission needs, string back, Func<HttpContext, MamoriException, Task<Html>> page,
        Func<HttpContext, IFormCollection, Task> work) =>
        app.MapPost(Base + path, async (HttpContext http) =>
        {
            var f = await FormAsync(http);
            return await Try(http, Base + back, e => page(http, e), () => work(http, f));
        }).RequirePermission(needs).ExcludeFromDescription();

    /// <summary>Saves and redirects back; a refusal shows the page again with the reason in its language, the form keeping what was typed.</summary>
    private static async Task<IResult> Try(HttpContext http, string back, Func<MamoriException, Task<Html>> page, Func<Task> work)
    {
        try
        {
            await work();
            return Results.Redirect(back + "?done=saved");
        }
        catch (MamoriException e) when (e.Code != ErrorCode.NotFound) // a missing review has no page to show again
        {
            return Result(await page(e), Status(e));
        }
    }

    private static int Status(MamoriException e) => e.Status is >= 400 and < 500 ? e.Status : 400;

    private static Html Status(HttpContext http, MamoriException? error) => H.F($"""
        {Notice(error is null && http.Request.Query["done"] == "saved" ? T(http, "保存しました。", "Saved.") : null)}
        {FormErrors.Block(http, error)}
        """);

    /// <summary>Why a review line needs attention (<see cref="AccessReviewFlags"/>), as the reviewer reads it.</summary>
    private static string FlagName(HttpContext http, string flag) => flag switch
    {
        AccessReviewFlags.Unused => T(http, "期間中の使用なし", "unused in the period"),
        AccessReviewFlags.KeyOld => T(http, "発行から長期間経過したキー", "key older than the limit"),
        AccessReviewFlags.LiveSession => T(http, "有効なセッションが残っている", "live session left"),
        AccessReviewFlags.LiveKey => T(http, "有効な API キーが残っている", "live API key left"),
        _ => flag,
    };

    private static Html StateBadge(HttpContext http, DueState s) => s switch
    {
        DueState.Overdue => H.F($"""<span class="error">{T(http, "期限超過", "Overdue")}</span>"""),
        DueState.Due => H.F($"""<strong>{T(http, "実施時期", "Due")}</strong>"""),
        DueState.Done => H.F($"""<span class="ok">{T(http, "受講済み", "Done")}</span>"""),
        _ => H.F($"""{T(http, "予定", "Upcoming")}"""),
    };

    /// <summary>Links to the pages of this area the caller may open (an operator reviewing access sees no organisation link).</summary>
    private static Html SubNav(HttpContext http)
    {
        var links = new (string Path, string Ja, string En, Permission Needs)[]
        {
            ("/organisation", "組織", "Organisation", Permission.ReadGovernance),
            ("/departments", "部門", "Departments", Permission.ReadAccessReviews),
            ("/access-reviews", "アクセス権の棚卸し", "Access reviews", Permission.ReadAccessReviews),
            ("/training", "教育", "Training", Permission.ReadGovernance),
        };
        return H.F($"""<p>{Html.Join(links.Where(l => Can(http, l.Needs)).Select((l, i) => H.F($"""{(i > 0 ? " · " : "")}<a href="{Base}{l.Path}">{T(http, l.Ja, l.En)}</a>""")))}</p>""");
    }

    private static Html UserOptions(IEnumerable<StaffView> staff, Guid? selected, bool allowNone) => H.F($"""
        {(allowNone ? H.F($"""<option value="none">—</option>""") : default)}
        {staff.Where(s => !s.Disabled).Select(s => s.UserId == selected
            ? H.F($"""<option value="{s.UserId}" selected>{s.Email}</option>""")
            : H.F($"""<option value="{s.UserId}">{s.Email}</option>"""))}
        """);

    private static async Task<Html> OrganisationAsync(HttpContext http, MamoriException? error)
    {
        var view = await Svc<Organisation>(http).ViewAsync(http.RequestAborted);
        var emails = view.Staff.ToDictionary(s => s.UserId, s => s.Email);
        var canManage = Can(http, Permission.ManageOrganisation);
        var roleLabels = await RoleLabelsAsync(http);
        var en = Lang(http) == "en";
        // A department by its name with its id beside it, as the table of departments shows both; an id no longer known as recorded.
        var deptNames = view.Departments.ToDictionary(d => d.Id, d => en ? d.NameEn : d.NameJa, StringComparer.Ordinal);
        Html Dept(string? id) => id is null ? H.F($"—")
            : deptNames.GetValueOrDefault(id) is { Length: > 0 } n && n != id ? H.F($"""{n} <code class="muted">{id}</code>""") : H.F($"<code>{id}</code>");
        var depts = view.Departments.Select(d => H.F($"""
            <tr><td><code>{d.Id}</code></td><td>{(en ? d.NameEn : d.NameJa)}{(d.InPolicy ? default : H.F($" <span class=\"muted\">({T(http, "ポリシー外", "not in policy")})</span>"))}</td>
            <td>{(en ? d.ManagerTitleEn : d.ManagerTitleJa) ?? "—"}</td><td>{d.ManagerEmail ?? "—"}</td><td class="num">{d.Staff.Count:N0}</td>
            <td>{d.ReviewEveryMonths}{T(http, "か月ごと", " months")}</td><td>{d.NextReviewOn:yyyy-MM-dd}</td><td>{StateBadge(http, d.ReviewState)}</td></tr>
            """));
        var staff = view.Staff.Select(s => H.F($"""
            <tr><td>{s.Email}</td><td>{roleLabels.Names(s.Roles)}</td><td>{Dept(s.DepartmentId)}</td><td>{s.Title ?? ""}</td>
            <td>{(s.Disabled ? H.F($"<span class=\"error\">{T(http, "無効（退職等）", "Disabled (leaver)")}</span> {Jst(s.DisabledAt)}") : H.F($"{T(http, "有効", "Active")}"))}</td></tr>
            """));
        var resp = view.Responsibilities.Select(r => H.F($"""
            <tr><td>{(r.Kind == ResponsibilityKind.Category ? T(http, "データ項目", "Category") : T(http, "利用目的", "Purpose"))}</td><td><code>{r.ItemId}</code> {(en ? r.NameEn : r.NameJa)}</td>
            <td>{Dept(r.DepartmentId)}</td><td>{(r.UserId is { } u ? emails.GetValueOrDefault(u) : null) ?? "—"}</td></tr>
            """));
        Html forms = default;
        if (canManage)
        {
            // A refused form keeps what was typed.
            string? Typed(string form, string field, string? current = null) => Pages.Typed(http, $"{Base}/organisation/{form}", field, current);
            Guid? TypedUser(string form, Guid? current) => Posted(http, $"{Base}/organisation/{form}") is { } f ? Guid.TryParse(f["userId"], out var u) ? u : null : current;
            Html Selected(bool on) => on ? Html.Raw(" selected") : default;
            Html DeptOptions(string? selected) => Html.Join(view.Departments.Select(d => H.F($"""<option value="{d.Id}"{Selected(d.Id == selected)}>{(en ? d.NameEn : d.NameJa)} ({d.Id})</option>""")));
            // An item by its name as the table above shows it, with the id beside (an option holds text only).
            string ItemLabel(ResponsibilityView r) => (en ? r.NameEn : r.NameJa) is { Length: > 0 } n && n != r.ItemId ? $"{n} ({r.ItemId})" : r.ItemId;
            string ItemValue(ResponsibilityView r) => $"{(r.Kind == ResponsibilityKind.Category ? "category" : "purpose")}:{r.ItemId}";
            var items = view.Responsibilities.Select(r => H.F($"""<option value="{ItemValue(r)}"{Selected(Typed("responsibility", "item") == ItemValue(r))}>{(r.Kind == ResponsibilityKind.Category ? T(http, "項目", "category") : T(http, "目的", "purpose"))}: {ItemLabel(r)}</option>"""));
            var staffUser = TypedUser("staff", null);
            var allStaff = view.Staff.Select(s => H.F($"""<option value="{s.UserId}"{Selected(s.UserId == staffUser)}>{s.Email}</option>"""));
            forms = H.F($"""
                <h2 id="rep-form-h">{T(http, "個人情報保護管理者（管理責任者）の指名", "Name the management representative")}</h2>
                <form method="post" action="{Base}/organisation/representative" class="stack" aria-labelledby="rep-form-h">{AntiforgeryField(http)}
                <label for="rep-user">{T(http, "スタッフ", "Staff member")}</label><select id="rep-user" name="userId">{UserOptions(view.Staff, TypedUser("representative", view.RepresentativeUserId), true)}</select>
                <button type="submit">{T(http, "保存", "Save")}</button></form>
                <h2 id="dept-form-h">{T(http, "部門の管理者と棚卸しの周期", "Department manager and review schedule")}</h2>
                <form method="post" action="{Base}/organisation/department" class="stack" aria-labelledby="dept-form-h">{AntiforgeryField(http)}
                <label for="dept-id">{T(http, "部門 ID（ポリシーにない部門は名称も入力）", "Department id (give a name for one the policy does not declare)")}</label><input id="dept-id" name="id" required maxlength="64" list="dept-list" value="{Typed("department", "id")}">
                <datalist id="dept-list">{DeptOptions(null)}</datalist>
                <label for="dept-ja">{T(http, "名称（日本語、任意）", "Name (Japanese, optional)")}</label><input id="dept-ja" name="nameJa" maxlength="200" value="{Typed("department", "nameJa")}">
                <label for="dept-en">{T(http, "名称（英語、任意）", "Name (English, optional)")}</label><input id="dept-en" name="nameEn" maxlength="200" value="{Typed("department", "nameEn")}">
                <label for="dept-mgr">{T(http, "部門の個人情報管理者", "Department's personal-information manager")}</label><select id="dept-mgr" name="managerUserId"><option value="">{T(http, "（変更しない）", "(unchanged)")}</option>{UserOptions(view.Staff, Guid.TryParse(Typed("department", "managerUserId"), out var manager) ? manager : null, true)}</select>
                <label for="dept-every">{T(http, "棚卸しの周期（月）", "Review every (months)")}</label><input id="dept-every" name="everyMonths" type="number" min="1" max="60" value="{Typed("department", "everyMonths")}">
                <label for="dept-grace">{T(http, "猶予（日）", "Grace (days)")}</label><input id="dept-grace" name="graceDays" type="number" min="0" max="180" value="{Typed("department", "graceDays")}">
                <label for="dept-next">{T(http, "次回の実施日", "Next review on")}</label><input id="dept-next" name="nextReviewOn" type="date" value="{Typed("department", "nextReviewOn")}">
                <button type="submit">{T(http, "保存", "Save")}</button></form>
                <h2 id="staff-form-h">{T(http, "スタッフの所属", "Staff department")}</h2>
                <form method="post" action="{Base}/organisation/staff" class="stack" aria-labelledby="staff-form-h">{AntiforgeryField(http)}
                <label for="staff-user">{T(http, "スタッフ", "Staff member")}</label><select id="staff-user" name="userId">{allStaff}</select>
                <label for="staff-dept">{T(http, "部門", "Department")}</label><select id="staff-dept" name="departmentId"><option value="">{T(http, "（所属なし）", "(none)")}</option>{DeptOptions(Typed("staff", "departmentId"))}</select>
                <label for="staff-title">{T(http, "役職（任意）", "Title (optional)")}</label><input id="staff-title" name="title" maxlength="200" value="{Typed("staff", "title")}">
                <button type="submit">{T(http, "保存", "Save")}</button></form>
                <h2 id="resp-form-h">{T(http, "データ項目・利用目的の責任部門", "Responsible department for a category or purpose")}</h2>
                <form method="post" action="{Base}/organisation/responsibility" class="stack" aria-labelledby="resp-form-h">{AntiforgeryField(http)}
                <label for="resp-item">{T(http, "対象", "Item")}</label><select id="resp-item" name="item">{items}</select>
                <label for="resp-dept">{T(http, "部門", "Department")}</label><select id="resp-dept" name="departmentId">{DeptOptions(Typed("responsibility", "departmentId"))}</select>
                <label for="resp-user">{T(http, "担当者（任意）", "Person (optional)")}</label><select id="resp-user" name="userId"><option value="">—</option>{UserOptions(view.Staff, TypedUser("responsibility", null), false)}</select>
                <button type="submit">{T(http, "保存", "Save")}</button></form>
                <h2 id="settings-form-h">{T(http, "設定", "Settings")}</h2>
                <form method="post" action="{Base}/organisation/settings" class="stack" aria-labelledby="settings-form-h">{AntiforgeryField(http)}
                <label for="set-unused">{T(http, "未使用とみなす日数", "Flag access unused for (days)")}</label><input id="set-unused" name="unusedDays" type="number" min="1" max="3650" value="{Typed("settings", "unusedDays", view.Settings.UnusedAccessDays.ToString(System.Globalization.CultureInfo.InvariantCulture))}">
                <label for="set-keyage">{T(http, "API キーの使用期限の目安（日）", "Flag API keys older than (days)")}</label><input id="set-keyage" name="keyMaxAgeDays" type="number" min="1" max="3650" value="{Typed("settings", "keyMaxAgeDays", view.Settings.KeyMaxAgeDays.ToString(System.Globalization.CultureInfo.InvariantCulture))}">
                <label class="check"><input type="checkbox" name="suspend"{((Posted(http, $"{Base}/organisation/settings") is { } settings ? settings["suspend"] == "on" : view.Settings.SuspendRolesWhileTrainingOverdue) ? H.F($" checked") : default)}> {T(http, "教育の受講期限を過ぎた人の該当役割を停止する", "Suspend a role while its holder's training is overdue")}</label>
                <button type="submit">{T(http, "保存", "Save")}</button></form>
                """);
        }
        var title = T(http, "個人情報保護の組織", "Privacy organisation");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>{SubNav(http)}{Status(http, error)}
            <dl><dt>{T(http, "個人情報保護管理者（ポリシー上の役職）", "Management representative (policy title)")}</dt><dd>{(en ? view.RepresentativeTitleEn : view.RepresentativeTitleJa) ?? "—"}</dd>
            <dt>{T(http, "指名されたスタッフ", "Named staff member")}</dt><dd>{view.RepresentativeEmail ?? T(http, "未指名", "not named")}</dd></dl>
            <h2>{T(http, "部門", "Departments")}</h2>
            <table><thead><tr><th scope="col">ID</th><th scope="col">{T(http, "部門", "Department")}</th><th scope="col">{T(http, "管理者の役職", "Manager title")}</th><th scope="col">{T(http, "管理者", "Manager")}</th><th scope="col">{T(http, "人数", "Staff")}</th><th scope="col">{T(http, "棚卸し周期", "Review")}</th><th scope="col">{T(http, "次回", "Next")}</th><th scope="col">{T(http, "状態", "State")}</th></tr></thead><tbody>{depts}</tbody></table>
            <h2>{T(http, "スタッフ", "Staff")}</h2>
            <table><thead><tr><th scope="col">{T(http, "メールアドレス", "Email")}</th><th scope="col">{T(http, "役割", "Roles")}</th><th scope="col">{T(http, "部門", "Department")}</th><th scope="col">{T(http, "役職", "Title")}</th><th scope="col">{T(http, "状態", "Status")}</th></tr></thead><tbody>{staff}</tbody></table>
            <h2>{T(http, "責任の所在", "Who answers for what")}</h2>
            <table><thead><tr><th scope="col">{T(http, "種類", "Kind")}</th><th scope="col">{T(http, "対象", "Item")}</th><th scope="col">{T(http, "部門", "Department")}</th><th scope="col">{T(http, "担当者", "Person")}</th></tr></thead><tbody>{resp}</tbody></table>
            {forms}
            """));
    }

    /// <summary>
    /// The start button for the department's manager and the representative (only they may start it, MAMORI-9001); others see who
    /// does it instead of a button that can only be refused.
    /// </summary>
    private static Html StartReview(HttpContext http, ReviewScheduleEntry s, Guid? representative) =>
        http.Caller().UserId is { } u && (u == s.ManagerUserId || u == representative) && Can(http, Permission.ReviewAccess)
            ? H.F($"""<form method="post" action="{Base}/access-reviews">{AntiforgeryField(http)}<input type="hidden" name="departmentId" value="{s.DepartmentId}"><button type="submit" class="secondary">{T(http, "棚卸しを開始", "Start review")}</button></form>""")
            : H.F($"""<span class="muted">{T(http, "部門の管理者または管理責任者が開始します", "Started by the department's manager or the representative")}</span>""");

    /// <summary>The departments the caller may open: all of them for whoever reads the organisation, else the ones they manage.</summary>
    private static async Task<Html> DepartmentsAsync(HttpContext http)
    {
        var visible = await Svc<DepartmentOverviews>(http).VisibleAsync(http.Caller(), http.RequestAborted);
        var en = Lang(http) == "en";
        var rows = visible.Select(d => H.F($"""
            <tr><td><a href="{Base}/departments/{Uri.EscapeDataString(d.Id)}">{(en ? d.NameEn : d.NameJa)}</a> <code class="muted">{d.Id}</code></td>
            <td>{d.ManagerEmail ?? "—"}</td><td class="num">{d.Staff.Count:N0}</td><td>{d.NextReviewOn:yyyy-MM-dd}</td><td>{StateBadge(http, d.ReviewState)}</td></tr>
            """));
        var title = T(http, "部門", "Departments");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>{SubNav(http)}
            {(visible.Count == 0
                ? H.F($"""<p>{T(http, "あなたが個人情報管理者を務める部門はありません。部門の管理者は、管理責任者が「組織」のページで指名します。",
                    "You are not the personal-information manager of any department. The management representative names department managers on the Organisation page.")}</p>""")
                : H.F($"""
                <table><thead><tr><th scope="col">{T(http, "部門", "Department")}</th><th scope="col">{T(http, "管理者", "Manager")}</th><th scope="col">{T(http, "人数", "Staff")}</th><th scope="col">{T(http, "次回の棚卸し", "Next review")}</th><th scope="col">{T(http, "状態", "State")}</th></tr></thead><tbody>{rows}</tbody></table>
                """))}
            """));
    }

    /// <summary>One department as its manager sees it: staff, training, its access review, what it answers for and the retention ahead.</summary>
    private static async Task<Html> DepartmentAsync(HttpContext http, string id)
    {
        var o = await Svc<DepartmentOverviews>(http).GetAsync(id, http.Caller(), http.RequestAborted);
        var d = o.Department;
        var en = Lang(http) == "en";
        var roleLabels = await RoleLabelsAsync(http);
        var courses = (await Svc<TrainingRecords>(http).CoursesAsync(http.RequestAborted)).ToDictionary(c => c.Id);
        var representative = (await Svc<Organisation>(http).SettingsAsync(http.RequestAborted)).RepresentativeUserId;
        string Day(DateOnly? day) => day is { } x ? x.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "—";
        Html Training(DepartmentMember m) => (m.TrainingOverdue, m.TrainingDue) switch
        {
            (0, 0) => H.F($"""<span class="ok">{T(http, "問題なし", "Up to date")}</span>"""),
            var (late, due) => H.F($"""{(late > 0 ? H.F($"""<span class="error">{T(http, "超過", "Overdue")} {late}</span> """) : default)}{(due > 0 ? H.F($"{T(http, "実施時期", "Due")} {due}") : default)}"""),
        };
        var members = o.Members.Select(m => H.F($"""
            <tr><td>{m.Email}{(m.UserId == d.ManagerUserId ? H.F($""" <span class="muted">({T(http, "管理者", "manager")})</span>""") : default)}</td><td>{m.Title ?? ""}</td>
            <td>{(m.Roles.Count == 0 ? "—" : roleLabels.Names(m.Roles))}</td>
            <td>{(m.Disabled ? H.F($"<span class=\"error\">{T(http, "無効（退職等）", "Disabled (leaver)")}</span> {Jst(m.DisabledAt)}") : H.F($"{T(http, "有効", "Active")}"))}</td><td>{Training(m)}</td></tr>
            """));
        Html CourseName(TrainingStatus t) => courses.TryGetValue(t.CourseId, out var c) && (en && c.TitleEn is { Length: > 0 } ? c.TitleEn : c.TitleJa) is { Length: > 0 } n && n != t.CourseCode
            ? H.F($"""{n} <code class="muted">{t.CourseCode}</code>""") : H.F($"<code>{t.CourseCode}</code>");
        var training = o.TrainingAttention.OrderByDescending(t => t.State == DueState.Overdue).ThenBy(t => t.DueOn).Select(t => H.F($"""
            <tr><td>{t.Email}</td><td>{CourseName(t)}</td><td>{Day(t.LastCompletedOn)}</td><td>{Day(t.DueOn)}</td><td>{StateBadge(http, t.State)}</td>
            <td>{(t.SuspendedRoles.Count == 0 ? "" : roleLabels.Names(t.SuspendedRoles))}</td></tr>
            """));
        var answers = o.Responsibilities.Select(r => H.F($"""
            <tr><td>{(r.Kind == ResponsibilityKind.Category ? T(http, "データ項目", "Category") : T(http, "利用目的", "Purpose"))}</td><td>{(en ? r.NameEn : r.NameJa)} <code class="muted">{r.ItemId}</code></td>
            <td>{(r.UserId is { } u ? o.Members.FirstOrDefault(m => m.UserId == u)?.Email : null) ?? "—"}</td></tr>
            """));
        var retention = o.Retention.Select(r => H.F($"""
            <tr><th scope="row">{(en ? r.NameEn : r.NameJa)} <code class="muted">{r.Category}</code></th><td class="num">{r.Persons:N0}</td>
            <td class="num">{r.EndingWithin:N0}</td><td class="num{(r.PastEnd > 0 ? " error" : "")}">{r.PastEnd:N0}</td><td class="num">{r.AwaitingEvent:N0}</td><td class="num">{r.Held:N0}</td></tr>
            """));
        // A reference links to the request for whoever reads requests; the list itself is references and deadlines only.
        var readsRequests = Can(http, Permission.ReadRequests);
        var requestRows = o.OpenRequests.Select(r => H.F($"""
            <tr><td>{(readsRequests ? H.F($"""<a href="/console/requests/{r.Id}">{r.Reference}</a>""") : H.F($"{r.Reference}"))}</td>
            <td>{T(http, Requests.RequestKinds.Name(r.Kind).Ja, Requests.RequestKinds.Name(r.Kind).En)}</td><td>{T(http, Requests.RequestKinds.StatusName(r.Status).Ja, Requests.RequestKinds.StatusName(r.Status).En)}</td>
            <td>{Day(r.ReceivedOn)}</td><td>{(r.DueOn is null ? T(http, "停止中", "paused") : Day(r.DueOn))}{(r.Overdue ? H.F($""" <span class="error">{T(http, "期限超過", "Overdue")}</span>""") : default)}</td></tr>
            """));
        var review = o.Review;
        var title = T(http, "部門", "Department") + ": " + (en ? d.NameEn : d.NameJa);
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>{SubNav(http)}
            <dl><dt>{T(http, "部門 ID", "Department id")}</dt><dd><code>{d.Id}</code></dd>
            <dt>{T(http, "個人情報管理者", "Personal-information manager")}</dt><dd>{d.ManagerEmail ?? T(http, "未指名", "not named")}{((en ? d.ManagerTitleEn : d.ManagerTitleJa) is { } t ? H.F($" <span class=\"muted\">({t})</span>") : default)}</dd>
            <dt>{T(http, "人数", "Staff")}</dt><dd>{o.Members.Count(m => !m.Disabled):N0}</dd></dl>

            <h2 id="review-h">{T(http, "アクセス権の棚卸し", "Access review")}</h2>
            <dl aria-labelledby="review-h"><dt>{T(http, "次回の実施日", "Next review on")}</dt><dd>{Day(review.NextReviewOn)} {StateBadge(http, review.State)}</dd>
            <dt>{T(http, "前回完了", "Last completed")}</dt><dd>{Jst(review.LastCompletedAt)}</dd></dl>
            {(review.OpenReviewId is { } open
                ? H.F($"""<p><a href="{Base}/access-reviews/{open}">{T(http, "実施中の棚卸しを開く", "Open the review in progress")}</a></p>""")
                : StartReview(http, review, representative))}

            <h2>{T(http, "担当する開示等の請求（対応中）", "Open data-subject requests it handles")}</h2>
            {(readsRequests ? H.F($"""<p><a href="/console/requests?list=all&amp;department={Uri.EscapeDataString(d.Id)}">{T(http, "この部門が担当した請求をすべて見る", "All requests this department handled")}</a></p>""") : default)}
            {(o.OpenRequests.Count == 0
                ? H.F($"""<p class="muted">{T(http, "この部門が担当する対応中の請求はありません（担当部門は請求の画面で指定します）。", "No open request is assigned to this department (the handling department is named on the request's page).")}</p>""")
                : H.F($"""<table><thead><tr><th scope="col">{T(http, "受付番号", "Reference")}</th><th scope="col">{T(http, "種類", "Kind")}</th><th scope="col">{T(http, "状況", "Status")}</th><th scope="col">{T(http, "受付日", "Received")}</th><th scope="col">{T(http, "回答期限", "Due")}</th></tr></thead><tbody>{requestRows}</tbody></table>"""))}

            <h2>{T(http, "スタッフ", "Staff")}</h2>
            {(o.Members.Count == 0
                ? H.F($"""<p class="muted">{T(http, "この部門に所属するスタッフはいません（所属は「組織」のページで設定します）。", "No staff belong to this department (set on the Organisation page).")}</p>""")
                : H.F($"""<table><thead><tr><th scope="col">{T(http, "メールアドレス", "Email")}</th><th scope="col">{T(http, "役職", "Title")}</th><th scope="col">{T(http, "役割", "Roles")}</th><th scope="col">{T(http, "状態", "Status")}</th><th scope="col">{T(http, "教育", "Training")}</th></tr></thead><tbody>{members}</tbody></table>"""))}

            <h2>{T(http, "教育（実施時期・期限超過）", "Training due or overdue")}</h2>
            {(o.TrainingAttention.Count == 0
                ? H.F($"""<p class="ok">{T(http, "実施時期・期限超過の講座はありません。", "No course is due or overdue.")}</p>""")
                : H.F($"""<table><thead><tr><th scope="col">{T(http, "スタッフ", "Staff")}</th><th scope="col">{T(http, "講座", "Course")}</th><th scope="col">{T(http, "最終受講", "Last completed")}</th><th scope="col">{T(http, "期限", "Due")}</th><th scope="col">{T(http, "状態", "State")}</th><th scope="col">{T(http, "停止中の役割", "Suspended roles")}</th></tr></thead><tbody>{training}</tbody></table>"""))}

            <h2>{T(http, "責任を持つデータ項目・利用目的", "Categories and purposes it answers for")}</h2>
            {(o.Responsibilities.Count == 0
                ? H.F($"""<p class="muted">{T(http, "まだ割り当てられていません（「組織」のページで管理責任者が割り当てます）。", "None assigned yet (the management representative assigns them on the Organisation page).")}</p>""")
                : H.F($"""<table><thead><tr><th scope="col">{T(http, "種類", "Kind")}</th><th scope="col">{T(http, "対象", "Item")}</th><th scope="col">{T(http, "担当者", "Person")}</th></tr></thead><tbody>{answers}</tbody></table>"""))}

            <h2 id="retention-h">{T(http, "保存期間の見通し", "Retention ahead")}</h2>
            {(o.Retention.Count == 0
                ? H.F($"""<p class="muted">{T(http, "この部門が責任を持つデータ項目はありません。", "The department answers for no data category.")}</p>""")
                : H.F($"""
                <p class="muted">{T(http, $"この部門のデータ項目について、保存している人数と、{o.RetentionHorizonDays}日以内に保存期間が満了して消去される人数です（人数のみ。満了済みは次回の消去で削除されます）。",
                    $"For the categories this department answers for: how many persons' data is kept, and how many reach the end of retention within {o.RetentionHorizonDays} days and will be destroyed (counts only; data already past its end goes at the next sweep).")}</p>
                <table aria-labelledby="retention-h"><thead><tr><th scope="col">{T(http, "データ項目", "Category")}</th><th scope="col">{T(http, "保存人数", "Persons")}</th>
                <th scope="col">{T(http, $"{o.RetentionHorizonDays}日以内に満了", $"Ending within {o.RetentionHorizonDays} days")}</th><th scope="col">{T(http, "満了済み（消去待ち）", "Ended, awaiting the sweep")}</th>
                <th scope="col">{T(http, "起算日の記録待ち", "Awaiting the start event")}</th><th scope="col">{T(http, "法定保存中", "Under a legal hold")}</th></tr></thead><tbody>{retention}</tbody></table>
                """))}
            """));
    }

    private static async Task<Html> ReviewsAsync(HttpContext http, MamoriException? error)
    {
        var reviews = Svc<AccessReviews>(http);
        var schedule = await reviews.ScheduleAsync(http.RequestAborted);
        var list = await reviews.ListAsync(http.RequestAborted);
        var en = Lang(http) == "en";
        // Only the department's manager or the representative may start its review (MAMORI-9001): others see who does it
        // instead of a button that can only be refused.
        var representative = (await Svc<Organisation>(http).SettingsAsync(http.RequestAborted)).RepresentativeUserId;
        Html Start(ReviewScheduleEntry s) => StartReview(http, s, representative);
        var rows = schedule.Select(s => H.F($"""
            <tr><td>{(en ? s.NameEn : s.NameJa)} (<code>{s.DepartmentId}</code>)</td><td>{s.NextReviewOn:yyyy-MM-dd}</td><td>{StateBadge(http, s.State)}</td><td>{Jst(s.LastCompletedAt)}</td>
            <td>{(s.OpenReviewId is { } open
                ? H.F($"""<a href="{Base}/access-reviews/{open}">{T(http, "実施中の棚卸し", "Open review")}</a>""")
                : Start(s))}</td></tr>
            """));
        string DeptName(string id) => schedule.FirstOrDefault(s => s.DepartmentId == id) is { } d && (en ? d.NameEn : d.NameJa) is { Length: > 0 } n ? n : id;
        var past = list.Select(r => H.F($"""
            <tr><td><a href="{Base}/access-reviews/{r.Id}">{DeptName(r.DepartmentId)}</a> <code class="muted">{r.DepartmentId}</code></td><td>{Jst(r.PeriodFrom)} – {Jst(r.PeriodTo)}</td>
            <td>{(r.Status == AccessReviewStatus.Completed ? T(http, "完了", "Completed") : T(http, "実施中", "Open"))}</td><td>{Jst(r.CompletedAt)}</td></tr>
            """));
        var title = T(http, "アクセス権の棚卸し", "Access reviews");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>{SubNav(http)}{Status(http, error)}
            <p class="muted">{T(http, "部門の個人情報管理者または個人情報保護管理者が開始し、各行を承認または取消します。取消すと役割の削除・API キーの失効が直ちに行われます。",
                "The department's manager or the management representative starts a review and confirms or revokes each line; a revoke removes the role or revokes the key at once.")}</p>
            <table><thead><tr><th scope="col">{T(http, "部門", "Department")}</th><th scope="col">{T(http, "予定日", "Due")}</th><th scope="col">{T(http, "状態", "State")}</th><th scope="col">{T(http, "前回完了", "Last completed")}</th><th scope="col">{T(http, "操作", "Action")}</th></tr></thead><tbody>{rows}</tbody></table>
            <h2>{T(http, "棚卸しの記録", "Reviews")}</h2>
            <table><thead><tr><th scope="col">{T(http, "部門", "Department")}</th><th scope="col">{T(http, "対象期間", "Period")}</th><th scope="col">{T(http, "状態", "Status")}</th><th scope="col">{T(http, "完了", "Completed")}</th></tr></thead><tbody>{past}</tbody></table>
            """));
    }

    private static async Task<Html> ReviewAsync(HttpContext http, Guid id, MamoriException? error)
    {
        var detail = await Svc<AccessReviews>(http).GetAsync(id, http.RequestAborted);
        var events = await Svc<AccessReviews>(http).UnmaskEventsAsync(id, http.RequestAborted);
        var emails = (await Svc<StaffAccounts>(http).ListAsync(http.RequestAborted)).ToDictionary(u => u.Id, u => u.Email);
        var categories = await CategoryNamesAsync(http);
        var roleLabels = await RoleLabelsAsync(http);
        var r = detail.Review;
        var open = r.Status == AccessReviewStatus.Open;
        // Whoever only reads reviews (an external auditor) sees the decisions, not the buttons that make them.
        var acts = open && Can(http, Permission.ReviewAccess);
        Html Kind(AccessReviewLine l) => l.Kind switch
        {
            AccessReviewLineKind.Role => H.F($"{T(http, "役割", "Role")}: {roleLabels.Cell(l.Item)}"),
            AccessReviewLineKind.ApiKey => H.F($"{T(http, "API キー", "API key")}: {l.ItemName} ({Jst(l.CreatedAt)})"),
            _ => H.F($"""<span class="error">{T(http, "退職者等（無効）", "Leaver (disabled)")}</span> {Jst(l.DisabledAt)}<br>{T(http, "有効なセッション", "Live sessions")}: {l.LiveSessions} · {T(http, "有効な API キー", "Live keys")}: {l.LiveKeys}"""),
        };
        Html Decision(AccessReviewLine l) => l.Decision switch
        {
            AccessReviewDecision.Confirmed => H.F($"""<span class="ok">{T(http, "承認", "Confirmed")}</span> {Jst(l.DecidedAt)}"""),
            AccessReviewDecision.Revoked => H.F($"""<span class="error">{T(http, "取消", "Revoked")}</span> {Jst(l.DecidedAt)}"""),
            _ when !acts => H.F($"—"),
            _ => H.F($"""
                {(l.UserId == http.Caller().UserId
                    ? H.F($"""<span class="muted">{T(http, "ご自身の権限は管理責任者が承認します", "Your own access is confirmed by the management representative")}</span>""")
                    : H.F($"""<form method="post" action="{Base}/access-reviews/{r.Id}/lines/{l.Id}" class="inline">{AntiforgeryField(http)}<input type="hidden" name="decision" value="confirmed"><button type="submit" class="secondary">{T(http, "承認", "Confirm")}</button></form>"""))}
                <form method="post" action="{Base}/access-reviews/{r.Id}/lines/{l.Id}" class="inline" data-confirm="{T(http, "取り消しますか？直ちに反映されます。", "Revoke? It takes effect at once.")}">{AntiforgeryField(http)}<input type="hidden" name="decision" value="revoked"><button type="submit">{T(http, "取消", "Revoke")}</button></form>
                """),
        };
        var rows = detail.Lines.Select(l => H.F($"""
            <tr><td>{emails.GetValueOrDefault(l.UserId) ?? l.UserId.ToString()}</td><td>{Kind(l)}</td><td>{Jst(l.LastUsedAt)}</td>
            <td>{categories(l.UnmaskedCategories)}</td><td class="num">{l.UnmaskEvents:N0}</td>
            <td>{(l.Flags.Count == 0 ? H.F($"—") : H.F($"""<span class="error">{string.Join(T(http, "、", ", "), l.Flags.Select(f => FlagName(http, f)))}</span>"""))}</td><td>{Decision(l)}</td></tr>
            """));
        Html complete = acts
            ? H.F($"""<form method="post" action="{Base}/access-reviews/{r.Id}/complete">{AntiforgeryField(http)}<button type="submit">{T(http, "棚卸しを完了する", "Complete the review")}</button></form>""")
            : default;
        // The department by its name (ISP事業部), not its id; a department no longer scheduled keeps its id.
        var dept = (await Svc<AccessReviews>(http).ScheduleAsync(http.RequestAborted)).FirstOrDefault(s => s.DepartmentId == r.DepartmentId);
        var deptName = dept is null ? null : Lang(http) == "en" ? dept.NameEn : dept.NameJa;
        var title = T(http, "アクセス権の棚卸し", "Access review") + ": " + (deptName is { Length: > 0 } ? deptName : r.DepartmentId);
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>{SubNav(http)}{Status(http, error)}
            <dl><dt>{T(http, "部門", "Department")}</dt><dd>{(deptName is { Length: > 0 } ? H.F($"""{deptName} <code class="muted">{r.DepartmentId}</code>""") : H.F($"<code>{r.DepartmentId}</code>"))}</dd>
            <dt>{T(http, "対象期間", "Period")}</dt><dd>{Jst(r.PeriodFrom)} – {Jst(r.PeriodTo)}</dd>
            <dt>{T(http, "監査ログ（検証済み）", "Audit chain (verified) up to")}</dt><dd>#{r.ChainVerifiedTo:N0}</dd>
            <dt>{T(http, "期間中の閲覧（マスクなし）イベント", "Unmask events in the period")}</dt><dd>{events.Count:N0}</dd>
            <dt>{T(http, "状態", "Status")}</dt><dd>{(open ? T(http, "実施中", "Open") : T(http, "完了", "Completed") + " " + Jst(r.CompletedAt))}</dd></dl>
            <table><thead><tr><th scope="col">{T(http, "スタッフ", "Staff")}</th><th scope="col">{T(http, "権限", "Access")}</th><th scope="col">{T(http, "最終使用", "Last used")}</th><th scope="col">{T(http, "閲覧した項目", "Categories unmasked")}</th><th scope="col">{T(http, "件数", "Events")}</th><th scope="col">{T(http, "指摘", "Flags")}</th><th scope="col">{T(http, "判断", "Decision")}</th></tr></thead><tbody>{rows}</tbody></table>
            {complete}
            """));
    }

    /// <summary>Completions shown on the training page at a time; the CSV has them all.</summary>
    private const int CompletionsShown = 100;

    /// <summary>The training page's completions filter from its query (from, to, department, person, offset), or why it cannot be read.</summary>
    private static (CompletionFilter Filter, int Offset, MamoriException? Error) CompletionQuery(HttpContext http)
    {
        var q = http.Request.Query;
        try
        {
            DateOnly? Day(string field) => string.IsNullOrWhiteSpace(q[field]) ? null
                : DateOnly.TryParseExact(q[field].ToString(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? d
                : throw new MamoriException(ErrorCode.InvalidValue, $"{field} is a date (yyyy-MM-dd).") { Reason = "date", ReasonArgs = [field] };
            Guid? person = string.IsNullOrWhiteSpace(q["person"]) ? null
                : Guid.TryParse(q["person"], out var p) ? p : throw new MamoriException(ErrorCode.InvalidValue, "Choose a staff member (person).") { Reason = "choose-user" };
            var offset = int.TryParse(q["offset"], System.Globalization.CultureInfo.InvariantCulture, out var o) && o > 0 ? o : 0;
            var filter = new CompletionFilter(Day("from"), Day("to"), NullIfEmpty(q["department"])?.Trim(), person);
            if (filter.From > filter.To)
                throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "from is a day on or before to.") { Reason = "period-order" };
            return (filter, offset, null);
        }
        catch (MamoriException e)
        {
            return (new CompletionFilter(), 0, e);
        }
    }

    /// <summary>The completions section: a filter (days, department, staff member), the newest matching completions and the CSV of all of them.</summary>
    private static async Task<Html> CompletionsAsync(HttpContext http, IReadOnlyDictionary<Guid, string> titles)
    {
        var (filter, offset, error) = CompletionQuery(http);
        var ct = http.RequestAborted;
        var departments = await Svc<Organisation>(http).DepartmentListAsync(ct);
        var staff = await Svc<StaffAccounts>(http).ListAsync(ct);
        var en = Lang(http) == "en";
        var q = http.Request.Query;
        Html Selected(bool on) => on ? Html.Raw(" selected") : default;
        var form = H.F($"""
            <form method="get" action="{Base}/training" class="stack" aria-labelledby="completions-h">
            <label for="f-from">{T(http, "受講日（から）", "Completed from")}</label><input id="f-from" name="from" type="date" value="{q["from"].ToString()}">
            <label for="f-to">{T(http, "受講日（まで）", "Completed to")}</label><input id="f-to" name="to" type="date" value="{q["to"].ToString()}">
            <label for="f-dept">{T(http, "部門（現在の所属）", "Department (staff now in it)")}</label><select id="f-dept" name="department"><option value="">{T(http, "すべて", "All")}</option>{departments.Select(d => H.F($"""<option value="{d.Id}"{Selected(d.Id == filter.Department)}>{(en ? d.NameEn : d.NameJa)} ({d.Id})</option>"""))}</select>
            <label for="f-person">{T(http, "スタッフ", "Staff member")}</label><select id="f-person" name="person"><option value="">{T(http, "すべて", "All")}</option>{staff.Select(u => H.F($"""<option value="{u.Id}"{Selected(u.Id == filter.Person)}>{u.Email}</option>"""))}</select>
            <button type="submit">{T(http, "絞り込む", "Filter")}</button></form>
            """);
        if (error is not null)
            return H.F($"""<section aria-labelledby="completions-h"><h2 id="completions-h">{T(http, "受講記録", "Completions")}</h2>{FormErrors.Block(http, error)}{form}</section>""");

        var page = await Svc<TrainingRecords>(http).ListCompletionsAsync(filter, offset, CompletionsShown, ct);
        var recordedBy = await ActorNamesAsync(http, page.Items.Select(c => c.RecordedBy));
        var deptNames = departments.ToDictionary(d => d.Id, d => en ? d.NameEn : d.NameJa, StringComparer.Ordinal);
        var rows = page.Items.Select(c => H.F($"""
            <tr><td>{c.CompletedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}</td>
            <td>{(titles.GetValueOrDefault(c.CourseId) is { Length: > 0 } t && t != c.CourseCode ? H.F($"""{t} <code class="muted">{c.CourseCode}</code>""") : H.F($"<code>{c.CourseCode}</code>"))}</td>
            <td>{c.Email}</td><td>{(c.DepartmentId is { } d ? H.F($"""{deptNames.GetValueOrDefault(d) ?? d} <code class="muted">{d}</code>""") : H.F($"—"))}</td>
            <td>{Jst(c.RecordedAt)}</td><td>{recordedBy(c.RecordedBy)}</td></tr>
            """));
        var query = Http.GovernancePeopleEndpoints.CompletionsQuery("", filter);
        Html next = offset + page.Items.Count < page.Total
            ? H.F($"""<p><a href="{Base}/training{query}offset={offset + page.Items.Count}">{T(http, "次のページ", "Next page")}</a></p>""")
            : default;
        var shown = page.Total == 0 ? T(http, "該当する受講記録はありません。", "No completions match.")
            : T(http, $"{page.Total:N0}件中 {offset + 1:N0}〜{offset + page.Items.Count:N0}件目（受講日の新しい順）", $"{offset + 1:N0}-{offset + page.Items.Count:N0} of {page.Total:N0}, newest first");
        return H.F($"""
            <section aria-labelledby="completions-h"><h2 id="completions-h">{T(http, "受講記録", "Completions")}</h2>
            {form}
            <p>{shown} · <a href="/api/governance/training/completions.csv{query.TrimEnd('&', '?')}" download>{T(http, "この条件の受講記録をすべて CSV で出力（Excel 用）", "Download every matching completion as CSV (for Excel)")}</a></p>
            <table><thead><tr><th scope="col">{T(http, "受講日", "Completed on")}</th><th scope="col">{T(http, "講座", "Course")}</th><th scope="col">{T(http, "スタッフ", "Staff")}</th><th scope="col">{T(http, "現在の部門", "Department now")}</th><th scope="col">{T(http, "記録日時", "Recorded")}</th><th scope="col">{T(http, "記録者", "Recorded by")}</th></tr></thead><tbody>{rows}</tbody></table>
            {next}</section>
            """);
    }

    private static async Task<Html> TrainingAsync(HttpContext http, MamoriException? error)
    {
        var training = Svc<TrainingRecords>(http);
        var courses = await training.CoursesAsync(http.RequestAborted);
        var status = await training.StatusAsync(null, http.RequestAborted);
        var roleLabels = await RoleLabelsAsync(http);
        var en = Lang(http) == "en";
        var courseRows = courses.Select(c => H.F($"""
            <tr><td><code>{c.Code}</code></td><td>{(en ? c.TitleEn : c.TitleJa)}</td><td>{(c.EveryMonths == 0 ? T(http, "1回", "Once") : $"{c.EveryMonths}" + T(http, "か月ごと", " months"))}</td>
            <td>{c.GraceDays}</td><td>{(c.Roles.Count == 0 ? T(http, "全スタッフ", "All staff") : roleLabels.Names(c.Roles))}</td><td>{(c.Active ? "✔" : "—")}</td></tr>
            """));
        // A course by its configured title with its code beside it (the code is what the API and the forms take).
        var titles = courses.ToDictionary(c => c.Id, c => en && c.TitleEn is { Length: > 0 } t ? t : c.TitleJa);
        Html CourseCell(TrainingStatus s) => titles.GetValueOrDefault(s.CourseId) is { Length: > 0 } t && t != s.CourseCode
            ? H.F($"""{t} <code class="muted">{s.CourseCode}</code>""") : H.F($"<code>{s.CourseCode}</code>");
        var statusRows = status.OrderByDescending(s => s.State == DueState.Overdue).ThenBy(s => s.DueOn).Select(s => H.F($"""
            <tr><td>{s.Email}</td><td>{CourseCell(s)}</td><td>{(s.LastCompletedOn is { } l ? l.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "—")}</td>
            <td>{(s.DueOn is { } d ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "—")}</td><td>{StateBadge(http, s.State)}</td>
            <td>{(s.SuspendedRoles.Count == 0 ? "" : roleLabels.Names(s.SuspendedRoles))}</td></tr>
            """));
        Html forms = default;
        if (Can(http, Permission.ManageTraining))
        {
            var known = await Svc<StaffAccounts>(http).KnownRolesAsync(http.RequestAborted);
            var users = (await Svc<StaffAccounts>(http).ListAsync(http.RequestAborted)).Where(u => !u.Disabled);
            string? Course(string field, string? current = null) => Typed(http, $"{Base}/training/course", field, current);
            string? Done(string field) => Typed(http, $"{Base}/training/completion", field);
            var roles = Posted(http, $"{Base}/training/course")?["roles"].ToArray() ?? [];
            Html Selected(bool on) => on ? Html.Raw(" selected") : default;
            forms = H.F($"""
                <h2 id="course-form-h">{T(http, "講座の登録・変更", "Add or change a course")}</h2>
                <form method="post" action="{Base}/training/course" class="stack" aria-labelledby="course-form-h">{AntiforgeryField(http)}
                <label for="c-code">{T(http, "コード", "Code")}</label><input id="c-code" name="code" required maxlength="64" pattern="[A-Za-z0-9_-]+" value="{Course("code")}">
                <label for="c-ja">{T(http, "名称（日本語）", "Title (Japanese)")}</label><input id="c-ja" name="titleJa" required maxlength="200" value="{Course("titleJa")}">
                <label for="c-en">{T(http, "名称（英語）", "Title (English)")}</label><input id="c-en" name="titleEn" maxlength="200" value="{Course("titleEn")}">
                <label for="c-every">{T(http, "受講周期（月、0 = 1回のみ）", "Every (months, 0 = once)")}</label><input id="c-every" name="everyMonths" type="number" min="0" max="60" required value="{Course("everyMonths", "12")}">
                <label for="c-grace">{T(http, "猶予（日）", "Grace (days)")}</label><input id="c-grace" name="graceDays" type="number" min="0" max="180" required value="{Course("graceDays", "30")}">
                <fieldset><legend>{T(http, "対象の役割（なし = 全スタッフ）", "Roles that must take it (none = all staff)")}</legend>
                {RoleOrder(known).Select(r => H.F($"""<label class="check"><input type="checkbox" name="roles" value="{r}"{(roles.Contains(r) ? Html.Raw(" checked") : default)}> {roleLabels.Choice(r)}</label>"""))}</fieldset>
                <button type="submit">{T(http, "保存", "Save")}</button></form>
                <h2 id="done-form-h">{T(http, "受講の記録", "Record a completion")}</h2>
                <form method="post" action="{Base}/training/completion" class="stack" aria-labelledby="done-form-h">{AntiforgeryField(http)}
                <label for="d-course">{T(http, "講座", "Course")}</label><select id="d-course" name="course">{courses.Select(c => H.F($"""<option value="{c.Code}"{Selected(Done("course") == c.Code)}>{(titles[c.Id] is { Length: > 0 } t && t != c.Code ? $"{t} ({c.Code})" : c.Code)}</option>"""))}</select>
                <label for="d-user">{T(http, "スタッフ", "Staff member")}</label><select id="d-user" name="userId">{users.Select(u => H.F($"""<option value="{u.Id}"{Selected(Done("userId") == u.Id.ToString())}>{u.Email}</option>"""))}</select>
                <label for="d-on">{T(http, "受講日", "Completed on")}</label><input id="d-on" name="completedOn" type="date" required value="{Done("completedOn")}">
                <button type="submit">{T(http, "記録", "Record")}</button></form>
                """);
        }
        var completions = await CompletionsAsync(http, titles);
        var title = T(http, "教育・研修", "Training");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>{SubNav(http)}{Status(http, error)}
            <h2>{T(http, "講座", "Courses")}</h2>
            <table><thead><tr><th scope="col">{T(http, "コード", "Code")}</th><th scope="col">{T(http, "名称", "Title")}</th><th scope="col">{T(http, "周期", "Frequency")}</th><th scope="col">{T(http, "猶予（日）", "Grace (days)")}</th><th scope="col">{T(http, "対象", "Who")}</th><th scope="col">{T(http, "有効", "Active")}</th></tr></thead><tbody>{courseRows}</tbody></table>
            <h2>{T(http, "受講状況（期限超過が先頭）", "Standing (overdue first)")}</h2>
            <table><thead><tr><th scope="col">{T(http, "スタッフ", "Staff")}</th><th scope="col">{T(http, "講座", "Course")}</th><th scope="col">{T(http, "最終受講", "Last completed")}</th><th scope="col">{T(http, "期限", "Due")}</th><th scope="col">{T(http, "状態", "State")}</th><th scope="col">{T(http, "停止中の役割", "Suspended roles")}</th></tr></thead><tbody>{statusRows}</tbody></table>
            {completions}
            {forms}
            """));
    }
}

/// <summary>Dashboard tile: access reviews and training that are due or overdue.</summary>
public sealed class GovernancePeoplePanel(AccessReviews reviews, TrainingRecords training) : IDashboardPanel
{
    public int Order => 40;

    public Permission Needs => Permission.ReadAccessReviews;

    public async Task<Html> RenderAsync(HttpContext http, CancellationToken ct)
    {
        var schedule = await reviews.ScheduleAsync(ct);
        var overdue = schedule.Count(s => s.State == DueState.Overdue);
        var due = schedule.Count(s => s.State == DueState.Due);
        Html trainingLine = default;
        if (Pages.Can(http, Permission.ReadGovernance))
        {
            var status = await training.StatusAsync(null, ct);
            var late = status.Count(s => s.State == DueState.Overdue);
            trainingLine = H.F($"""<dt>{Pages.T(http, "教育の受講期限超過", "Training overdue")}</dt><dd class="{(late > 0 ? "error" : "")}">{late:N0}</dd>""");
        }
        // A department's manager goes from here to their department's page.
        var en = Pages.Lang(http) == "en";
        var mine = schedule.Where(s => s.ManagerUserId is { } m && m == http.Caller().UserId).ToList();
        Html mineLine = mine.Count == 0 ? default : H.F($"""
            <p>{Pages.T(http, "あなたの部門", "Your department")}: {Html.Join(mine.Select((s, i) => H.F($"""{(i > 0 ? "、" : "")}<a href="/console/governance/departments/{Uri.EscapeDataString(s.DepartmentId)}">{(en ? s.NameEn : s.NameJa)}</a>""")))}</p>
            """);
        return H.F($"""
            <section class="card" aria-labelledby="gov-people-h"><h2 id="gov-people-h"><a href="/console/governance/access-reviews">{Pages.T(http, "棚卸し・教育", "Reviews and training")}</a></h2>
            <dl><dt>{Pages.T(http, "アクセス権の棚卸し 実施時期", "Access reviews due")}</dt><dd>{due:N0}</dd>
            <dt>{Pages.T(http, "アクセス権の棚卸し 期限超過", "Access reviews overdue")}</dt><dd class="{(overdue > 0 ? "error" : "")}">{overdue:N0}</dd>
            {trainingLine}</dl>{mineLine}</section>
            """);
    }
}
