using System.Text.Json;
using Mamori.Cli;
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
}
