using Mamori.Data.Sqlite;
using Mamori.Errors;

namespace Mamori.Hosting;

/// <summary>
/// A running server holds an exclusive lock on <c>&lt;database&gt;.lock</c> beside its SQLite file
/// (an OS advisory lock, released by the kernel when the process dies, even by SIGKILL), so
/// <c>mamori restore</c> can refuse to replace a database a server is using.
/// </summary>
public sealed class ServerLock(MamoriSettings settings) : IHostedService, IDisposable
{
    private FileStream? _held;

    public static string PathFor(string sqlitePath) => Path.GetFullPath(sqlitePath) + ".lock";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Database.Provider != "sqlite") return Task.CompletedTask;
        var path = PathFor(SqliteDatabaseProvider.PathOf(settings.Database.ConnectionString));
        _held = TryAcquire(path) ?? throw new MamoriException(ErrorCode.RestoreTargetInUse,
            $"Another Mamori server or a restore is using this database (lock {path} is held).");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _held?.Dispose();
        _held = null;
    }

    /// <summary>Takes the lock, or returns null when someone else holds it.</summary>
    public static FileStream? TryAcquire(string path)
    {
        Data.OwnerOnly.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
