using System.Globalization;
using Mamori.Auth;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Staff;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// Policy versions, the difference between any two, and publishing: the privacy officer uploads the YAML
/// files (company.yaml, mynumber.yaml, services/*.yaml), checks them (diagnostics with file:line:column and
/// the changes against the version in force), then publishes with an effective and announcement date.
/// </summary>
public static class PolicyConsolePages
{
    public const long MaxUploadBytes = 1024 * 1024;

    public static void MapPolicyConsolePages(this WebApplication app)
    {
        app.MapGet("/console/policy", async (HttpContext http, PolicyStore store, int? from, int? to) =>
        {
            var ct = http.RequestAborted;
            var versions = await store.VersionsAsync(ct);
            var current = await store.CurrentAsync(ct);
            Html diff = default;
            if (versions.Count >= 2)
            {
                var newer = to ?? versions[^1].Number;
                var older = from ?? newer - 1;
                if (older < newer && await store.GetAsync(older, ct) is { } a && await store.GetAsync(newer, ct) is { } b)
                    diff = Changes(http, T(http, $"第{older}版 → 第{newer}版の変更", $"Changes from version {older} to {newer}"), PolicyChangeText.Describe(a.Model, b.Model, Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja));
            }
            // The publisher by sign-in address (or 「システム」), as the audit page names actors.
            var actorName = await ActorNamesAsync(http, versions.Where(v => v.PublishedBy is not null).Select(v => v.PublishedBy!));
            var rows = versions.OrderByDescending(v => v.Number).Select(v => H.F($"""
                <tr><td>{v.Number}{(v.Number == current?.Version.Number ? H.F($" <strong>({T(http, "施行中", "in force")})</strong>") : default)}</td>
                <td>{v.EffectiveFrom:yyyy-MM-dd}</td><td>{v.AnnouncedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—"}</td><td>{Jst(v.PublishedAt)}</td><td>{(v.PublishedBy is { } by ? actorName(by) : "—")}</td>
                <td><code>{v.ContentHash[..12]}</code></td>
                <td>{(v.Number > 1 ? H.F($"""<a href="/console/policy?from={v.Number - 1}&amp;to={v.Number}">{T(http, "前版との差分", "Changes")}</a>""") : default)}</td></tr>
                """));
            var title = T(http, "ポリシー", "Policy");
            return Result(Layout(http, title, H.F($"""
                <h1>{title}</h1>
                {Notice(http.Request.Query["done"] == "published" ? T(http, "新しい版を公開しました。", "The new version was published.") : null)}
                <p><a href="/privacy">{T(http, "公開中のプライバシーポリシー（日本語）", "The public notice (Japanese)")}</a> · <a href="/en/privacy">{T(http, "英語版", "English")}</a></p>
                <table><thead><tr><th scope="col">{T(http, "版", "Version")}</th><th scope="col">{T(http, "施行日", "Effective")}</th><th scope="col">{T(http, "告知日", "Announced")}</th><th scope="col">{T(http, "公開", "Published")}</th><th scope="col">{T(http, "公開者", "By")}</th><th scope="col">{T(http, "内容ハッシュ", "Hash")}</th><th scope="col"></th></tr></thead>
                <tbody>{rows}</tbody></table>
                {(versions.Count == 0 ? H.F($"<p>{T(http, "まだ公開された版はありません。", "No version has been published.")}</p>") : default)}
                {diff}
                {(Can(http, Permission.PublishPolicy) ? PublishForm(http, store.TodayJst(), store.TodayJst()) : default)}
                """)));
        }).RequirePermission(Permission.ReadPolicy).ExcludeFromDescription();

        app.MapPost("/console/policy/publish", async (HttpContext http, PolicyStore store) =>
        {
            var form = await FormAsync(http);
            var ct = http.RequestAborted;
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in form.Files)
            {
                if (file.Length > MaxUploadBytes) return Result(Outcome(http, store, form, T(http, $"{file.FileName} が大きすぎます。", $"{file.FileName} is too large."), null), 400);
                var name = Path.GetFileName(file.FileName);
                if (!name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)) continue;
                var path = name is PolicyLoader.CompanyFile or PolicyLoader.MyNumberFile ? name : $"{PolicyLoader.ServicesDir}/{name}";
                using var reader = new StreamReader(file.OpenReadStream());
                files[path] = await reader.ReadToEndAsync(ct);
            }
            if (!files.ContainsKey(PolicyLoader.CompanyFile))
                return Result(Outcome(http, store, form, T(http, "company.yaml を含めてください（サービスごとのファイルと個人番号の基本方針は任意）。",
                    "Include company.yaml (service files and mynumber.yaml are optional)."), null), 400);
            // Against the newest version, which this one would follow: a Japanese text changed without its English is warned.
            var result = PolicyLoader.LoadFiles(files, await store.LatestAsync(ct));
            // The meaning first in the page's language (the privacy officer writes the policy), then the position and the detail.
            var english = Lang(http) == "en";
            var diagnostics = result.Diagnostics.Select(d => H.F($"""<li class="{(d.IsError ? "error" : "warning")}">{(PolicyCodeTitles.Of(d.Code, english) is { } title ? H.F($"<strong>{(d.IsError ? "" : T(http, "注意: ", "Warning: "))}{title}</strong><br>") : default)}<code>{d.ToString()}</code></li>"""));
            Html diagnosticsBlock = result.Diagnostics.Count == 0 ? default : H.F($"""<h2>{T(http, "検査結果", "Diagnostics")}</h2><ul class="diagnostics">{diagnostics}</ul>""");
            if (result.Policy is null || result.HasErrors)
                return Result(Outcome(http, store, form, T(http, "ポリシーに誤りがあります。修正してからもう一度アップロードしてください。", "The policy has errors; fix them and upload again."), diagnosticsBlock), 400);

            var current = await store.CurrentAsync(ct);
            var changes = current is null ? default : Changes(http, T(http, $"施行中の第{current.Version.Number}版からの変更", $"Changes from version {current.Version.Number} in force"),
                PolicyChangeText.Describe(current.Model, result.Policy, Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja));
            if (form["action"] != "publish")
                return Result(Outcome(http, store, form, null, H.F($"""
                    <p class="ok" role="status">{T(http, $"誤りはありません（{files.Count}ファイル）。内容を確認し、ファイルをもう一度選んで「公開」を押してください。", $"No errors ({files.Count} files). Review the changes, select the files again and press Publish.")}</p>
                    {diagnosticsBlock}{changes}
                    """)));
            if (!DateOnly.TryParseExact(form["effective"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var effective))
                return Result(Outcome(http, store, form, T(http, "施行日を入力してください。", "Enter the effective date."), null), 400);
            DateOnly? announced = DateOnly.TryParseExact(form["announced"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var an) ? an : null;
            try
            {
                await store.PublishAsync(result.Policy, effective, announced, http.Actor(), ct);
            }
            catch (MamoriException e)
            {
                return Result(Outcome(http, store, form, e.Code == ErrorCode.PolicyUnchanged
                    ? T(http, "前の版と内容が同じため、公開しませんでした。", "The content is the same as the latest version; nothing was published.")
                    : FormErrors.Text(http, e), null), e.Status);
            }
            return Results.Redirect("/console/policy?done=published");
        }).RequirePermission(Permission.PublishPolicy).ExcludeFromDescription();
    }

