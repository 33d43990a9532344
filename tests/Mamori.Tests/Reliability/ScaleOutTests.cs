using System.Text.Json;
using Mamori.Tests.Infrastructure;
using Shouldly;

namespace Mamori.Tests.Reliability;

/// <summary>
/// Issue #13 part 6: two `mamori serve` processes on one PostgreSQL with the outbox and retention sweeps
/// running; every message delivered once, every expired subject destroyed once. 30 s here, 10 minutes in the long run.
/// </summary>
public sealed class ScaleOutTests(PostgresCluster cluster)
{
    [Fact]
    public async Task TwoServers_OutboxAndRetentionJobs_EachJobExecutedExactlyOnce()
    {
        var seconds = ReliabilityTool.Long ? "600" : "30";
        var throughput = ReliabilityTool.Long ? "15" : "0";
        var report = await ReliabilityTool.RunAsync(TimeSpan.FromMinutes(ReliabilityTool.Long ? 20 : 6),
            "scale", "--seconds", seconds, "--throughput-seconds", throughput, "--seed", "13", "--pg", await cluster.CreateDatabaseAsync(TestContext.Current.CancellationToken));

        report.GetProperty("problems").EnumerateArray().Select(e => e.GetString()).ShouldBeEmpty();
        var messages = report.GetProperty("outboxMessages").GetInt32();
        messages.ShouldBeGreaterThan(0);
        report.GetProperty("deliveries").GetInt32().ShouldBe(messages);
        report.GetProperty("messagesDeliveredTwice").GetInt32().ShouldBe(0);
        report.GetProperty("messagesNotDelivered").GetInt32().ShouldBe(0);
        var expired = report.GetProperty("subjectsExpired").GetInt32();
        expired.ShouldBeGreaterThan(0);
        report.GetProperty("retentionCertificates").GetInt32().ShouldBe(expired);
        report.GetProperty("subjectsWithTwoCertificates").GetInt32().ShouldBe(0);
        report.GetProperty("auditIntact").GetBoolean().ShouldBeTrue();
        report.GetProperty("servers").EnumerateArray().Sum(s => s.GetProperty("messagesSent").GetInt64()).ShouldBe(messages);
    }
}
