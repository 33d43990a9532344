using Mamori.Policy;
using Shouldly;

namespace Mamori.Tests.Policy;

/// <summary>One failing fixture per rule under Fixtures/policy/&lt;rule&gt;/, asserting code, file, line and column.</summary>
public sealed class PolicyFixtureTests
{
    internal static string FixtureDir(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "policy", name);

    [Theory]
    [InlineData("yaml-syntax", "MAMORI-2003", "company.yaml", 9, 9)]
    [InlineData("yaml-alias", "MAMORI-2004", "company.yaml", 37, 10)]
    [InlineData("yaml-deep", "MAMORI-2005", "company.yaml", 35, 38)]
    [InlineData("duplicate-key", "MAMORI-2006", "company.yaml", 24, 5)]
    [InlineData("yaml-not-mapping", "MAMORI-2007", "company.yaml", 1, 1)]
    [InlineData("yaml-two-documents", "MAMORI-2007", "company.yaml", 35, 1)]
    [InlineData("yaml-tag", "MAMORI-2008", "company.yaml", 8, 10)]
    [InlineData("company-missing", "MAMORI-2001", "company.yaml", 1, 1)]
    [InlineData("unknown-field", "MAMORI-2010", "company.yaml", 23, 5)]
    [InlineData("missing-field", "MAMORI-2011", "company.yaml", 14, 10)]
    [InlineData("wrong-type", "MAMORI-2012", "company.yaml", 24, 22)]
    [InlineData("invalid-enum", "MAMORI-2013", "company.yaml", 24, 11)]
    [InlineData("invalid-period", "MAMORI-2014", "company.yaml", 23, 25)]
    [InlineData("invalid-date", "MAMORI-2015", "company.yaml", 35, 14)]
    [InlineData("unknown-reference", "MAMORI-2016", "company.yaml", 21, 31)]
    [InlineData("duplicate-service", "MAMORI-2017", "services/b.yaml", 2, 7)]
    [InlineData("invalid-id", "MAMORI-2018", "company.yaml", 18, 3)]
    [InlineData("corporate-number", "MAMORI-2020", "company.yaml", 5, 20)]
    [InlineData("retention-missing", "MAMORI-2030", "company.yaml", 19, 5)]
    [InlineData("special-care-without-consent", "MAMORI-2031", "company.yaml", 22, 31)]
    [InlineData("optout-special-care", "MAMORI-2032", "company.yaml", 39, 22)]
    [InlineData("mynumber-purpose", "MAMORI-2033", "mynumber.yaml", 11, 18)]
    [InlineData("foreign-basis-missing", "MAMORI-2034", "company.yaml", 38, 7)]
    [InlineData("foreign-consent-info", "MAMORI-2035", "company.yaml", 38, 7)]
    [InlineData("shared-use-items", "MAMORI-2036", "company.yaml", 38, 7)]
    [InlineData("public-matter-missing", "MAMORI-2037", "company.yaml", 3, 3)]
    [InlineData("public-matter-security", "MAMORI-2037", "company.yaml", 31, 3)]
    [InlineData("optout-items", "MAMORI-2039", "company.yaml", 36, 3)]
    [InlineData("browsing-not-declared", "MAMORI-2040", "company.yaml", 24, 23)]
    [InlineData("sms-phone-viewers", "MAMORI-2041", "company.yaml", 15, 14)]
    [InlineData("mynumber-viewers", "MAMORI-2042", "mynumber.yaml", 5, 14)]
    [InlineData("fee-not-allowed", "MAMORI-2045", "company.yaml", 31, 17)]
    [InlineData("request-type-missing", "MAMORI-2046", "company.yaml", 25, 10)]
    [InlineData("entrustment-contract", "MAMORI-2047", "company.yaml", 40, 17)]
    [InlineData("optout-ppc-after-start", "MAMORI-2048", "company.yaml", 44, 18)]
    [InlineData("mynumber-policy-missing", "MAMORI-2051", "company.yaml", 15, 14)]
    [InlineData("mynumber-provision", "MAMORI-2052", "company.yaml", 40, 26)]
    [InlineData("mynumber-viewer-not-designated", "MAMORI-2054", "mynumber.yaml", 5, 91)]
    [InlineData("role-built-in", "MAMORI-2055", "company.yaml", 8, 10)]
    public void LoadDirectory_RuleFixture_FailsWithCodeAtPosition(string fixture, string code, string file, int line, int column)
    {
        var dir = FixtureDir(fixture);
        var result = PolicyLoader.LoadDirectory(dir);

        result.Policy.ShouldBeNull();
        var errors = result.Diagnostics.Where(d => d.IsError).ToList();
        errors.ShouldContain(d => d.Code == code, $"diagnostics: {string.Join(" | ", result.Diagnostics)}");
        var hit = errors.First(d => d.Code == code);
        Path.GetRelativePath(dir, hit.File).Replace('\\', '/').ShouldBe(file);
        (hit.Line, hit.Column).ShouldBe((line, column));
        hit.ToString().ShouldStartWith($"{hit.File}:{line}:{column}: {code} ");
    }

