using System.Text.Json;
using Mamori.Cli;
using Mamori.Tests.Infrastructure;
using Shouldly;

namespace Mamori.Tests.Policy;

public sealed class PolicyCommandTests(PostgresCluster cluster)
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MamoriCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Check_DemoPolicy_ExitsZero()
    {
        var (code, output, _) = await Run("policy", "check", PolicyRendererTests.DemoDir());

        code.ShouldBe(0);
        output.ShouldContain("policy ok: 3 services");
    }

    [Fact]
    public async Task Check_RuleFixture_ExitsOneWithPositionedDiagnostic()
    {
        var dir = PolicyFixtureTests.FixtureDir("retention-missing");

        var (code, output, _) = await Run("policy", "check", dir);

        code.ShouldBe(1);
        output.ShouldContain($"{Path.Join(dir, "company.yaml")}:19:5: MAMORI-2030 ");
    }

    [Fact]
    public async Task Check_WarningsOnly_ExitsZero()
    {
        var (code, output, _) = await Run("policy", "check", PolicyFixtureTests.FixtureDir("english-missing"));

        code.ShouldBe(0);
        output.ShouldContain("MAMORI-2038 warning:");
    }

    /// <summary>UX report 3, L8: a Japanese text changed since the published version without its English went unnoticed.</summary>
    [Fact]
    public async Task Check_DatabaseWithPublishedVersion_WarnsJapaneseChangedWithoutEnglish()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        await app.CreateTenantAsync();
        string[] database = ["--db", app.Database.CliValue, "--data-dir", app.Database.DataDir];
        var dir = Directory.CreateTempSubdirectory().FullName;
        foreach (var file in Directory.EnumerateFiles(PolicyRendererTests.DemoDir(), "*.yaml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir, Path.GetRelativePath(PolicyRendererTests.DemoDir(), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        (await Run(["policy", "publish", dir, "--effective", "2026-01-01", .. database])).Code.ShouldBe(0);
        var company = Path.Combine(dir, "company.yaml");
        await File.WriteAllTextAsync(company, (await File.ReadAllTextAsync(company, TestContext.Current.CancellationToken))
            .Replace("ja: 月曜日～金曜日 9:00～18:00", "ja: 月曜日～金曜日 9:00～17:30", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var (code, output, err) = await Run(["policy", "check", dir, .. database]);

        code.ShouldBe(0, err);
        output.ShouldContain($"{company}:19:15: MAMORI-2060 warning: The Japanese of 'contact.hours' changed since version 1, its English did not");
        output.ShouldContain("; compared with published version 1");
        var json = JsonDocument.Parse((await Run(["policy", "check", dir, "--json", .. database])).Out).RootElement;
        json.GetProperty("comparedWithVersion").GetInt32().ShouldBe(1);
        json.GetProperty("diagnostics").EnumerateArray().Count(d => d.GetProperty("code").GetString() == "MAMORI-2060").ShouldBe(1);
        // Without a database it checks the files alone, as before.
        (await Run("policy", "check", dir)).Out.ShouldNotContain("MAMORI-2060");
    }

    [Fact]
    public async Task Check_Json_ListsDiagnosticsWithPositions()
    {
        var (code, output, _) = await Run("policy", "check", PolicyFixtureTests.FixtureDir("foreign-basis-missing"), "--json");

        code.ShouldBe(1);
        using var doc = JsonDocument.Parse(output);
        doc.RootElement.GetProperty("ok").GetBoolean().ShouldBeFalse();
        // The fixture's one error (its procedures name no agent documents, which is also warned).
        var d = doc.RootElement.GetProperty("diagnostics").EnumerateArray().Single(x => x.GetProperty("severity").GetString() == "error");
        d.GetProperty("code").GetString().ShouldBe("MAMORI-2034");
        d.GetProperty("line").GetInt32().ShouldBe(38);
        d.GetProperty("column").GetInt32().ShouldBe(7);
        d.GetProperty("severity").GetString().ShouldBe("error");
    }

    [Fact]
    public async Task Check_JsonValidPolicy_GivesContentHash()
    {
        var (code, output, _) = await Run("policy", "check", PolicyRendererTests.DemoDir(), "--json");

        code.ShouldBe(0);
        using var doc = JsonDocument.Parse(output);
        doc.RootElement.GetProperty("contentHash").GetString()!.Length.ShouldBe(64);
    }

    [Fact]
    public async Task Render_ToOutputFile_WritesHtml()
    {
        var file = Path.Combine(Path.GetTempPath(), $"mamori-notice-{Guid.NewGuid():N}.html");
        try
        {
            var (code, _, _) = await Run("policy", "render", PolicyRendererTests.DemoDir(), "--lang", "en", "--format", "html", "--output", file);

            code.ShouldBe(0);
            var html = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
            html.ShouldContain("<html lang=\"en\">");
            html.ShouldContain("Sakura Net Inc.");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Render_MarkdownService_WritesServiceNotice()
    {
        var (code, output, _) = await Run("policy", "render", PolicyRendererTests.DemoDir(), "--format", "md", "--service", "sms-verify");

        code.ShouldBe(0);
        output.ShouldStartWith("# サクラSMS認証における個人情報の取扱い");
    }

    [Fact]
    public async Task Render_InvalidPolicy_ExitsOneWithErrorsOnStderr()
    {
        var (code, output, err) = await Run("policy", "render", PolicyFixtureTests.FixtureDir("retention-missing"));

        code.ShouldBe(1);
        output.ShouldBeEmpty();
        err.ShouldContain("MAMORI-2030");
        err.ShouldContain("MAMORI-2101");
    }

    [Fact]
    public async Task Render_UnknownLanguage_OneLineError()
    {
        var (code, _, err) = await Run("policy", "render", PolicyRendererTests.DemoDir(), "--lang", "fr");

        code.ShouldNotBe(0);
        err.TrimEnd().Split('\n').Length.ShouldBe(1);
        err.ShouldContain("--lang must be ja or en");
    }

    [Fact]
    public void Titles_EveryPolicyCode_HasJapaneseAndEnglish()
    {
        // The console shows each diagnostic's meaning in the page's language first: a new code must get its title too.
        var codes = typeof(Mamori.Policy.PolicyCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        codes.Count.ShouldBeGreaterThan(40);
        codes.Where(c => Mamori.Policy.PolicyCodeTitles.Of(c) is null || Mamori.Policy.PolicyCodeTitles.Of(c, english: true) is null).ShouldBeEmpty();
    }
}
