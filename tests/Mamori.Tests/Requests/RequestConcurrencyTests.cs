using Mamori.Audit;
using Mamori.Errors;
using Mamori.Requests;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// Regression: two staff changing one request's status at once both won. Each had read the request before the other saved,
/// so the history got two moves from the same status with the same sequence, and the last save decided the status.
/// </summary>
public sealed class RequestConcurrencyTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Move_TwoStaffFromTheSameReading_SecondRefusedHistoryOneMove(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var person = NewPerson();
        await s.InquirerAsync(person);
        var (id, _, _) = await s.LetterAsync("disclosure", person);
        var before = await SequencesAsync(s, id);

        await using var first = s.App.App.Services.CreateAsyncScope();
        await using var second = s.App.App.Services.CreateAsyncScope();
        var read1 = await ReadAsync(first.ServiceProvider, s.Tenant, id);
        var read2 = await ReadAsync(second.ServiceProvider, s.Tenant, id);
        await first.ServiceProvider.GetRequiredService<DataSubjectRequests>().WithdrawAsync(read1, Actor.System, Ct);
        await Should.ThrowAsync<DbUpdateConcurrencyException>(() =>
            second.ServiceProvider.GetRequiredService<DataSubjectRequests>().WithdrawAsync(read2, Actor.System, Ct));

        var after = await SequencesAsync(s, id);
        after.Count.ShouldBe(before.Count + 1);
        after.ShouldBeUnique();
        var events = await s.App.InTenantAsync(s.Tenant, (_, db) =>
            db.AuditEvents.CountAsync(e => e.Code == AuditCode.RequestStatusChanged && e.TargetId == id.ToString(), Ct));
        events.ShouldBe(after.Count, "the refused change left no audit event either");
    }

    [Fact]
    public void Classify_ConcurrencyConflict_ConflictNot500()
    {
        var (code, status, _) = Mamori.Http.Problems.ExceptionHandler.Classify(new DbUpdateConcurrencyException("no row matched"));
        code.ShouldBe(ErrorCode.Conflict);
        status.ShouldBe(409);
    }

    private static async Task<DataSubjectRequest> ReadAsync(IServiceProvider scope, Guid tenant, Guid id)
    {
        var db = scope.GetRequiredService<Mamori.Data.MamoriDbContext>();
        db.Tenant.Set(tenant);
        return await db.Set<DataSubjectRequest>().SingleAsync(r => r.Id == id, Ct);
    }

    private static Task<List<int>> SequencesAsync(RequestScenario s, Guid id) => s.App.InTenantAsync(s.Tenant, (_, db) =>
        db.Set<RequestTransition>().Where(t => t.RequestId == id).Select(t => t.Sequence).ToListAsync(Ct));
}
