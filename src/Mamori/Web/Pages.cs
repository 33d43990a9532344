using Mamori.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Web;

/// <summary>The shared page frame: language, navigation, stylesheet, no inline script.</summary>
public static class Pages
{
    public static string Lang(HttpContext http) =>
        http.Request.Query["lang"] == "en" || (http.Request.Cookies["mamori_lang"] == "en" && http.Request.Query["lang"] != "ja") ? "en" : "ja";

    public static string T(HttpContext http, string ja, string en) => Lang(http) == "en" ? en : ja;

    public static Html Layout(HttpContext http, string title, Html body)
    {
        var lang = Lang(http);
        var caller = http.Features.Get<Staff.StaffPrincipal>();
        var other = lang == "en" ? "ja" : "en";
        var switchLabel = lang == "en" ? "日本語" : "English";
        var path = http.Request.Path.Value ?? "/";
        Html nav = caller is null ? default : ConsoleNav(http, path);
        // The switch opens this page again: on a page shown in answer to a form, the page the form is on (the form's address takes no GET).
        var page = PageAddresses.Current(http);
        return H.F($"""
            <!DOCTYPE html>
            <html lang="{lang}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} — Mamori</title>
            <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/static/css/mamori.css">
            <script src="/static/js/console.js" defer></script>
            </head>
            <body>
            <a class="skip" href="#main">{T(http, "本文へ移動", "Skip to content")}</a>
            <header class="site"><span class="brand">守り Mamori</span>{nav}<a class="lang" href="{page}?lang={other}" hreflang="{other}" lang="{other}">{switchLabel}</a></header>
            <main id="main">
            {body}
            </main>
            </body>
            </html>
            """);
    }

    /// <summary>The caller may do <paramref name="permission"/> (pages hide what the role cannot use).</summary>
    public static bool Can(HttpContext http, Staff.Permission permission) =>
        http.Features.Get<Staff.StaffPrincipal>() is { } c && Staff.RolePermissions.Grants(c.Roles, permission);

    private static Html ConsoleNav(HttpContext http, string path)
    {
        var items = new List<(string Href, string Ja, string En, Staff.Permission Needs)>
        {
            ("/console", "ダッシュボード", "Dashboard", Staff.Permission.Self),
            ("/console/requests", "開示等の請求", "Requests", Staff.Permission.ReadRequests),
            ("/console/incidents", "インシデント", "Incidents", Staff.Permission.ReadIncidents),
            ("/console/subjects", "本人データ", "Subjects", Staff.Permission.ReadSubjects),
            ("/console/consents", "同意", "Consents", Staff.Permission.ReadConsents),
            ("/console/provisions", "第三者提供", "Provisions", Staff.Permission.ReadProvisions),
            ("/console/datasets", "仮名・匿名加工情報", "Datasets", Staff.Permission.ReadDatasets),
            ("/console/audit", "監査ログ", "Audit log", Staff.Permission.ReadAudit),
            ("/console/policy", "ポリシー", "Policy", Staff.Permission.ReadPolicy),
            ("/console/governance/audits", "内部監査", "Internal audits", Staff.Permission.ReadInternalAudits),
            ("/console/governance/organisation", "組織・教育", "Organisation", Staff.Permission.ReadGovernance),
            ("/console/governance/departments", "部門", "Department", Staff.Permission.ReadAccessReviews),
            ("/console/users", "ユーザー", "Users", Staff.Permission.ManageUsers),
            ("/console/apikeys", "API キー", "API keys", Staff.Permission.ManageApiKeys),
            ("/console/account", "アカウント", "Account", Staff.Permission.Self),
            ("/api-reference", "API リファレンス", "API reference", Staff.Permission.Self),
        };
        // Whoever reads the organisation reaches the departments through it; the department link is for their managers.
        var links = items.Where(i => Can(http, i.Needs) && !(i.Href == "/console/governance/departments" && Can(http, Staff.Permission.ReadGovernance))).Select(i =>
        {
            var current = i.Href == "/console" ? path == "/console" : path.StartsWith(i.Href, StringComparison.Ordinal);
            return current
                ? H.F($"""<li><a href="{i.Href}" aria-current="page">{T(http, i.Ja, i.En)}</a></li>""")
                : H.F($"""<li><a href="{i.Href}">{T(http, i.Ja, i.En)}</a></li>""");
        });
        return H.F($"""
            <nav aria-label="{T(http, "メインメニュー", "Main menu")}"><ul>{links}</ul>
            <form method="post" action="/logout" class="inline">{AntiforgeryField(http)}<button type="submit">{T(http, "ログアウト", "Sign out")}</button></form>
            </nav>
            """);
    }

