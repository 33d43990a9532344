using Mamori.Auth;
using Mamori.Consent;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Provision;
using Mamori.Vault;
using Microsoft.AspNetCore.Mvc;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// Public pages of the consent ledger and opt-out provision: the consent receipt (by its random id,
/// never by anything personal) and the form to stop opt-out provision (S-32), in Japanese and English.
/// </summary>
public static class ConsentPages
{
    public static void MapConsentPages(this WebApplication app)
    {
        foreach (var (prefix, lang) in new[] { ("", NoticeLanguage.Ja), ("/en", NoticeLanguage.En) })
        {
            app.MapGet(prefix + "/consent/receipts/{id:guid}", async (Guid id, HttpContext http) =>
            {
                await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
                Private(http);
                try
                {
                    var receipt = await http.RequestServices.GetRequiredService<Consents>().ReceiptAsync(id, http.RequestAborted);
                    return Result(ReceiptPage(http, lang, receipt));
                }
                catch (MamoriException e) when (e.Code is ErrorCode.ConsentReceiptNotFound)
                {
                    return Result(PublicLayout(http, lang, L(lang, "同意の控え", "Consent receipt"),
                        H.F($"<h1>{L(lang, "同意の控えが見つかりません", "Consent receipt not found")}</h1>")), 404);
                }
            }).AllowAnonymous().PrivateLink().ExcludeFromDescription();

            app.MapGet(prefix + "/optout", async (HttpContext http) =>
            {
                await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
                return Result(await OptOutPageAsync(http, lang, null, null, null));
            }).AllowAnonymous().ExcludeFromDescription();

            app.MapPost(prefix + "/optout", async (HttpContext http, [FromForm] string kind, [FromForm] string value) =>
            {
                await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
                Private(http);
                var lookup = kind == "phone" ? LookupKind.Phone : kind == "email" ? LookupKind.Email : (LookupKind?)null;
                try
                {
                    if (lookup is null || string.IsNullOrWhiteSpace(value)) throw new MamoriException(ErrorCode.InvalidOptOutStop, "kind");
                    await http.RequestServices.GetRequiredService<OptOutStops>().RequestAsync(lookup.Value, value, "web", http.RequestAborted);
                }
                catch (MamoriException e) when (e.Code is ErrorCode.InvalidFieldValue or ErrorCode.InvalidOptOutStop)
                {
                    // The contact comes back in the form, in this response's body only (Private: uncached, no referrer).
                    return Result(await OptOutPageAsync(http, lang, L(lang,
                        "メールアドレス又は電話番号の形式を確認してください。", "Check the format of the e-mail address or phone number.") + $" ({ErrorCodes.Format(e.Code)})", kind, value), 400);
                }
                // The same answer whether or not anything matched: the page must not tell who is in our data.
                return Result(PublicLayout(http, lang, L(lang, "提供停止のお申出", "Request to stop provision"), H.F($"""
                    <h1>{L(lang, "お申出を受け付けました", "We received your request")}</h1>
                    <p>{L(lang, "ご入力の連絡先に該当する個人データを当社が保有している場合、第三者への提供を停止しました。該当の有無はお知らせしません。",
                        "If we hold personal data matching the contact you entered, we have stopped providing it to third parties. We do not say whether anything matched.")}</p>
                    <p><a href="{prefix}/privacy">{L(lang, "プライバシーポリシーへ", "To the privacy policy")}</a></p>
                    """)));
            }).AllowAnonymous().RequireRateLimiting("public-form").ExcludeFromDescription();
        }
    }

    private static string L(NoticeLanguage lang, string ja, string en) => lang == NoticeLanguage.En ? en : ja;

    private static string T(LocalizedText? t, NoticeLanguage lang) => t?.Get(lang) ?? "";

    /// <summary>Pages tied to one person: not cached, not sent as a referrer.</summary>
    private static void Private(HttpContext http) => SecurityHeaders.Private(http);

