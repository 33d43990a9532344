using Mamori.Auth;
using Mamori.Datasets;
using Mamori.Policy;
using Mamori.Policy.Rendering;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// The public privacy notice, rendered from the published version in force: /privacy (Japanese,
/// which prevails), /en/privacy, each service, and the history of versions with readable diffs (S-06).
/// </summary>
public static class PrivacyPages
{
    public static void MapPrivacyPages(this WebApplication app)
    {
        app.MapGet("/static/notice.css", () => Results.Text(PolicyRenderer.Css, "text/css")).AllowAnonymous().ExcludeFromDescription();
        // The server's root is where a person lands who types the address: the notice. Signed-in staff go on to the console.
        app.MapGet("/", (HttpContext http) => Results.Redirect(http.Features.Get<Staff.StaffPrincipal>() is null ? "/privacy" : "/console"))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/en", () => Results.Redirect("/en/privacy")).AllowAnonymous().ExcludeFromDescription();
        foreach (var (prefix, lang) in new[] { ("", NoticeLanguage.Ja), ("/en", NoticeLanguage.En) })
        {
            app.MapGet(prefix + "/privacy", async (HttpContext http) =>
            {
                var current = await CurrentAsync(http);
                if (current is null) return NotPublished(http, lang);
                var datasets = await http.RequestServices.GetRequiredService<ProcessedDatasets>().PublishedAsync(http.RequestAborted);
                return Notice(http, lang, PolicyRenderer.Render(current.Model, lang, NoticeFormat.Html, htmlFragment: true, Today(http)), current.Version,
                    H.F($"{OnlineSection(lang, current.Model)}{DatasetsSection(lang, current.Model, datasets)}"), await UpcomingAsync(http, current.Version));
            }).AllowAnonymous().ExcludeFromDescription();

            app.MapGet(prefix + "/privacy/services/{id}", async (HttpContext http, string id) =>
            {
                var current = await CurrentAsync(http);
                if (current is null) return NotPublished(http, lang);
                if (current.Model.FindService(id) is null) return Result(NotFoundPage(http, lang), 404);
                return Notice(http, lang, PolicyRenderer.RenderService(current.Model, id, lang, NoticeFormat.Html, htmlFragment: true, Today(http)), current.Version,
                    OnlineSection(lang, current.Model), await UpcomingAsync(http, current.Version), service: id);
            }).AllowAnonymous().ExcludeFromDescription();

            // from/to are read as text: a mistyped link (?from=abc) got problem JSON on this public page.
            app.MapGet(prefix + "/privacy/history", async (HttpContext http, string? from, string? to) =>
            {
                await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
                var store = http.RequestServices.GetRequiredService<PolicyStore>();
                var versions = await store.VersionsAsync(http.RequestAborted);
                var current = await store.CurrentAsync(http.RequestAborted);
                int? Number(string? v) => int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
                var asked = from is not null || to is not null;
                var diff = (from is null || Number(from) is not null) && (to is null || Number(to) is not null)
                    ? await DiffAsync(store, versions, Number(from), Number(to), lang, http.RequestAborted) : null;
                var refused = asked && diff is null;
                return Result(History(http, lang, prefix, versions, current?.Version.Number, store.TodayJst(), diff, refused), refused ? 400 : 200);
            }).AllowAnonymous().ExcludeFromDescription();
        }
    }

    private static string L(NoticeLanguage lang, string ja, string en) => lang == NoticeLanguage.En ? en : ja;

