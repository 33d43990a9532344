using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mamori.Data;
using Mamori.Data.Postgres;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Npgsql;

[assembly: AssemblyFixture(typeof(Mamori.Tests.Infrastructure.PostgresCluster))]

namespace Mamori.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster from the Debian binaries, started once for the test run (STACK.md
/// recipe). Each test gets its own database cloned from a migrated template. When the cluster cannot
/// start, every PostgreSQL test fails: it never skips.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _dir;
    private string? _bin;
    private int _port;
    private bool _templateReady;
    private Exception? _startFailure;
    private bool _started;

    public string DataDirectory => Path.Combine(_dir ?? throw new InvalidOperationException("not started"), "data");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    private string AdminConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={_port};Username=postgres;Database={database};Pooling=true;Include Error Detail=false";

    /// <summary>Creates an empty migrated database for one test and returns its Npgsql connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!_started) await StartAsync();
            if (_startFailure is not null) throw new InvalidOperationException("PostgreSQL could not be started for the tests.", _startFailure);
            if (!_templateReady)
            {
                await ExecuteAsync("CREATE DATABASE mamori_template", ct);
                var options = new DbContextOptionsBuilder<MamoriDbContext>();
                new PostgresDatabaseProvider().Configure(options, AdminConnectionString("mamori_template"));
                await using (var db = new MamoriDbContext(options.Options, new TenantContext()))
                    await db.Database.MigrateAsync(ct);
                NpgsqlConnection.ClearAllPools();
                _templateReady = true;
            }
            var name = "t_" + Guid.NewGuid().ToString("N");
            await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE mamori_template", ct);
            return AdminConnectionString(name);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(AdminConnectionString());
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task StartAsync()
    {
        _started = true;
        try
        {
            _bin = FindBin();
            _dir = Directory.CreateTempSubdirectory("mamori-pg-").FullName;
            _port = FreePort();
            var asRoot = Environment.UserName == "root";
            if (asRoot) await RunAsync("chown", ["postgres:", _dir]);
            await RunPgAsync(asRoot, "initdb", ["-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
            await RunPgAsync(asRoot, "pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_dir, "log"), "-w", "-o",
                $"-c listen_addresses=127.0.0.1 -p {_port} -k {_dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start"]);
        }
        catch (Exception e)
        {
            _startFailure = e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dir is null || _bin is null) return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunPgAsync(Environment.UserName == "root", "pg_ctl", ["-D", DataDirectory, "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped: nothing to clean up but the directory.
        }
        Directory.Delete(_dir, recursive: true);
    }

    private static string FindBin()
    {
        var env = Environment.GetEnvironmentVariable("MAMORI_PG_BIN");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, "initdb"))) return env;
        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb) not found: install the postgresql package or set MAMORI_PG_BIN.");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private Task RunPgAsync(bool asRoot, string tool, string[] args) =>
        asRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin!, tool), .. args]) : RunAsync(Path.Combine(_bin!, tool), args);

    private static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}");
    }
}
