using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Cli;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Staff;
using Mamori.Tests.Backbone;
using Mamori.Tests.Infrastructure;
using Shouldly;

namespace Mamori.Tests.Policy;

/// <summary>Publishing immutable versions and serving the notice, on both providers.</summary>
public sealed class PolicyPublicationTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string ExamplesDir => Path.Combine(ServerTests.RepoRoot(), "policy", "examples");

    private static Dictionary<string, string> ExampleFiles() =>
        Directory.EnumerateFiles(ExamplesDir, "*.yaml", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(ExamplesDir, f).Replace('\\', '/'), File.ReadAllText);

    private static async Task<(TestApp App, Guid Tenant)> StartWithPolicyAsync(string provider, PostgresCluster cluster)
    {
        var app = await TestApp.StartAsync(provider, cluster, b => b.Configuration["Mamori:DefaultTenant"] = "acme");
        var tenant = await app.CreateTenantAsync("acme");
        await app.InTenantAsync(tenant.Id, (sp, _) => PolicyPublishCommand.PublishDirectoryAsync(sp, ExamplesDir, new DateOnly(2026, 4, 1), new DateOnly(2026, 3, 1), Actor.System, Ct));
        return (app, tenant.Id);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Publish_SameContentTwice_RefusedWithCode(string provider)
    {
        var (app, tenant) = await StartWithPolicyAsync(provider, cluster);
        await using var _ = app;
        var e = await Should.ThrowAsync<MamoriException>(() => app.InTenantAsync(tenant, (sp, _) =>
            PolicyPublishCommand.PublishDirectoryAsync(sp, ExamplesDir, new DateOnly(2026, 5, 1), null, Actor.System, Ct)));
        e.Code.ShouldBe(ErrorCode.PolicyUnchanged);
        e.Message.ShouldContain("unchanged since version 1");
    }

    /// <summary>Regression: a version announced three weeks after it took effect was published, and the public history showed it so.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Publish_AnnouncedAfterEffective_RefusedNothingPublished(string provider)
    {
        var (app, tenant) = await StartWithPolicyAsync(provider, cluster);
        await using var _ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);

        var response = await officer.PostAsJsonAsync("/api/policy/versions", new { files = ChangeFirstPhone(ExampleFiles()), effective = "2026-12-20", announce = "2027-01-10" }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        problem.GetProperty("detail").GetString()!.ShouldContain("after the effective date");
        (await officer.GetFromJsonAsync<JsonElement>("/api/policy/versions", Ct)).GetArrayLength().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Publish_ChangedPolicy_NewVersionOldReadableDiffNamesChange(string provider)
    {
        var (app, tenant) = await StartWithPolicyAsync(provider, cluster);
        await using var _ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var files = ExampleFiles();
        files["company.yaml"] = files["company.yaml"].Replace("hours:", "hours:", StringComparison.Ordinal);
        var changed = ChangeFirstPhone(files);
        var response = await officer.PostAsJsonAsync("/api/policy/versions", new { files = changed, effective = "2027-01-15", announce = "2026-12-15" }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));

        var versions = await officer.GetFromJsonAsync<JsonElement>("/api/policy/versions", Ct);
        versions.GetArrayLength().ShouldBe(2);
        var history = await app.Client().GetStringAsync("/privacy/history?from=1&to=2", Ct);
        history.ShouldContain("<tr><td>お問合せ窓口 › 電話番号</td><td>変更</td>");
        history.ShouldContain("03-0000-0000");
        history.ShouldNotContain("contact.phone"); // the file's path is for staff (the console shows it beside the item)
        (await app.Client().GetAsync("/privacy/history", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Version 2 takes effect on 2027-01-15 JST: before that the first version is still in force, and the notice announces
        // the change (regression, walkthrough 3 M2: nothing on /privacy said a new version was coming, and the history said
        // "the newest version applies").
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 14, 14, 59, 0, TimeSpan.Zero));
        var before = await app.Client().GetStringAsync("/privacy", Ct);
        before.ShouldContain("版 1");
        before.ShouldContain("このプライバシーポリシーを改定します。第2版を2027年1月15日から施行します。");
        before.ShouldContain("""<a href="/privacy/history?from=1&amp;to=2">変更点を見る</a>""");
        (await app.Client().GetStringAsync("/en/privacy", Ct)).ShouldContain("This privacy policy will change: version 2 applies from 2027-01-15.");
        var pending = await app.Client().GetStringAsync("/privacy/history", Ct);
        pending.ShouldMatch(@"<tr><td>2</td><td>施行予定</td><td>2027-01-15</td>");
        pending.ShouldMatch(@"<tr><td>1</td><td>施行中</td>");
        pending.ShouldNotContain("最新の版が適用されます");
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 14, 15, 0, 0, TimeSpan.Zero));
        var after = await app.Client().GetStringAsync("/privacy", Ct);
        after.ShouldContain("版 2");
        after.ShouldNotContain("このプライバシーポリシーを改定します");
        var inForce = await app.Client().GetStringAsync("/privacy/history", Ct);
        inForce.ShouldMatch(@"<tr><td>2</td><td>施行中</td>");
        inForce.ShouldMatch(@"<tr><td>1</td><td>旧版</td>");
    }

    // Regression (walkthrough 3, L7): ?from=abc answered problem JSON on this public page, and a reversed range showed nothing.
    [Theory]
    [InlineData("/privacy/history?from=abc", "指定された版の組み合わせでは差分を表示できません。")]
    [InlineData("/privacy/history?from=2&to=1", "指定された版の組み合わせでは差分を表示できません。")]
    [InlineData("/en/privacy/history?to=x", "No changes can be shown for the versions in this address.")]
    [InlineData("/privacy/history?from=1&to=9", "指定された版の組み合わせでは差分を表示できません。")]
    public async Task History_BadOrReversedVersions_PageSaysSo(string path, string message)
    {
        var (app, tenant) = await StartWithPolicyAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        (await officer.PostAsJsonAsync("/api/policy/versions", new { files = ChangeFirstPhone(ExampleFiles()), effective = "2027-01-15" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var response = await app.Client().GetAsync(path, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(message);
        (await app.Client().GetAsync("/privacy/history?from=1&to=2", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static Dictionary<string, string> ChangeFirstPhone(Dictionary<string, string> files)
    {
        var company = files["company.yaml"];
        var m = System.Text.RegularExpressions.Regex.Match(company, @"phone:\s*""?([0-9+\-]+)""?");
        m.Success.ShouldBeTrue("the demo company file declares a contact phone");
        files["company.yaml"] = company.Remove(m.Groups[1].Index, m.Groups[1].Length).Insert(m.Groups[1].Index, "03-0000-0000");
        return files;
    }

    [Fact]
    public async Task PublishApi_InvalidPolicy_400WithCodeNothingStored()
    {
        var (app, tenant) = await StartWithPolicyAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var response = await officer.PostAsJsonAsync("/api/policy/versions", new { files = new Dictionary<string, string> { ["company.yaml"] = "company: [unclosed" }, effective = "2026-06-01" }, Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-2190");
        (await officer.GetFromJsonAsync<JsonElement>("/api/policy/versions", Ct)).GetArrayLength().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PrivacyPages_Published_ServeJapaneseEnglishAndServices(string provider)
    {
        var (app, tenant) = await StartWithPolicyAsync(provider, cluster);
        await using var _ = app;
        var ja = await app.Client().GetStringAsync("/privacy", Ct);
        ja.ShouldContain("<html lang=\"ja\">");
        ja.ShouldContain("日本語");
        var en = await app.Client().GetStringAsync("/en/privacy", Ct);
        en.ShouldContain("<html lang=\"en\">");
        en.ShouldContain("Japanese");
        // The self-service pages are reachable from the notice (the demo policy has request procedures and an opt-out).
        ja.ShouldContain("""<li><a href="/requests">開示等の請求・苦情のお申出</a></li>""");
        ja.ShouldContain("""<li><a href="/optout">第三者提供の停止（オプトアウト）のお申出</a></li>""");
        en.ShouldContain("""<a href="/en/requests">""");
        en.ShouldContain("""<a href="/en/optout">""");
        var model = await app.InTenantAsync(tenant, async (sp, _) => (await sp.GetRequiredService<PolicyStore>().RequireCurrentAsync(Ct)).Model);
        foreach (var service in model.Services)
        {
            var page = await app.Client().GetAsync($"/privacy/services/{service.Id}", Ct);
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await page.Content.ReadAsStringAsync(Ct)).ShouldContain(service.Name.Ja);
        }
        (await app.Client().GetAsync("/privacy/services/no-such-service", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        // No inline script: the only script is the vendored cookie banner.
        System.Text.RegularExpressions.Regex.Matches(ja, "<script[^>]*>").Select(m => m.Value)
            .ShouldAllBe(tag => tag.Contains("src=\"/static/js/mamori-consent.js\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PolicyApi_Current_ReturnsCanonicalModel()
    {
        var (app, tenant) = await StartWithPolicyAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var key = await app.ApiKeyAsync(tenant, Roles.Operator);
        var response = await app.Client(apiKey: key.Secret).GetAsync("/api/policy", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("X-Mamori-Policy-Version").Single().ShouldBe("1");
        var model = PolicyCanonical.FromJson(await response.Content.ReadAsStringAsync(Ct));
        model.Services.Count.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task PrivacyPage_NothingPublished_404Page()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        await app.CreateTenantAsync();
        var response = await app.Client().GetAsync("/privacy", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("まだ公開されていません");
    }
}
