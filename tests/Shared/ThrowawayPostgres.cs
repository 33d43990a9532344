using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mamori.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster from the Debian binaries (STACK.md recipe): initdb into a temp
/// directory, start on a free loopback port with durability off, stop and delete on dispose. Used by
/// the test fixture and the benchmarks. Runs initdb as the postgres user when started by root.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private ThrowawayPostgres(string bin, string dir, int port)
    {
        Bin = bin;
        Directory = dir;
        Port = port;
    }

    public string Bin { get; }
    public string Directory { get; }
    public int Port { get; }
    public string DataDirectory => Path.Combine(Directory, "data");

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Include Error Detail=false";

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var bin = FindBin();
        var dir = System.IO.Directory.CreateTempSubdirectory("mamori-pg-").FullName;
        var pg = new ThrowawayPostgres(bin, dir, FreePort());
        if (AsRoot) await RunAsync("chown", ["postgres:", dir]);
        await pg.RunPgAsync("initdb", ["-D", pg.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        await pg.RunPgAsync("pg_ctl", ["-D", pg.DataDirectory, "-l", Path.Combine(dir, "log"), "-w", "-o",
            $"-c listen_addresses=127.0.0.1 -p {pg.Port} -k {dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start"]);
        return pg;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped: only the directory is left to remove.
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static bool AsRoot => Environment.UserName == "root";

    private static string FindBin()
    {
        var env = Environment.GetEnvironmentVariable("MAMORI_PG_BIN");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, "initdb"))) return env;
        var found = System.IO.Directory.Exists("/usr/lib/postgresql")
            ? System.IO.Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
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

    private Task RunPgAsync(string tool, string[] args) =>
        AsRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, tool), .. args]) : RunAsync(Path.Combine(Bin, tool), args);

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
