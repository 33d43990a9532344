using Mamori.Auth;
using Mamori.Errors;
using Mamori.Http;
using Mamori.Policy;
using Mamori.Policy.Rendering;
using Mamori.Requests;
using Mamori.Staff;
using Microsoft.AspNetCore.Mvc;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>Staff side of requests: the queue with deadlines, entry of letters and visits, and each request's actions.</summary>
public static class RequestConsolePages
{
    public static void MapRequestConsolePages(this WebApplication app)
    {
        app.MapGet("/console/requests", async (HttpContext http, string? list, string? department, bool? unassigned, int? page, DataSubjectRequests requests) =>
        {
            var filter = list switch { "overdue" => RequestFilter.Overdue, "due-soon" => RequestFilter.DueSoon, "paused" => RequestFilter.Paused, "all" => RequestFilter.All, _ => RequestFilter.Open };
            var number = Math.Max(page ?? 1, 1);
            // One department's queue (its 担当部門), from the department's page; an id no department has simply lists nothing.
            department = string.IsNullOrWhiteSpace(department) || department.Length > 64 ? null : department.Trim();
            // Those no department handles yet: what the privacy office still routes by hand. A department asked for wins.
            var onlyUnassigned = department is null && unassigned == true;
            var found = await requests.ListAsync(filter, department, onlyUnassigned, (int)Math.Min((number - 1L) * QueuePageSize, int.MaxValue), QueuePageSize, http.RequestAborted);
            Http.UnreadableReport.Mark(http, found.Unreadable);
            return Result(Queue(http, filter, list, department, onlyUnassigned, number, found, await DepartmentNamesAsync(http)));
        }).RequirePermission(Permission.ReadRequests).ExcludeFromDescription();

        app.MapGet("/console/requests/new", async (HttpContext http, PolicyStore policies) =>
            Result(NewPage(http, (await policies.CurrentAsync(http.RequestAborted))?.Model, null, null)))
            .RequirePermission(Permission.HandleRequests).ExcludeFromDescription();

        app.MapPost("/console/requests/new", async (HttpContext http, DataSubjectRequests requests, PolicyStore policies,
            [FromForm] string kind, [FromForm] string channel, [FromForm] string? requesterRole, [FromForm] string? name, [FromForm] string? email,
            [FromForm] string? phone, [FromForm] string? address, [FromForm] string? agentName, [FromForm] string? details, [FromForm] string? method,
            [FromForm] string? language) =>
        {
            // The service, the correction and the items to process are read and shown as the public form reads and shows them.
            var scope = RequestForm.Scope.Read(http.Request.Form);
            var typed = new NewInput(kind, channel, requesterRole, name, email, phone, address, agentName, details, method, language, scope);
            try
            {
                // The form's submission id is the idempotency key: a reload of the answer shows the request it entered, with the same
                // status link, instead of entering a second one (and a second receipt).
                var created = await requests.SubmitAsync(scope.AddTo(new RequestIntake
                {
                    Kind = kind,
                    Channel = Enum.TryParse<RequestChannel>(channel.Replace("-", "", StringComparison.Ordinal), true, out var c)
                        ? c : throw new MamoriException(ErrorCode.RequestInvalidInput, "Choose a channel.") { Reason = "channel" },
                    RequesterRole = requesterRole switch { "agent" => RequesterRole.Agent, "legal-representative" => RequesterRole.LegalRepresentative, _ => RequesterRole.Self },
                    Method = method == "paper" ? DisclosureMethod.Paper : DisclosureMethod.Electronic,
                    Language = language == "en" ? "en" : "ja",
                    Name = name, Email = email, Phone = phone, Address = address, AgentName = agentName, Details = details,
                }), http.Actor(), RequestForm.IdempotencyKey(http.Request.Form), http.RequestAborted);
                var url = created.StatusUrl;
                return Result(Layout(http, T(http, "受付しました", "Request entered"), H.F($"""
                    <h1>{T(http, "受付しました", "Request entered")}: {created.Request.Reference}</h1>
                    {(created.Replayed ? Notice(T(http, "この請求は登録済みです。同じフォームが再送信されたため、新しい請求は登録していません。", "This request was already entered. The same form was sent again, so no new request was entered.")) : default)}
                    <p>{T(http, "本人用の非公開の状況確認リンク（この画面でのみ表示されます。書面で本人へお知らせください）", "The person's private status link (shown only here; send it to the person in the reply letter)")}:</p>
                    <p><code>{url}</code></p>
                    <p><a href="/console/requests/{created.Request.Id}">{T(http, "請求の詳細へ", "Open the request")}</a></p>
                    """)), 201);
            }
            catch (MamoriException e)
            {
                // The form comes back with what was typed, in this response's body only (console pages are never cached).
                return Result(NewPage(http, (await policies.CurrentAsync(http.RequestAborted))?.Model, e, typed), e.Status is >= 400 and < 500 ? e.Status : 400);
            }
        }).RequirePermission(Permission.HandleRequests).ExcludeFromDescription();

        app.MapGet("/console/requests/{id:guid}", async (HttpContext http, Guid id, string? done, DataSubjectRequests requests) =>
            Result(await DetailAsync(http, requests, id, null, done)))
            .RequirePermission(Permission.ReadRequests).ExcludeFromDescription();

        app.MapPost("/console/requests/{id:guid}/action", async (HttpContext http, Guid id, DataSubjectRequests requests, [FromForm] string action,
            [FromForm] string? group, [FromForm] string? document, [FromForm] string? issuedOn, [FromForm] string? reference, [FromForm] string? reason,
            [FromForm] string? note, [FromForm] string? correctionItem, [FromForm] string? correctionValue, [FromForm] string? confirm, [FromForm] string? department) =>
        {
            var actor = http.Actor();
            var ct = http.RequestAborted;
            try
            {
                DateOnly? issued = string.IsNullOrEmpty(issuedOn) ? null
                    : DateOnly.TryParseExact(issuedOn, "yyyy-MM-dd", out var d) ? d
                    : throw new MamoriException(ErrorCode.RequestInvalidInput, "The issue date is yyyy-MM-dd.") { Reason = "issue-date" };
                _ = action switch
                {
                    "start" => await requests.StartVerificationAsync(id, actor, ct),
                    "checked" => await Checked(),
                    "ask-documents" => await requests.AskForDocumentsAsync(id, actor, ct),
                    "verify" => await requests.VerifyIdentityAsync(id, actor, ct),
                    "send-code" => await requests.SendCodeAsync(await requests.GetAsync(id, ct), null, actor, null, ct),
                    "payment" => await requests.ConfirmPaymentAsync(id, reference, actor, ct),
                    "waive" => await requests.WaiveFeeAsync(id, reason ?? "", actor, ct),
                    "execute" => await requests.ExecuteAsync(id, new ExecuteOptions
                    {
                        AnswerText = string.IsNullOrWhiteSpace(note) ? null : note,
                        // The item chosen gets this content; the person's other items stand. Content without an item is refused (MAMORI-5022).
                        Corrections = string.IsNullOrWhiteSpace(correctionItem) && string.IsNullOrWhiteSpace(correctionValue) ? null
                            : new Dictionary<string, string> { [(correctionItem ?? "").Trim()] = correctionValue ?? "" },
                    }, actor, ct),
                    "no-data" => await requests.AnswerNoDataAsync(id, actor, ct),
                    "refuse" => await requests.RefuseAsync(id, reason ?? "", note, actor, ct),
                    "withdraw" => await requests.WithdrawAsync(await requests.GetAsync(id, ct), actor, ct),
                    "department" => await requests.AssignAsync(id, department, actor, ct),
                    _ => throw new MamoriException(ErrorCode.RequestInvalidInput, "Unknown action.") { Reason = "action" },
                };
                return Results.Redirect($"/console/requests/{id}?done={Uri.EscapeDataString(action)}");

                async Task<RequestView> Checked()
                {
                    if (confirm != "yes")
                        throw new MamoriException(ErrorCode.RequestInvalidInput, "Tick the box to confirm that the document was checked.") { Reason = "checked-confirm" };
                    var g = Enum.TryParse<DocumentGroup>((group ?? "").Replace("-", "", StringComparison.Ordinal), true, out var x) ? x : DocumentGroup.Identity;
                    await requests.RecordCheckedAsync(id, g, document ?? "", issued, actor, ct);
                    return await requests.ViewAsync(id, ct);
                }
            }
            catch (MamoriException e)
            {
                return Result(await DetailAsync(http, requests, id, e), e.Status is >= 400 and < 500 ? e.Status : 400);
            }
        }).RequirePermission(Permission.HandleRequests).ExcludeFromDescription();

        app.MapGet("/console/requests/{id:guid}/preview", async (HttpContext http, Guid id, DataSubjectRequests requests) =>
            Result(await PreviewAsync(http, requests, id)))
            .RequirePermission(Permission.HandleRequests).ExcludeFromDescription();

        app.MapGet("/console/requests/{id:guid}/answer", async (HttpContext http, Guid id, string? format, DataSubjectRequests requests) =>
        {
            var r = await requests.GetAsync(id, http.RequestAborted);
            var kind = RequestEndpoints.Format(format);
            var (type, bytes) = await requests.AnswerAsync(r, kind, http.Actor(), http.RequestAborted);
            return Results.File(bytes, type, RequestEndpoints.FileName(r, kind));
        }).RequirePermission(Permission.HandleRequests).ExcludeFromDescription();

        // An uploaded identity document, opened in the browser for staff to check it (audited as 5017). It is the person's
        // file: the sandbox policy keeps a crafted PDF or image from running anything in the console's origin.
        app.MapGet("/console/requests/{id:guid}/documents/{documentId:guid}", async (HttpContext http, Guid id, Guid documentId, DataSubjectRequests requests) =>
        {
            var (type, bytes) = await requests.DocumentAsync(id, documentId, http.Actor(), http.RequestAborted);
            http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'";
            // An image opens in the tab; a PDF is downloaded and opened by the staff member's reader (browsers' built-in
            // PDF viewers do not run in a sandboxed document).
            if (type == "application/pdf") return Results.File(bytes, type, $"document-{documentId:N}.pdf");
            http.Response.Headers.ContentDisposition = "inline";
            return Results.File(bytes, type);
        }).RequirePermission(Permission.HandleRequests).ExcludeFromDescription();
    }

