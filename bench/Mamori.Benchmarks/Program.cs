using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Mamori.Benchmarks.BenchmarkMarker).Assembly).Run(args);

namespace Mamori.Benchmarks
{
    /// <summary>Anchors the benchmark assembly; the server's own Program type is visible here too.</summary>
    internal static class BenchmarkMarker;
}
