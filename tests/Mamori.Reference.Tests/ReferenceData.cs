namespace Mamori.Reference.Tests;

/// <summary>
/// Locates the public reference data in ../shared/reference. It is read in place and never copied
/// into this repository. MAMORI_REFERENCE_DIR overrides the location.
/// </summary>
public static class ReferenceData
{
    private static readonly Lazy<string?> Root = new(Find);

    public static bool Available => Root.Value is not null;

    public static string Path(params string[] parts)
    {
        var root = Root.Value ?? throw new InvalidOperationException(
            "../shared/reference was not found; set MAMORI_REFERENCE_DIR or run from a checkout beside shared/.");
        return System.IO.Path.Combine([root, .. parts]);
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("MAMORI_REFERENCE_DIR");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? env : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "reference");
            if (Directory.Exists(candidate)) return candidate;
            candidate = System.IO.Path.Combine(dir.FullName, "..", "shared", "reference");
            if (Directory.Exists(candidate) && File.Exists(System.IO.Path.Combine(dir.FullName, "Mamori.slnx")))
                return System.IO.Path.GetFullPath(candidate);
        }
        return null;
    }
}
