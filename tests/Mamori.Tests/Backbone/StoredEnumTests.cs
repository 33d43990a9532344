using System.Net;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Incidents;
using Mamori.Tests.Infrastructure;
using Mamori.Tests.Requests;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Backbone;

/// <summary>
/// Regression: an enum column holding a value the code does not declare was read as another value (an incident in status
/// 'Reopened' read as Open) or as an undeclared number the request state machine had no entry for (a 500). A row written by a
/// newer version or edited by hand now fails the read with MAMORI-1114, naming the column; every value the code writes reads back.
/// </summary>
public sealed class StoredEnumTests(PostgresCluster cluster)
{
    private static IncidentInput Facts => new()
    {
        Title = "stored values", Cause = IncidentCause.Misdelivery, DiscoveredAt = new DateTimeOffset(2026, 11, 20, 1, 0, 0, TimeSpan.Zero),
    };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IncidentColumns_UnknownStoredName_RefusedWithCodeNotReadAsFirstMember(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = (await app.CreateTenantAsync()).Id;
        var incident = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().CreateAsync(Facts, Actor.System, Ct));
        Task Store(string column, string value) => app.InTenantAsync(tenant, (_, db) => column switch
        {
            "Status" => db.Database.ExecuteSqlAsync($"UPDATE \"Incidents\" SET \"Status\" = {value} WHERE \"Id\" = {incident.Id}", Ct),
            "Kind" => db.Database.ExecuteSqlAsync($"UPDATE \"Incidents\" SET \"Kind\" = {value} WHERE \"Id\" = {incident.Id}", Ct),
            _ => db.Database.ExecuteSqlAsync($"UPDATE \"Incidents\" SET \"Cause\" = {value} WHERE \"Id\" = {incident.Id}", Ct),
        });
        Task<Incident> Read() => app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<IncidentRegistry>().GetAsync(incident.Id, Ct));

        // Every name the code writes reads back as itself (the columns hold Enum.ToString(); no value was ever renamed).
        foreach (var status in Enum.GetValues<IncidentStatus>())
        {
            await Store("Status", status.ToString());
            (await Read()).Status.ShouldBe(status);
        }
        foreach (var kind in Enum.GetValues<IncidentKind>())
        {
            await Store("Kind", kind.ToString());
            (await Read()).Kind.ShouldBe(kind);
        }
        foreach (var cause in Enum.GetValues<IncidentCause>())
        {
            await Store("Cause", cause.ToString());
            (await Read()).Cause.ShouldBe(cause);
        }

        foreach (var (column, value) in new[] { ("Status", "Reopened"), ("Kind", "Theft"), ("Cause", "7"), ("Status", "open") })
        {
            await Store(column, value);
            var e = await Should.ThrowAsync<UnknownStoredValueException>(Read);
            e.Code.ShouldBe(Errors.ErrorCode.UnknownStoredValue);
            e.Column.ShouldBe($"Incident.{column}");
            e.Message.ShouldNotContain(value);
            await Store(column, column switch { "Status" => "Open", "Kind" => "Leak", _ => "Misdelivery" });
        }
        await Store("Status", "Reopened");
        var client = await app.SignedInAsync(tenant, Staff.Roles.PrivacyOfficer);
        await (await client.GetAsync($"/api/incidents/{incident.Id}", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-1114");
        var page = await client.GetAsync($"/console/incidents/{incident.Id}", Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await page.Content.ReadAsStringAsync(Ct)).ShouldContain("保存されている記録の Incident.Status に、この版の Mamori が知らない値があります");
        await Store("Status", "Open");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RequestStatus_UnknownStoredNumber_TransitionAnswersProblemNot500(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var (id, _, _) = await s.LetterAsync("disclosure", NewPerson());
        Task<int> Changes() => s.App.InTenantAsync(s.Tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.RequestStatusChanged, Ct));
        var before = await Changes();
        Task SetStatus(int status) => s.App.InTenantAsync(s.Tenant, (_, db) =>
            db.Database.ExecuteSqlAsync($"UPDATE \"DataSubjectRequests\" SET \"Status\" = {status} WHERE \"Id\" = {id}", Ct));
        var status = await s.App.InTenantAsync(s.Tenant, (_, db) =>
            db.Database.SqlQuery<int>($"SELECT \"Status\" AS \"Value\" FROM \"DataSubjectRequests\" WHERE \"Id\" = {id}").SingleAsync(Ct));
        await SetStatus(99);

        await (await s.Staff.PostAsync($"/api/requests/{id}/withdraw", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-1114");
        await (await s.Staff.GetAsync($"/api/requests/{id}", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-1114");
        // Nothing was changed or recorded for it.
        (await Changes()).ShouldBe(before);
        await SetStatus(status); // the test server's personal-data check reads every request when it stops
    }
}
