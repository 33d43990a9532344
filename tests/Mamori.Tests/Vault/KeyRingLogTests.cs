using Mamori.Hosting;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// Regression: a server reloaded keys.json after a rotation without a word, so nobody could tell when (or whether) each server took
/// the new key; a failing vault job logged only an exception type, not which job. Both now log ids and stable codes, never key
/// material or personal data.
/// </summary>
public sealed class KeyRingLogTests(PostgresCluster cluster)
{
    [Fact]
    public void Current_KeysFileChanged_LogsKeyIdsLoadedAddedAndRemovedWithoutKeyMaterial()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        var path = Path.Combine(dir, "keys.json");
        var first = KeyRing.Generate(TimeProvider.System);
        first.Save(path);
        var collector = FakeLogCollector.Create(new FakeLogCollectorOptions());
        var keys = new KeyRingProvider(new KeyRingOptions(path, null), new FakeLogger<KeyRingProvider>(collector));
        var stamp = File.GetLastWriteTimeUtc(path);

        _ = keys.Current;
        var rotated = first.WithNewKey(TimeProvider.System);
        rotated.Save(path);
        File.SetLastWriteTimeUtc(path, stamp.AddSeconds(1));
        _ = keys.Current;
        _ = keys.Current;
        var retired = rotated.Without(first.Primary.Id);
        retired.Save(path);
        File.SetLastWriteTimeUtc(path, stamp.AddSeconds(2));
        _ = keys.Current;

        var lines = collector.GetSnapshot().Select(r => (r.Level, r.Id.Id, r.Message)).ToList();
        lines.ShouldBe(
        [
            (LogLevel.Information, 3100, $"Key ring {path} loaded: key-encryption keys {first.Primary.Id} (primary {first.Primary.Id})"),
            (LogLevel.Information, 3101, $"Key ring {path} changed: added {rotated.Primary.Id}, removed none (primary {rotated.Primary.Id})"),
            (LogLevel.Information, 3101, $"Key ring {path} changed: added none, removed {first.Primary.Id} (primary {rotated.Primary.Id})"),
        ]);
        var material = rotated.Keks.Select(k => Convert.ToBase64String(k.Key)).Append(Convert.ToBase64String(rotated.BlindIndexKey)).ToList();
        lines.ShouldAllBe(l => material.All(m => !l.Message.Contains(m, StringComparison.Ordinal)));
        Directory.Delete(dir, recursive: true);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunOnce_RewrapFailsOnMissingKey_LogsJobNameAndCodeAndRunsTheOtherJobs(string provider)
    {
        var collector = FakeLogCollector.Create(new FakeLogCollectorOptions());
        var app = await TestApp.StartAsync(provider, cluster, b =>
        {
            b.Configuration["Mamori:DefaultTenant"] = "acme";
            b.Logging.AddProvider(new FakeLoggerProvider(collector));
        });
        await using var _ = app;
        var tenant = (await app.CreateTenantAsync("acme")).Id;
        await app.InTenantAsync(tenant, (sp, _) => Mamori.Cli.PolicyPublishCommand.PublishDirectoryAsync(sp, ExamplesDir, new DateOnly(2026, 4, 1), null, Mamori.Audit.Actor.System, Ct));
        var person = NewPerson();
        var id = await SmsUserAsync(app, tenant, person);
        var keys = app.App.Services.GetRequiredService<KeyRingProvider>();
        var original = keys.Current;
        // A server given a ring that lacks the key of this person's data key: the re-wrap cannot open it.
        keys.Save(original.WithNewKey(app.Clock).Without(original.Primary.Id));

        await app.App.Services.GetRequiredService<VaultJobs>().RunOnceAsync(Ct);

        var errors = collector.GetSnapshot().Where(r => r.Level >= LogLevel.Error).ToList();
        var failure = errors.ShouldHaveSingleItem();
        failure.Id.Id.ShouldBe(3102);
        failure.Message.ShouldBe($"Vault job {VaultJobs.RewrapJob} failed for tenant {tenant}: MAMORI-3000");
        collector.GetSnapshot().ShouldAllBe(r => !r.Message.Contains(person.Phone, StringComparison.Ordinal));
        // The guard decrypts every field when the app is disposed: give the ring its key back.
        keys.Save(original);
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>()
            .ReadAsync(new Mamori.Access.DecisionRequest(id, "verification", null, [Mamori.Staff.Roles.Operator]), Mamori.Audit.Actor.System, Ct))).Values.ShouldNotBeEmpty();
    }
    /// <summary>
    /// Regression (b313bcc): the jobs of one tenant share a scope's DbContext, so what a failed job had changed but not saved
    /// was written by the next job's SaveChanges.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunJob_FailedJobChangedTrackedRow_NextJobSaveDoesNotWriteIt(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = (await app.CreateTenantAsync("jobs")).Id;
        var jobs = app.App.Services.GetRequiredService<VaultJobs>();
        await app.InTenantAsync(tenant, async (_, db) =>
        {
            await jobs.RunJobAsync("failing", tenant, db, async () =>
            {
                var row = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Tenants, t => t.Id == tenant, Ct);
                row.Name = "half-done change";
                throw new InvalidOperationException("the job fails before it saves");
            }, Ct);
            await jobs.RunJobAsync("next", tenant, db, () => db.SaveChangesAsync(Ct), Ct);
            return 0;
        });
        var name = await app.InTenantAsync(Guid.Empty, (_, db) =>
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Tenants.Where(t => t.Id == tenant).Select(t => t.Name), Ct));
        name.ShouldBe("jobs Inc.");
    }
}