    private static Html ReceiptPage(HttpContext http, NoticeLanguage lang, ConsentReceipt r)
    {
        var at = TimeZoneInfo.ConvertTime(r.At, PolicyStore.Jst);
        var method = ConsentMethods.Name(r.Method).Get(lang);
        var rows = r.Scopes.Select(s => H.F($"""
            <tr><td>{(s.Granted ? L(lang, "同意", "Granted") : L(lang, "撤回", "Withdrawn"))}</td>
            <td>{T(s.Description, lang)}{(s.Details.Count == 0 ? default : H.F($"<ul>{s.Details.Select(d => H.F($"<li>{T(d, lang)}</li>"))}</ul>"))}</td>
            <td><code>{s.Scope}</code></td></tr>
            """));
        Html guardian = r.GuardianConsent ? H.F($"<dt>{L(lang, "法定代理人の同意", "Guardian's consent")}</dt><dd>{L(lang, "あり", "Given")}</dd>") : default;
        Html foreign = r.ForeignInfoShown
            ? H.F($"<dt>{L(lang, "外国にある第三者への提供", "Foreign provision")}</dt><dd>{L(lang, "国名・当該国の制度・提供先の措置を事前に提示", "Country, its system and the recipient's measures were shown beforehand")}</dd>")
            : default;
        return PublicLayout(http, lang, L(lang, "同意の控え", "Consent receipt"), H.F($"""
            <h1>{L(lang, "同意の控え", "Consent receipt")}</h1>
            <dl>
              <dt>{L(lang, "控え番号", "Receipt number")}</dt><dd><code>{r.Id}</code></dd>
              <dt>{L(lang, "事業者", "Business")}</dt><dd>{T(r.Controller, lang)}</dd>
              <dt>{L(lang, "日時（日本時間）", "Date and time (JST)")}</dt><dd>{at.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)}</dd>
              <dt>{L(lang, "提示したプライバシーポリシー", "Privacy policy shown")}</dt><dd>{L(lang, "第", "Version ")}{r.PolicyVersion}{L(lang, "版", "")}</dd>
              <dt>{L(lang, "方法", "Method")}</dt><dd>{method}</dd>
              {guardian}{foreign}
            </dl>
            <table><thead><tr><th>{L(lang, "内容", "Action")}</th><th>{L(lang, "対象", "Scope")}</th><th>{L(lang, "コード", "Code")}</th></tr></thead>
            <tbody>{rows}</tbody></table>
            <p>{L(lang, "同意はいつでも撤回できます。撤回は次回の利用・提供から直ちに反映されます。この控えには、お客さまを特定する情報は含まれていません。",
                "You can withdraw consent at any time; a withdrawal applies from the very next use or provision. This receipt holds nothing that identifies you.")}</p>
            """));
    }

    private static async Task<Html> OptOutPageAsync(HttpContext http, NoticeLanguage lang, string? error, string? kind, string? value)
    {
        var phone = kind == "phone";
        var prefix = lang == NoticeLanguage.En ? "/en" : "";
        var current = await http.RequestServices.GetRequiredService<PolicyStore>().CurrentAsync(http.RequestAborted);
        var notices = current is null ? [] : OptOutNotices.From(current.Model);
        var sections = notices.Select(n => H.F($"""
            <section>
            <h2>{(n.Service is { } s && current!.Model.FindService(s) is { } svc ? T(svc.Name, lang) : T(current!.Model.Company.LegalName, lang))}</h2>
            <dl>
              <dt>{L(lang, "第三者に提供される個人データの項目", "Items provided")}</dt><dd>{string.Join(L(lang, "、", ", "), n.Items.Select(i => i.Get(lang)))}{(n.ItemsNote is null ? "" : L(lang, "（", " (") + T(n.ItemsNote, lang) + L(lang, "）", ")"))}</dd>
              <dt>{L(lang, "提供先", "Recipients")}</dt><dd>{T(n.Recipients, lang)}</dd>
              <dt>{L(lang, "取得の方法", "How we obtained it")}</dt><dd>{string.Join(L(lang, "、", ", "), n.AcquisitionMethods.Select(i => i.Get(lang)))}</dd>
              <dt>{L(lang, "提供停止", "Stopping provision")}</dt><dd>{T(n.StopOnRequest, lang)}</dd>
            </dl>
            </section>
            """));
        Html errorBlock = error is null ? default : H.F($"""<p class="error" role="alert" id="{FormErrors.BlockId}">{error}</p>""");
        // The only field is the one refused: marked, described by the message and focused when the page opens (no script here).
        Html invalid = error is null ? default : Html.Raw($" aria-invalid=\"true\" aria-describedby=\"{FormErrors.BlockId}\" autofocus");
        return PublicLayout(http, lang, L(lang, "第三者提供の停止のお申出", "Stop provision to third parties"), H.F($"""
            <h1>{L(lang, "第三者提供（オプトアウト）の停止のお申出", "Ask us to stop providing your data to third parties (opt-out)")}</h1>
            <p>{L(lang, "当社は、次のとおり個人データを第三者に提供しています（個人情報保護法第27条第2項）。ご本人のお申出により、各項目の「提供停止」に記載のとおり提供を停止します。",
                "We provide personal data to third parties as follows (APPI Art. 27(2)). When you ask, we stop as each entry's \"Stopping provision\" says.")}</p>
            {sections}
            {errorBlock}
            <form method="post" action="{prefix}/optout" class="stack">
              {AntiforgeryField(http)}
              <fieldset><legend>{L(lang, "ご本人の確認に使う連絡先", "Contact we match you by")}</legend>
                <label><input type="radio" name="kind" value="email"{(phone ? default : Html.Raw(" checked"))}> {L(lang, "メールアドレス", "E-mail address")}</label>
                <label><input type="radio" name="kind" value="phone"{(phone ? Html.Raw(" checked") : default)}> {L(lang, "電話番号", "Phone number")}</label>
              </fieldset>
              <label for="value">{L(lang, "メールアドレス又は電話番号", "E-mail address or phone number")} {RequiredMark(lang)}</label>
              <input id="value" name="value" type="text" autocomplete="email" required maxlength="254" value="{value}"{invalid}>
              <button type="submit">{L(lang, "提供の停止を申し出る", "Ask to stop provision")}</button>
            </form>
            <p>{L(lang, "入力された連絡先は照合にのみ使い、保存しません。該当の有無はお知らせしません。",
                "We use the contact only to match it and do not store it. We do not say whether anything matched.")}</p>
            """));
    }
}
