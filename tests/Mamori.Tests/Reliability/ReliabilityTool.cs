using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Mamori.Tests.Backbone;
using Shouldly;

namespace Mamori.Tests.Reliability;

/// <summary>
/// Runs tools/Mamori.Reliability (built with this project) as its own process, the way scripts/crash-test.sh and
/// scripts/scale-out.sh do, and returns its JSON report. The tool starts real `mamori serve` processes on 127.0.0.1.
/// </summary>
internal static class ReliabilityTool
{
    /// <summary><c>./test.sh --long</c> sets MAMORI_LONG_TESTS=1: the full 20 kills and ten minutes of scale-out.</summary>
    public static bool Long => Environment.GetEnvironmentVariable("MAMORI_LONG_TESTS") == "1";

    public static async Task<JsonElement> RunAsync(TimeSpan limit, params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;
        var root = ServerTests.RepoRoot();
        var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var dll = Path.Combine(root, "tools", "Mamori.Reliability", "bin", config, "net10.0", "Mamori.Reliability.dll");
        File.Exists(dll).ShouldBeTrue($"{dll} is missing: build the solution first");
        var json = Path.Combine(Path.GetTempPath(), $"mamori-reliability-{Guid.NewGuid():N}.json");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--json");
        psi.ArgumentList.Add(json);
        psi.Environment["MAMORI_EXE"] = Path.Combine(root, "src", "Mamori", "bin", config, "net10.0", "mamori");
        var output = new StringBuilder();
        using var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"The reliability tool did not finish within {limit}: {output}");
        }
        p.WaitForExit(); // flushes the redirected output
        TestContext.Current.TestOutputHelper?.WriteLine(output.ToString());
        try
        {
            File.Exists(json).ShouldBeTrue($"the tool wrote no report (exit {p.ExitCode}): {output}");
            return JsonDocument.Parse(await File.ReadAllTextAsync(json, ct)).RootElement.Clone();
        }
        finally
        {
            File.Delete(json);
        }
    }
}