    /// <summary>
    /// The frame of public pages (customers): fixed language, no staff navigation. <paramref name="cookiesQuery"/> is what the footer's
    /// link to the cookie settings carries (<c>?t=…</c> on a personal link's page, <c>?service=…</c> for one service), so following it
    /// keeps whose and which settings they are; a service also scopes the banner.
    /// </summary>
    public static Html PublicLayout(HttpContext http, Policy.NoticeLanguage lang, string title, Html body, string? extraCss = null, bool bodyHasMain = false,
        bool consentBanner = false, string languageSwitchQuery = "", string cookiesQuery = "")
    {
        // The cookie banner goes on the notice pages; private pages (status links, receipts, forms) carry no script.
        var configQuery = $"lang={(lang == Policy.NoticeLanguage.En ? "en" : "ja")}" + (cookiesQuery.StartsWith("?service=", StringComparison.Ordinal) ? "&" + cookiesQuery[1..] : "");
        Html banner = consentBanner ? H.F($"""
            <link rel="stylesheet" href="/static/css/mamori-consent.css">
            <script src="/static/js/mamori-consent.js" defer data-mamori-config="/api/public/consent/config?{configQuery}"></script>
            """) : default;
        // The notice fragment brings its own table of contents and <main>; one <main> per page.
        var content = bodyHasMain ? body : H.F($"<main id=\"main\">\n{body}\n</main>");
        var code = lang == Policy.NoticeLanguage.En ? "en" : "ja";
        // On a page shown in answer to a form (a refused form, a refused upload), the page the form is on: the form's address takes no GET.
        var path = PageAddresses.Current(http);
        // The query is dropped (it may say ?lang=en or done=…) unless the page names what must survive the switch (a personal link).
        var other = (code == "en" ? (path.StartsWith("/en/", StringComparison.Ordinal) ? path[3..] : path) : "/en" + path) + languageSwitchQuery;
        Html css = extraCss is null ? default : H.F($"""<link rel="stylesheet" href="{extraCss}">""");
        return H.F($"""
            <!DOCTYPE html>
            <html lang="{code}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title}</title>
            <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/static/css/mamori.css">
            {css}
            {banner}
            </head>
            <body>
            <a class="skip" href="#main">{(code == "en" ? "Skip to content" : "本文へ移動")}</a>
            <header class="site"><span class="brand">{title}</span><a class="lang" href="{other}" hreflang="{(code == "en" ? "ja" : "en")}" lang="{(code == "en" ? "ja" : "en")}">{(code == "en" ? "日本語" : "English")}</a></header>
            {content}
            <footer class="site"><a href="{(code == "en" ? "/en" : "")}/privacy/cookies{cookiesQuery}">{(code == "en" ? "Cookie and external transmission settings" : "Cookie・外部送信の設定")}</a>
            · <a href="{(code == "en" ? "/en" : "")}/privacy">{(code == "en" ? "Privacy policy" : "プライバシーポリシー")}</a></footer>
            </body>
            </html>
            """);
    }

    public static Html AntiforgeryField(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return H.F($"""<input type="hidden" name="{tokens.FormFieldName}" value="{tokens.RequestToken}">""");
    }

    public static Html Forbidden(HttpContext http) => Layout(http, T(http, "権限がありません", "Not allowed"),
        H.F($"<h1>{T(http, "権限がありません", "Not allowed")}</h1><p>{T(http, "この操作はあなたの役割では許可されていません。", "Your role does not allow this.")}</p>"));

    /// <summary>Reads a posted form after checking its anti-forgery token (throws when it is missing or wrong).</summary>
    public static async Task<IFormCollection> FormAsync(HttpContext http)
    {
        await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
        return await http.Request.ReadFormAsync(http.RequestAborted);
    }

