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

    // Regression: `scan share --redact mask --output .` truncated share/a.txt to 0 bytes (the copy's path was the input's).
    [Fact]
    public async Task Scan_RedactOutputWouldReplaceInput_RefusesAndWritesNothing()
    {
        var share = Path.Combine(dir, "share");
        Directory.CreateDirectory(share);
        var input = Path.Combine(share, "a.txt");
        await File.WriteAllTextAsync(input, "mail taro@example.jp\n", TestContext.Current.CancellationToken);
        var (code, output, err) = await Run("scan", share, "--redact", "mask", "--output", dir, "--format", "json");
        code.ShouldBe(ScanCommand.ExitUsage);
        err.ShouldContain("MAMORI-7033");
        output.ShouldBeEmpty();
        (await File.ReadAllTextAsync(input, TestContext.Current.CancellationToken)).ShouldBe("mail taro@example.jp\n");
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ShouldBe([input]);
    }

    // Regression: an --output reached through a symbolic link to the inputs' directory replaced them as well.
    [Fact]
    public async Task Scan_RedactOutputIsLinkToInputDirectory_Refuses()
    {
        var input = Path.Combine(dir, "a.txt");
        await File.WriteAllTextAsync(input, "mail taro@example.jp\n", TestContext.Current.CancellationToken);
        var link = Path.Combine(dir, "link");
        Directory.CreateSymbolicLink(link, dir);
        var (code, _, err) = await Run("scan", input, "--redact", "replace", "--output", link);
        code.ShouldBe(ScanCommand.ExitUsage);
        err.ShouldContain("MAMORI-7033");
        (await File.ReadAllTextAsync(input, TestContext.Current.CancellationToken)).ShouldBe("mail taro@example.jp\n");
    }

    // Regression: `scan x/.. --output out` wrote the copies next to x's parent, outside out/ (".." was kept in the path).
    [Fact]
    public async Task Scan_RedactDotDotInput_CopiesStayUnderOutput()
    {
        var sub = Path.Combine(dir, "src", "x");
        Directory.CreateDirectory(sub);
        await File.WriteAllTextAsync(Path.Combine(sub, "a.txt"), "mail taro@example.jp\n", TestContext.Current.CancellationToken);
        var outDir = Path.Combine(dir, "out");
        var (code, _, _) = await Run("scan", Path.Combine(sub, ".."), "--redact", "replace", "--output", outDir);
        code.ShouldBe(ScanCommand.ExitFindings);
        (await File.ReadAllTextAsync(Path.Combine(outDir, "src", "x", "a.txt"), TestContext.Current.CancellationToken)).ShouldBe("mail <EMAIL_ADDRESS>\n");
        Directory.Exists(Path.Combine(dir, "x")).ShouldBeFalse();
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Count(f => !f.StartsWith(outDir, StringComparison.Ordinal)).ShouldBe(1);
    }

    // Regression: c1/2024/list.csv and c2/2024/list.csv both went to out/list.csv; c1's copy was lost without a word.
    [Fact]
    public async Task Scan_RedactSameNameFromTwoInputs_KeepsBothCopies()
    {
        foreach (var c in new[] { "c1", "c2" })
        {
            Directory.CreateDirectory(Path.Combine(dir, c, "2024"));
            await File.WriteAllTextAsync(Path.Combine(dir, c, "2024", "list.csv"), $"{c},taro@example.jp\n", TestContext.Current.CancellationToken);
        }
        var outDir = Path.Combine(dir, "out");
        var (code, _, _) = await Run("scan", Path.Combine(dir, "c1", "2024", "list.csv"), Path.Combine(dir, "c2", "2024", "list.csv"), "--redact", "replace", "--output", outDir);
        code.ShouldBe(ScanCommand.ExitFindings);
        (await File.ReadAllTextAsync(Path.Combine(outDir, "c1", "2024", "list.csv"), TestContext.Current.CancellationToken)).ShouldBe("c1,<EMAIL_ADDRESS>\n");
        (await File.ReadAllTextAsync(Path.Combine(outDir, "c2", "2024", "list.csv"), TestContext.Current.CancellationToken)).ShouldBe("c2,<EMAIL_ADDRESS>\n");
    }

    // Regression: one unreadable subdirectory ended the walk with exit 70 ("this is a bug") and no findings.
    // The test runs as root too (chmod cannot lock root out), so the directory listing is made to fail.
    [Fact]
    public async Task Expand_UnreadableSubdirectory_ReportedAndWalkGoesOn()
    {
        Directory.CreateDirectory(Path.Combine(dir, "tree", "locked"));
        Directory.CreateDirectory(Path.Combine(dir, "tree", "open"));
        await File.WriteAllTextAsync(Path.Combine(dir, "tree", "locked", "s.txt"), "x", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "tree", "open", "z.txt"), "x", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "tree", "a.txt"), "x", TestContext.Current.CancellationToken);
        var notices = new List<ScanNotice>();
        var inputs = new ScanInputs(notices.Add, d => Path.GetFileName(d) == "locked"
            ? throw new UnauthorizedAccessException()
            : new DirectoryInfo(d).EnumerateFileSystemInfos()).Expand([Path.Combine(dir, "tree")]);
        inputs.Select(i => Path.GetFileName(i.Path)).ShouldBe(["a.txt", "z.txt"]);
        var notice = notices.ShouldHaveSingleItem();
        notice.Code.ShouldBe("MAMORI-7002");
        notice.Incomplete.ShouldBeTrue();
        notice.Message.ShouldContain("locked");
    }

    // Regression: `ln -s .. tree/sub/loop` made the walk repeat every file about 40 times (and two such links never ended).
    [Fact]
    public async Task Scan_DirectorySymlinkLoop_NotFollowedEachFileOnce()
    {
        var tree = Path.Combine(dir, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        await File.WriteAllTextAsync(Path.Combine(tree, "a.txt"), "mail taro@example.jp\n", TestContext.Current.CancellationToken);
        Directory.CreateSymbolicLink(Path.Combine(tree, "sub", "loop"), "..");
        Directory.CreateSymbolicLink(Path.Combine(tree, "sub", "loop2"), "..");
        var (code, output, err) = await Run("scan", tree, "--format", "json");
        code.ShouldBe(ScanCommand.ExitFindings);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        err.ShouldContain("MAMORI-7032");
        // Named on the command line, a symlinked directory is walked.
        var (linked, linkedOut, _) = await Run("scan", Path.Combine(tree, "sub", "loop"), "--format", "json");
        linked.ShouldBe(ScanCommand.ExitFindings);
        linkedOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
    }

    // Regression: a FIFO in a scanned directory was opened and the scan waited for a writer forever.
    [Fact]
    public async Task Scan_FifoInDirectory_SkippedAndReported()
    {
        var tree = Path.Combine(dir, "fifo");
        Directory.CreateDirectory(tree);
        await File.WriteAllTextAsync(Path.Combine(tree, "a.txt"), "mail taro@example.jp\n", TestContext.Current.CancellationToken);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(tree, "pipe")))
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
        var (code, output, err) = await Run("scan", tree, "--format", "json");
        code.ShouldBe(ScanCommand.ExitIo);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        err.ShouldContain("pipe");
        err.ShouldContain("MAMORI-7031");
    }

    // Regression: xlsx/zip/gz files were skipped without a word and the scan said "clean" (exit 0, SARIF without a note).
    [Fact]
    public async Task Scan_BinaryFile_ListedOnStderrAndInSarifNotClean()
    {
        var office = Path.Combine(dir, "office");
        Directory.CreateDirectory(office);
        await File.WriteAllBytesAsync(Path.Combine(office, "名簿.xlsx"), [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00], TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(office, "note.txt"), "何もない。\n", TestContext.Current.CancellationToken);
        var (code, output, err) = await Run("scan", office, "--format", "sarif");
        code.ShouldBe(ScanCommand.ExitIo);
        err.Trim().Split('\n').ShouldHaveSingleItem().ShouldContain("MAMORI-7030");
        err.ShouldContain("名簿.xlsx");
        using var doc = JsonDocument.Parse(output);
        var invocation = doc.RootElement.GetProperty("runs")[0].GetProperty("invocations")[0];
        invocation.GetProperty("executionSuccessful").GetBoolean().ShouldBeFalse();
        var note = invocation.GetProperty("toolExecutionNotifications").EnumerateArray().ShouldHaveSingleItem();
        note.GetProperty("descriptor").GetProperty("id").GetString().ShouldBe("MAMORI-7030");
        note.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!.ShouldEndWith("office/名簿.xlsx");
    }

    // Regression: a line longer than a block was cut at its last space, often inside a spaced card number; the two
    // halves were analysed apart, and the card was neither reported nor redacted (29,998 of 30,000 in one JSON line).
    [Fact]
    public void Scan_OneLongLineOfRecords_EveryCardFoundAndRedacted()
    {
        var random = new Random(7);
        var cards = Enumerable.Range(0, 3000).Select(_ => Card(random)).ToList();
        var text = "[" + string.Join(", ", cards.Select((c, i) => $"{{\"name\": \"user{i}\", \"card\": \"{c}\", \"mail\": \"u{i}@example.jp\"}}")) + "]";
        var analyzer = new Mamori.Discovery.PiiAnalyzer(new Mamori.Discovery.AnalyzerOptions { Entities = new HashSet<string> { "CREDIT_CARD" } });
        var redactor = new Mamori.Discovery.Redaction.TextRedactor(new Mamori.Discovery.Redaction.RedactionOptions(), analyzer);
        var found = new List<Mamori.Discovery.StreamFinding>();
        var copy = new StringWriter();
        var read = new Mamori.Discovery.StreamingScanner(analyzer, 4096).Scan(new StringReader(text), found.Add, redactor, copy, cancellationToken: TestContext.Current.CancellationToken);
        read.ShouldBe(text.Length);
        found.Select(f => text[(int)f.Start..(int)f.End]).ShouldBe(cards);
        found.ShouldAllBe(f => f.Line == 1);
        var redacted = copy.ToString();
        redacted.ShouldNotContain(cards[0]);
        cards.Count(redacted.Contains).ShouldBe(0);
        redacted.ShouldBe(new Mamori.Discovery.Redaction.TextRedactor(new Mamori.Discovery.Redaction.RedactionOptions(), analyzer).Redact(text));
    }

    private static string Card(Random random)
    {
        var digits = new int[16];
        digits[0] = 4;
        for (var i = 1; i < 15; i++) digits[i] = random.Next(10);
        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            var d = digits[14 - i];
            if (i % 2 == 0) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
        }
        digits[15] = (10 - sum % 10) % 10;
        var s = string.Concat(digits);
        return $"{s[..4]} {s[4..8]} {s[8..12]} {s[12..]}";
    }

    // Regression: `scan a.txt --bogus` exited 3 ("'--bogus' does not exist"); a bad option is a usage error, exit 2.
    [Fact]
    public async Task Scan_UnknownOption_ExitsTwo()
    {
        var path = Path.Combine(dir, "a.txt");
        await File.WriteAllTextAsync(path, "x\n", TestContext.Current.CancellationToken);
        var (code, _, err) = await Run("scan", path, "--bogus");
        code.ShouldBe(ScanCommand.ExitUsage);
        err.ShouldContain("--bogus");
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

    // Regression: auto-detection looked at the first 64 KiB only; Shift_JIS after 7,000 ASCII rows gave no findings
    // and U+FFFD in the redacted copy, which was also always written as UTF-8.
    [Fact]
    public async Task Scan_ShiftJisAfterLongAsciiPart_DetectedAndCopyStaysShiftJis()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var sjis = System.Text.Encoding.GetEncoding(932);
        var path = Path.Combine(dir, "late.csv");
        var text = string.Concat(Enumerable.Repeat("id,value,note\n", 7000)) + "氏名：山田太郎\n電話：090-1234-5678\n";
        await File.WriteAllBytesAsync(path, sjis.GetBytes(text), TestContext.Current.CancellationToken);
        var outDir = Path.Combine(dir, "out");
        var o = new StringWriter();
        var code = await MamoriCli.RunAsync(["scan", path, "--format", "json", "--redact", "replace", "--output", outDir], o, new StringWriter());
        code.ShouldBe(ScanCommand.ExitFindings);
        o.ToString().ShouldContain("PHONE_NUMBER");
        var copy = await File.ReadAllBytesAsync(Path.Combine(outDir, "late.csv"), TestContext.Current.CancellationToken);
        var decoded = sjis.GetString(copy);
        decoded.ShouldContain("電話：<PHONE_NUMBER>");
        decoded.ShouldNotContain("\uFFFD");
        copy.Length.ShouldBeLessThan(System.Text.Encoding.UTF8.GetByteCount(decoded));
    }

    // Regression: redacted copies lost the input's BOM (always UTF-8 without BOM).
    [Fact]
    public async Task Scan_Utf8BomFile_CopyKeepsBom()
    {
        var path = Path.Combine(dir, "bom.txt");
        await File.WriteAllBytesAsync(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("mail taro@example.jp\n")], TestContext.Current.CancellationToken);
        var outDir = Path.Combine(dir, "out");
        (await MamoriCli.RunAsync(["scan", path, "--redact", "replace", "--output", outDir], new StringWriter(), new StringWriter())).ShouldBe(ScanCommand.ExitFindings);
        (await File.ReadAllBytesAsync(Path.Combine(outDir, "bom.txt"), TestContext.Current.CancellationToken))
            .ShouldBe([0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("mail <EMAIL_ADDRESS>\n")]);
    }

    // Regression: standard input was always read as UTF-8, so piped Shift_JIS text gave no findings.
    [Fact]
    public void DetectingReader_ShiftJisAfterLongAsciiOnUnseekableStream_DecodesShiftJis()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var sjis = System.Text.Encoding.GetEncoding(932);
        var text = string.Concat(Enumerable.Repeat("ascii only line\n", 20_000)) + "氏名：山田太郎 ｶﾅ\n";
        using var reader = new DetectingReader(new UnseekableStream(sjis.GetBytes(text)), forced: null);
        reader.ReadToEnd().ShouldBe(text);
        reader.CurrentEncoding.CodePage.ShouldBe(932);
        using var utf8 = new DetectingReader(new UnseekableStream(System.Text.Encoding.UTF8.GetBytes(text)), forced: null);
        utf8.ReadToEnd().ShouldBe(text);
        utf8.CurrentEncoding.CodePage.ShouldBe(65001);
        using var forced = new DetectingReader(new UnseekableStream(System.Text.Encoding.GetEncoding(51932).GetBytes(text)), System.Text.Encoding.GetEncoding(51932));
        forced.ReadToEnd().ShouldBe(text);
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        // Short reads, as from a pipe.
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1000));
    }
}