    /// <summary>
    /// A public address no page answers (mistyped, or a form's address opened as a link) gets the public not-found page in the
    /// address's language, with the ways on. Without this the default-deny policy sent the person to the staff sign-in page.
    /// The console keeps its own page (behind sign-in), the API its problem details; a missing asset under /static gets a bare 404.
    /// </summary>
    public static IApplicationBuilder UsePublicNotFound(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var endpoint = http.GetEndpoint();
        if (endpoint is RouteEndpoint || http.Request.Path.StartsWithSegments("/console") || MamoriAuthenticationHandler.IsApi(http.Request))
        {
            await next(http);
            return;
        }
        // Not a route endpoint: routing's answer to a method the address does not take (it sets 405 and Allow).
        if (endpoint?.RequestDelegate is { } methodNotAllowed) await methodNotAllowed(http);
        else http.Response.StatusCode = 404;
        if (http.Request.Path.StartsWithSegments("/static")) return;
        var path = http.Request.Path.Value ?? "/";
        var lang = path == "/en" || path.StartsWith("/en/", StringComparison.Ordinal) ? NoticeLanguage.En : NoticeLanguage.Ja;
        // A form's address opened as a link (a reload, a bookmark, a language switch): the way on is the page the form is on.
        if (http.Response.StatusCode == 405 && HttpMethods.IsGet(http.Request.Method) && PageAddresses.Nearest(http, path) is { } page && page.Path != path)
        {
            if (page.Endpoint.Metadata.GetMetadata<PrivateLinkMetadata>() is not null) SecurityHeaders.Private(http);
            await WriteAsync(http, FormAddressPage(http, lang, page.Path));
            return;
        }
        await WriteAsync(http, NotFoundPage(http, lang));
    });

    /// <summary>The page for a form's address opened with GET (405): it takes only the form, and the form is on <paramref name="formPage"/>.</summary>
    private static Html FormAddressPage(HttpContext http, NoticeLanguage lang, string formPage)
    {
        var title = L(lang, "このアドレスは直接開けません", "This address cannot be opened directly");
        return PublicLayout(http, lang, title, H.F($"""
            <h1>{title}</h1>
            <p>{L(lang, "このアドレスはフォームの送信先です。フォームのページを開いて、もう一度お手続きください。",
                "This address is where a form is sent. Open the form's page and send it from there.")} ({Errors.ErrorCodes.Format(Errors.ErrorCode.MethodNotAllowed)})</p>
            <p><a href="{formPage}">{L(lang, "フォームのページを開く", "Open the form's page")}</a></p>
            """));
    }

    /// <summary>The public not-found page: the notice, the request form and the opt-out page, which every installation serves.</summary>
    public static Html NotFoundPage(HttpContext http, NoticeLanguage lang)
    {
        var prefix = lang == NoticeLanguage.En ? "/en" : "";
        var title = L(lang, "ページが見つかりません", "Page not found");
        return PublicLayout(http, lang, title, H.F($"""
            <h1>{title}</h1>
            <p>{L(lang, "お探しのページはありません。アドレスをお確かめください。", "There is no page at this address. Please check it.")}</p>
            <ul>
            <li><a href="{prefix}/privacy">{L(lang, "プライバシーポリシー", "Privacy policy")}</a></li>
            <li><a href="{prefix}/requests">{L(lang, "開示等の請求・苦情のお申出", "Requests for disclosure and other rights, and complaints")}</a></li>
            <li><a href="{prefix}/optout">{L(lang, "第三者提供の停止（オプトアウト）のお申出", "Stopping provision to third parties (opt-out)")}</a></li>
            </ul>
            """));
    }

    private static async Task<PublishedPolicy?> CurrentAsync(HttpContext http)
    {
        await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
        return await http.RequestServices.GetRequiredService<PolicyStore>().CurrentAsync(http.RequestAborted);
    }

    /// <summary>Today in Japan, which the notice's wording of dates depends on (an opt-out start already passed).</summary>
    private static DateOnly Today(HttpContext http) => http.RequestServices.GetRequiredService<PolicyStore>().TodayJst();

    private static IResult NotPublished(HttpContext http, NoticeLanguage lang) =>
        Result(PublicLayout(http, lang, L(lang, "プライバシーポリシー", "Privacy policy"),
            H.F($"<h1>{L(lang, "プライバシーポリシー", "Privacy policy")}</h1><p>{L(lang, "まだ公開されていません。", "Not published yet.")}</p>")), 404);

    /// <summary>
    /// Where a person can act online: the request form (開示等の請求, complaints) and, where the policy provides to third
    /// parties by opt-out, the page that stops it (S-32). The notice itself names the contact desk; without these links the
    /// working self-service pages could only be found by typing their addresses.
    /// </summary>
    private static Html OnlineSection(NoticeLanguage lang, PolicyModel model)
    {
        var prefix = lang == NoticeLanguage.En ? "/en" : "";
        var requests = model.RequestProcedures is not null || model.Services.Any(s => s.RequestProcedures is not null);
        var optOut = model.OptOut is not null || model.Services.Any(s => s.OptOut is not null);
        if (!requests && !optOut) return default;
        return H.F($"""
            <section id="online">
            <h2>{L(lang, "オンラインでのお手続き", "Online forms")}</h2>
            <ul>
            {(requests ? H.F($"""<li><a href="{prefix}/requests">{L(lang, "開示等の請求・苦情のお申出", "Requests for disclosure and other rights, and complaints")}</a></li>""") : default)}
            {(optOut ? H.F($"""<li><a href="{prefix}/optout">{L(lang, "第三者提供の停止（オプトアウト）のお申出", "Stopping provision to third parties (opt-out)")}</a></li>""") : default)}
            </ul>
            </section>
            """);
    }

    /// <summary>
    /// 匿名加工情報 (Art.43(3), 44): the items of each anonymized dataset and how it is provided; 仮名加工情報
    /// (Art.41(4)): each pseudonymized dataset's purposes. Empty when none is registered.
    /// </summary>
    private static Html DatasetsSection(NoticeLanguage lang, PolicyModel model, IReadOnlyList<PublishedDataset> datasets)
    {
        if (datasets.Count == 0) return default;
        var words = new PublishedWords(lang, model);
        var anonymized = datasets.Where(d => d.Kind == DatasetKind.Anonymized).Select(d => H.F($"""
            <tr><td>{d.Name}</td><td>{words.Items(d)}</td><td>{words.ProvisionMethod(d)}</td><td>{d.CreatedOn:yyyy-MM-dd}</td></tr>
            """)).ToList();
        var pseudonymized = datasets.Where(d => d.Kind == DatasetKind.Pseudonymized).Select(d => H.F($"""
            <tr><td>{d.Name}</td><td>{words.Purposes(d)}</td><td>{d.CreatedOn:yyyy-MM-dd}</td></tr>
            """)).ToList();
        return H.F($"""
            <section id="processed-information">
            <h2>{L(lang, "匿名加工情報・仮名加工情報", "Anonymized and pseudonymized information")}</h2>
            {(anonymized.Count == 0 ? default : H.F($"""
            <h3>{L(lang, "匿名加工情報", "Anonymized information")}</h3>
            <p>{L(lang, "当社は次の匿名加工情報を作成しました。含まれる個人に関する情報の項目と、第三者に提供する場合の方法は次のとおりです（個人情報保護法第43条第3項、第44条）。",
                "We have created the following anonymized information. The items of information about individuals it contains, and how it is provided to third parties, are (APPI Art.43(3), 44):")}</p>
            <table><thead><tr><th scope="col">{L(lang, "名称", "Name")}</th><th scope="col">{L(lang, "項目", "Items")}</th><th scope="col">{L(lang, "第三者提供の方法", "Method of provision")}</th><th scope="col">{L(lang, "作成日", "Created")}</th></tr></thead>
            <tbody>{anonymized}</tbody></table>
            """))}
            {(pseudonymized.Count == 0 ? default : H.F($"""
            <h3>{L(lang, "仮名加工情報", "Pseudonymized information")}</h3>
            <p>{L(lang, "当社は次の仮名加工情報を作成し、次の目的にのみ利用します（個人情報保護法第41条第4項）。本人への連絡には利用せず、第三者には提供しません。",
                "We have created the following pseudonymized information and use it only for these purposes (APPI Art.41(4)). It is never used to contact individuals and never provided to third parties.")}</p>
            <table><thead><tr><th scope="col">{L(lang, "名称", "Name")}</th><th scope="col">{L(lang, "利用目的", "Purposes")}</th><th scope="col">{L(lang, "作成日", "Created")}</th></tr></thead>
            <tbody>{pseudonymized}</tbody></table>
            """))}
            </section>
            """);
    }

    /// <summary>
    /// The notice's words for a registered dataset: an anonymized dataset's items and method of provision (Art.43(3), 44), a
    /// pseudonymized dataset's purposes by their names in the policy (Art.41(4)). The console's dataset pages show the same words.
    /// </summary>
    internal sealed class PublishedWords(NoticeLanguage lang, PolicyModel? model)
    {
        private readonly Dictionary<string, string> _purposes = (model is null ? [] : model.Purposes.Concat(model.Services.SelectMany(s => s.Purposes)))
            .GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Name.Get(lang), StringComparer.Ordinal);

        public string Items(PublishedDataset d) => string.Join(L(lang, "、", ", "), d.Items.Select(i => i.Get(lang)));

        public string ProvisionMethod(PublishedDataset d) => d.ProvisionMethod ?? L(lang, "第三者に提供していません", "Not provided to third parties");

        public string Purposes(PublishedDataset d) => string.Join(L(lang, "、", ", "), d.Purposes.Select(Purpose));

        /// <summary>A purpose by its name in the policy; an id the policy no longer declares keeps its recorded form.</summary>
        public string Purpose(string id) => _purposes.GetValueOrDefault(id, id);
    }

    /// <summary>Versions published with a later effective date than the one in force: the notice announces them (the policies promise
    /// to announce a change on the website before it applies).</summary>
    private static async Task<List<PolicyVersion>> UpcomingAsync(HttpContext http, PolicyVersion inForce)
    {
        var store = http.RequestServices.GetRequiredService<PolicyStore>();
        var today = store.TodayJst();
        return [.. (await store.VersionsAsync(http.RequestAborted)).Where(v => v.Number > inForce.Number && v.EffectiveFrom > today).OrderBy(v => v.Number)];
    }

    private static IResult Notice(HttpContext http, NoticeLanguage lang, string fragment, PolicyVersion version, Html extra, List<PolicyVersion> upcoming,
        string? service = null)
    {
        var prefix = lang == NoticeLanguage.En ? "/en" : "";
        var meta = H.F($"""
            <p class="version-meta">{L(lang, "版", "Version")} {version.Number} · {L(lang, "施行日", "Effective")} {version.EffectiveFrom:yyyy-MM-dd} ·
            <a href="{prefix}/privacy/history">{L(lang, "改定履歴", "History")}</a></p>
            """);
        var announcements = upcoming.Select(v => H.F($"""
            <p class="notice" role="status">{L(lang, $"このプライバシーポリシーを改定します。第{v.Number}版を{v.EffectiveFrom:yyyy年M月d日}から施行します。",
                $"This privacy policy will change: version {v.Number} applies from {v.EffectiveFrom:yyyy-MM-dd}.")}
            <a href="{prefix}/privacy/history?from={version.Number}&amp;to={v.Number}">{L(lang, "変更点を見る", "See what changes")}</a></p>
            """));
        return Result(PublicLayout(http, lang, L(lang, "プライバシーポリシー", "Privacy policy"), H.F($"{Html.Join(announcements)}{Html.Raw(fragment)}{extra}{meta}"),
            "/static/notice.css", bodyHasMain: true, consentBanner: true, cookiesQuery: service is null ? "" : "?service=" + Uri.EscapeDataString(service)));
    }

    private static async Task<(PolicyVersion From, PolicyVersion To, IReadOnlyList<ReadableChange> Changes)?> DiffAsync(
        PolicyStore store, List<PolicyVersion> versions, int? from, int? to, NoticeLanguage lang, CancellationToken ct)
    {
        if (versions.Count < 2) return null;
        var newer = to ?? versions[^1].Number;
        var older = from ?? newer - 1;
        var a = await store.GetAsync(older, ct);
        var b = await store.GetAsync(newer, ct);
        if (a is null || b is null || older >= newer) return null;
        return (a.Version, b.Version, PolicyChangeText.Describe(a.Model, b.Model, lang));
    }

    private static Html History(HttpContext http, NoticeLanguage lang, string prefix, List<PolicyVersion> versions, int? inForce, DateOnly today,
        (PolicyVersion From, PolicyVersion To, IReadOnlyList<ReadableChange> Changes)? diff, bool refused)
    {
        string State(PolicyVersion v) => v.Number == inForce ? L(lang, "施行中", "In force")
            : v.EffectiveFrom > today ? L(lang, "施行予定", "Upcoming") : L(lang, "旧版", "Superseded");
        var rows = versions.OrderByDescending(v => v.Number).Select(v => H.F($"""
            <tr><td>{v.Number}</td><td>{State(v)}</td><td>{v.EffectiveFrom:yyyy-MM-dd}</td><td>{v.AnnouncedOn?.ToString("yyyy-MM-dd") ?? "—"}</td>
            <td><code>{v.ContentHash[..12]}</code></td>
            <td>{(v.Number > 1 ? H.F($"<a href=\"{prefix}/privacy/history?from={v.Number - 1}&amp;to={v.Number}\">{L(lang, "前版との差分", "Changes from previous")}</a>") : default)}</td></tr>
            """));
        Html diffBlock = default;
        if (diff is { } d)
        {
            var items = d.Changes.Select(c => H.F($"""
                <tr><td>{c.Item}</td><td>{KindLabel(lang, c.Kind)}</td><td>{c.Before ?? "—"}</td><td>{c.After ?? "—"}</td></tr>
                """));
            diffBlock = H.F($"""
                <h2>{L(lang, $"第{d.From.Number}版から第{d.To.Number}版への変更", $"Changes from version {d.From.Number} to {d.To.Number}")}</h2>
                {(d.Changes.Count == 0 ? H.F($"<p>{L(lang, "内容の変更はありません。", "No changes in content.")}</p>") : H.F($"""
                <table><thead><tr><th scope="col">{L(lang, "項目", "Item")}</th><th scope="col">{L(lang, "種類", "Change")}</th><th scope="col">{L(lang, "変更前", "Before")}</th><th scope="col">{L(lang, "変更後", "After")}</th></tr></thead>
                <tbody>{items}</tbody></table>
                """))}
                """);
        }
        var title = L(lang, "プライバシーポリシー改定履歴", "Privacy policy history");
        return PublicLayout(http, lang, title, consentBanner: true, body: H.F($"""
            <h1>{title}</h1>
            <p>{L(lang, "施行日を迎えた最も新しい版が適用されます。施行予定の版は、施行日まで適用されません。改定はこのページとプライバシーポリシーのページで告知します。",
                "The newest version whose effective date has come applies; an upcoming version applies only from its effective date. Changes are announced on this page and on the privacy policy page.")}
            <a href="{prefix}/privacy">{L(lang, "現行のプライバシーポリシー", "Current privacy policy")}</a></p>
            {(refused ? H.F($"""<p class="error" role="alert">{L(lang, "指定された版の組み合わせでは差分を表示できません。下の一覧から「前版との差分」を選んでください。",
                "No changes can be shown for the versions in this address. Choose “Changes from previous” in the list below.")}</p>""") : default)}
            <table><thead><tr><th scope="col">{L(lang, "版", "Version")}</th><th scope="col">{L(lang, "状態", "Status")}</th><th scope="col">{L(lang, "施行日", "Effective")}</th><th scope="col">{L(lang, "告知日", "Announced")}</th><th scope="col">{L(lang, "内容ハッシュ", "Content hash")}</th><th scope="col"></th></tr></thead>
            <tbody>{rows}</tbody></table>
            {diffBlock}
            """));
    }

    private static string KindLabel(NoticeLanguage lang, PolicyChangeKind kind) => kind switch
    {
        PolicyChangeKind.Added => L(lang, "追加", "Added"),
        PolicyChangeKind.Removed => L(lang, "削除", "Removed"),
        _ => L(lang, "変更", "Changed"),
    };
}