    /// <summary>Roles to choose from: the built-in ones first (in their usual order), then the policy's roles in id order.</summary>
    public static IEnumerable<string> RoleOrder(IEnumerable<string> roles)
    {
        var all = roles.ToHashSet(StringComparer.Ordinal);
        return Staff.Roles.BuiltIn.Where(all.Contains).Concat(all.Where(r => !Staff.Roles.IsBuiltIn(r)).Order(StringComparer.Ordinal));
    }

    /// <summary>Role names for a page, from Mamori (built-in roles) and from the policy in force (its <c>roles</c> section).</summary>
    public static async Task<RoleLabels> RoleLabelsAsync(HttpContext http)
    {
        var policy = await http.RequestServices.GetRequiredService<Policy.PolicyStore>().CurrentAsync(http.RequestAborted);
        var declared = (policy?.Model.Roles ?? []).ToDictionary(r => r.Id, r => r.Name, StringComparer.Ordinal);
        return new RoleLabels(http, declared);
    }

    /// <summary>
    /// A role in the page's language: a built-in role by Mamori's name, a role the policy declares under <c>roles</c> by that
    /// name; a role the policy uses without naming it keeps its id (the policy check warns of it, MAMORI-2056).
    /// </summary>
    public sealed class RoleLabels(HttpContext http, IReadOnlyDictionary<string, Policy.LocalizedText> declared)
    {
        public string Name(string role) => role switch
        {
            Staff.Roles.Admin => T(http, "管理者", "Administrator"),
            Staff.Roles.PrivacyOfficer => T(http, "個人情報保護管理者", "Privacy officer"),
            Staff.Roles.Operator => T(http, "担当者", "Operator"),
            Staff.Roles.Auditor => T(http, "監査担当", "Auditor"),
            Staff.Roles.ExternalAuditor => T(http, "外部監査人", "External auditor"),
            _ => declared.TryGetValue(role, out var name) ? name.Get(Lang(http) == "en" ? Policy.NoticeLanguage.En : Policy.NoticeLanguage.Ja) : role,
        };

        /// <summary>A role to choose (an option or a check box, text only): its name with its id beside it, 「管理者 (admin)」.</summary>
        public string Choice(string role) => IsNamed(role) ? $"{Name(role)} ({role})" : role;

        /// <summary>A role in a table: its name with its id beside it.</summary>
        public Html Cell(string role) => IsNamed(role) ? H.F($"{Name(role)} <code class=\"muted\">{role}</code>") : H.F($"<code>{role}</code>");

        public string Names(IEnumerable<string> roles) => string.Join(T(http, "、", ", "), roles.Select(Name));

        private bool IsNamed(string role) => Staff.Roles.IsBuiltIn(role) || declared.ContainsKey(role);
    }

    /// <summary>
    /// Data categories (the company's and its services') by their names in the policy in force, in the page's language ("氏名" for <c>name</c>). An id the
    /// policy does not declare (typed on an incident, or dropped since) keeps its recorded form.
    /// </summary>
    public static async Task<Func<IEnumerable<string>, string>> CategoryNamesAsync(HttpContext http)
    {
        var policy = await http.RequestServices.GetRequiredService<Policy.PolicyStore>().CurrentAsync(http.RequestAborted);
        var lang = Lang(http) == "en" ? Policy.NoticeLanguage.En : Policy.NoticeLanguage.Ja;
        var categories = Policy.PolicyCategories.Of(policy?.Model);
        return ids => categories.Names(ids, lang);
    }

    /// <summary>
    /// Staff-facing names for actors recorded as <c>User:id</c> or <c>ApiKey:id</c>: the user's sign-in address or the
    /// key's name, read in the caller's tenant; the system actor as 「システム」, an anonymous one as 「匿名（本人・外部）」, a data
    /// subject as 「本人」 on Japanese pages, and someone at the command line by their operating-system account (「CLI: alice」).
    /// Anything else (a removed user) keeps its recorded form.
    /// </summary>
    /// <summary>Who makes this request, named as the console names staff: the sign-in address, or the API key by its name.</summary>
    public static async Task<string> CallerNameAsync(HttpContext http)
    {
        var c = Auth.HttpContextPrincipal.Caller(http);
        return c.Email ?? (await ActorNamesAsync(http, [c.Actor.ToString()]))(c.Actor.ToString());
    }

