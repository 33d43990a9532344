using Mamori.Policy;
using Shouldly;

namespace Mamori.Tests.Policy;

/// <summary>
/// UX report 3, L8: between two versions only <c>amendments[3].summary.ja</c> changed, and nothing said that the English
/// notice would keep the old summary. A text whose Japanese changed since the published version and whose English did not
/// is warned (MAMORI-2060) at the Japanese text.
/// </summary>
public sealed class PolicyTranslationCheckTests
{
    private const string Hours = "月曜日～金曜日 9:00～18:00（土日祝日・年末年始を除く）";
    private const string HoursEn = "Monday to Friday 9:00-18:00 JST (except weekends, holidays and 29 Dec-3 Jan)";
    private const string Summary = "外部送信規律（電気通信事業法）に基づく外部送信の公表を追加";

    private static Dictionary<string, string> DemoFiles()
    {
        var dir = PolicyRendererTests.DemoDir();
        return Directory.EnumerateFiles(dir, "*.yaml", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllText);
    }

    private static PublishedPolicy Published(Dictionary<string, string> files) =>
        new(new PolicyVersion { Number = 3, ContentHash = "", CanonicalJson = "" }, PolicyLoader.LoadFiles(files).Policy.ShouldNotBeNull());

    private static Dictionary<string, string> With(Dictionary<string, string> files, string file, string from, string to)
    {
        files[file].ShouldContain(from);
        return new Dictionary<string, string>(files) { [file] = files[file].Replace(from, to, StringComparison.Ordinal) };
    }

    private static int LineOf(string text, string needle) => text[..text.IndexOf(needle, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    private static List<PolicyDiagnostic> Warnings(PolicyLoadResult result)
    {
        result.Policy.ShouldNotBeNull();
        return result.Diagnostics.Where(d => d.Code == PolicyCodes.EnglishNotUpdated).ToList();
    }

    [Fact]
    public void LoadFiles_JapaneseChangedEnglishNot_WarnedAtTheJapaneseText()
    {
        var files = DemoFiles();
        var changed = With(With(files, "company.yaml", Hours, Hours.Replace("18:00", "17:30", StringComparison.Ordinal)),
            "company.yaml", Summary, Summary + "（ヒートマップのタグ）");

        var warnings = Warnings(PolicyLoader.LoadFiles(changed, Published(files)));

        warnings.Select(w => (w.File, w.Line, w.Column, w.Severity)).ShouldBe(
        [
            ("company.yaml", 19, 15, DiagnosticSeverity.Warning),
            // Found rather than written down: the demo policy grows.
            ("company.yaml", LineOf(files["company.yaml"], Summary), 19, DiagnosticSeverity.Warning),
        ]);
        warnings[0].ToString().ShouldBe("company.yaml:19:15: MAMORI-2060 warning: The Japanese of 'contact.hours' changed since version 3, its English did not: update 'en' too, or the English notice keeps the old text.");
        warnings[1].Message.ShouldContain("'amendments[2].summary'");
    }

    [Fact]
    public void LoadFiles_EnglishChangedTooOrAloneOrNothing_NoWarning()
    {
        var files = DemoFiles();
        var published = Published(files);
        var both = With(With(files, "company.yaml", Hours, Hours.Replace("18:00", "17:30", StringComparison.Ordinal)),
            "company.yaml", HoursEn, HoursEn.Replace("18:00", "17:30", StringComparison.Ordinal));
        var englishOnly = With(files, "company.yaml", HoursEn, HoursEn.Replace("JST", "Japan time", StringComparison.Ordinal));

        Warnings(PolicyLoader.LoadFiles(both, published)).ShouldBeEmpty();
        Warnings(PolicyLoader.LoadFiles(englishOnly, published)).ShouldBeEmpty();
        Warnings(PolicyLoader.LoadFiles(files, published)).ShouldBeEmpty();
    }

    [Fact]
    public void LoadFiles_KeyedEntryAndServiceFile_NamedByIdInTheirOwnFile()
    {
        var files = DemoFiles();
        var changed = With(files, "services/isp.yaml", "ja: 録音日, en: the day of the call", "ja: 通話日, en: the day of the call");

        var warning = Warnings(PolicyLoader.LoadFiles(changed, Published(files))).ShouldHaveSingleItem();

        warning.File.ShouldBe("services/isp.yaml");
        warning.Line.ShouldBe(39);
        warning.Message.ShouldContain("'services.isp.purposes.support.retention.from'");
    }
}
