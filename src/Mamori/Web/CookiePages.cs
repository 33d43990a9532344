using System.Text.Json.Serialization;
using Mamori.Auth;
using Mamori.Consent;
using Mamori.Errors;
using Mamori.Policy;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// Cookie and external-transmission (外部送信) choices, generated from the policy's external tags:
/// the no-JavaScript preferences page (/privacy/cookies, /en/privacy/cookies), the JSON config the
/// embeddable banner (/static/js/mamori-consent.js) reads, and the endpoint that records a known person's
/// choice in the consent ledger. Nothing non-essential is set before a choice; Global Privacy Control
/// (<c>Sec-GPC: 1</c>) turns every non-essential category off.
/// </summary>
public static class CookiePages
{
    /// <summary>First-party cookie holding the visitor's choice: <c>m1.&lt;policy version&gt;.&lt;granted categories joined by '-' or "none"&gt;</c>.</summary>
    public const string ChoiceCookie = "mamori_consent";

    public static readonly TimeSpan ChoiceLifetime = TimeSpan.FromDays(180);

    public sealed record Choice(int PolicyVersion, IReadOnlySet<TagCategory> Granted)
    {
        public string Format() => $"m1.{PolicyVersion}.{(Granted.Count == 0 ? "none" : string.Join('-', Granted.Select(CookieConsents.Id).Order(StringComparer.Ordinal)))}";

        public static Choice? Parse(string? value)
        {
            var parts = value?.Split('.');
            if (parts is not { Length: 3 } || parts[0] != "m1" || !int.TryParse(parts[1], out var v)) return null;
            var granted = new HashSet<TagCategory>();
            if (parts[2] != "none")
                foreach (var id in parts[2].Split('-'))
                    if (CookieConsents.Parse(id) is { } c) granted.Add(c);
                    else return null;
            return new Choice(v, granted);
        }
    }

    public sealed record ConfigCategory(string Id, string Name, string Description, bool Essential);

    public sealed record ConfigTag(string Id, string Category, string Name, string Recipient, string InformationSent, string Purpose, string? OptOutUrl);

    public sealed record ConsentConfig(
        string Lang, int PolicyVersion, string Company, string Notice, string? SessionCookies, bool Gpc,
        IReadOnlyList<ConfigCategory> Categories, IReadOnlyList<ConfigTag> Tags, string PreferencesUrl, string RecordUrl,
        [property: JsonPropertyName("cookie")] string CookieName, int CookieMaxAgeSeconds, IReadOnlyDictionary<string, string> Texts);

    public sealed record ChoiceBody(string Token, IReadOnlyList<string> Granted, IReadOnlyList<string> Refused, bool Gpc = false);

    public sealed record ChoiceRecorded(int Recorded);

    public static bool GpcHeader(HttpContext http) => http.Request.Headers["Sec-GPC"].ToString().Trim() == "1";

