using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Data;
using Mamori.Requests;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Benchmarks.Requests;

/// <summary>
/// Building the disclosure package for one subject with 1,000 records (3 encrypted fields, 997 consent
/// ledger entries) on SQLite: the full path (access decision with its audit event, decrypt, ledger
/// reads, purposes) rendered as JSON, as the Japanese HTML and as a PDF with a subset IPAGothic.
/// Baseline: reading the same rows with EF Core and serializing them to JSON, no decision or decryption.
/// </summary>
[MemoryDiagnoser]
public class DisclosurePackageBenchmark
{
    private Vault.VaultBench _bench = null!;
    private Guid _subject;

    [GlobalSetup]
    public async Task Setup()
    {
        _bench = await Vault.VaultBench.CreateAsync(1);
        _subject = _bench.SubjectIds[0];
        await SeedConsentsAsync(_bench, _subject, 997);
    }

    internal static async Task SeedConsentsAsync(Vault.VaultBench bench, Guid subject, int count)
    {
        await using var scope = bench.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(bench.Tenant);
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
            db.Add(new ConsentRecord
            {
                Id = Guid.CreateVersion7(start.AddHours(i)), SubjectId = subject, Scope = "purpose:marketing", Granted = i % 2 == 0, At = start.AddHours(i),
                PolicyVersion = 1, Method = ConsentMethod.WebForm, RecordedBy = "System",
            });
        await db.SaveChangesAsync();
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _bench.DisposeAsync();

    private async Task<DisclosurePackage> BuildAsync()
    {
        await using var scope = _bench.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Tenant.Set(_bench.Tenant);
        return await scope.ServiceProvider.GetRequiredService<DisclosureBuilder>().BuildAsync("R-BENC-H001", RequestKind.Disclosure, [_subject], Actor.System);
    }

    [Benchmark(Baseline = true, Description = "baseline: EF read of the same rows + JSON, no decision/decrypt")]
    public async Task<int> PlainJson()
    {
        await using var scope = _bench.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(_bench.Tenant);
        var fields = await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == _subject).ToListAsync();
        var consents = await db.Set<ConsentRecord>().AsNoTracking().Where(c => c.SubjectId == _subject).ToListAsync();
        return JsonSerializer.SerializeToUtf8Bytes(new { fields, consents }).Length;
    }

    [Benchmark(Description = "disclosure package → JSON")]
    public async Task<int> PackageJson() => (await BuildAsync()).ToJson().Length;

    [Benchmark(Description = "disclosure package → Japanese HTML")]
    public async Task<int> PackageHtml() => DisclosureHtml.Render(await BuildAsync()).Length;

    [Benchmark(Description = "disclosure package → PDF (subset IPAGothic)")]
    public async Task<int> PackagePdf()
    {
        var p = await BuildAsync();
        return DisclosurePdf.Render(DisclosureHtml.Lines(p), "bench", null).Bytes?.Length ?? -1;
    }

    /// <summary>Writes a sample package (JSON, HTML, PDF) to a directory, for looking at the PDF with pdftoppm.</summary>
    public static async Task WriteSampleAsync(string dir)
    {
        var bench = new DisclosurePackageBenchmark();
        await bench.Setup();
        try
        {
            var p = await bench.BuildAsync();
            Directory.CreateDirectory(dir);
            await File.WriteAllBytesAsync(Path.Combine(dir, "sample.json"), p.ToJson());
            await File.WriteAllTextAsync(Path.Combine(dir, "sample.html"), DisclosureHtml.Render(p));
            var pdf = DisclosurePdf.Render(DisclosureHtml.Lines(p), "sample", null);
            if (pdf.Bytes is null) Console.Error.WriteLine(pdf.Problem);
            else await File.WriteAllBytesAsync(Path.Combine(dir, "sample.pdf"), pdf.Bytes);
            Console.WriteLine($"records={p.RecordCount} json={p.ToJson().Length} pdf={pdf.Bytes?.Length} font={pdf.FontPath} ({new FileInfo(pdf.FontPath ?? "/dev/null").Length} bytes)");
        }
        finally
        {
            await bench.Cleanup();
        }
    }
}
