using Mamori.Audit;
using Mamori.Data;
using Mamori.Requests;
using Mamori.Tests.Console;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Requests;

/// <summary>Uploads and answer files of a closed request are destroyed once their retention (FileRetentionDays, 90 by default) has passed.</summary>
public sealed class RequestFileRetentionTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DestroyExpiredFiles_ClosedPastRetention_FilesGoneOnceAndAudited(string provider)
    {
        var (app, tenant, _) = await ConsoleScenario.StartAsync(cluster, provider);
        await using var __ = app;
        // The scenario's letter is answered at once (no data held), so it is closed when it is made.
        var (old, _) = await ConsoleScenario.RequestAsync(app, tenant);
        app.Clock.Advance(TimeSpan.FromDays(91));
        var (recent, _) = await ConsoleScenario.RequestAsync(app, tenant);

        int Run() => app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<DataSubjectRequests>()
            .DestroyExpiredFilesAsync(sp.GetRequiredService<IDatabaseProvider>(), Ct)).GetAwaiter().GetResult();
        Run().ShouldBe(1);
        Run().ShouldBe(0);

        var (artifacts, destroyedOld, destroyedRecent, events) = await app.InTenantAsync(tenant, async (_, db) => (
            await db.Set<RequestArtifact>().Where(x => x.RequestId == old || x.RequestId == recent).Select(x => new { x.RequestId, x.Ciphertext, x.DestroyedAt }).ToListAsync(Ct),
            await db.Set<DataSubjectRequest>().Where(r => r.Id == old).Select(r => r.FilesDestroyedAt).SingleAsync(Ct),
            await db.Set<DataSubjectRequest>().Where(r => r.Id == recent).Select(r => r.FilesDestroyedAt).SingleAsync(Ct),
            await db.AuditEvents.CountAsync(e => e.Code == AuditCode.RequestFilesDestroyed && e.TargetId == old.ToString(), Ct)));
        artifacts.Count(x => x.RequestId == old).ShouldBeGreaterThan(0, "the answered letter has an answer file to destroy");
        artifacts.Where(x => x.RequestId == old).ShouldAllBe(x => x.Ciphertext == null && x.DestroyedAt != null);
        artifacts.Where(x => x.RequestId == recent).ShouldAllBe(x => x.Ciphertext != null && x.DestroyedAt == null);
        destroyedOld.ShouldNotBeNull();
        destroyedRecent.ShouldBeNull();
        events.ShouldBe(1);
    }

    /// <summary>Regression: once the answer files were destroyed, the person's status page dropped the answer without a word.</summary>
    [Fact]
    public async Task StatusPage_AnswerFiles_UntilWhenThenWhyGone()
    {
        var (app, tenant, _) = await ConsoleScenario.StartAsync(cluster, Providers.Sqlite);
        await using var __ = app;
        var (_, token) = await ConsoleScenario.RequestAsync(app, tenant); // answered (no data held), so closed now
        var until = RequestClock.Day(app.Clock.GetUtcNow().AddDays(90)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var before = await app.Client().GetStringAsync($"/requests/status/{token}", Ct);
        before.ShouldContain("/answer?format=");
        before.ShouldContain($"回答のファイルは{until}まで、このページからダウンロードできます（その後は削除します）。");
        (await app.Client().GetStringAsync($"/en/requests/status/{token}", Ct)).ShouldContain($"You can download the answer files from this page until {until}");

        app.Clock.Advance(TimeSpan.FromDays(91));
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<DataSubjectRequests>().DestroyExpiredFilesAsync(sp.GetRequiredService<IDatabaseProvider>(), Ct));
        var after = await app.Client().GetStringAsync($"/requests/status/{token}", Ct);
        after.ShouldNotContain("/answer?format=");
        after.ShouldContain("回答のファイルは、保存期間（ご請求の終了から90日）を過ぎたため削除しました。写しが必要な場合は、当社のお問合せ窓口にご連絡ください。");
    }
}