    public static async Task<Func<string, string>> ActorNamesAsync(HttpContext http, IEnumerable<string> actors)
    {
        var ids = actors.Select(a => a.Split(':', 2)).Where(p => p.Length == 2 && Guid.TryParse(p[1], out _)).ToList();
        var userIds = ids.Where(p => p[0] == nameof(Audit.ActorKind.User)).Select(p => Guid.Parse(p[1])).Distinct().ToList();
        var keyIds = ids.Where(p => p[0] == nameof(Audit.ActorKind.ApiKey)).Select(p => Guid.Parse(p[1])).Distinct().ToList();
        var db = http.RequestServices.GetRequiredService<Data.MamoriDbContext>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Audit.Actor.System.ToString()] = T(http, "システム", "System"),
            // Someone not signed in: a person on the public pages (a request, an opt-out, a cookie choice) or any visitor.
            [Audit.Actor.Anonymous.ToString()] = T(http, "匿名（本人・外部）", "Anonymous (person or visitor)"),
        };
        if (userIds.Count > 0)
            foreach (var u in await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.Email }).ToListAsync(http.RequestAborted))
                names[Audit.Actor.User(u.Id).ToString()] = u.Email;
        if (keyIds.Count > 0)
            foreach (var k in await db.ApiKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id)).Select(k => new { k.Id, k.Name }).ToListAsync(http.RequestAborted))
                names[Audit.Actor.Key(k.Id).ToString()] = T(http, "APIキー ", "API key ") + k.Name;
        var person = T(http, "本人", "The person");
        return a => names.GetValueOrDefault(a) ?? a.Split(':', 2) switch
        {
            // The person acting through their private link (status page, cookie settings), recorded with the request's or their own id.
            [nameof(Audit.ActorKind.DataSubject), _] => person,
            [nameof(Audit.ActorKind.Cli), var account] => "CLI: " + account,
            _ => a,
        };
    }

    /// <summary>People see Japan time.</summary>
    public static string Jst(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, Policy.PolicyStore.Jst).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static string Jst(DateTimeOffset? t) => t is { } x ? Jst(x) : "—";

    /// <summary>
    /// The mark of a required field, inside its label so that a screen reader says it with the field's name (the field itself
    /// carries <c>required</c>, which is its aria-required).
    /// </summary>
    public static Html RequiredMark(Policy.NoticeLanguage lang) =>
        H.F($"""<span class="req">{(lang == Policy.NoticeLanguage.En ? "required" : "必須")}</span>""");

    /// <summary>
    /// A list's rows it could not read (MAMORI-1114), one table row each spanning <paramref name="columns"/>: the page shows the
    /// others and says which record to correct, by id and column.
    /// </summary>
    public static Html UnreadableRows(HttpContext http, IReadOnlyList<Data.UnreadableRow> rows, int columns) => Html.Join(rows.Select(r => H.F($"""
        <tr><td colspan="{columns}" class="error">{T(http,
            $"この記録（ID {r.Id}）は表示できません。{r.Column} に、この版の Mamori が知らない値があります（新しい版が書いたか、データベースを直接変更したものです）。（MAMORI-1114）",
            $"This record (id {r.Id}) cannot be shown: its {r.Column} holds a value this version of Mamori does not know (written by a newer version, or changed by hand). (MAMORI-1114)")}</td></tr>
        """)));

    /// <summary>A short status line after a POST-redirect-GET (<c>?done=key</c>); keys, never values.</summary>
    public static Html Notice(string? message) => message is null ? default : H.F($"""<p class="notice" role="status">{message}</p>""");

    public static Html Error(string? message) => message is null ? default : H.F($"""<p class="error" role="alert">{message}</p>""");

    /// <summary>
    /// What a refused form posted to <paramref name="action"/>, when the page is rendered again in the answer to that POST (so the
    /// form keeps what was typed, in this response's body only: console pages are never cached); null on a GET, or when the page's
    /// other forms were posted. The form was read already (the handler checked its anti-forgery token).
    /// </summary>
    public static IFormCollection? Posted(HttpContext http, string action) =>
        HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals(action, StringComparison.Ordinal)
            ? http.Features.Get<Microsoft.AspNetCore.Http.Features.IFormFeature>()?.Form : null;

    /// <summary>A textarea's content: an HTML parser drops one newline right after the start tag, so a value is preceded by one.</summary>
    public static string TextareaValue(string? value) => string.IsNullOrEmpty(value) ? "" : "\n" + value;

    /// <summary>The value of <paramref name="field"/> a refused form posted to <paramref name="action"/>; else <paramref name="current"/>.</summary>
    public static string? Typed(HttpContext http, string action, string field, string? current = null) =>
        Posted(http, action) is { } form ? form[field].ToString() : current;

    /// <summary>Remembers an explicit language switch in the staff console (a preference the user asked for).</summary>
    public static IApplicationBuilder UseLanguageSwitch(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var q = http.Request.Query["lang"].ToString();
        // Staff pages only: public pages switch language by path (/en/…) and set no preference cookie.
        var staffPage = http.Request.Path.StartsWithSegments("/console") || http.Request.Path.StartsWithSegments("/login")
                        || http.Request.Path.StartsWithSegments("/api-reference");
        if (q is "en" or "ja" && staffPage && http.Request.Cookies["mamori_lang"] != q)
            http.Response.Cookies.Append("mamori_lang", q, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = "/", MaxAge = TimeSpan.FromDays(365), IsEssential = true,
            });
        return next(http);
    });

    /// <summary>
    /// A console page that cannot be shown (an unknown id, an unknown path, a query of the wrong type): a page in the console's
    /// layout with the stable code, where a browser would otherwise show problem JSON or nothing. The API keeps problem details.
    /// </summary>
    public static bool IsConsolePage(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Path.StartsWithSegments("/console", StringComparison.Ordinal);

    /// <summary>A browser asking for a page (not the API): its Accept names text/html, as every browser's navigation and form post does.</summary>
    public static bool WantsPage(HttpRequest request) =>
        !MamoriAuthenticationHandler.IsApi(request)
        && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    /// <summary>A browser's form post to a page (not the API): its errors are pages too, not JSON.</summary>
    public static bool IsPageForm(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && !request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
        // Not request.HasFormContentType: after a failed anti-forgery check the form feature throws on any use.
        && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && (type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A form refused by a 4xx its page did not render itself: most often an expired anti-forgery token (the page was open
    /// overnight, or the browser refuses cookies) or a body the form reader refuses, else a refusal that escaped the handler
    /// (an id that no longer exists, a field of the wrong type). A customer on a public form used to get problem JSON; they
    /// get the page's frame, in its language, what was wrong, and a way back to the form.
    /// </summary>
    public static Task WriteFormErrorAsync(HttpContext http, Errors.ErrorCode code, int status, string detail, Errors.MamoriException? refused)
    {
        var path = http.Request.Path.Value ?? "/";
        // Staff pages follow the console's language preference; public pages are in the language of their address (/en/…).
        var staff = http.Request.Path.StartsWithSegments("/console", StringComparison.Ordinal) || path is "/login" or "/logout";
        var english = staff ? Lang(http) == "en" : path.StartsWith("/en/", StringComparison.Ordinal);
        string Say(string ja, string en) => english ? en : ja;
        var title = Say("送信できませんでした", "The form could not be sent");
        string text;
        if (code == Errors.ErrorCode.TooManyRequests)
        {
            // The rate limit (MAMORI-1009): the browser's Back button returns to the form with what was typed; a link would open it empty.
            title = Say("しばらくお待ちください", "Please wait a moment");
            text = Say("短い時間にこのネットワークから多くの送信があったため、今回の送信はお受けできませんでした。入力内容は送信されていません。ブラウザの「戻る」でフォームに戻り、1分ほどおいてから、もう一度送信してください。",
                "Too many forms were sent from this network in a short time, so this one was not accepted. Nothing was sent. Go back to the form with your browser's Back button and send it again in a minute.");
        }
        else if (code == Errors.ErrorCode.AntiforgeryFailed)
            text = Say("フォームの有効期限が切れたか、ブラウザが Cookie を受け付けていません。入力内容は送信されていません。ページを開き直して、もう一度送信してください。",
                "The form has expired, or the browser does not accept cookies. Nothing was sent. Open the page again and send the form once more.");
        else if (code is Errors.ErrorCode.MalformedJson or Errors.ErrorCode.BodyTooLarge or Errors.ErrorCode.UnsupportedMediaType)
            text = Say("送信された内容を読み取れませんでした。入力内容は送信されていません。ページを開き直して、もう一度送信してください。",
                "The form could not be read. Nothing was sent. Open the page again and send the form once more.");
        else
        {
            // The form was read and refused: say why, as the form itself would (every refusal used to read "could not be read").
            title = Say("受け付けられませんでした", "The form was not accepted");
            var (ja, en) = FormErrors.Explain(refused ?? new Errors.MamoriException(code, detail, status));
            text = Say(ja, en);
        }
        // Back to the page the form was on when the browser says so (same site only), else to the page the form's address belongs
        // to (the form's own address takes no GET; a private status link sends no referrer).
        var back = http.Request.Headers.Referer.ToString() is { Length: > 0 } referer
            && Uri.TryCreate(referer, UriKind.Absolute, out var from) && from.Authority == http.Request.Host.Value
            ? from.PathAndQuery : PageAddresses.Current(http);
        var body = H.F($"""
            <h1>{title}</h1>
            <p class="error" role="alert">{text} ({Errors.ErrorCodes.Format(code)})</p>
            <p><a href="{back}">{Say("フォームに戻る", "Back to the form")}</a></p>
            """);
        http.Response.StatusCode = status;
        return WriteAsync(http, staff ? Layout(http, title, body)
            : PublicLayout(http, english ? Policy.NoticeLanguage.En : Policy.NoticeLanguage.Ja, title, body));
    }

    /// <summary>
    /// A public page on a server that serves no company yet (a fresh installation before 'mamori tenant add'): the person
    /// gets a page in the address's language, not the problem JSON the API would answer. What the operator must do is in
    /// the start banner, not here.
    /// </summary>
    public static Task WriteNotSetUpAsync(HttpContext http, int status)
    {
        var path = http.Request.Path.Value ?? "/";
        var lang = path == "/en" || path.StartsWith("/en/", StringComparison.Ordinal) ? Policy.NoticeLanguage.En : Policy.NoticeLanguage.Ja;
        string Say(string ja, string en) => lang == Policy.NoticeLanguage.En ? en : ja;
        var title = Say("準備中です", "Not available yet");
        http.Response.StatusCode = status;
        return WriteAsync(http, PublicLayout(http, lang, title, H.F($"""
            <h1>{title}</h1>
            <p>{Say("このサイトはまだ公開の準備中です。しばらくしてから、もう一度お越しください。", "This site is not open yet. Please come back later.")} ({Errors.ErrorCodes.Format(Errors.ErrorCode.NotSetUp)})</p>
            """)));
    }

    /// <summary>
    /// A console page that cannot be shown, in the console's language: a Mamori refusal by its sentence in <see cref="FormErrors"/>
    /// (「その委託先はありません。」), any other 404 as 「このページはありません。」; only what neither knows keeps the English detail.
    /// </summary>
    public static Task WriteConsoleErrorAsync(HttpContext http, Errors.ErrorCode code, int status, string detail, Errors.MamoriException? error = null)
    {
        var title = status == 404 ? T(http, "見つかりません", "Not found") : T(http, "表示できません", "Cannot be shown");
        var text = code != Errors.ErrorCode.NotFound && error is not null && FormErrors.Known(error) is { } known ? T(http, known.Ja, known.En)
            : status == 404 ? T(http, "このページはありません。", "There is no such page.")
            : status == 405 ? T(http, "このアドレスはフォームの送信先のため、直接は開けません。", "This address is where a form is sent; it cannot be opened directly.")
            : detail;
        // A form's address opened as a link (a bookmark, a reload after the form was sent): the way on is the page the form is on.
        Html formPage = status == 405 && PageAddresses.Nearest(http, http.Request.Path.Value ?? "/") is { } page && page.Path != "/console"
            ? H.F($"""<p><a href="{page.Path}">{T(http, "フォームのページを開く", "Open the form's page")}</a></p>""") : default;
        http.Response.StatusCode = status;
        return WriteAsync(http, Layout(http, title, H.F($"""
            <h1>{title}</h1>
            <p class="error" role="alert">{text} ({Errors.ErrorCodes.Format(code)})</p>
            {formPage}<p><a href="/console">{T(http, "ダッシュボードへ戻る", "Back to the dashboard")}</a></p>
            """)));
    }

    public static Task WriteAsync(HttpContext http, Html page)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync(page.Value);
    }

    public static IResult Result(Html page, int status = 200) =>
        Results.Content(page.Value, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
}
