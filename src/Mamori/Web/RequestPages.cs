using Mamori.Audit;
using Mamori.Auth;
using Mamori.Errors;
using Mamori.Http;
using Mamori.Policy;
using Mamori.Policy.Rendering;
using Mamori.Requests;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// The person's side of requests (開示等の請求): the form built from the policy's procedures (JA /requests,
/// EN /en/requests) and the private status page behind an unguessable link. No script; every form
/// carries the anti-forgery field.
/// </summary>
public static class RequestPages
{
    private static string L(NoticeLanguage lang, string ja, string en) => lang == NoticeLanguage.En ? en : ja;

    private static string Id(RequestKind k) => RequestKinds.Id(k);

    public static void MapRequestPages(this WebApplication app)
    {
        foreach (var (prefix, lang) in new[] { ("", NoticeLanguage.Ja), ("/en", NoticeLanguage.En) })
        {
            app.MapGet(prefix + "/requests", async (HttpContext http) =>
            {
                await RequestEndpoints.UsePublicTenantAsync(http);
                var current = await http.RequestServices.GetRequiredService<PolicyStore>().CurrentAsync(http.RequestAborted);
                if (current is null) return Result(PublicLayout(http, lang, L(lang, "開示等のご請求", "Requests about your data"),
                    H.F($"<h1>{L(lang, "開示等のご請求", "Requests about your data")}</h1><p>{L(lang, "プライバシーポリシーがまだ公開されていません。", "No privacy policy is published yet.")}</p>")), 404);
                return Result(FormPage(http, lang, prefix, current.Model, null, null));
            }).AllowAnonymous().ExcludeFromDescription();

            app.MapPost(prefix + "/requests", async (HttpContext http, [FromForm] string kind, [FromForm] string? requesterRole, [FromForm] string? name,
                [FromForm] string? email, [FromForm] string? phone, [FromForm] string? address, [FromForm] string? agentName, [FromForm] string? details,
                [FromForm] string? method) =>
            {
                await RequestEndpoints.UsePublicTenantAsync(http);
                var current = await http.RequestServices.GetRequiredService<PolicyStore>().RequireCurrentAsync(http.RequestAborted);
                var scope = RequestForm.Scope.Read(http.Request.Form);
                var typed = new FormInput(kind, requesterRole, name, email, phone, address, agentName, details, method, scope);
                try
                {
                    var intake = scope.AddTo(new RequestIntake
                    {
                        Kind = kind,
                        Channel = RequestChannel.WebForm,
                        RequesterRole = requesterRole switch { "agent" => RequesterRole.Agent, "legal-representative" => RequesterRole.LegalRepresentative, _ => RequesterRole.Self },
                        Method = method switch { "paper" => DisclosureMethod.Paper, "other" => DisclosureMethod.Other, _ => DisclosureMethod.Electronic },
                        Language = lang == NoticeLanguage.En ? "en" : "ja",
                        Name = name, Email = email, Phone = phone, Address = address, AgentName = agentName, Details = details,
                        Client = http.Connection.RemoteIpAddress,
                    });
                    // The form's submission id is the idempotency key: the same form posted again (a reload of this page) answers the
                    // request it opened, with the same status link, and opens and sends nothing.
                    var created = await http.RequestServices.GetRequiredService<DataSubjectRequests>()
                        .SubmitAsync(intake, Actor.Anonymous, RequestForm.IdempotencyKey(http.Request.Form), http.RequestAborted);
                    var link = $"{prefix}/requests/status/{created.StatusToken}";
                    return Result(PublicLayout(http, lang, L(lang, "ご請求を受け付けました", "Request received"), H.F($"""
                        <h1>{L(lang, "ご請求を受け付けました", "We received your request")}</h1>
                        {(created.Replayed ? Notice(L(lang, "このご請求は受付済みです。同じ内容が再送信されたため、新たなご請求にはしていません。", "This request was already received. The same form was sent again, so no new request was made.")) : default)}
                        <p>{L(lang, "受付番号：", "Reference: ")}<strong>{created.Request.Reference}</strong></p>
                        <p>{L(lang, "状況の確認・本人確認書類の提出は、次の非公開リンクから行えます。他の方に知らせないでください。", "Check the status and send identity documents through this private link. Do not share it.")}</p>
                        <p><a href="{link}">{L(lang, "ご請求の状況を確認する", "Check your request")}</a></p>
                        """)), 201);
                }
                catch (MamoriException e)
                {
                    // The form comes back with what the person typed, in this response's body only (never in a URL); uncached, as is
                    // every answer of this endpoint (PrivateLink).
                    return Result(FormPage(http, lang, prefix, current.Model, e, typed), e.Status is >= 400 and < 500 ? e.Status : 400);
                }
            }).AllowAnonymous().PrivateLink().RequireRateLimiting("public-form").ExcludeFromDescription();

            app.MapGet(prefix + "/requests/status/{token}", async (HttpContext http, string token, string? done) =>
            {
                await RequestEndpoints.UsePublicTenantAsync(http);
                return await WithRequestAsync(http, lang, token, async (requests, r) =>
                    Result(StatusPage(http, lang, prefix, token, r, await requests.ViewAsync(r, http.RequestAborted), await requests.CodeOfferedAsync(r, http.RequestAborted), null, done)));
            }).AllowAnonymous().PrivateLink().ExcludeFromDescription();

            app.MapPost(prefix + "/requests/status/{token}/send-code", async (HttpContext http, string token, [FromForm] string? unused) =>
            {
                _ = unused;
                await RequestEndpoints.UsePublicTenantAsync(http);
                return await ActAsync(http, lang, prefix, token, "code-sent", (requests, r) => requests.SendCodeAsync(r, token, Subject(r), http.Connection.RemoteIpAddress, http.RequestAborted));
            }).AllowAnonymous().PrivateLink().RequireRateLimiting("public-form").ExcludeFromDescription();

            app.MapPost(prefix + "/requests/status/{token}/code", async (HttpContext http, string token, [FromForm] string code) =>
            {
                await RequestEndpoints.UsePublicTenantAsync(http);
                return await ActAsync(http, lang, prefix, token, "verified", (requests, r) => requests.VerifyCodeAsync(r, code, Subject(r), http.RequestAborted));
            }).AllowAnonymous().PrivateLink().RequireRateLimiting("public-form").ExcludeFromDescription();

            app.MapPost(prefix + "/requests/status/{token}/withdraw", async (HttpContext http, string token, [FromForm] string? confirm) =>
            {
                await RequestEndpoints.UsePublicTenantAsync(http);
                // A withdrawal cannot be undone: the person ticks the box first (the page has no script to ask).
                return await ActAsync(http, lang, prefix, token, "withdrawn", (requests, r) => confirm == "yes"
                    ? requests.WithdrawAsync(r, Subject(r), http.RequestAborted)
                    : throw new MamoriException(ErrorCode.MissingField, "Tick the box to confirm the withdrawal.") { Reason = "withdraw-confirm" });
            }).AllowAnonymous().PrivateLink().RequireRateLimiting("public-form").ExcludeFromDescription();

            // Multipart: the body limit must be raised before the form is read, so anti-forgery is validated by hand.
            app.MapPost(prefix + "/requests/status/{token}/documents", async (HttpContext http, string token, IAntiforgery antiforgery, IOptions<RequestSettings> settings) =>
            {
                await RequestEndpoints.UsePublicTenantAsync(http);
                var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
                if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = settings.Value.MaxUploadBytes * 2 + 64 * 1024;
                if (http.Request.HasFormContentType) await antiforgery.ValidateRequestAsync(http);
                return await ActAsync(http, lang, prefix, token, "uploaded", async (requests, r) =>
                {
                    var (group, name, issued, content) = await RequestEndpoints.ReadUploadAsync(http, settings.Value, form =>
                        form["document"].ToString().Split('/', 2) is [var g, var n]
                            ? (RequestEndpoints.Group(g), n)
                            : throw new MamoriException(ErrorCode.RequestUnknownDocument, "Choose the document from the list."));
                    await requests.AddDocumentAsync(r, group, name, issued, content, Subject(r), http.RequestAborted);
                    return await requests.ViewAsync(r, http.RequestAborted);
                });
            }).AllowAnonymous().PrivateLink().RequireRateLimiting("public-form").DisableAntiforgery().ExcludeFromDescription();

            app.MapGet(prefix + "/requests/status/{token}/answer", async (HttpContext http, string token, string? format) =>
            {
                await RequestEndpoints.UsePublicTenantAsync(http);
                return await WithRequestAsync(http, lang, token, async (requests, r) =>
                {
                    var kind = RequestEndpoints.Format(format);
                    var (type, bytes) = await requests.AnswerAsync(r, kind, Subject(r), http.RequestAborted);
                    return Results.File(bytes, type, RequestEndpoints.FileName(r, kind));
                });
            }).AllowAnonymous().PrivateLink().ExcludeFromDescription();
        }
    }

