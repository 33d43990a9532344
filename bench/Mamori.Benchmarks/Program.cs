using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "lookup-latency")
{
    await Mamori.Benchmarks.Vault.LookupLatency.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    return;
}
if (args.Length > 0 && args[0] == "bare-kestrel")
{
    await Mamori.Benchmarks.Vault.BareKestrel.RunAsync(args.Length > 1 ? args[1] : "http://127.0.0.1:5091");
    return;
}
if (args.Length > 1 && args[0] == "sample-disclosure")
{
    await Mamori.Benchmarks.Requests.DisclosurePackageBenchmark.WriteSampleAsync(args[1]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Mamori.Benchmarks.BenchmarkMarker).Assembly).Run(args);

namespace Mamori.Benchmarks
{
    /// <summary>Anchors the benchmark assembly; the server's own Program type is visible here too.</summary>
    internal static class BenchmarkMarker;
}