    [Theory]
    [InlineData("english-missing", "MAMORI-2038", 7, 9)]
    [InlineData("category-unused", "MAMORI-2050", 15, 8)]
    [InlineData("subject-type-without-purpose", "MAMORI-2053", 12, 13)]
    [InlineData("role-unnamed", "MAMORI-2056", 15, 80)]
    [InlineData("birth-date-missing", "MAMORI-2057", 3, 3)]
    [InlineData("representation-documents", "MAMORI-2058", 25, 3)]
    [InlineData("retention-from-text", "MAMORI-2059", 23, 36)]
    public void LoadDirectory_WarningFixture_LoadsWithWarningAtPosition(string fixture, string code, int line, int column)
    {
        var result = PolicyLoader.LoadDirectory(FixtureDir(fixture));

        result.Policy.ShouldNotBeNull();
        result.Diagnostics.ShouldAllBe(d => !d.IsError);
        var hit = result.Diagnostics.Single(d => d.Code == code);
        hit.Severity.ShouldBe(DiagnosticSeverity.Warning);
        (hit.Line, hit.Column).ShouldBe((line, column));
        hit.ToString().ShouldContain($"{code} warning: ");
    }

    [Fact]
    public void LoadDirectory_RolesSection_NamesTheRolesAndLeavesOtherPoliciesUnchanged()
    {
        var demo = PolicyRendererTests.Demo();
        demo.Roles.ShouldNotBeNull();
        var sms = demo.Roles.Single(r => r.Id == "sms-manager");
        (sms.Name.Ja, sms.Name.En).ShouldBe(("SMS認証の管理責任者", "SMS verification manager"));

        // A policy without the section keeps its canonical form, and so the content hash of every version already published.
        var minimal = PolicyLoader.LoadDirectory(FixtureDir("valid-minimal")).Policy!;
        minimal.Roles.ShouldBeNull();
        PolicyCanonical.ToJson(minimal).ShouldNotContain("\"roles\"");
    }

    /// <summary>Regression (M1): the demo notice promised 「契約終了日から7年」 while the system counted from acquisition; it names the events now.</summary>
    [Fact]
    public void LoadDirectory_Demo_RetentionCountsFromTheEventsTheNoticeNames()
    {
        var result = PolicyLoader.LoadDirectory(Path.Combine(Mamori.Tests.Backbone.ServerTests.RepoRoot(), "policy", "examples"));

        result.Diagnostics.ShouldNotContain(d => d.Code == PolicyCodes.RetentionFromText);
        var demo = result.Policy!;
        var employment = demo.Purposes.Single(p => p.Id == "employment").Retention!;
        (employment.Event, employment.From!.Ja).ShouldBe(("retirement", "退職日"));
        var support = demo.FindService("isp")!.Purposes.Single(p => p.Id == "support").Retention!;
        (support.Event, support.From!.Ja).ShouldBe((null, "録音日"));   // the day of the call is the day the data is entered
        demo.FindService("isp")!.Purposes.Single(p => p.Id == "service-provision").Retention!.Event.ShouldBe("contract-end");
    }

    [Theory]
    [InlineData("{event: contract-end}", PolicyCodes.MissingField, 23, 36)]
    [InlineData("{event: Contract_End, name: {ja: 契約終了日, en: the end of the contract}}", PolicyCodes.InvalidId, 23, 44)]
    [InlineData("{event: contract-end, name: {ja: 契約終了日}, when: later}", PolicyCodes.UnknownField, 23, 77)]
    public void LoadFiles_RetentionFromMalformed_ErrorAtItsPosition(string from, string code, int line, int column)
    {
        var company = File.ReadAllText(Path.Combine(FixtureDir("valid-minimal"), "company.yaml"))
            .Replace("retention: {period: P3Y}", $"retention: {{period: P3Y, from: {from}}}", StringComparison.Ordinal);

        var result = PolicyLoader.LoadFiles(new Dictionary<string, string> { ["company.yaml"] = company });

        result.Policy.ShouldBeNull();
        var hit = result.Diagnostics.First(d => d.Code == code);
        (hit.Line, hit.Column).ShouldBe((line, column), string.Join(" | ", result.Diagnostics));
    }