    private static Actor Subject(DataSubjectRequest r) => new(ActorKind.DataSubject, r.Id.ToString());

    private static async Task<IResult> WithRequestAsync(HttpContext http, NoticeLanguage lang, string token, Func<DataSubjectRequests, DataSubjectRequest, Task<IResult>> work)
    {
        var requests = http.RequestServices.GetRequiredService<DataSubjectRequests>();
        try
        {
            return await work(requests, await requests.ByTokenAsync(token, http.RequestAborted));
        }
        catch (MamoriException e)
        {
            return Result(ErrorPage(http, lang, e), e.Status is >= 400 and < 600 ? e.Status : 400);
        }
    }

    /// <summary>Does <paramref name="action"/> and goes back to the status page, which then says what happened (<paramref name="done"/>, a key of <see cref="Done"/>).</summary>
    private static Task<IResult> ActAsync(HttpContext http, NoticeLanguage lang, string prefix, string token, string done, Func<DataSubjectRequests, DataSubjectRequest, Task<RequestView>> action) =>
        WithRequestAsync(http, lang, token, async (requests, r) =>
        {
            try
            {
                await action(requests, r);
                return Results.Redirect($"{prefix}/requests/status/{token}?done={done}");
            }
            catch (MamoriException e) when (e.Code != ErrorCode.RequestStatusLinkInvalid)
            {
                var fresh = await requests.ByTokenAsync(token, http.RequestAborted);
                return Result(StatusPage(http, lang, prefix, token, fresh, await requests.ViewAsync(fresh, http.RequestAborted), await requests.CodeOfferedAsync(fresh, http.RequestAborted), e, null), e.Status is >= 400 and < 500 ? e.Status : 400);
            }
        });

