using Mamori.Auth;
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
        foreach (var (prefix, lang) in new[] { ("", NoticeLanguage.Ja), ("/en", NoticeLanguage.En) })
        {
            app.MapGet(prefix + "/privacy", async (HttpContext http) =>
            {
                var current = await CurrentAsync(http);
                if (current is null) return NotPublished(http, lang);
                return Notice(http, lang, PolicyRenderer.Render(current.Model, lang, NoticeFormat.Html, htmlFragment: true), current.Version);
            }).AllowAnonymous().ExcludeFromDescription();

            app.MapGet(prefix + "/privacy/services/{id}", async (HttpContext http, string id) =>
            {
                var current = await CurrentAsync(http);
                if (current is null) return NotPublished(http, lang);
                if (current.Model.FindService(id) is null)
                    return Result(PublicLayout(http, lang, L(lang, "ページが見つかりません", "Not found"),
                        H.F($"<h1>{L(lang, "ページが見つかりません", "Not found")}</h1><p><a href=\"{prefix}/privacy\">{L(lang, "プライバシーポリシーへ", "To the privacy policy")}</a></p>")), 404);
                return Notice(http, lang, PolicyRenderer.RenderService(current.Model, id, lang, NoticeFormat.Html, htmlFragment: true), current.Version);
            }).AllowAnonymous().ExcludeFromDescription();

            app.MapGet(prefix + "/privacy/history", async (HttpContext http, int? from, int? to) =>
            {
                await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
                var store = http.RequestServices.GetRequiredService<PolicyStore>();
                var versions = await store.VersionsAsync(http.RequestAborted);
                return Result(History(http, lang, prefix, versions, await DiffAsync(store, versions, from, to, http.RequestAborted)));
            }).AllowAnonymous().ExcludeFromDescription();
        }
    }

    private static string L(NoticeLanguage lang, string ja, string en) => lang == NoticeLanguage.En ? en : ja;

    private static async Task<PublishedPolicy?> CurrentAsync(HttpContext http)
    {
        await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
        return await http.RequestServices.GetRequiredService<PolicyStore>().CurrentAsync(http.RequestAborted);
    }

    private static IResult NotPublished(HttpContext http, NoticeLanguage lang) =>
        Result(PublicLayout(http, lang, L(lang, "プライバシーポリシー", "Privacy policy"),
            H.F($"<h1>{L(lang, "プライバシーポリシー", "Privacy policy")}</h1><p>{L(lang, "まだ公開されていません。", "Not published yet.")}</p>")), 404);

    private static IResult Notice(HttpContext http, NoticeLanguage lang, string fragment, PolicyVersion version)
    {
        var prefix = lang == NoticeLanguage.En ? "/en" : "";
        var meta = H.F($"""
            <p class="version-meta">{L(lang, "版", "Version")} {version.Number} · {L(lang, "施行日", "Effective")} {version.EffectiveFrom:yyyy-MM-dd} ·
            <a href="{prefix}/privacy/history">{L(lang, "改定履歴", "History")}</a></p>
            """);
        return Result(PublicLayout(http, lang, L(lang, "プライバシーポリシー", "Privacy policy"), H.F($"{Html.Raw(fragment)}{meta}"), "/static/notice.css", bodyHasMain: true, consentBanner: true));
    }

    private static async Task<(PolicyVersion From, PolicyVersion To, IReadOnlyList<PolicyChange> Changes)?> DiffAsync(
        PolicyStore store, List<PolicyVersion> versions, int? from, int? to, CancellationToken ct)
    {
        if (versions.Count < 2) return null;
        var newer = to ?? versions[^1].Number;
        var older = from ?? newer - 1;
        var a = await store.GetAsync(older, ct);
        var b = await store.GetAsync(newer, ct);
        if (a is null || b is null || older >= newer) return null;
        return (a.Version, b.Version, PolicyDiff.Compare(a.Model, b.Model));
    }

    private static Html History(HttpContext http, NoticeLanguage lang, string prefix, List<PolicyVersion> versions,
        (PolicyVersion From, PolicyVersion To, IReadOnlyList<PolicyChange> Changes)? diff)
    {
        var rows = versions.OrderByDescending(v => v.Number).Select(v => H.F($"""
            <tr><td>{v.Number}</td><td>{v.EffectiveFrom:yyyy-MM-dd}</td><td>{v.AnnouncedOn?.ToString("yyyy-MM-dd") ?? "—"}</td>
            <td><code>{v.ContentHash[..12]}</code></td>
            <td>{(v.Number > 1 ? H.F($"<a href=\"{prefix}/privacy/history?from={v.Number - 1}&amp;to={v.Number}\">{L(lang, "前版との差分", "Changes from previous")}</a>") : default)}</td></tr>
            """));
        Html diffBlock = default;
        if (diff is { } d)
        {
            var items = d.Changes.Select(c => H.F($"""
                <tr><td><code>{c.Path}</code></td><td>{KindLabel(lang, c.Kind)}</td><td>{c.OldValue ?? "—"}</td><td>{c.NewValue ?? "—"}</td></tr>
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
            <p>{L(lang, "最新の版が適用されます。改定はこのページで告知します。", "The newest version applies. Changes are announced on this page.")}
            <a href="{prefix}/privacy">{L(lang, "現行のプライバシーポリシー", "Current privacy policy")}</a></p>
            <table><thead><tr><th scope="col">{L(lang, "版", "Version")}</th><th scope="col">{L(lang, "施行日", "Effective")}</th><th scope="col">{L(lang, "告知日", "Announced")}</th><th scope="col">{L(lang, "内容ハッシュ", "Content hash")}</th><th scope="col"></th></tr></thead>
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
