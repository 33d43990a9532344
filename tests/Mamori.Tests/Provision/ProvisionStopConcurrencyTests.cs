using System.Net;
using System.Net.Http.Json;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;

namespace Mamori.Tests.Provision;

/// <summary>
/// Regression: a staff provision stop updated the person's row before the audit append locked the chain head, while a
/// correction locks the head first and writes the row after; on PostgreSQL the two at once could deadlock (found by the
/// fuzzer as a 500 on provision-stop).
/// </summary>
public sealed class ProvisionStopConcurrencyTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ProvisionStop_AtOnceWithCorrectionsOfTheSamePerson_EveryOneAnswered(string provider)
    {
        var (app, tenant, subject) = await Console.ConsoleScenario.StartAsync(cluster, provider);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.Operator, Roles.PrivacyOfficer);
        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            // Each correction then changes the row's UpdatedAt, so it writes the person's row too.
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            var r = i % 2 == 0
                ? await client.PostAsync($"/api/subjects/{subject}/provision-stop", null, Ct)
                : await client.PatchAsJsonAsync($"/api/subjects/{subject}",
                    new { fields = new Dictionary<string, string> { ["sms-phone"] = $"080-2222-{i:0000}" }, reason = "customer-update" }, Ct);
            return $"{i}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(Ct)}";
        }));
        results.Where(r => !r.Contains(": 204 ", StringComparison.Ordinal)).ShouldBeEmpty();
    }
}
