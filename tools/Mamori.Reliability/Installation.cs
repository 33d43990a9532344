using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mamori.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mamori.Reliability;

/// <summary>Where the built <c>mamori</c> executable and the example policy are.</summary>
public sealed record MamoriExe(string Path, string PolicyDir)
{
    /// <summary>
    /// <c>MAMORI_EXE</c>, else <c>src/Mamori/bin/&lt;configuration&gt;/net10.0/mamori</c> of the repository this
    /// assembly was built in (the configuration this assembly was built with first, then Release, then Debug).
    /// </summary>
    public static MamoriExe Find()
    {
        var root = RepoRoot();
        var policy = System.IO.Path.Combine(root, "policy", "examples");
        var env = Environment.GetEnvironmentVariable("MAMORI_EXE");
        if (!string.IsNullOrEmpty(env)) return new MamoriExe(System.IO.Path.GetFullPath(env), policy);
        var own = AppContext.BaseDirectory.Contains($"{System.IO.Path.DirectorySeparatorChar}Debug{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        foreach (var config in new[] { own, "Release", "Debug" })
        {
            var candidate = System.IO.Path.Combine(root, "src", "Mamori", "bin", config, "net10.0", "mamori");
            if (File.Exists(candidate)) return new MamoriExe(candidate, policy);
        }
        throw new InvalidOperationException("The mamori executable was not found: build it (dotnet build src/Mamori -c Release) or set MAMORI_EXE.");
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Combine(d.FullName, "Mamori.slnx"))) return d.FullName;
        throw new InvalidOperationException("Repository root (Mamori.slnx) not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// One Mamori installation made the way an operator would: <c>keys init</c>, <c>migrate</c>, <c>tenant add</c>,
/// <c>policy publish</c> and <c>apikey create</c> through the CLI, on SQLite or PostgreSQL.
/// </summary>
public sealed class Installation : IAsyncDisposable
{
    public const string TenantSlug = "acme";

    private readonly ThrowawayPostgres? _ownedPostgres;

    private Installation(MamoriExe exe, string provider, string dataDir, string connectionString, ThrowawayPostgres? ownedPostgres)
    {
        Exe = exe;
        Provider = provider;
        DataDir = dataDir;
        ConnectionString = connectionString;
        _ownedPostgres = ownedPostgres;
    }

    public MamoriExe Exe { get; }
    public string Provider { get; }
    public string DataDir { get; }
    public string ConnectionString { get; }
    public string DbArgument => $"{Provider}:{ConnectionString}";
    /// <summary>A privacy officer's API key: writes subjects, consents and requests, reads them back, verifies the chain.</summary>
    public string ApiKey { get; private set; } = "";

    /// <summary>
    /// Creates the installation. For PostgreSQL, <paramref name="postgresConnectionString"/> names an empty (or
    /// migrated) database; without it a throwaway cluster is started and removed on dispose.
    /// </summary>
    public static async Task<Installation> CreateAsync(MamoriExe exe, string provider, string? postgresConnectionString, CancellationToken ct)
    {
        var dataDir = Directory.CreateTempSubdirectory("mamori-rel-").FullName;
        ThrowawayPostgres? pg = null;
        string cs;
        if (provider == "sqlite") cs = System.IO.Path.Combine(dataDir, "mamori.db");
        else if (provider == "postgres")
        {
            if (postgresConnectionString is null)
            {
                pg = await ThrowawayPostgres.StartAsync();
                await using var admin = new NpgsqlConnection(pg.ConnectionString());
                await admin.OpenAsync(ct);
                await using var create = new NpgsqlCommand("CREATE DATABASE mamori", admin);
                await create.ExecuteNonQueryAsync(ct);
                cs = pg.ConnectionString("mamori");
            }
            else cs = postgresConnectionString;
        }
        else throw new ArgumentException("provider is sqlite or postgres", nameof(provider));

        var inst = new Installation(exe, provider, dataDir, cs, pg);
        try
        {
            await inst.CliOkAsync(ct, "keys", "init");
            await inst.CliOkAsync(ct, "migrate");
            await inst.CliOkAsync(ct, "tenant", "add", "--slug", TenantSlug, "--name", "Acme");
            await inst.CliOkAsync(ct, "policy", "publish", exe.PolicyDir, "--effective", "2026-04-01", "--tenant", TenantSlug);
            var key = await inst.CliOkAsync(ct, "apikey", "create", "--name", "reliability", "--role", "privacy-officer", "--json", "--tenant", TenantSlug);
            inst.ApiKey = JsonDocument.Parse(key).RootElement.GetProperty("key").GetString()!;
            return inst;
        }
        catch
        {
            await inst.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a <c>mamori</c> command on this installation; returns exit code and output.</summary>
    public async Task<(int Code, string Stdout, string Stderr)> CliAsync(CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo(Exe.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--db");
        psi.ArgumentList.Add(DbArgument);
        psi.ArgumentList.Add("--data-dir");
        psi.ArgumentList.Add(DataDir);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start mamori.");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, await stdout, await stderr);
    }

    public async Task<string> CliOkAsync(CancellationToken ct, params string[] args)
    {
        var (code, stdout, stderr) = await CliAsync(ct, args);
        if (code != 0) throw new InvalidOperationException($"mamori {string.Join(' ', args)} failed ({code}): {stderr.Trim()}");
        return stdout;
    }

    /// <summary>A connection to the installation's database, for checks that look past the API.</summary>
    public DbConnection OpenConnection() => Provider == "sqlite"
        ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ConnectionString, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString())
        : new NpgsqlConnection(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (_ownedPostgres is not null) await _ownedPostgres.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); }
        catch (IOException) { /* a killed server may still hold a file for a moment */ }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>A running <c>mamori serve</c> on 127.0.0.1: started, waited for, killed with SIGKILL.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();

    private ServerProcess(Process process, StreamWriter log, int port, Stopwatch started)
    {
        _process = process;
        _log = log;
        Port = port;
        Started = started;
    }

    public int Port { get; }
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");
    public Stopwatch Started { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>mamori serve</c>; <paramref name="environment"/> sets configuration such as <c>Mamori__Jobs__IntervalSeconds</c>.</summary>
    public static ServerProcess Start(Installation inst, int port, IReadOnlyDictionary<string, string>? environment = null, string logName = "serve.log")
    {
        var psi = new ProcessStartInfo(inst.Exe.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "serve", "--urls", $"http://127.0.0.1:{port}", "--db", inst.DbArgument, "--data-dir", inst.DataDir })
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        var log = new StreamWriter(Path.Combine(inst.DataDir, logName), append: true, Encoding.UTF8) { AutoFlush = true };
        var watch = Stopwatch.StartNew();
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start mamori serve.");
        var server = new ServerProcess(process, log, port, watch);
        process.OutputDataReceived += (_, e) => server.Log(e.Data);
        process.ErrorDataReceived += (_, e) => server.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_logLock) _log.WriteLine(line);
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200; returns the time since the process was started.</summary>
    public async Task<TimeSpan> WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (Started.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"mamori serve exited with {_process.ExitCode} before it was ready (see serve.log).");
            try
            {
                using var r = await http.GetAsync(new Uri(BaseUrl, "/readyz"), ct);
                if (r.IsSuccessStatusCode) return Started.Elapsed;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(20, ct);
        }
        throw new TimeoutException($"mamori serve was not ready within {timeout.TotalSeconds} s.");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        lock (_logLock) _log.Dispose();
    }
}
