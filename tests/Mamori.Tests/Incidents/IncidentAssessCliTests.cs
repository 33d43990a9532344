using System.Text.Json;
using Mamori.Cli;
using Shouldly;

namespace Mamori.Tests.Incidents;

/// <summary><c>mamori incident assess</c>: the JSON contract of issue 9 and its bad-input behaviour.</summary>
public sealed class IncidentAssessCliTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MamoriCli.RunAsync(["incident", "assess", .. args], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Assess_W01Json_ExactShape()
    {
        var (code, stdout, stderr) = await RunAsync("--discovered", "2026-04-01", "--persons", "1200", "--cause", "unauthorized-access", "--json");
        code.ShouldBe(0, stderr);
        stdout.Trim().ShouldBe("""{"reportable":true,"reasons":["improper-purpose","over-person-threshold"],"preliminaryDue":"2026-04-05","finalDue":"2026-05-30","notifyPersons":true}""");
    }

    [Fact]
    public async Task Assess_NotReportable_DueDatesNull()
    {
        var (code, stdout, _) = await RunAsync("--discovered", "2026-06-10", "--persons", "1000", "--cause", "misdelivery", "--json");
        code.ShouldBe(0);
        var json = JsonDocument.Parse(stdout).RootElement;
        json.GetProperty("reportable").GetBoolean().ShouldBeFalse();
        json.GetProperty("reasons").GetArrayLength().ShouldBe(0);
        json.GetProperty("preliminaryDue").ValueKind.ShouldBe(JsonValueKind.Null);
        json.GetProperty("finalDue").ValueKind.ShouldBe(JsonValueKind.Null);
        json.GetProperty("notifyPersons").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Assess_AllFlags_EncryptedKeysSafeWins()
    {
        var (code, stdout, _) = await RunAsync("--discovered", "2026-05-11", "--persons", "3", "--cause", "loss",
            "--special-care", "--property-damage-risk", "--suspected", "--encrypted-keys-safe", "--json");
        code.ShouldBe(0);
        JsonDocument.Parse(stdout).RootElement.GetProperty("reportable").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Assess_EncryptedKeysSafeText_NamesTheExemptionAndTheGroundsSetAside()
    {
        var (code, stdout, stderr) = await RunAsync("--discovered", "2026-05-11", "--persons", "3", "--cause", "unauthorized-access", "--special-care", "--encrypted-keys-safe");
        code.ShouldBe(0, stderr);
        stdout.Trim().ShouldBe("Not reportable: exempt: advanced encryption with the key safe (Rules Art. 7(i)). Grounds set aside: " +
                               "(a) Personal data including special-care personal information (APPI Art. 26(1), Rules Art. 7(i)); " +
                               "(c) A possible act with an improper purpose, e.g. unauthorized access or theft (APPI Art. 26(1), Rules Art. 7(iii)).");
        stdout.ShouldNotContain("encrypted-keys-safe");
        stdout.ShouldNotContain("improper-purpose");
    }

    [Fact]
    public async Task Assess_SpecialCareRolled_W05Final20270104()
    {
        var (code, stdout, _) = await RunAsync("--discovered", "2026-12-01", "--persons", "1", "--cause", "other", "--special-care",
            "--roll-forward-closed-days", "--json");
        code.ShouldBe(0);
        JsonDocument.Parse(stdout).RootElement.GetProperty("finalDue").GetString().ShouldBe("2027-01-04");
    }

    [Theory]
    [InlineData("--discovered", "2026/04/01", "--persons", "1", "--cause", "loss")]
    [InlineData("--discovered", "2026-02-30", "--persons", "1", "--cause", "loss")]
    [InlineData("--discovered", "2026-04-01", "--persons", "-1", "--cause", "loss")]
    [InlineData("--discovered", "2026-04-01", "--persons", "many", "--cause", "loss")]
    [InlineData("--discovered", "2026-04-01", "--persons", "1", "--cause", "hackers")]
    [InlineData("--discovered", "2026-04-01", "--persons", "1", "--cause", "loss", "--bogus")]
    [InlineData("--persons", "1", "--cause", "loss", "", "")]
    public async Task Assess_BadInput_OneLineOnStderrExit2(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync([.. args.Where(a => a.Length > 0), "--json"]);
        code.ShouldBe(2);
        stdout.ShouldBeEmpty();
        stderr.TrimEnd().Split('\n').Length.ShouldBe(1);
        stderr.ShouldStartWith("mamori: ");
    }
}