    private static Html ErrorPage(HttpContext http, NoticeLanguage lang, MamoriException e)
    {
        var title = e.Code == ErrorCode.RequestStatusLinkInvalid ? L(lang, "リンクが無効です", "This link is not valid") : L(lang, "エラー", "Error");
        var text = e.Code == ErrorCode.RequestStatusLinkInvalid
            ? L(lang, "この状況確認リンクは無効です。受付時にお送りしたメッセージのリンクをご利用ください。", "This status link is not valid. Use the link from the message we sent you.")
            : lang == NoticeLanguage.En ? FormErrors.Explain(e).En : FormErrors.Explain(e).Ja;
        return PublicLayout(http, lang, title, H.F($"""<h1>{title}</h1><p class="error" role="alert">{text} ({ErrorCodes.Format(e.Code)})</p>"""));
    }


    /// <summary>What the person typed into the request form, to show it again when the form is refused (file inputs excepted).</summary>
    private sealed record FormInput(string? Kind, string? RequesterRole, string? Name, string? Email, string? Phone, string? Address, string? AgentName,
        string? Details, string? Method, RequestForm.Scope Scope);

    private static Html Selected(bool on) => on ? Html.Raw(" selected") : default;

    private static Html Checked(bool on) => on ? Html.Raw(" checked") : default;

