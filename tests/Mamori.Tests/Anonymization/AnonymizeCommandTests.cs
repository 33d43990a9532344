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
}