    public static void MapCookiePages(this WebApplication app)
    {
        foreach (var (prefix, lang) in new[] { ("", NoticeLanguage.Ja), ("/en", NoticeLanguage.En) })
        {
            app.MapGet(prefix + "/privacy/cookies", async (HttpContext http, string? t, string? service, string? done) =>
            {
                // A personal link (?t=mst1.…) is a secret in the URL: its page never sends the URL as a referrer.
                if (t is not null) SecurityHeaders.Private(http);
                var tenant = await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
                var current = await http.RequestServices.GetRequiredService<PolicyStore>().CurrentAsync(http.RequestAborted);
                if (current is null) return NotFound(http, lang, L(lang, "まだ公開されていません。", "Not published yet."));
                var target = await TargetAsync(http, current.Model, tenant, t, service);
                if (target is null) return NotFound(http, lang, L(lang, "指定されたサービスはありません。", "There is no such service."));
                return Result(Page(http, lang, prefix, current, target, target.Holder is null ? null : t, done));
            }).AllowAnonymous().ExcludeFromDescription();

            app.MapPost(prefix + "/privacy/cookies", async (HttpContext http) =>
            {
                var form = await FormAsync(http);
                var tenant = await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
                var current = await http.RequestServices.GetRequiredService<PolicyStore>().RequireCurrentAsync(http.RequestAborted);
                var token = form["t"].ToString();
                // The redirect keeps the personal link (so the next choice is recorded too, and an expired link says so): the same secret
                // as in the page's address, kept out of referrers and caches like it.
                if (token.Length > 0) SecurityHeaders.Private(http);
                var target = await TargetAsync(http, current.Model, tenant, token, form["service"].ToString());
                if (target is null) return NotFound(http, lang, L(lang, "指定されたサービスはありません。", "There is no such service."));
                var choosable = CookieConsents.Choosable(target.Scope);
                var gpc = GpcHeader(http);
                var action = form["action"].ToString();
                var granted = gpc ? [] : action switch
                {
                    "accept-all" => choosable.ToHashSet(),
                    "reject-all" => [],
                    _ => form["granted"].Select(CookieConsents.Parse).OfType<TagCategory>().Where(choosable.Contains).ToHashSet(),
                };
                var choice = new Choice(current.Version.Number, granted);
                SetChoiceCookie(http, choice);
                var recorded = false;
                if (target.Holder is { } holder)
                {
                    await http.RequestServices.GetRequiredService<CookieConsents>().RecordAsync(holder.SubjectId,
                        choosable.ToDictionary(c => c, granted.Contains), gpc ? "gpc" : "cookie-page", http.RequestAborted);
                    recorded = true;
                }
                var kept = Keep(token, target.Service);
                return Results.Redirect($"{prefix}/privacy/cookies?{kept}{(kept.Length > 0 ? "&" : "")}done={(recorded ? "recorded" : "saved")}");
            }).AllowAnonymous().RequireRateLimiting("public").ExcludeFromDescription();
        }

        var api = app.MapGroup("/api/public/consent").WithTags("Public").DisableAntiforgery();
        api.MapGet("/config", async (HttpContext http, string? lang, string? service) =>
        {
            AllowAnyOrigin(http);
            await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
            var current = await http.RequestServices.GetRequiredService<PolicyStore>().RequireCurrentAsync(http.RequestAborted);
            IPolicyScope scope = service is null ? current.Model : Access.PolicyScopes.For(current.Model, service);
            http.Response.Headers.CacheControl = "public, max-age=300";
            http.Response.Headers.Vary = "Sec-GPC";
            return TypedResults.Ok(Config(http, lang == "en" ? NoticeLanguage.En : NoticeLanguage.Ja, current, scope, service));
        }).AllowAnonymous().RequireRateLimiting("public")
          .WithSummary("The cookie and external-transmission banner's configuration from the policy in force (public; any origin may read it).");

        api.MapMethods("/choice", ["OPTIONS"], (HttpContext http) =>
        {
            AllowAnyOrigin(http);
            http.Response.Headers.AccessControlAllowMethods = "POST";
            http.Response.Headers.AccessControlAllowHeaders = "Content-Type";
            http.Response.Headers.AccessControlMaxAge = "600";
            return TypedResults.NoContent();
        }).AllowAnonymous().ExcludeFromDescription();

        api.MapPost("/choice", async (ChoiceBody body, HttpContext http) =>
        {
            AllowAnyOrigin(http);
            var tenant = await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
            var holder = http.RequestServices.GetRequiredService<SubjectLinks>().Open(body.Token, tenant);
            var gpc = body.Gpc || GpcHeader(http);
            var choices = new Dictionary<TagCategory, bool>();
            foreach (var id in body.Granted.Concat(body.Refused))
            {
                var c = CookieConsents.Parse(id) ?? throw new MamoriException(ErrorCode.UnknownCookieCategory, $"Unknown cookie category '{(id.Length <= 20 ? id : id[..20])}'.");
                if (choices.ContainsKey(c)) throw new MamoriException(ErrorCode.CookieChoiceInvalid, $"Category '{CookieConsents.Id(c)}' is both granted and refused.");
                choices[c] = !gpc && body.Granted.Contains(id);
            }
            var n = await http.RequestServices.GetRequiredService<CookieConsents>().RecordAsync(holder.SubjectId, choices, gpc ? "gpc" : "cookie-banner", http.RequestAborted);
            return TypedResults.Ok(new ChoiceRecorded(n));
        }).AllowAnonymous().RequireRateLimiting("public")
          .WithSummary("Record a known person's cookie choice in the consent ledger; the person is identified by an opaque personal link token (mst1.…), never by id.");
    }

    /// <summary>
    /// Whose choice a preferences page is about: the person of a valid personal link, among the tags of their service; else a
    /// visitor choosing for one service (<c>?service=isp</c>, the banner's preferencesUrl) or for the company's own sites.
    /// </summary>
    private sealed record Target(IPolicyScope Scope, string? Service, SubjectLinks.Holder? Holder, CookieConsents.Person? Person, bool LinkInvalid);

