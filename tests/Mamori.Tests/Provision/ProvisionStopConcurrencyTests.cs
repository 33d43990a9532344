using System.Net;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;

namespace Mamori.Tests.Provision;

public sealed class ProvisionStopConcurrencyTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ProvisionStop_ManyAtOnceWithDecisions_EveryOneAnswered(string provider)
    {
        var (app, tenant, subject) = await Console.ConsoleScenario.StartAsync(cluster, provider);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.Operator, Roles.PrivacyOfficer);
        var tasks = Enumerable.Range(0, 40).Select(async i =>
        {
            var r = i % 2 == 0
                ? await client.PostAsync($"/api/subjects/{subject}/provision-stop", null, Ct)
                : await client.GetAsync($"/api/subjects/{subject}?purpose=support", Ct);
            return (i, r.StatusCode, await r.Content.ReadAsStringAsync(Ct));
        }).ToList();
        var results = await Task.WhenAll(tasks);
        results.Where(x => (int)x.StatusCode >= 500).Select(x => $"{x.i}: {x.StatusCode} {x.Item3}").ShouldBeEmpty();
    }
}