    private static Html FormPage(HttpContext http, NoticeLanguage lang, string prefix, PolicyModel model, MamoriException? error, FormInput? typed)
    {
        var field = error is null ? null : FormErrors.RequestField(error);
        var role = typed?.RequesterRole is "agent" or "legal-representative" ? typed.RequesterRole : "self";
        var method = typed?.Method == "paper" ? "paper" : "electronic";
        var p = model.RequestProcedures;
        // Agents and representatives are offered only where the policy names the documents that prove the representation (intake refuses the others).
        var agents = p is null || DataSubjectRequests.Represents(p, RequesterRole.Agent);
        var representatives = p is null || DataSubjectRequests.Represents(p, RequesterRole.LegalRepresentative);
        var online = p is null || p.Channels.Count == 0 || p.Channels.Contains(RequestChannel.WebForm);
        var kinds = RequestKinds.All.Where(k => online ? RequestKinds.Offers(p, k) : k == RequestKind.Complaint).ToList();
        Html Option(RequestKind k) => H.F($"""<option value="{Id(k)}"{Selected(typed?.Kind == Id(k))}>{L(lang, RequestKinds.Name(k).Ja, RequestKinds.Name(k).En)}</option>""");
        Html Docs(DocumentGroup group, IEnumerable<RequiredDocument> docs) => Documents(docs.Select(d => MissingDocument.Of(group, d)), lang);
        Html Fee(RequestFee f) => H.F($"<li>{L(lang, RequestKinds.Name(Map(f.Type)).Ja + "：", RequestKinds.Name(Map(f.Type)).En + ": ")}{f.AmountYen:N0}{L(lang, f.TaxIncluded ? "円（税込）" : "円（税別）", f.TaxIncluded ? " yen incl. tax" : " yen plus tax")} {f.Per?.Get(lang)}</li>");
        Html procedure = p is null ? default : H.F($"""
            <section>
            <h2>{L(lang, "手続", "Procedure")}</h2>
            <p>{L(lang, "受付方法：", "Accepted channels: ")}{string.Join(L(lang, "、", ", "), p.Channels.Select(c => L(lang, RequestKinds.ChannelName(c).Ja, RequestKinds.ChannelName(c).En)))}</p>
            {(p.NotAccepted.Count > 0 ? H.F($"<p>{L(lang, "受け付けない方法：", "Not accepted: ")}{string.Join(L(lang, "、", ", "), p.NotAccepted.Select(c => L(lang, RequestKinds.ChannelName(c).Ja, RequestKinds.ChannelName(c).En)))}</p>") : default)}
            {(p.SendTo is not null ? H.F($"<p>{L(lang, "送付先：", "Send to: ")}{p.SendTo.Get(lang)}</p>") : default)}
            <h3>{L(lang, "本人確認書類", "Identity documents")}</h3>{Docs(DocumentGroup.Identity, p.IdentityDocuments)}
            {(RequestProcedures.EmailCodeOffered(p) ? H.F($"<p>{NoticePhrases.EmailCodeAlternative(p, lang)}</p>") : default)}
            {(p.ProxyDocuments.Count > 0 ? H.F($"<h3>{L(lang, "代理人の場合", "For an agent")}</h3>{Docs(DocumentGroup.Proxy, p.ProxyDocuments)}") : default)}
            {(p.LegalRepresentativeDocuments.Count > 0 ? H.F($"<h3>{L(lang, "法定代理人の場合", "For a statutory representative")}</h3>{Docs(DocumentGroup.LegalRepresentative, p.LegalRepresentativeDocuments)}") : default)}
            <h3>{L(lang, "手数料", "Fees")}</h3>
            {(p.Fees.Count > 0 ? H.F($"<ul>{p.Fees.Select(Fee)}</ul>") : H.F($"<p>{L(lang, "手数料はいただきません。", "There is no fee.")}</p>"))}
            {(p.PaymentMethod is not null && p.Fees.Count > 0 ? H.F($"<p>{p.PaymentMethod.Get(lang)}</p>") : default)}
            {(p.ResponseTime is not null ? H.F($"<p>{L(lang, "回答の時期：", "When we answer: ")}{p.ResponseTime.Get(lang)}</p>") : default)}
            </section>
            """);
        Html notice = online ? default : H.F($"""<p class="note">{L(lang, "開示等のご請求は、上記の方法（郵送）でのみお受けしています。このフォームからは苦情・お問合せのみお送りいただけます。", "Requests about your data are accepted only by the channels above (post). This form takes complaints and inquiries only.")}</p>""");
        // What intake requires, marked in the labels: the name for every kind but a complaint, the text for a complaint, an e-mail or
        // a postal address always. A field is `required` only where every kind offered requires it (the page has no script).
        var complaints = kinds.Contains(RequestKind.Complaint);
        var onlyComplaints = kinds.All(k => k == RequestKind.Complaint);
        Html nameMark = onlyComplaints ? H.F($"{L(lang, "（任意）", " (optional)")}")
            : complaints ? H.F($" {RequiredMark(lang)}{L(lang, "（苦情・お問合せでは任意）", " (optional for a complaint or inquiry)")}") : H.F($" {RequiredMark(lang)}");
        Html detailsMark = onlyComplaints ? H.F($" {RequiredMark(lang)}") : complaints ? H.F($"{L(lang, "（苦情・お問合せの場合は必須）", " (required for a complaint or inquiry)")}") : default;
        return PublicLayout(http, lang, L(lang, "開示等のご請求", "Requests about your data"), H.F($"""
            <h1>{L(lang, "開示等のご請求", "Requests about your data")}</h1>
            {FormErrors.Block(error, lang, FormErrors.BlockId)}
            {procedure}
            {notice}
            <form method="post" action="{prefix}/requests" class="stack">
              {AntiforgeryField(http)}{RequestForm.Submission()}
              <p id="required-note">{L(lang, "「必須」の項目は必ずご記入ください。メールアドレス又はご住所は、どちらか一方が必須です（回答のお送り先）。", "Fields marked \"required\" must be filled in. Give an email address or a postal address, at least one of them (where we send the answer).")}</p>
              <label for="kind">{L(lang, "ご請求の種類", "Kind of request")} {RequiredMark(lang)}</label>
              <select id="kind" name="kind" required{Invalid(field, "kind")}>{kinds.Select(Option)}</select>
              {RequestForm.Service(model, lang, typed?.Scope, field)}
              <fieldset><legend>{L(lang, "請求者", "Who is asking")}</legend>
                <label><input type="radio" name="requesterRole" value="self"{Checked(role == "self")}> {L(lang, "本人", "The person themself")}</label>
                {(agents ? H.F($"""<label><input type="radio" name="requesterRole" value="agent"{Checked(role == "agent")}> {L(lang, "代理人", "An agent")}</label>""") : default)}
                {(representatives ? H.F($"""<label><input type="radio" name="requesterRole" value="legal-representative"{Checked(role == "legal-representative")}> {L(lang, "法定代理人", "A statutory representative")}</label>""") : default)}
              </fieldset>
              {(agents || representatives ? H.F($"""
              <label for="agentName">{L(lang, "代理人のお名前（代理人の場合）", "Agent's name (for an agent)")}</label>
              <input id="agentName" name="agentName" maxlength="200" value="{typed?.AgentName}"{Invalid(field, "agentName")}>
              """) : default)}
              <label for="name">{L(lang, "ご本人のお名前", "The person's name")}{nameMark}</label>
              <input id="name" name="name" maxlength="200" autocomplete="name" value="{typed?.Name}"{(complaints ? default : Html.Raw(" required"))}{Invalid(field, "name")}>
              <label for="email">{L(lang, "メールアドレス（ご登録のもの）", "Email address (the one you registered)")}</label>
              <input id="email" name="email" type="email" maxlength="254" autocomplete="email" value="{typed?.Email}"{Invalid(field, "email")}>
              <label for="phone">{L(lang, "電話番号（ご登録のもの、任意）", "Phone number (the one you registered, optional)")}</label>
              <input id="phone" name="phone" type="tel" maxlength="40" autocomplete="tel" value="{typed?.Phone}"{Invalid(field, "phone")}>
              <label for="address">{L(lang, "ご住所（書面での回答を希望する場合）", "Postal address (for an answer on paper)")}</label>
              <input id="address" name="address" maxlength="2000" autocomplete="street-address" value="{typed?.Address}"{Invalid(field, "address")}>
              {RequestForm.ForKinds(kinds, RequestKinds.TakesMethod, ids => H.F($"""
              <fieldset data-kinds="{ids}"><legend>{L(lang, "開示の方法（開示の場合）", "Disclosure method (for disclosure)")}</legend>
                <label><input type="radio" name="method" value="electronic"{Checked(method == "electronic")}> {L(lang, "電磁的記録（PDF・HTML・JSON）", "Electronic (PDF, HTML, JSON)")}</label>
                <label><input type="radio" name="method" value="paper"{Checked(method == "paper")}> {L(lang, "書面（郵送）", "Paper (by post)")}</label>
              </fieldset>
              """))}
              {RequestForm.KindFields(model, kinds, lang, typed?.Scope, field)}
              <label for="details">{L(lang, "ご請求の内容・理由・苦情の内容", "What you ask, your reasons, or your complaint")}{detailsMark}</label>
              <textarea id="details" name="details" rows="6" maxlength="10000"{(onlyComplaints ? Html.Raw(" required") : default)}{Invalid(field, "details")}>{(typed?.Details is { } d ? "\n" + d : "")}</textarea>
              <button type="submit">{L(lang, "送信する", "Send")}</button>
            </form>
            """));
    }

