using System.Globalization;
using System.Text.Json;
using Mamori.Tests.Infrastructure;
using Shouldly;

namespace Mamori.Tests.Reliability;

/// <summary>
/// Issue #13 part 1: `mamori serve` killed with SIGKILL under a steady write load (subjects, consents,
/// requests), restarted, and checked after every restart. 3 kills per provider here, 20 in the long run.
/// </summary>
public sealed class CrashSafetyTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task KillLoop_SigkillUnderWriteLoad_NoAcknowledgedWriteLostNothingHalfWritten(string provider)
    {
        var kills = ReliabilityTool.Long ? 20 : 3;
        List<string> args = ["crash", "--provider", provider, "--kills", kills.ToString(CultureInfo.InvariantCulture), "--seed", "13"];
        if (!ReliabilityTool.Long) args.AddRange(["--min-up-ms", "400", "--max-up-ms", "1500"]);
        if (provider == Providers.Postgres) args.AddRange(["--pg", await cluster.CreateDatabaseAsync(TestContext.Current.CancellationToken)]);

        var report = (await ReliabilityTool.RunAsync(TimeSpan.FromMinutes(ReliabilityTool.Long ? 30 : 8), [.. args]))[0];

        report.GetProperty("restartMs").GetArrayLength().ShouldBe(kills);
        report.GetProperty("acknowledged").GetInt64().ShouldBeGreaterThan(0);
        report.GetProperty("ackSubjects").GetInt64().ShouldBeGreaterThan(0);
        report.GetProperty("lostWrites").EnumerateArray().Select(e => e.GetString()).ShouldBeEmpty();
        report.GetProperty("lost").GetInt64().ShouldBe(0);
        report.GetProperty("halfWritten").EnumerateArray().Select(e => e.GetString()).ShouldBeEmpty();
        report.GetProperty("auditVerifyOutput").EnumerateArray().Select(e => e.GetString()).ShouldBeEmpty();
        report.GetProperty("auditVerifyFailures").GetInt32().ShouldBe(0);
    }
}
