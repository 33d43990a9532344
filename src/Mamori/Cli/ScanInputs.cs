using System.Runtime.InteropServices;
using Mamori.Discovery;

namespace Mamori.Cli;

/// <summary>One file to scan: <see cref="Path"/> opens it, <see cref="Display"/> names it in output.</summary>
internal sealed record ScanInput(string Path, string Display);

/// <summary>
/// Something the scan could not do, said once on stderr and in SARIF. <see cref="Incomplete"/> notices mean a file's
/// content went unscanned, so the scan cannot claim "clean" (exit code 3).
/// </summary>
internal sealed record ScanNotice(string Path, string Code, string Message, bool Incomplete);

/// <summary>
/// Expands the PATH arguments of <c>mamori scan</c> into files. Directories are walked one level at a time so that an
/// unreadable one is reported and skipped instead of ending the walk; symbolic links to directories are not followed
/// during the walk (no loops, no file scanned twice), and only regular files are taken (a FIFO or device would block
/// the scan). A path named on the command line is taken as given: a symlinked directory is walked, a FIFO is read.
/// </summary>
internal sealed class ScanInputs(Action<ScanNotice> report, Func<string, IEnumerable<FileSystemInfo>>? listDirectory = null)
{
    private static readonly EnumerationOptions OneLevel = new() { IgnoreInaccessible = false, RecurseSubdirectories = false, AttributesToSkip = 0 };
    private readonly Func<string, IEnumerable<FileSystemInfo>> list = listDirectory ?? (d => new DirectoryInfo(d).EnumerateFileSystemInfos("*", OneLevel));
    private readonly HashSet<string> seen = new(PathComparer);