    /// <summary>
    /// Documents as the notice lists them (<see cref="DocumentList"/>): those all needed, then 「上記に加え、次のいずれか1点：」 and the
    /// alternatives; a heading per group when there are several.
    /// </summary>
    private static Html Documents(IEnumerable<MissingDocument> documents, NoticeLanguage lang)
    {
        var parts = DocumentList.Parts(documents, lang);
        return Html.Join(parts.Select(p => H.F($"""
            {(parts.Count > 1 ? H.F($"<h3>{DocumentList.GroupName(p.Group, lang)}</h3>") : default)}
            {(p.All.Count > 0 ? H.F($"<ul>{p.All.Select(n => H.F($"<li>{n}</li>"))}</ul>") : default)}
            {(p.OneOf.Count > 0 ? H.F($"<p>{NoticePhrases.OneOfLead(p.All.Count > 0, lang)}</p><ul>{p.OneOf.Select(n => H.F($"<li>{n}</li>"))}</ul>") : default)}
            """)));
    }

    /// <summary>
    /// The documents the request still needs, each posted as <c>group/name</c>: only the groups of this requester (the person; an
    /// agent or a statutory representative as well), one option group each when there are several. One select, no script.
    /// </summary>
    private static Html DocumentOptions(IReadOnlyList<MissingDocument> missing, NoticeLanguage lang)
    {
        Html Option(MissingDocument m) =>
            H.F($"""<option value="{DocumentList.GroupId(m.Group)}/{m.Name}">{DocumentList.Name(m, lang)}</option>""");
        var groups = missing.GroupBy(m => m.Group).OrderBy(g => g.Key).ToList();
        return groups.Count == 1
            ? Html.Join(groups[0].Select(Option))
            : Html.Join(groups.Select(g => H.F($"""<optgroup label="{DocumentList.GroupName(g.Key, lang)}">{g.Select(Option)}</optgroup>""")));
    }