    /// <summary>The result of a check or publish, above the form again with the dates as they were typed (a check used to reset them to today).</summary>
    private static Html Outcome(HttpContext http, PolicyStore store, IFormCollection form, string? error, Html? body)
    {
        var title = T(http, "ポリシーの公開", "Publish the policy");
        var today = store.TodayJst();
        DateOnly? Typed(string field) => DateOnly.TryParseExact(form[field], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>{Error(error)}{body.GetValueOrDefault()}
            {PublishForm(http, Typed("effective") ?? today, form.ContainsKey("announced") ? Typed("announced") : today)}
            <p><a href="/console/policy">{T(http, "版の一覧へ戻る", "Back to versions")}</a></p>
            """));
    }

    private static Html PublishForm(HttpContext http, DateOnly effective, DateOnly? announced) => H.F($"""
        <h2 id="publish-h">{T(http, "新しい版の公開", "Publish a new version")}</h2>
        <p>{T(http, "ポリシーのフォルダにある YAML ファイル（company.yaml、mynumber.yaml、services/ の各ファイル）をまとめて選びます。まず「検査」で誤りと変更点を確認してから「公開」します。公開した版は変更できません。",
            "Select the YAML files of your policy folder (company.yaml, mynumber.yaml and each file in services/). Check first for errors and the changes, then publish. A published version cannot be changed.")}</p>
        <form method="post" action="/console/policy/publish" enctype="multipart/form-data" class="stack wide" aria-labelledby="publish-h">
          {AntiforgeryField(http)}
          <label for="files">{T(http, "ポリシーファイル（複数選択可）", "Policy files (select several)")}</label>
          <input id="files" name="files" type="file" multiple accept=".yaml,.yml" required>
          <label for="effective">{T(http, "施行日", "Effective date")}</label>
          <input id="effective" name="effective" type="date" value="{effective:yyyy-MM-dd}">
          <label for="announced">{T(http, "告知日（任意）", "Announced on (optional)")}</label>
          <input id="announced" name="announced" type="date" value="{announced?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? ""}">
          <div class="buttons"><button type="submit" name="action" value="check" class="secondary">{T(http, "検査", "Check")}</button>
          <button type="submit" name="action" value="publish">{T(http, "公開", "Publish")}</button></div>
        </form>
        """);

    // Staff see the item in words and, beside it, the path in the policy files they edit.
    private static Html Changes(HttpContext http, string heading, IReadOnlyList<ReadableChange> changes)
    {
        var rows = changes.Select(c => H.F($"""
            <tr><td>{c.Item}<br><code class="muted">{c.Path}</code></td><td>{c.Kind switch { PolicyChangeKind.Added => T(http, "追加", "Added"), PolicyChangeKind.Removed => T(http, "削除", "Removed"), _ => T(http, "変更", "Changed") }}</td>
            <td>{c.Before ?? "—"}</td><td>{c.After ?? "—"}</td></tr>
            """));
        return H.F($"""
            <h2>{heading}</h2>
            {(changes.Count == 0 ? H.F($"<p>{T(http, "内容の変更はありません。", "No changes in content.")}</p>") : H.F($"""
            <div class="table-wrap"><table class="diff"><thead><tr><th scope="col">{T(http, "項目", "Item")}</th><th scope="col">{T(http, "種類", "Change")}</th><th scope="col">{T(http, "変更前", "Before")}</th><th scope="col">{T(http, "変更後", "After")}</th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            """))}
            """);
    }
}
