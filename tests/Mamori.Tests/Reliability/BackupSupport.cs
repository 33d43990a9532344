using System.Diagnostics;
using Mamori.Audit;
using Mamori.Cli;
using Mamori.Data;
using Mamori.Hosting;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Mamori.Tests.Reliability;

/// <summary>Intent methods for backup, restore and migration tests: the CLI, pg_dump/pg_restore, reading a restored database.</summary>
public static class BackupSupport
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<(int Code, string Out, string Err)> CliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MamoriCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a PostgreSQL client tool against <paramref name="connectionString"/>; throws with its stderr on failure.</summary>
    public static async Task PgToolAsync(PostgresCluster cluster, string tool, string connectionString, params string[] args)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var psi = new ProcessStartInfo(Path.Combine(cluster.Bin, tool)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-h", cs.Host!, "-p", cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", cs.Username!, "-d", cs.Database! }.Concat(args))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync(Ct);
        await p.StandardOutput.ReadToEndAsync(Ct);
        await p.WaitForExitAsync(Ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({p.ExitCode}): {await err}");
    }

    /// <summary>Services over an existing database (no server), with the key ring of <paramref name="keysDir"/>.</summary>
    public static ServiceProvider Services(DatabaseTarget target, string keysDir)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMamoriCore(new MamoriSettings(keysDir, target));
        services.Replace(ServiceDescriptor.Singleton(new KeyRingOptions(Path.Combine(keysDir, "keys.json"), null)));
        return services.BuildServiceProvider();
    }

    /// <summary>Decrypts every field of a subject with the current key ring (null when its data key is gone).</summary>
    public static async Task<Dictionary<string, string>?> DecryptAsync(IServiceProvider sp, Guid tenant, Guid subject)
    {
        await using var scope = sp.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(tenant);
        var s = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == subject, Ct);
        if (s?.WrappedKey is null) return null;
        var ring = scope.ServiceProvider.GetRequiredService<KeyRingProvider>().Current;
        var key = VaultCrypto.Unwrap(ring, tenant, subject, s.WrappedKey);
        var fields = await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == subject).ToListAsync(Ct);
        return fields.ToDictionary(f => f.Category, f => VaultCrypto.DecryptField(key, tenant, subject, f.Category, f.Ciphertext));
    }

    public static async Task<IReadOnlyList<AuditVerification>> VerifyAuditAsync(IServiceProvider sp)
    {
        await using var scope = sp.CreateAsyncScope();
        return await AuditVerify.VerifyAllAsync(scope.ServiceProvider.GetRequiredService<MamoriDbContext>(), Ct);
    }

    public static async Task<int> CountAsync(IServiceProvider sp, Guid tenant)
    {
        await using var scope = sp.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(tenant);
        return await db.Set<DataSubject>().CountAsync(Ct);
    }

    public static string TempDir() => Directory.CreateTempSubdirectory("mamori-backup-test-").FullName;
}