    private static RequestKind Map(RequestType t) => t switch
    {
        RequestType.PurposeNotification => RequestKind.PurposeNotification,
        RequestType.Disclosure => RequestKind.Disclosure,
        RequestType.ProvisionRecords => RequestKind.ProvisionRecords,
        RequestType.Correction => RequestKind.Correction,
        RequestType.StopProvision => RequestKind.StopProvision,
        RequestType.Anonymization => RequestKind.Anonymization,
        RequestType.Portability => RequestKind.Portability,
        _ => RequestKind.Suspension,
    };

    /// <summary>
    /// What the status page says after an action (<c>?done=key</c>, a key only: the page is behind a private link and carries
    /// nothing personal in its address); an unknown key says nothing.
    /// </summary>
    private static string? Done(string? done, NoticeLanguage lang, int codeMinutes) => done switch
    {
        "code-sent" => L(lang, $"確認コードをメールでお送りしました。届いた6桁のコードを、{codeMinutes}分以内に下の「確認コード」欄にご入力ください。",
            $"We e-mailed you a code. Enter the 6 digits in the Code field below within {codeMinutes} minutes."),
        "verified" => L(lang, "確認コードによる本人確認が完了しました。", "Your identity is verified by the code."),
        "uploaded" => L(lang, "書類を受け付けました。当社で内容を確認します。", "We received your document and will check it."),
        "withdrawn" => L(lang, "ご請求を取り下げました。", "Your request is withdrawn."),
        _ => null,
    };

