using System.Net;
using System.Text.RegularExpressions;
using Mamori.Audit;
using Mamori.Datasets;
using Mamori.Policy;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Console;

/// <summary>
/// Regression from a user walkthrough: registered pseudonymized and anonymized datasets, their keys and uses could be seen only
/// through `mamori datasets list` or the API. /console/datasets lists them with what the public notice publishes of each and
/// whether each key is still in the ring; a dataset's page shows its key, the datasets sharing it, its provisions and uses, and
/// lets the privacy officer delete the key.
/// </summary>
public sealed class DatasetPagesTests(PostgresCluster cluster)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    private static Task<T> In<T>(TestApp app, Guid tenant, Func<ProcessedDatasets, Task<T>> work) =>
        app.InTenantAsync(tenant, (sp, _) => work(sp.GetRequiredService<ProcessedDatasets>()));

    private static Task<DatasetView> AnonymizedAsync(TestApp app, Guid tenant) => In(app, tenant, d => d.RegisterAnonymizedAsync(
        new AnonymizedRegistration("年代別傾向", ["age", "disease"], "k-anonymity (k = 5); age generalized to 5-year bands", 40, 5, ["name"], "暗号化したファイルの送付",
            new Dictionary<string, LocalizedText> { ["age"] = new("年齢（5歳刻み）", "Age (5-year bands)"), ["disease"] = new("病名", "Disease") }),
        Actor.System, Ct));

    private static KeyRing Ring(TestApp app) => KeyRing.Parse(File.ReadAllText(Path.Combine(app.Database.DataDir, "keys.json")), "test");

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task List_TwoKinds_ShowsWhatTheNoticePublishesKeyStateAndProvisions(string provider)
    {
        var (app, tenant, _) = await StartAsync(cluster, provider);
        await using var __ = app;
        var pseudonymized = await PseudonymizedDatasetAsync(app, tenant);
        var anonymized = await AnonymizedAsync(app, tenant);
        await In(app, tenant, d => d.ProvideAsync(anonymized.Id, new DatasetProvisionRequest(RecipientName: "株式会社分析", RecipientAddress: "東京都港区"), Actor.System, Ct));
        var keyId = (await In(app, tenant, d => d.GetAsync(pseudonymized, Ct))).KeyId!;
        var client = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);

        var html = await client.GetStringAsync("/console/datasets", Ct);
        html.ShouldContain("""<a href="/console/datasets" aria-current="page">仮名・匿名加工情報</a>""");
        html.ShouldContain($"""<td>匿名加工情報</td><td><a href="/console/datasets/{anonymized.Id}">年代別傾向</a></td>""");
        html.ShouldContain($"""<td>仮名加工情報</td><td><a href="/console/datasets/{pseudonymized}">購買分析</a></td>""");
        // What the notice publishes, in the notice's words: the anonymized dataset's items and method, the pseudonymized one's purposes by name.
        html.ShouldContain("<td>項目: 年齢（5歳刻み）、病名<br>第三者提供の方法: 暗号化したファイルの送付</td>");
        const string Marketing = "閲覧情報と組み合わせた、お客さまに合わせた情報提供・サービスの充実・統計データの作成";
        html.ShouldContain($"<td>利用目的: {Marketing}</td>");
        var notice = await app.Client().GetStringAsync("/privacy", Ct);
        notice.ShouldContain("<td>年代別傾向</td><td>年齢（5歳刻み）、病名</td><td>暗号化したファイルの送付</td>");
        notice.ShouldContain($"<td>購買分析</td><td>{Marketing}</td>");
        html.ShouldContain($"""<td>あり（鍵リング）<br><code class="muted">{keyId}</code></td>""");
        html.ShouldContain("""<td class="num">40</td><td class="num">5</td>""");
        html.ShouldContain("""<td class="num">3</td><td class="num">—</td>""");
        html.ShouldContain("<td>—</td>\n<td class=\"num\">1</td></tr>");

        var en = await client.GetStringAsync("/console/datasets?lang=en", Ct);
        en.ShouldContain("<h1>Pseudonymized and anonymized information</h1>");
        en.ShouldContain("<td>Items: Age (5-year bands), Disease<br>Method of provision: 暗号化したファイルの送付</td>");
        en.ShouldContain("<td>Purposes: Tailored information, service improvement and statistics, combining browsing data with your identity</td>");
        en.ShouldContain("Kept (key ring)");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Detail_Pseudonymized_ShowsKeyDatasetsSharingItUsesAndRefusals(string provider)
    {
        var (app, tenant, _) = await StartAsync(cluster, provider);
        await using var __ = app;
        var first = await PseudonymizedDatasetAsync(app, tenant);
        var second = await PseudonymizedDatasetAsync(app, tenant, "購買分析（12月）", sameKeyAs: first);
        await In(app, tenant, d => d.UseAsync(first, "marketing", false, Actor.System, Ct));
        await Should.ThrowAsync<Mamori.Errors.MamoriException>(In(app, tenant, d => d.UseAsync(first, "billing", false, Actor.System, Ct)));
        await Should.ThrowAsync<Mamori.Errors.MamoriException>(In(app, tenant, async d => { await d.ExportKeyAsync(first, Actor.System, Ct); return 0; }));
        var keyId = (await In(app, tenant, d => d.GetAsync(first, Ct))).KeyId!;
        var client = await app.SignedInAsync(tenant, Roles.Auditor);

        var html = await client.GetStringAsync($"/console/datasets/{first}", Ct);
        html.ShouldContain("<h1>購買分析</h1>");
        html.ShouldContain("<dt>仮名に置き換えた項目</dt><dd>customer_id</dd>");
        html.ShouldContain($"<dt>鍵 ID</dt><dd><code>{keyId}</code></dd>");
        html.ShouldContain("<dt>状態</dt><dd>あり（鍵リング）</dd>");
        html.ShouldContain($"""<li>購買分析 （このデータセット）</li><li><a href="/console/datasets/{second}">購買分析（12月）</a></li>""");
        // The auditor reads; only the privacy officer may delete the key.
        html.ShouldNotContain("/key/delete");
        // Uses live in the audit chain: the allowed use, the refused one with its code, the refused export; newest first.
        var history = Regex.Matches(html[html.IndexOf("id=\"history\"", StringComparison.Ordinal)..], "<tr><td>[^<]*</td><td>([^<]*)</td>").Select(m => m.Groups[1].Value).ToList();
        history.ShouldBe(["加工方法等情報（鍵）の出力拒否", "加工情報の利用拒否", "加工情報の利用", "仮名加工情報の作成"]);
        html.ShouldContain("<code>MAMORI-8054</code>");
        html.ShouldContain("<p>提供の記録はありません。</p>");

        var en = await client.GetStringAsync($"/console/datasets/{first}?lang=en", Ct);
        en.ShouldContain("<dt>State</dt><dd>Kept (key ring)</dd>");
        en.ShouldContain("Dataset use refused");
    }

    [Fact]
    public async Task Detail_Anonymized_ShowsPublicationAndProvisionRecords()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var anonymized = await AnonymizedAsync(app, tenant);
        var record = await In(app, tenant, d => d.ProvideAsync(anonymized.Id, new DatasetProvisionRequest(RecipientName: "株式会社分析", RecipientAddress: "東京都港区"), Actor.System, Ct));
        var client = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);

        var html = await client.GetStringAsync($"/console/datasets/{anonymized.Id}", Ct);
        html.ShouldContain("<dt>種類</dt><dd>匿名加工情報</dd>");
        html.ShouldContain("<dt>k（k-匿名性）</dt><dd>5</dd>");
        html.ShouldContain("<dt>第三者提供の方法</dt><dd>暗号化したファイルの送付</dd>");
        html.ShouldContain("<p>項目: 年齢（5歳刻み）、病名<br>第三者提供の方法: 暗号化したファイルの送付</p>");
        html.ShouldContain("""<a href="/privacy#processed-information">""");
        html.ShouldNotContain("id=\"key\"");
        html.ShouldContain($"""<a href="/console/provisions/records/{record.Id}">""");
        html.ShouldContain("<td>匿名加工情報の提供</td><td>株式会社分析</td>");
        (await client.GetStringAsync($"/console/datasets/{anonymized.Id}?lang=en", Ct)).ShouldContain("""<a href="/en/privacy#processed-information">""");
    }

    [Fact]
    public async Task DeleteKey_Form_NeedsTheBoxThenDeletesTheKeyOfEveryDatasetSharingIt()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var first = await PseudonymizedDatasetAsync(app, tenant);
        var second = await PseudonymizedDatasetAsync(app, tenant, "購買分析（12月）", sameKeyAs: first);
        var keyId = (await In(app, tenant, d => d.GetAsync(first, Ct))).KeyId!;
        var page = $"/console/datasets/{first}";
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var form = await s.GetStringAsync(page);
        form.ShouldContain("この鍵を削除します（この鍵で作成した他の1件のデータセットも鍵を失います）");

        var unticked = await s.PostAsync(page, page + "/key/delete", []);
        var html = await unticked.Content.ReadAsStringAsync(Ct);
        unticked.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        html.ShouldContain("""<p class="error" role="alert">鍵を削除する場合は、確認の欄にチェックを入れてください。 (MAMORI-1005)</p>""");
        Ring(app).FindPseudonymizationKey(keyId).ShouldNotBeNull();
        (await s.PostAsync(page, page + "/key/delete", [F("confirm", "yes")], withToken: false)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Ring(app).FindPseudonymizationKey(keyId).ShouldNotBeNull();

        var deleted = await s.PostAsync(page, page + "/key/delete", [F("confirm", "yes")]);
        deleted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        deleted.Headers.Location!.ToString().ShouldBe($"{page}?done=key-deleted#key");
        Ring(app).FindPseudonymizationKey(keyId).ShouldBeNull();
        var views = await In(app, tenant, d => d.ListAsync(Ct));
        views.ShouldAllBe(v => v.KeyDeleted);
        var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.DatasetKeyDeleted).ToListAsync(Ct));
        events.Select(e => e.TargetId).ShouldBe([first.ToString(), second.ToString()], ignoreOrder: true);
        events.ShouldAllBe(e => e.ActorKind == ActorKind.User);

        html = await s.GetStringAsync($"{page}?done=key-deleted");
        html.ShouldContain("鍵を削除しました。");
        html.ShouldContain("<dt>状態</dt><dd>削除済み ");
        html.ShouldNotContain("/key/delete");
        (await s.PostAsync(page, page + "/key/delete", [F("confirm", "yes")])).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Pages_ByRole_PrivacyOfficerAndAuditorReadOnlyPrivacyOfficerDeletes()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var id = await PseudonymizedDatasetAsync(app, tenant);
        foreach (var role in new[] { Roles.PrivacyOfficer, Roles.Auditor })
        {
            var client = await app.SignedInAsync(tenant, role);
            (await client.GetAsync("/console/datasets", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK, role);
            (await client.GetAsync($"/console/datasets/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK, role);
            (await client.GetStringAsync("/console", Ct)).ShouldContain("""<a href="/console/datasets">""", customMessage: role);
        }
        foreach (var role in new[] { Roles.Admin, Roles.Operator })
        {
            var client = await app.SignedInAsync(tenant, role);
            (await client.GetAsync("/console/datasets", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, role);
            (await client.GetAsync($"/console/datasets/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, role);
            (await client.GetStringAsync("/console", Ct)).ShouldNotContain("/console/datasets", customMessage: role);
        }
        var auditor = await SessionAsync(app, tenant, Roles.Auditor);
        (await auditor.PostAsync($"/console/datasets/{id}", $"/console/datasets/{id}/key/delete", [F("confirm", "yes")])).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await In(app, tenant, d => d.GetAsync(id, Ct))).KeyDeleted.ShouldBeFalse();
        var anonymous = await app.Client().GetAsync("/console/datasets", Ct);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        anonymous.Headers.Location!.ToString().ShouldStartWith("/login");
    }

    [Theory]
    [InlineData("", "そのデータセットはありません。 (MAMORI-8050)")]
    [InlineData("?lang=en", "There is no such dataset. (MAMORI-8050)")]
    public async Task Detail_UnknownId_NotFoundPageInItsLanguage(string query, string message)
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var client = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var response = await client.GetAsync($"/console/datasets/{Guid.NewGuid()}{query}", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain($"""<p class="error" role="alert">{message}</p>""");
    }

    /// <summary>An old keys.json restored after a deletion brings the key back: the page says so and offers the deletion again.</summary>
    [Fact]
    public async Task Detail_DeletedKeyBackInRing_SaysSoAndOffersDeletionAgain()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var id = await PseudonymizedDatasetAsync(app, tenant);
        var keys = Path.Combine(app.Database.DataDir, "keys.json");
        var backup = await File.ReadAllTextAsync(keys, Ct);
        await In(app, tenant, d => d.DeleteKeyAsync(id, Actor.System, Ct));
        var stamp = File.GetLastWriteTimeUtc(keys);
        await File.WriteAllTextAsync(keys, backup, Ct);
        File.SetLastWriteTimeUtc(keys, stamp.AddSeconds(1)); // the ring reloads when the file's time changes
        var client = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);

        var html = await client.GetStringAsync($"/console/datasets/{id}", Ct);
        html.ShouldContain("削除の記録がありますが、鍵リングに残っています（古い keys.json の復元など）。もう一度削除してください。");
        html.ShouldContain($"/console/datasets/{id}/key/delete");
    }
}