    private static string Name(HttpContext http, (string Ja, string En) n) => T(http, n.Ja, n.En);

    private const int QueuePageSize = 100;

    /// <summary>Department names by id in the page's language (the policy's and those saved), for the 担当部門 column and form.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> DepartmentNamesAsync(HttpContext http)
    {
        var en = Lang(http) == "en";
        var departments = await http.RequestServices.GetRequiredService<Governance.Organisation.Organisation>().DepartmentListAsync(http.RequestAborted);
        return departments.ToDictionary(d => d.Id, d => en ? d.NameEn : d.NameJa, StringComparer.Ordinal);
    }

    private static Html DepartmentName(HttpContext http, string? id, IReadOnlyDictionary<string, string> names) =>
        id is null ? H.F($"""<span class="muted">{T(http, "未指定", "not named")}</span>""")
        : names.GetValueOrDefault(id) is { Length: > 0 } n && n != id ? H.F($"""{n} <code class="muted">{id}</code>""") : H.F($"<code>{id}</code>");

    /// <summary>Why the department was named at intake (RequestRouting's rule); nothing when staff named it.</summary>
    private static Html RouteNote(HttpContext http, RequestView v) => v.Department is null ? default : v.DepartmentRoute switch
    {
        DepartmentRoute.Service => H.F($"""<span class="muted"> {T(http, "（受付時に自動指定：このサービスの利用目的・項目を担当する部門）", "(routed at intake: the department answering for this service's purposes and data)")}</span>"""),
        DepartmentRoute.Categories => H.F($"""<span class="muted"> {T(http, "（受付時に自動指定：請求の項目を担当する部門）", "(routed at intake: the department answering for the items the request names)")}</span>"""),
        _ => default,
    };