    /// <summary>Null when <paramref name="service"/> names no service of the policy.</summary>
    private static async Task<Target?> TargetAsync(HttpContext http, PolicyModel model, Guid tenant, string? token, string? service)
    {
        var linkInvalid = false;
        if (!string.IsNullOrEmpty(token))
        {
            if (http.RequestServices.GetRequiredService<SubjectLinks>().TryOpen(token, tenant) is { } holder
                && await http.RequestServices.GetRequiredService<CookieConsents>().PersonAsync(holder.SubjectId, http.RequestAborted) is { } person)
                return new Target(Access.PolicyScopes.For(model, person.ServiceId), null, holder, person, false);
            linkInvalid = true;
        }
        if (string.IsNullOrEmpty(service)) return new Target(model, null, null, null, linkInvalid);
        return model.FindService(service) is null ? null : new Target(Access.PolicyScopes.For(model, service), service, null, null, linkInvalid);
    }

    /// <summary>The query a page's redirect and language switch keep: the personal link, else the service (without '?').</summary>
    private static string Keep(string? token, string? service) =>
        !string.IsNullOrEmpty(token) ? "t=" + Uri.EscapeDataString(token) : service is null ? "" : "service=" + Uri.EscapeDataString(service);

    private static IResult NotFound(HttpContext http, NoticeLanguage lang, string message) =>
        Result(PublicLayout(http, lang, L(lang, "Cookie・外部送信の設定", "Cookies and external transmission"), H.F($"<p>{message}</p>")), 404);

    /// <summary>The config and the choice endpoint are meant for the company's other sites; they hold no credentials.</summary>
    private static void AllowAnyOrigin(HttpContext http) => http.Response.Headers.AccessControlAllowOrigin = "*";

    public static void SetChoiceCookie(HttpContext http, Choice choice) =>
        http.Response.Cookies.Append(ChoiceCookie, choice.Format(), new CookieOptions
        {
            Path = "/", MaxAge = ChoiceLifetime, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, HttpOnly = false, IsEssential = true,
        });

    private static string L(NoticeLanguage lang, string ja, string en) => lang == NoticeLanguage.En ? en : ja;

    public static string CategoryName(TagCategory c, NoticeLanguage lang) => c switch
    {
        TagCategory.Essential => L(lang, "必須", "Essential"),
        TagCategory.Functional => L(lang, "機能", "Functional"),
        TagCategory.Analytics => L(lang, "アクセス解析", "Analytics"),
        _ => L(lang, "広告", "Advertising"),
    };

    public static string CategoryDescription(TagCategory c, NoticeLanguage lang) => c switch
    {
        TagCategory.Essential => L(lang, "サイトの動作とセキュリティに必要なため、常に有効です。", "Needed for the site to work and stay secure; always on."),
        TagCategory.Functional => L(lang, "言語などの設定の記憶や、便利な機能のために使います。", "Remembers settings such as language and provides extra features."),
        TagCategory.Analytics => L(lang, "サイトの利用状況を分析し、改善に役立てます。", "Measures how the site is used so we can improve it."),
        _ => L(lang, "興味に合わせた広告の表示や効果測定に使います。", "Shows ads matched to your interests and measures them."),
    };

    private static ConsentConfig Config(HttpContext http, NoticeLanguage lang, PublishedPolicy current, IPolicyScope scope, string? service)
    {
        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        var prefix = lang == NoticeLanguage.En ? "/en" : "";
        var categories = new[] { TagCategory.Essential }.Concat(CookieConsents.Choosable(scope))
            .Select(c => new ConfigCategory(CookieConsents.Id(c), CategoryName(c, lang), CategoryDescription(c, lang), c == TagCategory.Essential)).ToList();
        var tags = scope.ExternalTags.Select(t => new ConfigTag(t.Id, CookieConsents.Id(t.Category), t.Name.Get(lang), t.Recipient.Get(lang),
            t.InformationSent.Get(lang), t.Purpose.Get(lang), t.OptOutUrl)).ToList();
        var texts = new Dictionary<string, string>
        {
            ["title"] = L(lang, "Cookie と外部送信について", "Cookies and external transmission"),
            ["intro"] = L(lang, "このサイトでは、以下の事業者へ利用者の情報を送信するタグを使います。必須のもの以外は、同意いただくまで読み込みません。",
                "This site uses tags that send information about you to the companies below. Only essential ones load before you agree."),
            ["acceptAll"] = L(lang, "すべて許可", "Accept all"),
            ["rejectAll"] = L(lang, "必須のみ", "Essential only"),
            ["save"] = L(lang, "選択を保存", "Save choice"),
            ["details"] = L(lang, "詳細を設定", "Choose by category"),
            ["preferences"] = L(lang, "送信先の一覧（外部送信の詳細）", "Recipients (details of external transmission)"),
            ["gpc"] = L(lang, "ブラウザの Global Privacy Control に従い、必須以外はすべて無効にしています。", "Following your browser's Global Privacy Control, everything but essential is off."),
            ["recipient"] = L(lang, "送信先", "Recipient"),
            ["sent"] = L(lang, "送信される情報", "Information sent"),
            ["purpose"] = L(lang, "利用目的", "Purpose"),
            ["saved"] = L(lang, "選択を保存しました。", "Your choice was saved."),
        };
        return new ConsentConfig(lang == NoticeLanguage.En ? "en" : "ja", current.Version.Number, current.Model.Company.LegalName?.Get(lang) ?? "",
            (scope.Cookies ?? current.Model.Cookies)?.Notice.Get(lang) ?? "", (scope.Cookies ?? current.Model.Cookies)?.SessionCookies?.Get(lang),
            GpcHeader(http), categories, tags,
            origin + prefix + "/privacy/cookies" + (service is null ? "" : "?service=" + Uri.EscapeDataString(service)), origin + "/api/public/consent/choice",
            ChoiceCookie, (int)ChoiceLifetime.TotalSeconds, texts);
    }

