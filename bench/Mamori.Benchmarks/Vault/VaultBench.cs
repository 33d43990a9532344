using Mamori.Audit;
using Mamori.Cli;
using Mamori.Data;
using Mamori.Hosting;
using Mamori.Tenancy;
using Mamori.Vault;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Benchmarks.Vault;

/// <summary>A SQLite vault with the demo policy published and N generated subjects, shared by the vault benchmarks.</summary>
public sealed class VaultBench : IAsyncDisposable
{
    private VaultBench(ServiceProvider services, Guid tenant, string dir, List<Guid> subjects)
    {
        Services = services;
        Tenant = tenant;
        Directory = dir;
        SubjectIds = subjects;
    }

    public ServiceProvider Services { get; }
    public Guid Tenant { get; }
    public string Directory { get; }
    public List<Guid> SubjectIds { get; }
    public string DatabasePath => Path.Combine(Directory, "bench.db");

    public static async Task<VaultBench> CreateAsync(int subjects)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("mamori-vault-bench-").FullName;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMamoriCore(new MamoriSettings(dir, new DatabaseTarget("sqlite", Path.Combine(dir, "bench.db"))));
        var sp = services.BuildServiceProvider();
        KeyRing.Generate(TimeProvider.System).Save(Path.Combine(dir, "keys.json"));
        await MamoriServices.MigrateAsync(sp);
        Guid tenant;
        await using (var scope = sp.CreateAsyncScope())
            tenant = (await scope.ServiceProvider.GetRequiredService<Tenants>().CreateAsync("bench", "Bench", Mamori.Audit.Actor.System)).Id;
        var ids = new List<Guid>();
        await using (var scope = sp.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
            db.Tenant.Set(tenant);
            await PolicyPublishCommand.PublishDirectoryAsync(scope.ServiceProvider, PolicyDir(), new DateOnly(2026, 1, 1), null, Actor.System, default);
            var current = await scope.ServiceProvider.GetRequiredService<Mamori.Policy.PolicyStore>().RequireCurrentAsync();
            var vault = scope.ServiceProvider.GetRequiredService<Subjects>();
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            for (var start = 0; start < subjects; start += 1000)
            {
                var batch = Enumerable.Range(start, Math.Min(1000, subjects - start)).Select(i => vault.Prepare(new CreateSubjectRequest(
                    "customer", "web-form", ["service-provision", "support"],
                    new Dictionary<string, string> { ["name"] = $"試験 {i}", ["email"] = $"user{i}@example.jp", ["phone"] = $"090-{i / 10000 % 10000:D4}-{i % 10000:D4}" }, "isp"),
                    current, Actor.System)).ToList();
                await using var tx = await db.Database.BeginTransactionAsync();
                foreach (var p in batch) vault.Add(p);
                await audit.AppendManyAsync(db, batch.Select(b => b.Audit).ToList());
                await tx.CommitAsync();
                db.ChangeTracker.Clear();
                ids.AddRange(batch.Select(b => b.Subject.Id));
            }
            // As `mamori import` does after loading: the planner needs statistics for batch reads by id.
            await DatabaseStatistics.RefreshAsync(db, scope.ServiceProvider.GetRequiredService<IDatabaseProvider>());
        }
        return new VaultBench(sp, tenant, dir, ids);
    }

    public static string PolicyDir() => Path.Combine(AppContext.BaseDirectory, "policy", "examples");

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, true);
    }
}