    private static Html Queue(HttpContext http, RequestFilter filter, string? listId, string? department, bool unassigned, int number, RequestPage page,
        IReadOnlyDictionary<string, string> departments)
    {
        var list = page.Items;
        var shown = list.Count + page.Unreadable.Count;
        var first = (number - 1L) * QueuePageSize;
        var inDepartment = department is not null ? "&department=" + Uri.EscapeDataString(department) : unassigned ? "&unassigned=true" : "";
        var allDepartments = $"/console/requests?list={Uri.EscapeDataString(listId ?? "open")}";
        string PageLink(int n) => $"{allDepartments}{inDepartment}&page={n}";
        Html pager = page.Total <= QueuePageSize && number == 1 ? default : H.F($"""
            <nav aria-label="{T(http, "ページ", "Pages")}"><p>{T(http, $"{page.Total:N0}件中 {Math.Min(first + 1, page.Total):N0}〜{first + shown:N0}件", $"{Math.Min(first + 1, page.Total):N0}–{first + shown:N0} of {page.Total:N0}")}
            {(number > 1 ? H.F($"""<a href="{PageLink(number - 1)}" rel="prev">{T(http, "前へ", "Previous")}</a>""") : default)}
            {(first + shown < page.Total ? H.F($"""<a href="{PageLink(number + 1)}" rel="next">{T(http, "次へ", "Next")}</a>""") : default)}</p></nav>
            """);
        Html Tab(string id, string ja, string en) => H.F($"""<li><a href="/console/requests?list={id}{inDepartment}"{(filter.ToString().Equals(id.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase) ? Html.Raw(" aria-current=\"page\"") : default)}>{T(http, ja, en)}</a></li>""");
        Html Row(RequestView v) => H.F($"""
            <tr class="{v.Deadline.ToString().ToLowerInvariant()}"><td><a href="/console/requests/{v.Id}">{v.Reference}</a></td><td>{Name(http, RequestKinds.Name(v.Kind))}</td>
            <td>{Name(http, RequestKinds.StatusName(v.Status))}</td><td>{Name(http, RequestKinds.ChannelName(v.Channel))}</td><td>{v.ReceivedOn:yyyy-MM-dd}</td>
            <td>{(v.DueOn is { } due ? due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : T(http, "停止中", "paused"))}</td><td>{Deadline(http, v.Deadline)}</td>
            <td>{DepartmentName(http, v.Department, departments)}</td></tr>
            """);
        return Layout(http, T(http, "開示等の請求", "Data-subject requests"), H.F($"""
            <h1>{T(http, "開示等の請求", "Data-subject requests")}</h1>
            {(department is not null ? H.F($"""<p>{T(http, "担当部門", "Handling department")}: {DepartmentName(http, department, departments)} · <a href="{allDepartments}">{T(http, "すべての部門", "All departments")}</a></p>""")
                : unassigned ? H.F($"""<p>{T(http, "担当部門が未指定の請求", "Requests no department handles yet")} · <a href="{allDepartments}">{T(http, "すべての部門", "All departments")}</a></p>""")
                : H.F($"""<p><a href="{allDepartments + "&unassigned=true"}">{T(http, "担当部門が未指定の請求だけを表示", "Show only requests no department handles yet")}</a></p>"""))}
            {(Can(http, Permission.HandleRequests) ? H.F($"""<p><a href="/console/requests/new">{T(http, "郵送・窓口の請求を登録する", "Enter a letter or visit")}</a></p>""") : default)}
            <nav aria-label="{T(http, "絞り込み", "Filter")}"><ul>{Tab("open", "対応中", "Open")}{Tab("due-soon", "期限間近", "Due soon")}{Tab("overdue", "期限超過", "Overdue")}{Tab("paused", "停止中", "Paused")}{Tab("all", "すべて", "All")}</ul></nav>
            <table><thead><tr><th>{T(http, "受付番号", "Reference")}</th><th>{T(http, "種類", "Kind")}</th><th>{T(http, "状況", "Status")}</th><th>{T(http, "受付方法", "Channel")}</th>
            <th>{T(http, "受付日", "Received")}</th><th>{T(http, "期限", "Due")}</th><th>{T(http, "期限の状態", "Deadline")}</th><th>{T(http, "担当部門", "Department")}</th></tr></thead>
            <tbody>{list.Select(Row)}{UnreadableRows(http, page.Unreadable, 8)}</tbody></table>
            {(shown == 0 ? H.F($"<p>{T(http, "該当する請求はありません。", "No requests.")}</p>") : default)}
            {pager}
            """));
    }

    private static string Deadline(HttpContext http, DeadlineState s) => s switch
    {
        DeadlineState.Overdue => T(http, "期限超過", "Overdue"),
        DeadlineState.DueSoon => T(http, "期限間近", "Due soon"),
        DeadlineState.Paused => T(http, "停止中", "Paused"),
        DeadlineState.Closed => T(http, "完了", "Closed"),
        _ => T(http, "期限内", "On track"),
    };

    /// <summary>What staff typed into the entry form, to show it again when the form is refused.</summary>
    private sealed record NewInput(string? Kind, string? Channel, string? RequesterRole, string? Name, string? Email, string? Phone, string? Address,
        string? AgentName, string? Details, string? Method, string? Language, RequestForm.Scope Scope);

    private static Html Selected(bool on) => on ? Html.Raw(" selected") : default;