    private static Html Page(HttpContext http, NoticeLanguage lang, string prefix, PublishedPolicy current, Target target, string? token, string? done)
    {
        var model = current.Model;
        var error = target.LinkInvalid
            ? L(lang, "個人リンクが無効か期限切れです。選択はこのブラウザにだけ保存されます。", "The personal link is not valid or has expired; your choice is kept in this browser only.")
            : null;
        var gpc = GpcHeader(http);
        var host = http.Request.Host.Value;
        var stored = Choice.Parse(http.Request.Cookies[ChoiceCookie]);
        // A personal page shows (and saving changes) what the consent ledger holds for the person, whatever this browser chose.
        var person = target.Person;
        var recorded = person?.Held.Where(kv => kv.Value).Select(kv => kv.Key).ToHashSet();
        IReadOnlySet<TagCategory> granted = gpc ? new HashSet<TagCategory>() : recorded ?? stored?.Granted ?? new HashSet<TagCategory>();
        var choosable = CookieConsents.Choosable(target.Scope);
        var boxes = choosable.Select(c => H.F($"""
            <div class="choice"><input type="checkbox" id="cat-{CookieConsents.Id(c)}" name="granted" value="{CookieConsents.Id(c)}"{(granted.Contains(c) ? Html.Raw(" checked") : default)}{(gpc ? Html.Raw(" disabled") : default)} aria-describedby="cat-{CookieConsents.Id(c)}-d">
            <label for="cat-{CookieConsents.Id(c)}">{CategoryName(c, lang)}</label>
            <p id="cat-{CookieConsents.Id(c)}-d" class="muted">{CategoryDescription(c, lang)}</p></div>
            """));
        var tags = target.Scope.ExternalTags.OrderBy(t => t.Category).Select(t => H.F($"""
            <tr><th scope="row">{t.Name.Get(lang)}</th><td>{CategoryName(t.Category, lang)}</td><td>{t.Recipient.Get(lang)}</td><td>{t.InformationSent.Get(lang)}</td><td>{t.Purpose.Get(lang)}</td>
            <td>{(t.OptOutUrl is { } u ? H.F($"""<a href="{u}" rel="noopener">{L(lang, "オプトアウト", "Opt out")}</a>""") : default)}</td></tr>
            """));
        var notice = done switch
        {
            "recorded" => L(lang, "選択を保存し、同意の記録に登録しました。", "Your choice was saved and recorded in our consent records."),
            "saved" => L(lang, "選択をこのブラウザに保存しました。", "Your choice was saved in this browser."),
            _ => null,
        };
        string Names(IReadOnlySet<TagCategory> chosen) =>
            chosen.Count == 0 ? L(lang, "必須のみ", "essential only") : string.Join(", ", chosen.Order().Select(c => CategoryName(c, lang)));
        // GPC prevails as in the banner: whatever this browser or the ledger holds, only essential tags load. A personal page says what
        // saving does to the record, since under GPC every button records essential only.
        Html state = gpc
            ? H.F($"""
                <p>{L(lang, "現在の選択", "Current choice")}: {L(lang, "必須のみ（GPC）", "essential only (GPC)")}</p>
                {(recorded is { Count: > 0 } ? H.F($"<p>{L(lang, $"同意の記録では「{Names(recorded)}」を許可したままです。いずれかのボタンで保存すると、記録も必須のみになります。", $"Our consent records still show {Names(recorded)} as allowed; saving with any button records essential only.")}</p>") : default)}
                """)
            : person is not null
                ? person.Held.Count == 0
                    ? H.F($"<p>{L(lang, "同意の記録には、まだ選択がありません。", "Our consent records hold no choice from you yet.")}</p>")
                    : H.F($"<p>{L(lang, "現在の選択（同意の記録）", "Current choice (our consent records)")}: {Names(recorded!)}</p>")
            : stored is null
                ? H.F($"<p>{L(lang, $"このサイト（{host}）では、まだ選択されていません。必須以外のタグは読み込まれていません。", $"No choice yet on this site ({host}): nothing but essential tags is loaded.")}</p>")
                : H.F($"<p>{L(lang, $"このサイト（{host}）での現在の選択", $"Current choice on this site ({host})")}: {Names(stored.Granted)}</p>");
        // The choice lives in each site's own cookie (the banner's, on the company's sites): this page cannot see or change theirs.
        var where = person is not null
            ? L(lang, "ここで保存すると、同意の記録が更新されます。当社の各サイトで読み込むタグは、そのサイトのページにある「Cookie設定」からも変更してください。",
                "Saving here updates our consent records. For the tags loaded on each of our sites, also use the 「Cookie設定」 (cookie settings) link on that site.")
            : L(lang, $"この画面での選択は、このサイト（{host}）にだけ適用されます。当社の他のサイトでの選択を確認・変更するには、そのサイトのページにある「Cookie設定」を開いてください。",
                $"A choice made on this page applies to this site ({host}) only. To see or change your choice on our other sites, open the 「Cookie設定」 (cookie settings) link on that site.");
        var title = L(lang, "Cookie・外部送信の設定", "Cookies and external transmission");
        var kept = Keep(token, target.Service);
        // The buttons as in the banner: 「すべて許可」 and 「必須のみ」 first and alike (refusing is as easy and as visible as
        // accepting), 「選択を保存」 after. The page led with saving and drew refusing as a secondary link-like button.
        return PublicLayout(http, lang, title, H.F($"""
            <h1>{title}</h1>
            {Notice(notice)}{Error(error)}
            <p>{(target.Scope.Cookies ?? model.Cookies)?.Notice.Get(lang)}</p>
            {(gpc ? H.F($"""<p class="notice" role="status">{L(lang, "ブラウザの Global Privacy Control（GPC）を受け取りました。必須以外はすべて無効です。", "We received your browser's Global Privacy Control (GPC) signal: everything but essential is off.")}</p>""") : default)}
            {state}
            <p>{where}</p>
            <form method="post" action="{prefix}/privacy/cookies" class="stack wide" data-mamori-preferences="1">
              {AntiforgeryField(http)}
              {(token is null ? default : H.F($"""<input type="hidden" name="t" value="{token}">"""))}
              {(target.Service is null ? default : H.F($"""<input type="hidden" name="service" value="{target.Service}">"""))}
              <fieldset><legend>{L(lang, "カテゴリごとの設定", "By category")}</legend>
              <div class="choice"><input type="checkbox" id="cat-essential" checked disabled aria-describedby="cat-essential-d"><label for="cat-essential">{CategoryName(TagCategory.Essential, lang)}</label>
              <p id="cat-essential-d" class="muted">{CategoryDescription(TagCategory.Essential, lang)}</p></div>
              {boxes}
              </fieldset>
              <div class="buttons">
                <button type="submit" name="action" value="accept-all">{L(lang, "すべて許可", "Accept all")}</button>
                <button type="submit" name="action" value="reject-all">{L(lang, "必須のみ", "Essential only")}</button>
                <button type="submit" name="action" value="save" class="secondary">{L(lang, "選択を保存", "Save choice")}</button>
              </div>
            </form>
            <h2>{L(lang, "外部送信の一覧（電気通信事業法第27条の12）", "External transmissions (Telecommunications Business Act Art.27-12)")}</h2>
            <div class="table-wrap"><table><thead><tr><th scope="col">{L(lang, "タグ", "Tag")}</th><th scope="col">{L(lang, "区分", "Category")}</th><th scope="col">{L(lang, "送信先", "Recipient")}</th><th scope="col">{L(lang, "送信される情報", "Information sent")}</th><th scope="col">{L(lang, "利用目的", "Purpose")}</th><th scope="col">{L(lang, "オプトアウト", "Opt-out")}</th></tr></thead>
            <tbody>{tags}</tbody></table></div>
            """), languageSwitchQuery: kept.Length > 0 ? "?" + kept : "", cookiesQuery: kept.Length > 0 ? "?" + kept : "");
    }
}
