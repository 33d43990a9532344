using Mamori.Audit;
using Mamori.Errors;
using Mamori.Incidents;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Incidents;

/// <summary>
/// Regression: an incident's changes read it before their transaction, so two at once each decided on the incident as it was and
/// wrote over each other: one facts change mixed into another (a title from one, a summary from the other, the decision of
/// neither), and facts changed on an incident closed meanwhile. Each change now reads the incident under the chain head's lock.
/// </summary>
public sealed class IncidentConcurrencyTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const int Rounds = 6;

    private static IncidentInput Original => new()
    {
        Title = "original", Cause = IncidentCause.Misdelivery, DiscoveredAt = new DateTimeOffset(2026, 11, 20, 1, 0, 0, TimeSpan.Zero),
        Summary = "original summary", PersonsKnown = 10,
    };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task UpdateFacts_TwoAtOnce_OneWinsWholeWithItsDecision(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = (await app.CreateTenantAsync()).Id;
        Task<T> In<T>(Func<IncidentRegistry, Task<T>> work) => app.InTenantAsync(tenant, (sp, _) => work(sp.GetRequiredService<IncidentRegistry>()));
        for (var round = 0; round < Rounds; round++)
        {
            var incident = await In(r => r.CreateAsync(Original, Actor.System, Ct));
            // Each changes other fields than the other: read before either committed, the row kept A's title and flag and B's summary.
            var a = Original with { Title = "A", SpecialCare = true };
            var b = Original with { Summary = "B summary" };
            await Task.WhenAll(In(r => r.UpdateFactsAsync(incident.Id, a, Actor.System, Ct)), In(r => r.UpdateFactsAsync(incident.Id, b, Actor.System, Ct)));

            var stored = await In(r => r.GetAsync(incident.Id, Ct));
            var wholeA = stored is { Title: "A", Summary: "original summary", SpecialCare: true };
            var wholeB = stored is { Title: "original", Summary: "B summary", SpecialCare: false };
            (wholeA || wholeB).ShouldBeTrue($"round {round}: '{stored.Title}', '{stored.Summary}', special care {stored.SpecialCare}");
            var decision = await In(r => Task.FromResult(r.Decide(stored.Facts)));
            stored.Reportable.ShouldBe(decision.Reportable, $"round {round}");
            stored.Reportable.ShouldBe(wholeA);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CloseAndUpdateFacts_AtOnce_FactsNeverChangedAfterClose(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = (await app.CreateTenantAsync()).Id;
        Task<T> In<T>(Func<IncidentRegistry, Task<T>> work) => app.InTenantAsync(tenant, (sp, _) => work(sp.GetRequiredService<IncidentRegistry>()));
        for (var round = 0; round < Rounds; round++)
        {
            var incident = await In(r => r.CreateAsync(Original, Actor.System, Ct));
            var close = In(r => r.SetStatusAsync(incident.Id, IncidentStatus.Closed, Actor.System, Ct));
            var change = In(r => r.UpdateFactsAsync(incident.Id, Original with { Summary = "later" }, Actor.System, Ct));
            await close;
            var changed = true;
            try
            {
                await change;
            }
            catch (MamoriException e) when (e.Code == ErrorCode.IncidentClosed)
            {
                changed = false;
            }

            var id = incident.Id.ToString();
            var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.AsNoTracking()
                .Where(e => e.TargetId == id && (e.Code == AuditCode.IncidentFactsUpdated || e.Code == AuditCode.IncidentStatusChanged))
                .OrderBy(e => e.Sequence).Select(e => e.Code).ToListAsync(Ct));
            // A change that went through came before the close; one that came after was refused and left nothing.
            events.ShouldBe(changed ? [AuditCode.IncidentFactsUpdated, AuditCode.IncidentStatusChanged] : [AuditCode.IncidentStatusChanged], $"round {round}");
            var stored = await In(r => r.GetAsync(incident.Id, Ct));
            stored.Status.ShouldBe(IncidentStatus.Closed);
            stored.Summary.ShouldBe(changed ? "later" : "original summary");
        }
    }
}