    /// <summary>
    /// The entry form of letters and visits: the fields of the public form (the service, the correction, the items to process,
    /// shared with it through <see cref="RequestForm"/>) and the channel, the answer's language and the method as a select.
    /// </summary>
    private static Html NewPage(HttpContext http, PolicyModel? model, MamoriException? error, NewInput? typed)
    {
        Html err = error is null ? default : H.F($"""<p class="error" role="alert" id="{FormErrors.BlockId}">{FormErrors.Text(http, error)}</p>""");
        var lang = Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
        // The fields the public form marks when refused (the service, the correction), marked here the same way.
        var field = error is null ? null : FormErrors.RequestField(error) is ("service" or "correctionItem" or "correctionValue") and var f ? f : null;
        // The channel is posted as its enum name; the API's kebab-case id is accepted too.
        var channel = typed?.Channel?.Replace("-", "", StringComparison.Ordinal);
        Html Option(string value, string? chosen, string ja, string en) => H.F($"""<option value="{value}"{Selected(value == chosen)}>{T(http, ja, en)}</option>""");
        // Only what the policy offers: intake refuses the other kinds (MAMORI-5001), after the letter was typed in.
        var kinds = RequestKinds.OfferedIn(model).ToList();
        return Layout(http, T(http, "請求の登録", "Enter a request"), H.F($"""
            <h1>{T(http, "郵送・窓口の請求を登録する", "Enter a letter or visit")}</h1>
            {err}
            <form method="post" action="/console/requests/new" class="stack">
              {AntiforgeryField(http)}{RequestForm.Submission()}
              <label for="kind">{T(http, "種類", "Kind")}</label>
              <select id="kind" name="kind">{kinds.Select(k => H.F($"""<option value="{RequestKinds.Id(k)}"{Selected(typed?.Kind == RequestKinds.Id(k))}>{Name(http, RequestKinds.Name(k))}</option>"""))}</select>
              {RequestForm.Service(model, lang, typed?.Scope, field)}
              <label for="channel">{T(http, "受付方法", "Channel")}</label>
              <select id="channel" name="channel">{Enum.GetValues<RequestChannel>().Select(c => H.F($"""<option value="{c}"{Selected(string.Equals(channel, c.ToString(), StringComparison.OrdinalIgnoreCase))}>{Name(http, RequestKinds.ChannelName(c))}</option>"""))}</select>
              <label for="requesterRole">{T(http, "請求者", "Requester")}</label>
              <select id="requesterRole" name="requesterRole">{Option("self", typed?.RequesterRole, "本人", "The person")}{Option("agent", typed?.RequesterRole, "代理人", "Agent")}{Option("legal-representative", typed?.RequesterRole, "法定代理人", "Statutory representative")}</select>
              <label for="agentName">{T(http, "代理人名", "Agent's name")}</label><input id="agentName" name="agentName" maxlength="200" value="{typed?.AgentName}">
              <label for="name">{T(http, "本人の氏名", "The person's name")}</label><input id="name" name="name" maxlength="200" value="{typed?.Name}">
              <label for="email">{T(http, "メールアドレス", "Email")}</label><input id="email" name="email" type="email" maxlength="254" value="{typed?.Email}">
              <label for="phone">{T(http, "電話番号", "Phone")}</label><input id="phone" name="phone" maxlength="40" value="{typed?.Phone}">
              <label for="address">{T(http, "住所（回答送付先）", "Postal address (for the answer)")}</label><input id="address" name="address" maxlength="2000" value="{typed?.Address}">
              {RequestForm.ForKinds(kinds, RequestKinds.TakesMethod, ids => H.F($"""
              <div class="stack" data-kinds="{ids}">
                <label for="method">{T(http, "開示の方法", "Disclosure method")}</label>
                <select id="method" name="method">{Option("paper", typed?.Method, "書面", "Paper")}{Option("electronic", typed?.Method, "電磁的記録", "Electronic")}</select>
              </div>
              """))}
              {RequestForm.KindFields(model, kinds, lang, typed?.Scope, field)}
              <label for="language">{T(http, "回答の言語", "Answer language")}</label>
              <select id="language" name="language"><option value="ja">日本語</option><option value="en"{Selected(typed?.Language == "en")}>English</option></select>
              <label for="details">{T(http, "請求の内容", "What is asked")}</label><textarea id="details" name="details" rows="4" maxlength="10000">{(typed?.Details is { } d ? "\n" + d : "")}</textarea>
              <button type="submit">{T(http, "登録する", "Enter")}</button>
            </form>
            """));
    }

    /// <summary>What the page says after an action went through (<c>?done=action</c>); an unknown key says nothing.</summary>
    private static string? DoneMessage(HttpContext http, string? done) => done switch
    {
        "start" => T(http, "確認を開始しました。", "Checking started."),
        "checked" => T(http, "書類の確認を記録しました。", "The document check is recorded."),
        "ask-documents" => T(http, "不足書類の提出を依頼しました。回答期限は書類が届くまで停止します。", "The person is asked for the missing documents; the clock is paused until they arrive."),
        "verify" => T(http, "本人確認を完了しました。", "Identity verified."),
        "send-code" => T(http, "確認コードを送りました。", "A one-time code was sent."),
        "payment" => T(http, "入金を記録しました。", "The payment is recorded."),
        "waive" => T(http, "手数料を免除しました。", "The fee is waived."),
        "execute" => T(http, "実行し、本人に回答しました。", "Carried out; the person is answered."),
        "no-data" => T(http, "保有個人データなしと回答しました。", "Answered: no data held."),
        "refuse" => T(http, "お断りの回答をしました。", "The refusal is sent."),
        "withdraw" => T(http, "取下げを記録しました。", "The withdrawal is recorded."),
        "department" => T(http, "担当部門を保存しました。", "The handling department is saved."),
        _ => null,
    };

