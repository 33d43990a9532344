using System.Text.Json;
using Mamori.Cli;
using Shouldly;

namespace Mamori.Tests.Discovery;

public sealed class ScanCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mamori-scan-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = await MamoriCli.RunAsync(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public async Task Scan_JsonFormat_PrintsOneObjectPerFindingWithFileOffsets()
    {
        var path = Path.Combine(dir, "log.txt");
        var text = "line one\r\n電話 090-1234-5678\nmail taro@example.jp\n";
        await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        var (code, output, _) = await Run("scan", path, "--format", "json");
        code.ShouldBe(ScanCommand.ExitFindings);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            doc.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["path", "start", "end", "entity", "score"]);
        }
        using var first = JsonDocument.Parse(lines[0]);
        var start = first.RootElement.GetProperty("start").GetInt32();
        var end = first.RootElement.GetProperty("end").GetInt32();
        text[start..end].ShouldBe("090-1234-5678");
        first.RootElement.GetProperty("entity").GetString().ShouldBe("PHONE_NUMBER");
    }

    [Fact]
    public async Task Scan_OffsetsAcrossBlocks_AreOffsetsInWholeFile()
    {
        var path = Path.Combine(dir, "big.csv");
        var filler = string.Concat(Enumerable.Repeat("id,名前なし,備考テキスト\n", 200_000));
        var text = filler + "1,山田,個人番号 123456789018\n" + filler;
        await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        var (code, output, _) = await Run("scan", path, "--format", "json");
        code.ShouldBe(ScanCommand.ExitFindings);
        using var doc = JsonDocument.Parse(output.Trim());
        var start = doc.RootElement.GetProperty("start").GetInt32();
        text.Substring(start, 12).ShouldBe("123456789018");
    }

    [Fact]
    public async Task Scan_CleanFile_ExitsZero()
    {
        var path = Path.Combine(dir, "clean.txt");
        await File.WriteAllTextAsync(path, "何もない文章です。\n", TestContext.Current.CancellationToken);
        (await Run("scan", path, "--format", "json")).Code.ShouldBe(ScanCommand.ExitClean);
    }

    [Fact]
    public async Task Scan_MissingPath_ExitsWithIoCodeAndOneLine()
    {
        var (code, _, err) = await Run("scan", Path.Combine(dir, "nope.txt"));
        code.ShouldBe(ScanCommand.ExitIo);
        err.ShouldContain("MAMORI-7001");
        err.TrimEnd().Split('\n').Length.ShouldBe(1);
    }

    [Fact]
    public async Task Scan_RedactMask_WritesRedactedCopy()
    {
        var src = Path.Combine(dir, "in");
        Directory.CreateDirectory(src);
        await File.WriteAllTextAsync(Path.Combine(src, "a.log"), "card=4111111111111111 ok\n", TestContext.Current.CancellationToken);
        var outDir = Path.Combine(dir, "out");
        var (code, _, _) = await Run("scan", src, "--redact", "mask", "--output", outDir, "--format", "json");
        code.ShouldBe(ScanCommand.ExitFindings);
        var redacted = await File.ReadAllTextAsync(Path.Combine(outDir, "in", "a.log"), TestContext.Current.CancellationToken);
        redacted.ShouldBe("card=************1111 ok\n");
    }

    // Bug M7: the redacted copy kept the diagnosis and masked only the keyword (「<SPECIAL_CARE>：高血圧、<SPECIAL_CARE>」).
    [Fact]
    public async Task Scan_RedactReplace_SpecialCareValueReplacedLabelKept()
    {
        var src = Path.Combine(dir, "karte");
        Directory.CreateDirectory(src);
        await File.WriteAllTextAsync(Path.Combine(src, "k.txt"), "病歴: 糖尿病\n既往歴：高血圧、うつ病\n", TestContext.Current.CancellationToken);
        var outDir = Path.Combine(dir, "out");
        var (code, _, _) = await Run("scan", src, "--redact", "replace", "--output", outDir);
        code.ShouldBe(ScanCommand.ExitFindings);
        var redacted = await File.ReadAllTextAsync(Path.Combine(outDir, "karte", "k.txt"), TestContext.Current.CancellationToken);
        redacted.ShouldBe("病歴: <SPECIAL_CARE>\n既往歴：<SPECIAL_CARE>\n");
    }

    [Fact]
    public async Task Scan_HashWithoutKey_IsUsageError()
    {
        var path = Path.Combine(dir, "x.txt");
        await File.WriteAllTextAsync(path, "a@example.jp", TestContext.Current.CancellationToken);
        var (code, _, err) = await Run("scan", path, "--redact", "hash", "--output", Path.Combine(dir, "o"));
        code.ShouldBe(ScanCommand.ExitUsage);
        err.ShouldContain("MAMORI-7003");
    }

    [Fact]
    public async Task Scan_Sarif_IsValidSarif210WithRegions()
    {
        var path = Path.Combine(dir, "s.txt");
        await File.WriteAllTextAsync(path, "x\n法人番号 5010401067252\n", TestContext.Current.CancellationToken);
        var (code, output, _) = await Run("scan", path, "--format", "sarif");
        code.ShouldBe(ScanCommand.ExitFindings);
        using var doc = JsonDocument.Parse(output);
        doc.RootElement.GetProperty("version").GetString().ShouldBe("2.1.0");
        var result = doc.RootElement.GetProperty("runs")[0].GetProperty("results")[0];
        result.GetProperty("ruleId").GetString().ShouldBe("JP_CORPORATE_NUMBER");
        var region = result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        region.GetProperty("startLine").GetInt32().ShouldBe(2);
        region.GetProperty("startColumn").GetInt32().ShouldBe(6);
        region.GetProperty("charOffset").GetInt32().ShouldBe(7);
    }
}

public sealed class ScanCommandEncodingTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mamori-scan-enc-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Scan_ShiftJisFile_IsDetectedAndOffsetsAreCharacters()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var path = Path.Combine(dir, "sjis.csv");
        const string text = "氏名,電話\n山田,090-1234-5678\n";
        await File.WriteAllBytesAsync(path, System.Text.Encoding.GetEncoding(932).GetBytes(text), TestContext.Current.CancellationToken);
        var o = new StringWriter();
        var code = await MamoriCli.RunAsync(["scan", path, "--format", "json"], o, new StringWriter());
        code.ShouldBe(ScanCommand.ExitFindings);
        // The 氏名 header makes 山田 in its column a PERSON (the header row is the context of its column).
        var spans = o.ToString().Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("entity").GetString(), text[e.GetProperty("start").GetInt32()..e.GetProperty("end").GetInt32()]));
        spans.ShouldBe([("PERSON", "山田"), ("PHONE_NUMBER", "090-1234-5678")]);
    }
}
