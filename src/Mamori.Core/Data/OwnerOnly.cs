namespace Mamori.Data;

/// <summary>
/// The data directory holds the database, the key ring, the erasure ledger and the outbox: on Unix it and the files
/// Mamori creates in it are the owner's only, whatever the umask (Debian's 022 would make them world-readable).
/// </summary>
public static class OwnerOnly
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute;

    /// <summary>Creates the directory owner-only (missing parents get the umask's mode); an existing directory keeps the mode its owner gave it.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, DirectoryMode);
    }
}