    [Fact]
    public void LoadFiles_RetentionFromAcquisition_NoEventAndNoWarning()
    {
        var company = File.ReadAllText(Path.Combine(FixtureDir("valid-minimal"), "company.yaml"))
            .Replace("retention: {period: P3Y}", "retention: {period: P3Y, from: {event: acquisition}}", StringComparison.Ordinal);

        var result = PolicyLoader.LoadFiles(new Dictionary<string, string> { ["company.yaml"] = company });

        result.Diagnostics.ShouldBeEmpty();
        var r = result.Policy!.Purposes.Single().Retention!;
        (r.Event, r.From).ShouldBe((null, null));
        PolicyCanonical.ToJson(result.Policy).ShouldNotContain("\"event\"");
    }

    [Fact]
    public void LoadDirectory_ValidMinimal_HasNoDiagnostics()
    {
        var result = PolicyLoader.LoadDirectory(FixtureDir("valid-minimal"));

        result.Diagnostics.ShouldBeEmpty();
        result.Policy.ShouldNotBeNull();
        result.Policy.Purposes.Single().Retention!.Period.ShouldBe(new IsoPeriod(3, 0, 0, 0));
    }

    [Fact]
    public void LoadDirectory_MissingDirectory_ReportsNotFound()
    {
        var result = PolicyLoader.LoadDirectory(Path.Combine(Path.GetTempPath(), "mamori-no-such-dir-" + Guid.NewGuid().ToString("N")));

        result.Policy.ShouldBeNull();
        result.Diagnostics.Single().Code.ShouldBe(PolicyCodes.DirectoryNotFound);
    }

    [Fact]
    public void LoadFiles_HugeFile_RejectedWithoutParsing()
    {
        var huge = "company:\n  legalName: \"" + new string('x', 2 * 1024 * 1024) + "\"\n";

        var result = PolicyLoader.LoadFiles(new Dictionary<string, string> { ["company.yaml"] = huge });

        result.Policy.ShouldBeNull();
        result.Diagnostics.Single().Code.ShouldBe(PolicyCodes.InputTooLarge);
    }

    [Fact]
    public void LoadDirectory_FileOverLimit_RejectedBeforeReading()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mamori-huge-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "company.yaml"), "# " + new string('x', 1024 * 1024 + 1));

            var result = PolicyLoader.LoadDirectory(dir);

            var d = result.Diagnostics.ShouldHaveSingleItem();
            d.Code.ShouldBe(PolicyCodes.InputTooLarge);
            (d.Line, d.Column).ShouldBe((1, 1));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void LoadFiles_DeepFlowNesting_RejectedWithoutStackOverflow()
    {
        var result = PolicyLoader.LoadFiles(new Dictionary<string, string> { ["company.yaml"] = "a: " + new string('[', 400_000) });

        result.Diagnostics.ShouldHaveSingleItem().Code.ShouldBe(PolicyCodes.NestingTooDeep);
    }

    [Fact]
    public void LoadFiles_BillionLaughs_RejectedAtFirstAlias()
    {
        var lines = new List<string> { "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]" };
        for (var i = 1; i < 10; i++)
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]");

        var result = PolicyLoader.LoadFiles(new Dictionary<string, string> { ["company.yaml"] = string.Join('\n', lines) });

        var d = result.Diagnostics.Single();
        d.Code.ShouldBe(PolicyCodes.AliasNotAllowed);
        (d.Line, d.Column).ShouldBe((2, 10));
    }

    [Fact]
    public void LoadFiles_SyntaxError_ReportsPositionWithoutStackTrace()
    {
        var result = PolicyLoader.LoadFiles(new Dictionary<string, string> { ["company.yaml"] = "company:\n  legalName: {ja: [unclosed\n" });

        var d = result.Diagnostics.Single();
        d.Code.ShouldBe(PolicyCodes.YamlSyntax);
        d.Line.ShouldBeGreaterThan(1);
        d.Message.ShouldNotContain(" at ");
        d.Message.ShouldNotContain("Exception");
    }
}
