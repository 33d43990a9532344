using BenchmarkDotNet.Attributes;
using Mamori.Audit;
using Mamori.Benchmarks.Vault;
using Mamori.Data;
using Mamori.Hosting;
using Mamori.Staff;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Not "Console": that namespace would hide System.Console from the other benchmarks.
namespace Mamori.Benchmarks.StaffConsole;

/// <summary>
/// Server time of the console dashboard (GET /console, signed in as a privacy officer and admin, so every card
/// renders) over HTTP on loopback, with N open data-subject requests (each submitted through
/// DataSubjectRequests, matched to a vault subject), N subjects in the vault, an audit chain of more than 2N
/// events, a tenth of the subjects due for retention within 30 days and earlier sweeps in the chain.
/// Baseline: the account page, which pays the same sign-in, session check and layout but no dashboard query.
/// </summary>
[MemoryDiagnoser]
public class DashboardBenchmark
{
    private VaultBench _bench = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    [Params(1_000, 10_000)]
    public int Subjects { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _bench = await VaultBench.CreateAsync(Subjects);
        string token;
        await using (var scope = _bench.Services.CreateAsyncScope())
        {
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<MamoriDbContext>();
            db.Tenant.Set(_bench.Tenant);
            // A tenth of the vault reaches the end of retention within 30 days; 200 were swept before.
            var due = _bench.SubjectIds.Where((_, i) => i % 10 == 0).ToList();
            var soon = TimeProvider.System.GetUtcNow().AddDays(10);
            foreach (var chunk in due.Chunk(500))
                await db.Set<Mamori.Vault.DataSubject>().Where(s => chunk.Contains(s.Id)).ExecuteUpdateAsync(u => u.SetProperty(s => s.NextExpiry, soon));
            await using (var tx = await db.Database.BeginTransactionAsync())
            {
                await sp.GetRequiredService<AuditLog>().AppendManyAsync(db, Enumerable.Range(0, 200).Select(i =>
                    new AuditEntry(AuditCode.RetentionDestroyed, Actor.System, SubjectId: _bench.SubjectIds[i].ToString(), ReasonCode: "retention")).ToList());
                await tx.CommitAsync();
            }
        }
        // N open requests, each from a person the vault holds (so none is answered at once as "no data held").
        for (var start = 0; start < Subjects; start += 200)
        {
            await using var scope = _bench.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Tenant.Set(_bench.Tenant);
            var requests = scope.ServiceProvider.GetRequiredService<Mamori.Requests.DataSubjectRequests>();
            for (var i = start; i < Math.Min(Subjects, start + 200); i++)
                await requests.SubmitAsync(new Mamori.Requests.RequestIntake
                {
                    Kind = "disclosure", Channel = Mamori.Policy.RequestChannel.CertifiedMail,
                    Name = $"試験 {i}", Email = $"user{i}@example.jp", Address = "東京都千代田区1-2-3",
                }, Actor.System);
        }
        await using (var scope = _bench.Services.CreateAsyncScope())
        {
            var sp = scope.ServiceProvider;
            sp.GetRequiredService<MamoriDbContext>().Tenant.Set(_bench.Tenant);
            await sp.GetRequiredService<StaffAccounts>().AddAsync("officer@bench.example", [Roles.PrivacyOfficer, Roles.Admin], "bench passphrase that is long 1", Actor.System);
            token = (await sp.GetRequiredService<SignIn>().PasswordAsync("officer@bench.example", "bench passphrase that is long 1")).Token;
        }
        _app = MamoriServer.Build(new ServeOptions
        {
            Settings = new MamoriSettings(_bench.Directory, new DatabaseTarget("sqlite", _bench.DatabasePath)),
            Urls = ["http://127.0.0.1:0"],
            Configure = b =>
            {
                b.Configuration["Mamori:DefaultTenant"] = "bench";
                b.Configuration["Mamori:Jobs:IntervalSeconds"] = "0";
                b.Logging.SetMinimumLevel(LogLevel.Warning);
            },
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
        _client.DefaultRequestHeaders.Add("Cookie", $"mamori_session={token}");
        var check = await _client.GetStringAsync("/console");
        if (!check.Contains("鍵リング", StringComparison.Ordinal) || !check.Contains("保存期間", StringComparison.Ordinal)
            || !check.Contains($"{Subjects:N0}</span> 件 対応中", StringComparison.Ordinal))
            throw new InvalidOperationException("The dashboard did not render its operational cards.");
        await Count();
    }

    private async Task Count()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(_bench.Tenant);
        System.Console.WriteLine($"// subjects={await db.Set<Mamori.Vault.DataSubject>().CountAsync()} auditEvents={await db.AuditEvents.CountAsync()} " +
            $"openRequests={await db.Set<Mamori.Requests.DataSubjectRequest>().CountAsync(r => r.Status == Mamori.Requests.RequestStatus.Received)}");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _bench.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "GET /console/account (signed in, no dashboard queries)")]
    public async Task<int> AccountPage() => (await _client.GetByteArrayAsync("/console/account")).Length;

    [Benchmark(Description = "GET /console (dashboard)")]
    public async Task<int> Dashboard() => (await _client.GetByteArrayAsync("/console")).Length;
}