    /// <summary>Why the request moved, as staff read it; the history records stable codes (audit reason codes).</summary>
    private static string ReasonName(HttpContext http, string? reason) => reason switch
    {
        null or "" => "",
        "staff" => T(http, "職員が確認を開始", "checking started by staff"),
        "document-uploaded" => T(http, "書類の提出", "document uploaded"),
        "document-checked" => T(http, "書類の確認", "document checked"),
        "documents-requested" => T(http, "不足書類の依頼", "documents requested"),
        "code-sent" => T(http, "確認コードの送信", "code sent"),
        "invoiced" => T(http, "手数料の請求", "fee invoiced"),
        "paid" => T(http, "入金の確認", "payment confirmed"),
        "fee-waived" => T(http, "手数料の免除", "fee waived"),
        "no-fee" => T(http, "手数料なし", "no fee"),
        "no-data-held" => T(http, "保有個人データなし", "no data held"),
        "answered" => T(http, "回答", "answered"),
        "withdrawn" => T(http, "取下げ", "withdrawn"),
        _ when RefusalReasons.All.FirstOrDefault(x => x.Code == reason) is { } refusal => T(http, "お断り：", "refused: ") + T(http, refusal.Ja, refusal.En),
        _ when Enum.TryParse<VerificationMethod>(reason, out var method) && Enum.IsDefined(method) => Verification(http, method),
        _ => reason,
    };