    public static StringComparer PathComparer { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    public List<ScanInput> Expand(IEnumerable<string> paths)
    {
        var files = new List<ScanInput>();
        foreach (var p in paths)
        {
            if (p == "-") files.Add(new ScanInput("-", "-"));
            else if (Directory.Exists(p)) Walk(p, files);
            else if (File.Exists(p)) Add(p, files);
            else throw new DiscoveryException(DiscoveryErrors.PathNotFound, $"'{p}' does not exist.");
        }
        return files;
    }

    private void Walk(string dir, List<ScanInput> files)
    {
        List<FileSystemInfo> entries;
        try
        {
            entries = list(dir).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            report(new ScanNotice(dir, DiscoveryErrors.FileUnreadable, $"cannot read directory '{dir}' ({e.GetType().Name}); its files were not scanned", Incomplete: true));
            return;
        }
        foreach (var entry in entries)
        {
            var path = Path.Combine(dir, entry.Name);
            var isLink = entry.Attributes.HasFlag(FileAttributes.ReparsePoint);
            if (entry is DirectoryInfo)
            {
                if (isLink)
                    report(new ScanNotice(path, DiscoveryErrors.DirectoryLinkNotFollowed, $"'{path}' is a symbolic link to a directory and was not followed (name its target to scan it)", Incomplete: false));
                else Walk(path, files);
            }
            else if (IsRegularFile(path)) Add(path, files);
            else report(new ScanNotice(path, DiscoveryErrors.NotRegularFile, $"skipped '{path}': not a regular file (FIFO, device or socket)", Incomplete: true));
        }
    }

    private void Add(string path, List<ScanInput> files)
    {
        // `scan dir dir/a.txt` or a path given twice: one file, scanned once.
        if (seen.Add(Path.GetFullPath(path))) files.Add(new ScanInput(path, path));
    }

    /// <summary>
    /// False for a FIFO, device or socket. .NET has no API for the file type, so this asks the runtime's own native
    /// shim (the stat wrapper FileStatus uses; Mode at offset 4, S_IFMT bits normalised). Windows has no such files.
    /// A path that cannot be stat'ed counts as regular, so opening it reports the real error.
    /// </summary>
    internal static bool IsRegularFile(string path)
    {
        if (OperatingSystem.IsWindows()) return true;
        var status = new byte[256];
        if (SystemNativeStat(path, status) != 0) return true;
        return (BitConverter.ToInt32(status, 4) & 0xF000) == 0x8000;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);

    /// <summary>
    /// Where each input's redacted copy goes: its path relative to the deepest directory holding every PATH argument,
    /// under <paramref name="outputDir"/> (so `c1/x.csv c2/x.csv` give two copies, and `..` cannot lead outside).
    /// Refuses, before anything is written, a plan in which two inputs share a copy or a copy would replace an input.
    /// </summary>
    public static Dictionary<ScanInput, string> PlanCopies(IReadOnlyList<string> arguments, IReadOnlyList<ScanInput> inputs, string outputDir)
    {
        var outFull = Path.GetFullPath(outputDir);
        string? root = null;
        foreach (var a in arguments.Where(a => a != "-"))
        {
            var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a))) ?? Path.GetPathRoot(Path.GetFullPath(a))!;
            root = root is null ? parent : CommonDirectory(root, parent);
        }
        var realDirs = new Dictionary<string, string>(PathComparer);
        string Real(string full) => Path.Combine(RealDirectory(Path.GetDirectoryName(full) ?? full, realDirs), Path.GetFileName(full));
        var originals = new HashSet<string>(inputs.Where(i => i.Path != "-").Select(i => Real(Path.GetFullPath(i.Path))), PathComparer);
        var plan = new Dictionary<ScanInput, string>();
        var targets = new Dictionary<string, ScanInput>(PathComparer);
        foreach (var input in inputs)
        {
            var relative = input.Path == "-" ? "stdin.txt" : Path.GetRelativePath(root!, Path.GetFullPath(input.Path));
            var target = Path.GetFullPath(Path.Combine(outFull, relative));
            if (Path.IsPathRooted(relative) || !target.StartsWith(Path.TrimEndingDirectorySeparator(outFull) + Path.DirectorySeparatorChar, PathComparer == StringComparer.Ordinal ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
                throw new DiscoveryException(DiscoveryErrors.CopyPathClash, $"the redacted copy of '{input.Display}' would not lie under the --output directory (inputs on different drives?).");
            if (targets.TryGetValue(target, out var other))
                throw new DiscoveryException(DiscoveryErrors.CopyPathClash, $"'{other.Display}' and '{input.Display}' would get the same redacted copy '{target}'; scan them separately.");
            if (originals.Contains(Real(target)))
                throw new DiscoveryException(DiscoveryErrors.OutputOverwritesInput, $"the redacted copy of '{input.Display}' would replace the input '{target}'; choose an --output directory outside the scanned files.");
            targets[target] = input;
            plan[input] = target;
        }
        return plan;
    }

    private static string CommonDirectory(string a, string b)
    {
        while (!IsSameOrUnder(b, a))
        {
            var up = Path.GetDirectoryName(a);
            if (up is null) return a;
            a = up;
        }
        return a;
    }

    private static bool IsSameOrUnder(string path, string dir)
    {
        var cmp = PathComparer == StringComparer.Ordinal ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var d = Path.TrimEndingDirectorySeparator(dir);
        return string.Equals(Path.TrimEndingDirectorySeparator(path), d, cmp)
            || path.StartsWith(d.EndsWith(Path.DirectorySeparatorChar) ? d : d + Path.DirectorySeparatorChar, cmp);
    }

    /// <summary>The directory with every symbolic link resolved (.NET has no realpath); a part that does not exist yet is kept.</summary>
    private static string RealDirectory(string full, Dictionary<string, string> cache)
    {
        if (cache.TryGetValue(full, out var known)) return known;
        var parent = Path.GetDirectoryName(full);
        var real = parent is null ? full : Path.Combine(RealDirectory(parent, cache), Path.GetFileName(full));
        cache[full] = real; // a link that points below itself ends here instead of recursing
        try
        {
            if (new DirectoryInfo(real).LinkTarget is not null && Directory.ResolveLinkTarget(real, returnFinalTarget: true) is { } target)
                real = RealDirectory(Path.TrimEndingDirectorySeparator(target.FullName), cache);
        }
        catch (IOException)
        {
            // A link loop: no copy can be written through it either.
        }
        cache[full] = real;
        return real;
    }
}
