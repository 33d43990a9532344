using System.Text.Json;
using Mamori.Cli;
using Mamori.Datasets;
using Shouldly;

namespace Mamori.Tests.Anonymization;

public sealed class AnonymizeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mamori-anon-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private void WriteInput()
    {
        Write("in.csv", "name;age;zip;disease\n" + string.Join("\n",
            Enumerable.Range(0, 30).Select(i => $"p{i};{20 + i % 10};{100 + i % 6}-0001;{(i % 3 == 0 ? "flu" : i % 3 == 1 ? "cold" : "asthma")}")) + "\n");
        Write("h/age.csv", string.Join("\n", Enumerable.Range(20, 10).Select(a => $"{a};{a / 5 * 5}-{a / 5 * 5 + 4};*")) + "\n");
    }

    // Bug M6 for anonymize: columns the configuration does not name are kept as they are, so an e-mail column
    // went into the "anonymized" output unchanged.
    [Fact]
    public async Task Anonymize_UnlistedContactColumn_RefusedNamingColumnOutputNotWritten()
    {
        Write("c.csv", "name;age;contact;amount\n" + string.Join("\n",
            Enumerable.Range(0, 30).Select(i => $"p{i};{20 + i % 10};user{i}@example.jp;{1000 * i}")) + "\n");
        Write("h/age.csv", string.Join("\n", Enumerable.Range(20, 10).Select(a => $"{a};{a / 5 * 5}-{a / 5 * 5 + 4};*")) + "\n");
        var config = Write("c.yaml", """
            delimiter: ";"
            attributes:
              name: { kind: identifying }
              age:  { kind: quasi, hierarchy: h/age.csv }
            models:
              - k-anonymity: { k: 5 }
            """);
        var output = Path.Combine(_dir, "c-out.csv");
        var o = new StringWriter();
        var e = new StringWriter();
        var code = await MamoriCli.RunAsync(["anonymize", Path.Combine(_dir, "c.csv"), "--config", config, "--output", output], o, e);
        code.ShouldBe(1);
        e.ToString().ShouldContain("(MAMORI-8059)");
        e.ToString().ShouldContain("'contact' (e-mail addresses)");
        e.ToString().ShouldNotContain("amount");
        e.ToString().ShouldNotContain("example.jp");
        File.Exists(output).ShouldBeFalse();

        File.WriteAllText(config, File.ReadAllText(config).Replace("  age:", "  contact: { kind: identifying }\n  age:", StringComparison.Ordinal));
        (await MamoriCli.RunAsync(["anonymize", Path.Combine(_dir, "c.csv"), "--config", config, "--output", output], o, e)).ShouldBe(0, e.ToString());
        File.ReadAllLines(output)[0].ShouldBe("age;amount");
    }

    [Fact]
    public async Task Anonymize_ValidConfig_WritesOutputAndJson()
    {
        WriteInput();
        var config = Write("c.yaml", """
            delimiter: ";"
            attributes:
              name:    { kind: identifying }
              age:     { kind: quasi, hierarchy: h/age.csv }
              zip:     { kind: quasi, hierarchy: { mask: { step: 1 } } }
              disease: { kind: sensitive }
            models:
              - k-anonymity: { k: 3 }
              - l-diversity: { attribute: disease, l: 2, variant: distinct }
            suppressionLimit: 0.1
            metric: loss
            """);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await MamoriCli.RunAsync(
            ["anonymize", Path.Combine(_dir, "in.csv"), "--config", config, "--output", Path.Combine(_dir, "out.csv"), "--json"], stdout, stderr);

        code.ShouldBe(0, stderr.ToString());
        stderr.ToString().ShouldBeEmpty();
        using var json = JsonDocument.Parse(stdout.ToString());
        json.RootElement.GetProperty("levels").EnumerateObject().Select(p => p.Name).ShouldBe(["age", "zip"]);
        json.RootElement.GetProperty("suppressed").GetInt32().ShouldBeLessThanOrEqualTo(3);
        json.RootElement.GetProperty("classes").GetInt32().ShouldBeGreaterThan(0);
        json.RootElement.GetProperty("loss").GetDouble().ShouldBeInRange(0, 1);
        var output = await File.ReadAllLinesAsync(Path.Combine(_dir, "out.csv"), TestContext.Current.CancellationToken);
        output[0].ShouldBe("age;zip;disease");
        output.Length.ShouldBe(31);
    }

    [Fact]
    public async Task Anonymize_UnknownKind_ReportsFileLineAndColumn()
    {
        WriteInput();
        var config = Write("bad.yaml", "delimiter: \";\"\nattributes:\n  age: { kind: qasi }\nmodels:\n  - k-anonymity: { k: 2 }\n");
        var stderr = new StringWriter();

        var code = await MamoriCli.RunAsync(
            ["anonymize", Path.Combine(_dir, "in.csv"), "--config", config, "--output", Path.Combine(_dir, "o.csv")], new StringWriter(), stderr);

        code.ShouldBe(1);
        stderr.ToString().ShouldStartWith($"mamori: anonymize: {config}:3:16: kind must be");
        stderr.ToString().TrimEnd().ShouldEndWith("(MAMORI-8020)");
    }

    [Fact]
    public async Task Anonymize_MissingK_ReportsPosition()
    {
        WriteInput();
        var config = Write("bad2.yaml", "delimiter: \";\"\nattributes:\n  age: { kind: quasi }\nmodels:\n  - k-anonymity: { kay: 2 }\n");
        var stderr = new StringWriter();

        var code = await MamoriCli.RunAsync(
            ["anonymize", Path.Combine(_dir, "in.csv"), "--config", config, "--output", Path.Combine(_dir, "o.csv")], new StringWriter(), stderr);

        code.ShouldBe(1);
        stderr.ToString().ShouldContain("MAMORI-8020");
        stderr.ToString().ShouldContain($"{config}:5:");
    }

    [Fact]
    public async Task Anonymize_AttributeNotInInput_ReportsPosition()
    {
        WriteInput();
        var config = Write("bad3.yaml", "delimiter: \";\"\nattributes:\n  age: { kind: quasi }\n  height: { kind: quasi }\nmodels:\n  - k-anonymity: { k: 2 }\n");
        var stderr = new StringWriter();

        var code = await MamoriCli.RunAsync(
            ["anonymize", Path.Combine(_dir, "in.csv"), "--config", config, "--output", Path.Combine(_dir, "o.csv")], new StringWriter(), stderr);

        code.ShouldBe(1);
        stderr.ToString().ShouldContain($"{config}:4:3: attribute 'height' is not in the input header");
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = await MamoriCli.RunAsync(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public async Task Anonymize_FullWidthDigitsAndBadValue_ReadsDigitsAndNamesInputLineAndColumn()
    {
        // Regression: "fw.yaml:2:46: value 4 of the attribute is not a number (MAMORI-8020)" pointed at the configuration,
        // counted distinct values, not lines, and refused the full-width ４１ that Japanese input often holds.
        var input = Write("v.csv", "年齢,x\n30,1\n30,1\n31,1\n31,1\n\n40,1\n４１,1\n");
        var config = Write("fw.yaml", "attributes:\n  年齢: { kind: quasi, hierarchy: { intervals: [10] } }\nmodels:\n  - k-anonymity: { k: 2 }\n");
        var output = Path.Combine(_dir, "o.csv");

        var ok = await RunAsync("anonymize", input, "--config", config, "--output", output, "--json");
        ok.Code.ShouldBe(0, ok.Err);
        ok.Out.ShouldContain("\"年齢\":1"); // Japanese names as they are in the JSON, not \uXXXX
        File.ReadAllLines(output).ShouldBe(["年齢,x", "30-39,1", "30-39,1", "30-39,1", "30-39,1", "40-49,1", "40-49,1"]);

        File.WriteAllText(input, "年齢,x\n30,1\n30,1\n31,1\n\n\"3\n1\",1\nabc,1\n");
        var bad = await RunAsync("anonymize", input, "--config", config, "--output", output);
        bad.Code.ShouldBe(1);
        bad.Err.ShouldBe($"mamori: anonymize: {input}: line 6: column '年齢': the value is not a number for its intervals rule (MAMORI-8012){Environment.NewLine}");
        bad.Err.ShouldNotContain("3\n1");
    }

    [Fact]
    public async Task Anonymize_OutputCsv_HasUtf8Bom()
    {
        // Regression: the output had no BOM, so Excel in Japan opened 「CSV UTF-8」 as Shift_JIS mojibake.
        WriteInput();
        var config = Write("c.yaml", "delimiter: \";\"\nattributes:\n  name: { kind: identifying }\n  age: { kind: quasi, hierarchy: h/age.csv }\nmodels:\n  - k-anonymity: { k: 3 }\n");
        var output = Path.Combine(_dir, "out.csv");

        (await RunAsync("anonymize", Path.Combine(_dir, "in.csv"), "--config", config, "--output", output)).Code.ShouldBe(0);

        File.ReadAllBytes(output).Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
    }

    [Fact]
    public async Task Anonymize_HeaderOnlyInput_SaysInputHasNoRows()
    {
        // Regression: a header-only CSV blamed the hierarchy ("interval rule: no rows", MAMORI-8001).
        var input = Write("empty.csv", "年齢,x\n");
        var config = Write("fw.yaml", "attributes:\n  年齢: { kind: quasi, hierarchy: { intervals: [10] } }\nmodels:\n  - k-anonymity: { k: 2 }\n");

        var run = await RunAsync("anonymize", input, "--config", config, "--output", Path.Combine(_dir, "o.csv"));

        run.Code.ShouldBe(1);
        run.Err.ShouldContain($"{input}: the input has a header but no data rows");
        run.Err.ShouldContain("(MAMORI-8011)");
    }

    [Fact]
    public async Task Anonymize_DuplicateColumnName_RefusedAsDuplicateHeader()
    {
        // Regression: 年齢,年齢 gave a misleading "not in its hierarchy" (MAMORI-8004).
        var input = Write("dup.csv", "年齢,年齢\n30,31\n30,31\n");
        var config = Write("fw.yaml", "attributes:\n  年齢: { kind: quasi, hierarchy: { intervals: [10] } }\nmodels:\n  - k-anonymity: { k: 2 }\n");

        var run = await RunAsync("anonymize", input, "--config", config, "--output", Path.Combine(_dir, "o.csv"));

        run.Code.ShouldBe(1);
        run.Err.ShouldContain($"{input}: line 1: the header names the column '年齢' twice");
        run.Err.ShouldContain("(MAMORI-8011)");
    }

    [Fact]
    public async Task Anonymize_ValueNotInHierarchy_NamesFileLineLikeCsvErrors()
    {
        // Regression: the error said "row 1" (a data row) where the CSV errors say "line N" (a file line).
        WriteInput();
        File.AppendAllText(Path.Combine(_dir, "in.csv"), "px;99;100-0001;flu\n");
        var config = Write("c.yaml", "delimiter: \";\"\nattributes:\n  name: { kind: identifying }\n  age: { kind: quasi, hierarchy: h/age.csv }\nmodels:\n  - k-anonymity: { k: 3 }\n");

        var run = await RunAsync("anonymize", Path.Combine(_dir, "in.csv"), "--config", config, "--output", Path.Combine(_dir, "o.csv"));

        run.Code.ShouldBe(1);
        run.Err.ShouldContain($"{Path.Combine(_dir, "in.csv")}: line 32: the value of 'age' is not in its hierarchy (MAMORI-8004)");
    }

    [Fact]
    public void Registration_SuppressedRows_CountsPublishedRowsAndNamesEachLevel()
    {
        // Regression: the record said "年齢 level 1" without what level 1 is, and counted 9 rows where the output has 10.
        var input = Write("r.csv", "年齢,郵便番号\n" + string.Join("\n", Enumerable.Range(0, 9).Select(i => $"{30 + i},123-456{i % 3}")) + "\n90,999-0000\n");
        var path = Write("r.yaml", """
            attributes:
              年齢:     { kind: quasi, hierarchy: { intervals: [10, 20] } }
              郵便番号: { kind: quasi, hierarchy: { mask: { step: 2 } } }
            models:
              - k-anonymity: { k: 3 }
            suppressionLimit: 0.1
            metric: loss
            """);
        var file = AnonymizeConfigFile.Load(path);
        var table = Mamori.Anonymization.Table.ReadCsv(input, file.Delimiter);
        var config = file.ToEngineConfig(table);
        var result = Mamori.Anonymization.Anonymizer.Anonymize(table, config, cancellationToken: TestContext.Current.CancellationToken);

        var registration = AnonymizeCommand.Registration("r", null, config, table, result, null, file);

        result.Suppressed.ShouldBe(1);
        registration.RowCount.ShouldBe(10);
        registration.SafetyMeasures.ShouldContain("年齢 level 1: intervals of 10");
        registration.SafetyMeasures.ShouldContain("郵便番号 level 0: not generalized");
    }
    private string WriteCustomers(string remark = "再購入", int remarkRow = -1)
    {
        var rows = Enumerable.Range(0, 30).Select(i =>
            $"C{i:00000},氏名{i},{20 + i % 10},{(i % 2 == 0 ? "東京都" : "大阪府")},{1000 * (i % 4)},{(i == remarkRow ? remark : "再購入")}");
        return Write("cust.csv", "顧客ID,氏名,年齢,都道府県,購入額,備考\n" + string.Join("\n", rows) + "\n");
    }

    private async Task<(int Code, string Err, bool Written)> AnonymizeAsync(string input, string config)
    {
        var output = Path.Combine(_dir, "out.csv");
        File.Delete(output);
        var (code, _, err) = await RunAsync("anonymize", input, "--config", config, "--output", output);
        return (code, err, File.Exists(output));
    }

    // Regression: names and customer ids marked kind: insensitive (as the label error advised) went into the "anonymized" output and onto the notice.
    [Fact]
    public async Task Anonymize_NameAndCustomerIdKeptOrUnlisted_RefusedNeverAdvisedToKeep()
    {
        var input = WriteCustomers();
        const string Rest = """
              年齢:     { kind: quasi, hierarchy: { intervals: [10] }, label: 年齢 }
              都道府県: { kind: quasi, label: 都道府県 }
              購入額:   { kind: sensitive, label: 購入額 }
              備考:     { kind: insensitive, label: 備考 }
            models:
              - k-anonymity: { k: 5 }
            """;
        var kept = Write("kept.yaml", "attributes:\n  顧客ID: { kind: insensitive, label: 顧客番号 }\n  氏名: { kind: insensitive, label: 氏名 }\n" + Rest);
        var run = await AnonymizeAsync(input, kept);
        run.Code.ShouldBe(1);
        run.Err.ShouldContain($"{kept}:2:3:");
        run.Err.ShouldContain("'顧客ID' (a linking code");
        run.Err.ShouldContain("'氏名' (a name");
        run.Err.ShouldContain("kind: identifying");
        run.Err.ShouldNotContain("氏名0");
        run.Err.TrimEnd().ShouldEndWith("(MAMORI-8060)");
        run.Written.ShouldBeFalse();

        // Left out of the configuration, they were kept as well: the same refusal, and never "add them with kind: insensitive".
        var unlisted = Write("unlisted.yaml", "attributes:\n" + Rest);
        run = await AnonymizeAsync(input, unlisted);
        run.Err.ShouldContain("(MAMORI-8060)");
        run.Err.ShouldNotContain("insensitive");
        run.Written.ShouldBeFalse();

        var removed = Write("removed.yaml", "attributes:\n  顧客ID: { kind: identifying }\n  氏名: { kind: identifying }\n" + Rest);
        run = await AnonymizeAsync(input, removed);
        run.Code.ShouldBe(0, run.Err);
        File.ReadAllLines(Path.Combine(_dir, "out.csv"))[0].ShouldBe("年齢,都道府県,購入額,備考");
    }

    // Regression: a linking code under a name that says nothing (ref) stayed in the output.
    [Fact]
    public async Task Anonymize_KeptColumnOfDistinctCodes_RefusedAsLinkingCode()
    {
        var input = Write("codes.csv", "ref,age,amount\n" + string.Join("\n", Enumerable.Range(0, 30).Select(i => $"A{i:000}x,{20 + i % 10},{100 * i}")) + "\n");
        var config = Write("codes.yaml", "attributes:\n  age: { kind: quasi, hierarchy: { intervals: [10] } }\nmodels:\n  - k-anonymity: { k: 5 }\n");
        var run = await AnonymizeAsync(input, config);
        run.Code.ShouldBe(1);
        run.Err.ShouldContain("'ref' (every value a different code");
        run.Err.ShouldNotContain("amount");
        run.Err.ShouldContain("(MAMORI-8060)");
        run.Written.ShouldBeFalse();
    }

    // Regression: 備考 holding 山田太郎様より折返し希望 went out as anonymized information; mamori scan found the name in the output.
    [Theory]
    [InlineData("山田太郎様より折返し希望", "a person's name")]
    [InlineData("東京都千代田区丸の内1-9-1 へ訪問", "a street address")]
    public async Task Anonymize_FreeTextNamingPersonOrAddress_RefusedWithColumnAndLine(string remark, string what)
    {
        var input = WriteCustomers(remark, remarkRow: 7);
        var config = Write("ft.yaml", """
            attributes:
              顧客ID:   { kind: identifying }
              氏名:     { kind: identifying }
              年齢:     { kind: quasi, hierarchy: { intervals: [10] } }
              都道府県: { kind: quasi }
              購入額:   { kind: sensitive }
            models:
              - k-anonymity: { k: 5 }
            """);
        var run = await AnonymizeAsync(input, config);
        run.Code.ShouldBe(1);
        run.Err.ShouldContain($"'備考' line 9 ({what})");
        run.Err.ShouldNotContain(remark[..4]);
        run.Err.ShouldContain("(MAMORI-8059)");
        run.Written.ShouldBeFalse();
    }

    [Theory]
    [InlineData("氏名", IdentifierHeader.Name)]
    [InlineData("お名前（カナ）", IdentifierHeader.Name)]
    [InlineData("full_name", IdentifierHeader.Name)]
    [InlineData("name", IdentifierHeader.Name)]
    [InlineData("住所", IdentifierHeader.Address)]
    [InlineData("address", IdentifierHeader.Address)]
    [InlineData("顧客ID", IdentifierHeader.LinkingCode)]
    [InlineData("顧客ＩＤ", IdentifierHeader.LinkingCode)]
    [InlineData("会員番号", IdentifierHeader.LinkingCode)]
    [InlineData("customerId", IdentifierHeader.LinkingCode)]
    [InlineData("member_no", IdentifierHeader.LinkingCode)]
    [InlineData("メールアドレス", IdentifierHeader.Contact)]
    [InlineData("電話番号", IdentifierHeader.Contact)]
    [InlineData("email", IdentifierHeader.Contact)]
    [InlineData("マイナンバー", IdentifierHeader.IdentificationCode)]
    [InlineData("my-number", IdentifierHeader.IdentificationCode)]
    [InlineData("カード番号", IdentifierHeader.PaymentCard)]
    [InlineData("郵便番号", IdentifierHeader.None)]
    [InlineData("都道府県", IdentifierHeader.None)]
    [InlineData("product_name", IdentifierHeader.None)]
    [InlineData("paid", IdentifierHeader.None)]
    [InlineData("年齢", IdentifierHeader.None)]
    public void ByHeader_ColumnName_SaysWhatItHolds(string header, IdentifierHeader expected) =>
        DirectIdentifiers.ByHeader(header).ShouldBe(expected);

    // Regression: a Shift_JIS file was read as UTF-8 with replacement characters, so 福島県 and 福岡県 became one value.
    [Fact]
    public async Task Anonymize_ShiftJisInput_ReadByAutoRefusedAsUtf8()
    {
        var sjis = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(932)!;
        var input = Path.Combine(_dir, "sjis.csv");
        File.WriteAllBytes(input, sjis.GetBytes("pref,amount\n" + string.Join("\n", Enumerable.Range(0, 8).Select(i => $"{(i % 2 == 0 ? "福島県" : "福岡県")},{i % 3}")) + "\n"));
        var config = Write("sjis.yaml", "attributes:\n  pref: { kind: quasi }\nmodels:\n  - k-anonymity: { k: 2 }\n");
        var output = Path.Combine(_dir, "sjis-out.csv");
        var e = new StringWriter();

        var code = await MamoriCli.RunAsync(["anonymize", input, "--config", config, "--output", output, "--encoding", "utf-8"], new StringWriter(), e);
        code.ShouldBe(1);
        e.ToString().ShouldContain($"{input}: line 2 is not UTF-8 text");
        e.ToString().ShouldContain("(MAMORI-8013)");
        File.Exists(output).ShouldBeFalse();

        (await MamoriCli.RunAsync(["anonymize", input, "--config", config, "--output", output], new StringWriter(), e)).ShouldBe(0, e.ToString());
        var lines = File.ReadAllLines(output);
        lines.Count(l => l.StartsWith("福島県,", StringComparison.Ordinal)).ShouldBe(4);
        lines.Count(l => l.StartsWith("福岡県,", StringComparison.Ordinal)).ShouldBe(4);
    }

    // Regression: varient: entropy was ignored and the weaker distinct l-diversity ran (and was registered).
    [Fact]
    public async Task Anonymize_UnknownKeyInModel_ReportsPosition()
    {
        WriteInput();
        var config = Write("typo.yaml", "delimiter: \";\"\nattributes:\n  age: { kind: quasi }\n  disease: { kind: sensitive }\nmodels:\n  - l-diversity: { attribute: disease, l: 2, varient: entropy }\n");
        var stderr = new StringWriter();
        var code = await MamoriCli.RunAsync(["anonymize", Path.Combine(_dir, "in.csv"), "--config", config, "--output", Path.Combine(_dir, "o.csv")], new StringWriter(), stderr);
        code.ShouldBe(1);
        stderr.ToString().ShouldContain($"{config}:6:46: unknown key 'varient' in l-diversity");
        stderr.ToString().ShouldContain("(MAMORI-8020)");
    }

    // Regression: with the default delimiter, hierarchy files were split on ';' although the docs say they use the data delimiter.
    [Fact]
    public async Task Anonymize_DefaultDelimiter_HierarchyFileSplitOnComma()
    {
        var input = Write("h.csv", "pref,amount\n東京都,1\n大阪府,2\n京都府,3\n東京都,4\n");
        Write("h1.csv", "東京都,関東,*\n大阪府,関西,*\n京都府,関西,*\n");
        var config = Write("h.yaml", "attributes:\n  pref: { kind: quasi, hierarchy: h1.csv }\nmodels:\n  - k-anonymity: { k: 2 }\n");
        var e = new StringWriter();
        (await MamoriCli.RunAsync(["anonymize", input, "--config", config, "--output", Path.Combine(_dir, "h-out.csv")], new StringWriter(), e)).ShouldBe(0, e.ToString());
        File.ReadAllLines(Path.Combine(_dir, "h-out.csv")).Skip(1).Select(l => l.Split(',')[0]).Distinct().Order().ShouldBe(["関東", "関西"]);
    }

    // Regression: a model of distinct 10-diversity alone (every class at least 10 records) was registered as "k = 0" and refused.
    [Fact]
    public void ImpliedK_LDiversityOnly_CountsAsL() =>
        AnonymizeCommand.ImpliedK([new Mamori.Anonymization.DistinctLDiversity("d", 10), new Mamori.Anonymization.EntropyLDiversity("d", 2.5)]).ShouldBe(10);
}