    private static async Task<Html> DetailAsync(HttpContext http, DataSubjectRequests requests, Guid id, MamoriException? error, string? done = null)
    {
        var r = await requests.GetAsync(id, http.RequestAborted);
        var v = await requests.ViewAsync(r, http.RequestAborted);
        var codeOffered = await requests.CodeOfferedAsync(r, http.RequestAborted);
        var handles = RolePermissions.Grants(http.Caller().Roles, Permission.HandleRequests);
        // A request whose key was lost and forgotten keeps its status, deadline and history; only what was sealed is gone.
        var keyLost = r.WrappedKey is null;
        var details = handles && !keyLost ? requests.Details(r) : null;
        var categories = await CategoryNamesAsync(http);
        var departments = await DepartmentNamesAsync(http);
        Html err = FormErrors.Block(http, error);
        // A refused action's form keeps what was typed into it.
        var posted = Posted(http, $"/console/requests/{id}/action");
        string? Typed(string action, string field) => posted is not null && posted["action"] == action ? posted[field].ToString() : null;
        Html Button(string action, string ja, string en, Html extra = default, string? confirm = null) => confirm is null ? H.F($"""
            <form method="post" action="/console/requests/{id}/action" class="stack">{AntiforgeryField(http)}<input type="hidden" name="action" value="{action}">{extra}<button type="submit">{T(http, ja, en)}</button></form>
            """) : H.F($"""
            <form method="post" action="/console/requests/{id}/action" class="stack" data-confirm="{confirm}">{AntiforgeryField(http)}<input type="hidden" name="action" value="{action}">{extra}<button type="submit">{T(http, ja, en)}</button></form>
            """);
        // The actions that answer the person and close the request (and, for an erasure, destroy data) ask first.
        var executeConfirm = r.Kind == RequestKind.Erasure
            ? T(http, "消去を実行して本人に回答します。消去したデータは元に戻せません。よろしいですか？", "Erase and answer the person? Erased data cannot be restored.")
            : T(http, "実行して本人に回答します。送った回答は取り消せません。よろしいですか？", "Carry out the request and answer the person? An answer sent cannot be recalled.");
        Html actions = !handles || r.IsClosed ? default : H.F($"""
            {Checklist(http, id, r, v)}
            <h2>{T(http, "操作", "Actions")}</h2>
            {(r.Status == RequestStatus.Received ? Button("start", "確認を開始する", "Start checking") : default)}
            {(v.VerifiedAt is null && RequestKinds.NeedsIdentity(r.Kind) ? H.F($"""
              {Button("ask-documents", "不足書類の提出を依頼する（期限停止）", "Ask for missing documents (pauses the clock)")}
              {(codeOffered ? Button("send-code", "確認コードを送る", "Send a one-time code") : default)}
              {Button("verify", "本人確認を完了する", "Identity verified")}
              {Button("no-data", "保有個人データなしと回答する", "Answer: no data held", confirm: T(http, "保有個人データなしと本人に回答し、請求を終了します。よろしいですか？", "Answer the person that no data is held and close the request?"))}
              """) : default)}
            {(r.Status == RequestStatus.AwaitingPayment ? Button("payment", "入金を確認した", "Payment confirmed", H.F($"""<label for="reference">{T(http, "振込の参照", "Payment reference")}</label><input id="reference" name="reference" maxlength="100" value="{Typed("payment", "reference")}">""")) : default)}
            {(RequestKinds.TakesFee(r.Kind) && r.Status is RequestStatus.AwaitingPayment or RequestStatus.Received or RequestStatus.Verifying ? Button("waive", "手数料を免除する", "Waive the fee", H.F($"""<label for="waive-reason">{T(http, "理由", "Reason")}</label><input id="waive-reason" name="reason" maxlength="200" required value="{Typed("waive", "reason")}">""")) : default)}
            {(r.Status == RequestStatus.InProgress ? Button("execute", "実行して回答する", "Execute and answer", H.F($"""
                {(RequestKinds.TakesCorrections(r.Kind) ? H.F($"""
                <label for="correctionItem">{T(http, "調査の結果、申出と異なる内容に訂正する項目（その項目だけを置き換え、他の項目は申出のとおり訂正します）", "Item to correct to other content than asked, after investigation (only that item changes; the others are corrected as asked)")}</label>
                <select id="correctionItem" name="correctionItem"><option value="">{T(http, "（なし：申出のとおり訂正する）", "(none: correct as asked)")}</option>{(details?.Corrections?.Keys ?? []).Select(c => H.F($"""<option value="{c}"{Selected(Typed("execute", "correctionItem") == c)}>{categories([c])}</option>"""))}</select>
                <label for="correctionValue">{T(http, "その項目の正しい内容", "Its correct content")}</label><input id="correctionValue" name="correctionValue" maxlength="2000" value="{Typed("execute", "correctionValue")}">
                """) : default)}
                {(r.Kind == RequestKind.Complaint
                    ? H.F($"""<label for="note">{T(http, "回答文", "Answer text")}</label><textarea id="note" name="note" rows="4" maxlength="10000" required>{TextareaValue(Typed("execute", "note"))}</textarea>""")
                    : H.F($"""<label for="note">{T(http, "本人への補足（任意）", "Note to the person (optional)")}</label><textarea id="note" name="note" rows="4" maxlength="10000">{TextareaValue(Typed("execute", "note"))}</textarea>"""))}
                """), executeConfirm) : default)}
            {Button("refuse", "理由を付してお断りする", "Refuse with a reason", H.F($"""
                <label for="reason">{T(http, "理由", "Reason")}</label><select id="reason" name="reason">{RefusalReasons.For(r.Kind).Select(x => H.F($"""<option value="{x.Code}"{Selected(Typed("refuse", "reason") == x.Code)}>{T(http, x.LawShortJa, x.Law)} {T(http, x.Ja, x.En)}</option>"""))}</select>
                <label for="refuse-note">{T(http, "補足（本人に伝わります。「理由がない」（法36条）でお断りする場合は、その理由を記入してください）", "Note (sent to the person; required for “unjustified” (Art.36): give the reasons)")}</label><textarea id="refuse-note" name="note" rows="3" maxlength="10000">{TextareaValue(Typed("refuse", "note"))}</textarea>
                """), T(http, "お断りの回答を本人に送り、請求を終了します。よろしいですか？", "Send the refusal to the person and close the request?"))}
            {Button("withdraw", "取下げを記録する", "Record withdrawal", confirm: T(http, "取下げを記録し、請求を終了します。よろしいですか？", "Record the withdrawal and close the request?"))}
            """);
        Html requester = details is null ? default : H.F($"""
            <h2>{T(http, "請求者", "Requester")}</h2>
            <dl><dt>{T(http, "氏名", "Name")}</dt><dd>{details.Name}</dd><dt>{T(http, "代理人", "Agent")}</dt><dd>{details.AgentName}</dd>
            <dt>{T(http, "メール", "Email")}</dt><dd>{details.Email}</dd><dt>{T(http, "電話", "Phone")}</dt><dd>{details.Phone}</dd>
            <dt>{T(http, "住所", "Address")}</dt><dd>{details.Address}</dd><dt>{T(http, "内容", "Details")}</dt><dd>{details.Details}</dd>
            {(RequestKinds.TakesMethod(r.Kind) ? H.F($"""<dt>{T(http, "開示の方法", "Disclosure method")}</dt><dd>{v.Method switch { DisclosureMethod.Paper => T(http, "書面", "paper"), DisclosureMethod.Other => T(http, "その他", "other"), _ => T(http, "電磁的記録", "electronic") }}</dd>""") : default)}
            {(RequestKinds.TakesCorrections(r.Kind) ? H.F($"""<dt>{T(http, "訂正の申出", "Corrections asked")}</dt><dd>{string.Join("; ", (details.Corrections ?? new Dictionary<string, string>()).Select(kv => categories([kv.Key]) + " → " + kv.Value))}</dd>""") : default)}
            {(RequestKinds.TakesCategories(r.Kind) ? H.F($"""<dt>{T(http, "加工の対象", "Items to process")}</dt><dd>{categories(details.Categories ?? [])}</dd>""") : default)}</dl>
            """);
        Html answers = !handles || v.Answers.Count == 0 ? default : H.F($"""
            <h2>{T(http, "回答", "Answer")}</h2>
            {(v.Answers.Contains(ArtifactKind.Html) ? H.F($"""<p><a href="/console/requests/{id}/preview">{T(http, "回答をプレビューする", "Preview the answer")}</a></p>""") : default)}
            <ul>{v.Answers.Select(a => H.F($"""<li><a href="/console/requests/{id}/answer?format={a.ToString().ToLowerInvariant()}">{a}</a></li>"""))}</ul>
            """);
        return Layout(http, v.Reference, H.F($"""
            <h1>{v.Reference} — {Name(http, RequestKinds.Name(v.Kind))}</h1>
            {(error is null ? Notice(DoneMessage(http, done)) : default)}
            {err}
            <dl>
              <dt>{T(http, "状況", "Status")}</dt><dd>{Name(http, RequestKinds.StatusName(v.Status))}</dd>
              <dt>{T(http, "受付方法", "Channel")}</dt><dd>{Name(http, RequestKinds.ChannelName(v.Channel))}</dd>
              <dt>{T(http, "受付日", "Received")}</dt><dd>{v.ReceivedOn:yyyy-MM-dd}</dd>
              <dt>{T(http, "回答期限", "Due")}</dt><dd>{(v.DueOn is { } due ? due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : T(http, $"停止中（再開時 {Day(v.ProjectedDueOn)}）", $"paused (if resumed today {Day(v.ProjectedDueOn)})"))} — {Deadline(http, v.Deadline)}</dd>
              {(v.SuitPossibleFrom is { } suit ? H.F($"""<dt>{T(http, "訴え提起が可能となる日（法39条）", "Suit possible from (Art.39)")}</dt><dd>{suit:yyyy-MM-dd}</dd>""") : default)}
              <dt>{T(http, "停止日数", "Days paused")}</dt><dd>{v.PausedDays}</dd>
              <dt>{T(http, "本人確認", "Verification")}</dt><dd>{Verification(http, v.Verification)}</dd>
              <dt>{T(http, "手数料", "Fee")}</dt><dd id="fee-status">{FeeStatus(http, v)}</dd>
              <dt>{T(http, "照合された記録", "Matched subjects")}</dt><dd>{v.Subjects.Count}</dd>
              <dt>{T(http, "結果", "Outcome")}</dt><dd>{Outcome(http, v.Outcome)}{(RefusalReasons.Find(v.RefusalReason) is { } refusal ? T(http, $"（{refusal.LawShortJa}）", $" ({refusal.Law})") : "")}</dd>
              <dt>{T(http, "担当部門", "Handling department")}</dt><dd>{DepartmentName(http, v.Department, departments)}{RouteNote(http, v)}
              {(handles ? H.F($"""
                <form method="post" action="/console/requests/{id}/action" class="inline">{AntiforgeryField(http)}<input type="hidden" name="action" value="department">
                <label for="department" class="sr-only">{T(http, "担当部門", "Handling department")}</label><select id="department" name="department"><option value="">{T(http, "（未指定）", "(none)")}</option>{departments.Select(d => H.F($"""<option value="{d.Key}"{Selected((Typed("department", "department") ?? v.Department) == d.Key)}>{d.Value} ({d.Key})</option>"""))}</select>
                <button type="submit" class="secondary">{T(http, "保存", "Save")}</button></form>
                """) : default)}</dd>
            </dl>
            {(keyLost ? H.F($"""<p class="error" role="status">{T(http, "この請求の請求者情報・提出書類・回答ファイルは、暗号鍵の紛失（mamori keys forget）により開けなくなりました。",
                "This request's requester details, documents and answer files can no longer be opened: their key was lost and forgotten (mamori keys forget).")}</p>""") : default)}
            {requester}
            <h2>{T(http, "書類", "Documents")}</h2>
            <ul>{v.Documents.Select(d => H.F($"<li>{DocumentName(http, v, d)} ({GroupName(http, d.Group)}, {(d.Source == DocumentSource.Upload ? T(http, "提出", "uploaded") : T(http, "職員が確認", "checked by staff"))}{(d.IssuedOn is { } i ? ", " + i.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "")}{(d.Destroyed ? T(http, "、廃棄済み", ", destroyed") : "")})</li>"))}</ul>
            {(v.MissingDocuments.Count > 0 && v.VerifiedAt is null ? H.F($"<p>{T(http, "不足", "Missing")}: {DocumentList.Inline(v.MissingDocuments, Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja)}</p>") : default)}
            {answers}
            {actions}
            <h2>{T(http, "履歴", "History")}</h2>
            <ol>{v.History.Select(t => H.F($"<li>{TimeZoneInfo.ConvertTime(t.At, RequestClock.Zone):yyyy-MM-dd HH:mm} {Name(http, RequestKinds.StatusName(t.From))} → {Name(http, RequestKinds.StatusName(t.To))} <span class=\"muted\">({ReasonName(http, t.Reason)})</span></li>"))}</ol>
            """));
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An uploaded file is a link for staff who handle requests (they must see it to check it); paper checks and destroyed files are plain text.</summary>
    private static Html DocumentName(HttpContext http, RequestView v, DocumentView d) =>
        d.Source == DocumentSource.Upload && !d.Destroyed && Can(http, Permission.HandleRequests)
            ? H.F($"""<a href="/console/requests/{v.Id}/documents/{d.Id}" target="_blank" rel="noopener">{Name(http, d)}</a>""")
            : H.F($"{Name(http, d)}");

    /// <summary>A document by the policy's name for it in the page's language (recorded in Japanese).</summary>
    private static string Name(HttpContext http, DocumentView d) => T(http, d.Name, d.NameEn ?? d.Name);

    private static string GroupName(HttpContext http, DocumentGroup g) => g switch
    {
        DocumentGroup.Proxy => T(http, "代理人", "Agent"),
        DocumentGroup.LegalRepresentative => T(http, "法定代理人", "Statutory representative"),
        _ => T(http, "本人確認", "Identity"),
    };

    private static string Verification(HttpContext http, VerificationMethod m) => m switch
    {
        VerificationMethod.Documents => T(http, "書類で確認済み", "verified by documents"),
        VerificationMethod.OneTimeCode => T(http, "確認コードで確認済み", "verified by one-time code"),
        VerificationMethod.NotRequired => T(http, "不要", "not required"),
        _ => T(http, "未了", "not yet"),
    };

    private static string Outcome(HttpContext http, RequestOutcome o) => o switch
    {
        RequestOutcome.Executed => T(http, "実施", "executed"),
        RequestOutcome.NoDataHeld => T(http, "保有個人データなし", "no data held"),
        RequestOutcome.NoChange => T(http, "変更なし", "no change"),
        RequestOutcome.Refused => T(http, "お断り", "refused"),
        RequestOutcome.Withdrawn => T(http, "取下げ", "withdrawn"),
        _ => "—",
    };

    /// <summary>The fee as the officer needs it: amount, and whether it is awaited, paid, waived or not charged.</summary>
    private static string FeeStatus(HttpContext http, RequestView v) =>
        v.FeeYen == 0 && !v.FeeWaived
            ? (!RequestKinds.TakesFee(v.Kind) || v.VerifiedAt is not null || v.Status is RequestStatus.InProgress or RequestStatus.Answered or RequestStatus.Refused or RequestStatus.Withdrawn
                ? T(http, "なし", "none")
                : T(http, "なし（または本人確認後に確定）", "none (or set after verification)"))
        : $"{v.FeeYen:N0} {T(http, "円", "yen")} — " + (v.FeeWaived ? T(http, "免除", "waived")
            : v.PaidAt is { } paid ? T(http, "入金確認済み", "paid") + " " + Jst(paid)
            : v.InvoicedAt is not null ? T(http, "入金待ち（期限停止中）", "awaiting payment (clock paused)")
            : T(http, "未請求", "not invoiced yet"));

    /// <summary>
    /// The verification checklist: every document the policy requires for this requester, ticked when held, with
    /// a form per missing one that staff tick after checking the original or copy (letters, visits).
    /// </summary>
    private static Html Checklist(HttpContext http, Guid id, DataSubjectRequest r, RequestView v)
    {
        if (!RequestKinds.NeedsIdentity(r.Kind)) return default;
        var en = Lang(http) == "en";
        string Group(DocumentGroup g) => GroupName(http, g);
        var held = v.Documents.Where(d => !d.Destroyed).Select(d => H.F($"""
            <li class="done"><span aria-hidden="true">☑</span> {Name(http, d)} <span class="muted">({Group(d.Group)}{(d.IssuedOn is { } i ? ", " + T(http, "発行日 ", "issued ") + i.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "")})</span></li>
            """));
        var n = 0;
        var lang = en ? NoticeLanguage.En : NoticeLanguage.Ja;
        // The alternatives of a group come after the notice's lead line (「上記に加え、次のいずれか1点：」), as in DocumentList.
        var firstAlternatives = v.MissingDocuments.GroupBy(m => m.Group).Where(g => g.Count(m => m.OneOf) > 1).Select(g => g.First(m => m.OneOf)).ToList();
        // The document whose check was refused keeps its tick and issue date.
        var posted = Posted(http, $"/console/requests/{id}/action") is { } f && f["action"] == "checked" ? f : null;
        var missing = v.VerifiedAt is not null ? [] : v.MissingDocuments.Select(m =>
        {
            n++;
            Html lead = firstAlternatives.Contains(m)
                ? H.F($"""<li>{NoticePhrases.OneOfLead(v.MissingDocuments.Any(x => x.Group == m.Group && !x.OneOf), lang)}</li>""")
                : default;
            var name = en ? m.NameEn ?? m.Name : m.Name;
            var typed = posted is not null && posted["document"] == m.Name && posted["group"] == m.Group.ToString() ? posted : null;
            Html date = m.MaxAge is null ? default : H.F($"""
                <label for="issued-{n}">{T(http, "発行日", "Issue date")}</label><input id="issued-{n}" name="issuedOn" type="date" required value="{typed?["issuedOn"].ToString()}">
                """);
            return H.F($"""
                {lead}<li><form method="post" action="/console/requests/{id}/action" class="check-item">{AntiforgeryField(http)}
                <input type="hidden" name="action" value="checked"><input type="hidden" name="group" value="{m.Group.ToString()}"><input type="hidden" name="document" value="{m.Name}">
                <label class="check"><input type="checkbox" name="confirm" value="yes" required{(typed is not null && typed["confirm"] == "yes" ? Html.Raw(" checked") : default)}> {name} <span class="muted">({Group(m.Group)}{(m.MaxAge is not null ? T(http, $"・{m.IssuedWithin(NoticeLanguage.Ja)}", $", {m.IssuedWithin(NoticeLanguage.En)}") : "")})</span></label>
                {date}<button type="submit" class="secondary">{T(http, "確認済みにする", "Mark as checked")}</button></form></li>
                """);
        }).ToList();
        Html state = v.VerifiedAt is { } at
            ? H.F($"""<p class="ok">✔ {T(http, "本人確認済み", "Identity verified")} {Jst(at)} ({Verification(http, v.Verification)})</p>""")
            : v.MissingDocuments.Count == 0
                ? H.F($"""<p class="ok">{T(http, "必要な書類はそろっています。「本人確認を完了する」で確認を終えてください。", "Every required document is here: finish with “Identity verified”.")}</p>""")
                : H.F($"""<p>{T(http, "不足している書類を確認したら、チェックを入れて記録してください。", "Tick each missing document once you have checked it.")}</p>""");
        return H.F($"""
            <section aria-labelledby="checklist-h"><h2 id="checklist-h">{T(http, "本人確認チェックリスト", "Verification checklist")}</h2>
            {state}
            <ul class="checklist">{held}{missing}</ul>
            </section>
            """);
    }

    /// <summary>The HTML answer inside the console frame (its own styles dropped: CSP allows no inline style). Reading it is audited.</summary>
    private static async Task<Html> PreviewAsync(HttpContext http, DataSubjectRequests requests, Guid id)
    {
        var r = await requests.GetAsync(id, http.RequestAborted);
        var title = T(http, "回答のプレビュー", "Answer preview") + " " + r.Reference;
        Html body;
        try
        {
            var (_, bytes) = await requests.AnswerAsync(r, ArtifactKind.Html, http.Actor(), http.RequestAborted);
            var html = System.Text.Encoding.UTF8.GetString(bytes);
            var start = html.IndexOf("<body>", StringComparison.Ordinal);
            var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
            // The answer is Mamori's own rendering, every value in it HTML-encoded; only its frame is dropped.
            var inner = start >= 0 && end > start ? html[(start + 6)..end] : "";
            inner = inner.Replace("<h1>", "<h2>", StringComparison.Ordinal).Replace("</h1>", "</h2>", StringComparison.Ordinal);
            body = H.F($"""
                <p role="status">{T(http, "本人に届く回答（HTML）と同じ内容です。この閲覧は監査ログに記録されました。", "The same answer (HTML) the person receives. This view was recorded in the audit log.")}</p>
                <article class="answer-preview card" lang="ja">{Html.Raw(inner)}</article>
                """);
        }
        catch (MamoriException e) when (e.Code is ErrorCode.RequestAnswerNotReady or ErrorCode.RequestPaymentRequired or ErrorCode.RequestFilesDestroyed)
        {
            body = H.F($"""<p class="notice" role="status">{T(http, "表示できる回答はまだありません", "There is no answer to show yet")} [{ErrorCodes.Format(e.Code)}]</p>""");
        }
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {body}
            <p><a href="/console/requests/{id}">{T(http, "請求の詳細へ戻る", "Back to the request")}</a></p>
            """));
    }
}