    private static Html Invalid(string? field, string id) => RequestForm.Invalid(field, id);

    private static Html StatusPage(HttpContext http, NoticeLanguage lang, string prefix, string token, DataSubjectRequest r, RequestView v, bool codeOffered,
        MamoriException? error, string? done)
    {
        var baseUrl = $"{prefix}/requests/status/{token}";
        var field = error is null ? null : FormErrors.StatusField(error);
        var settings = http.RequestServices.GetRequiredService<IOptions<RequestSettings>>().Value;
        var (sja, sen) = RequestKinds.StatusName(v.Status);
        var (kja, ken) = RequestKinds.Name(v.Kind);
        Html due = v.Deadline == DeadlineState.Paused
            ? H.F($"<p>{L(lang, "現在、書類又はお支払いをお待ちしているため、回答期限の計算を止めています。再開した場合の期限：", "The clock is paused while we wait for your documents or payment. If it resumed today, the answer would be due by: ")}{v.ProjectedDueOn:yyyy-MM-dd}</p>")
            : r.IsClosed ? default : H.F($"<p>{L(lang, "回答期限の目安：", "Answer due by: ")}<strong>{v.DueOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}</strong></p>");
        Html fee = v.FeeYen > 0 ? H.F($"<p>{L(lang, "手数料：", "Fee: ")}{v.FeeYen:N0}{L(lang, "円（税込）", " yen incl. tax")} — {(v.FeeWaived ? L(lang, "免除", "waived") : v.PaidAt is not null ? L(lang, "お支払い確認済み", "paid") : L(lang, "お支払い待ち", "awaiting payment"))}</p>") : default;
        var account = settings.PaymentAccountFor(lang == NoticeLanguage.En);
        Html payTo = v.Status == RequestStatus.AwaitingPayment && !v.FeeWaived && account is not null
            ? H.F($"<p>{L(lang, "お振込先：", "Pay to: ")}{account}<br>{L(lang, $"振込依頼人名の前に受付番号 {v.Reference} を付けてください。", $"Put the reference {v.Reference} before your name as the remitter.")}</p>")
            : default;
        Html missing = r.IsClosed || v.VerifiedAt is not null || v.MissingDocuments.Count == 0 ? default : H.F($"""
            <h2>{L(lang, "本人確認", "Identity check")}</h2>
            <p>{L(lang, "次の書類が必要です。", "We need these documents.")}</p>
            {Documents(v.MissingDocuments, lang)}
            <form method="post" action="{baseUrl}/documents" enctype="multipart/form-data" class="stack">
              {AntiforgeryField(http)}
              <label for="document">{L(lang, "書類", "Document")} {RequiredMark(lang)}</label>
              <select id="document" name="document" required{Invalid(field, "document")}>{DocumentOptions(v.MissingDocuments, lang)}</select>
              <label for="issuedOn">{L(lang, "発行日（住民票等）", "Issue date (residence certificate etc.)")}</label>
              <input id="issuedOn" name="issuedOn" type="date"{Invalid(field, "issuedOn")}>
              <label for="file">{L(lang, "ファイル（画像又はPDF）", "File (image or PDF)")} {RequiredMark(lang)}</label>
              <input id="file" name="file" type="file" accept="image/*,application/pdf" required{Invalid(field, "file")}>
              <button type="submit">{L(lang, "提出する", "Upload")}</button>
            </form>
            """);
        // Offered whether or not the contact data matched anyone: the page must not tell a stranger who is a customer (F5).
        Html code = !codeOffered || r.IsClosed || v.VerifiedAt is not null || !RequestKinds.NeedsIdentity(r.Kind) || r.RequesterRole != RequesterRole.Self || !DataSubjectRequests.IsOnline(r.Channel) ? default : H.F($"""
            <h2>{L(lang, "オンラインでの本人確認", "Verify online")}</h2>
            <p>{L(lang, "ご請求に記載のメールアドレス宛てに確認コードをお送りします。確認できるのは、そのメールアドレスでご登録の情報です。電話番号など他の情報でご登録の場合は、本人確認書類の提出（このページ又は郵送）で確認いたします。",
                "We e-mail a code to the address in your request. It confirms the data we hold under that address; for data registered under a phone number or other details, verify with identity documents (on this page or by post).")}</p>
            <form method="post" action="{baseUrl}/send-code">{AntiforgeryField(http)}<button type="submit">{L(lang, "確認コードを送る", "Send me a code")}</button></form>
            {(r.CodeHash is null ? default : H.F($"""
            <form method="post" action="{baseUrl}/code" class="stack">{AntiforgeryField(http)}
              <label for="code">{L(lang, "確認コード（6桁）", "Code (6 digits)")} {RequiredMark(lang)}</label>
              <input id="code" name="code" inputmode="numeric" maxlength="6" required autocomplete="one-time-code"{Invalid(field, "code")}>
              <button type="submit">{L(lang, "確認する", "Verify")}</button>
            </form>
            """))}
            """);
        // The answer files are kept FileRetentionDays after the request closes, then destroyed: the page says until when, and
        // afterwards why they are gone, instead of silently dropping the section.
        var filesUntil = r.ClosedAt is { } closed ? RequestClock.Day(closed.AddDays(settings.FileRetentionDays)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null;
        Html answers = v.FilesDestroyed && r.Status == RequestStatus.Answered ? H.F($"""
            <h2>{L(lang, "回答", "Answer")}</h2>
            <p>{L(lang, $"回答のファイルは、保存期間（ご請求の終了から{settings.FileRetentionDays}日）を過ぎたため削除しました。写しが必要な場合は、当社のお問合せ窓口にご連絡ください。",
                $"The answer files were deleted after their retention period ({settings.FileRetentionDays} days after the request closed). If you need a copy, please contact our inquiry desk.")}</p>
            """) : v.Answers.Count == 0 ? default : H.F($"""
            <h2>{L(lang, "回答", "Answer")}</h2>
            <ul>{v.Answers.Select(a => H.F($"""<li><a href="{baseUrl}/answer?format={a.ToString().ToLowerInvariant()}">{a switch { ArtifactKind.Pdf => "PDF", ArtifactKind.Json => L(lang, "JSON（機械可読）", "JSON (machine-readable)"), _ => "HTML" }}</a></li>"""))}</ul>
            {(filesUntil is null ? default : H.F($"""<p class="muted">{L(lang, $"回答のファイルは{filesUntil}まで、このページからダウンロードできます（その後は削除します）。", $"You can download the answer files from this page until {filesUntil}; they are deleted afterwards.")}</p>"""))}
            """);
        Html withdraw = r.IsClosed ? default : H.F($"""
            <form method="post" action="{baseUrl}/withdraw">{AntiforgeryField(http)}
              <p><input type="checkbox" id="withdraw-confirm" name="confirm" value="yes" required{Invalid(field, "withdraw-confirm")}><label for="withdraw-confirm">{L(lang, "このご請求を取り下げます（取り下げたご請求は再開できません）", "I withdraw this request (a withdrawn request cannot be reopened)")}</label></p>
              <button type="submit" class="secondary">{L(lang, "ご請求を取り下げる", "Withdraw the request")}</button></form>
            """);
        return PublicLayout(http, lang, L(lang, "ご請求の状況", "Your request"), H.F($"""
            <h1>{L(lang, "ご請求の状況", "Your request")}</h1>
            {FormErrors.Block(error, lang, FormErrors.BlockId)}
            {Notice(error is null ? Done(done, lang, settings.CodeMinutes) : null)}
            <dl>
              <dt>{L(lang, "受付番号", "Reference")}</dt><dd>{v.Reference}</dd>
              <dt>{L(lang, "種類", "Kind")}</dt><dd>{L(lang, kja, ken)}</dd>
              <dt>{L(lang, "状況", "Status")}</dt><dd><strong>{L(lang, sja, sen)}</strong></dd>
              <dt>{L(lang, "受付日", "Received on")}</dt><dd>{v.ReceivedOn:yyyy-MM-dd}</dd>
            </dl>
            {due}
            {fee}{payTo}
            {missing}
            {code}
            {answers}
            {withdraw}
            """));
    }
}
