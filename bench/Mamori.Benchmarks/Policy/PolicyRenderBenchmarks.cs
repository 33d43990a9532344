using BenchmarkDotNet.Attributes;
using Mamori.Policy;
using Mamori.Policy.Rendering;

namespace Mamori.Benchmarks.Policy;

/// <summary>
/// Rendering the demo policy (policy/examples) to the public notice after warm-up; goal: HTML under
/// 50 ms. Baseline: writing the same model as canonical JSON (the cheapest full walk of the model).
/// Loading (parse + bind + validate the YAML directory) is measured alongside.
/// </summary>
[MemoryDiagnoser]
public class PolicyRenderBenchmarks
{
    private PolicyModel _policy = null!;
    private string _dir = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Environment.GetEnvironmentVariable("MAMORI_POLICY_DIR") ?? FindDemo();
        var result = PolicyLoader.LoadDirectory(_dir);
        _policy = result.Policy ?? throw new InvalidOperationException("The demo policy has errors: " + string.Join("; ", result.Diagnostics));
    }

    private static string FindDemo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Mamori.slnx"))) return Path.Combine(d.FullName, "policy", "examples");
        throw new InvalidOperationException("Cannot find policy/examples; set MAMORI_POLICY_DIR.");
    }

    [Benchmark(Baseline = true)]
    public string CanonicalJson() => PolicyCanonical.ToJson(_policy);

    [Benchmark]
    public string RenderHtmlJa() => PolicyRenderer.Render(_policy, NoticeLanguage.Ja, NoticeFormat.Html);

    [Benchmark]
    public string RenderHtmlEn() => PolicyRenderer.Render(_policy, NoticeLanguage.En, NoticeFormat.Html);

    [Benchmark]
    public string RenderMarkdownJa() => PolicyRenderer.Render(_policy, NoticeLanguage.Ja, NoticeFormat.Markdown);

    [Benchmark]
    public PolicyLoadResult LoadAndValidate() => PolicyLoader.LoadDirectory(_dir);
}
