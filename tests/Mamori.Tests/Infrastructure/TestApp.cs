using System.Net.Http.Json;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Hosting;
using Mamori.Staff;
using Mamori.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Mamori.Tests.Infrastructure;

/// <summary>
/// The real server on Kestrel at 127.0.0.1 (a free port) over a fresh database, with a fake clock and
/// intent methods for tests: tenants, users of a role, signed-in clients, API keys.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    /// <summary>One password for every test user, hashed once: PBKDF2 at 600k rounds is slow on purpose.</summary>
    public const string Password = "correct horse battery staple";
    private static readonly Lazy<string> PasswordHash = new(() => PasswordHasher.Hash(Password));

    private TestApp(WebApplication app, TestDatabase db, FakeTimeProvider clock, Uri baseAddress, PersonalDataGuard guard)
    {
        App = app;
        Guard = guard;
        Database = db;
        Clock = clock;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }
    public TestDatabase Database { get; }
    public FakeTimeProvider Clock { get; }
    public Uri BaseAddress { get; }

    /// <summary>Records this server's logs; on dispose, a vault value found in them, in an exception message or in the audit chain fails the test.</summary>
    public PersonalDataGuard Guard { get; }

    public static async Task<TestApp> StartAsync(string provider, PostgresCluster cluster, Action<WebApplicationBuilder>? configure = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var db = await TestDatabase.CreateAsync(provider, cluster, ct);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
        PersonalDataGuard? guard = null;
        Mamori.Vault.KeyRing.Generate(clock).Save(Path.Combine(db.DataDir, "keys.json"));
        var app = MamoriServer.Build(new ServeOptions
        {
            Settings = db.Settings,
            Urls = ["http://127.0.0.1:0"],
            Configure = b =>
            {
                b.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
                b.Services.Replace(ServiceDescriptor.Singleton(new Mamori.Vault.KeyRingOptions(Path.Combine(db.DataDir, "keys.json"), null)));
                b.Configuration["Mamori:Jobs:IntervalSeconds"] = "0";
                b.Logging.SetMinimumLevel(LogLevel.Warning);
                guard = PersonalDataGuard.AddTo(b.Logging);
                configure?.Invoke(b);
            },
        });
        await MamoriServices.MigrateAsync(app.Services, ct);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, db, clock, new Uri(address), guard!);
    }

    public HttpClient Client(string? cookie = null, string? apiKey = null)
    {
        var c = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (cookie is not null) c.DefaultRequestHeaders.Add("Cookie", cookie);
        if (apiKey is not null) c.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return c;
    }

    /// <summary>Runs <paramref name="work"/> in a scope bound to <paramref name="tenantId"/>.</summary>
    public async Task<T> InTenantAsync<T>(Guid tenantId, Func<IServiceProvider, MamoriDbContext, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        if (tenantId != Guid.Empty) db.Tenant.Set(tenantId);
        return await work(scope.ServiceProvider, db);
    }

    public async Task<Tenant> CreateTenantAsync(string slug = "acme") =>
        await InTenantAsync(Guid.Empty, (sp, _) => sp.GetRequiredService<Tenants>().CreateAsync(slug, slug + " Inc.", Actor.System, TestContext.Current.CancellationToken));

    /// <summary>A user with the given roles and <see cref="Password"/>, written straight to the database.</summary>
    public Task<StaffUser> UserAsync(Guid tenantId, params string[] roles) => InTenantAsync(tenantId, async (sp, db) =>
    {
        var now = Clock.GetUtcNow();
        var user = new StaffUser
        {
            Id = Guid.NewGuid(),
            Email = $"{string.Join('-', roles)}-{Guid.NewGuid():N}@test.example",
            PasswordHash = PasswordHash.Value,
            Roles = [.. roles],
            CreatedAt = now,
            PasswordChangedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
        db.Users.Add(user);
        await sp.GetRequiredService<AuditLog>().AppendAsync(db, new AuditEntry(AuditCode.UserCreated, Actor.System, TargetId: user.Id.ToString()), TestContext.Current.CancellationToken);
        await tx.CommitAsync(TestContext.Current.CancellationToken);
        return user;
    });

    /// <summary>A client with a session cookie for <paramref name="user"/>, as if they had signed in.</summary>
    public Task<HttpClient> SignedInAsync(StaffUser user) => InTenantAsync(user.TenantId, async (_, db) =>
    {
        var token = SecretTokens.New();
        var now = Clock.GetUtcNow();
        db.Sessions.Add(new StaffSession
        {
            Id = Guid.NewGuid(), UserId = user.Id, TokenHash = SecretTokens.HashOf(token),
            CreatedAt = now, LastSeenAt = now, ExpiresAt = now.AddHours(12),
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return Client(cookie: $"mamori_session={token}");
    });

    public async Task<HttpClient> SignedInAsync(Guid tenantId, params string[] roles) => await SignedInAsync(await UserAsync(tenantId, roles));

    public Task<ApiKeys.Created> ApiKeyAsync(Guid tenantId, string role, int? expiresDays = null, IReadOnlyCollection<string>? policyRoles = null) =>
        InTenantAsync(tenantId, (sp, _) => sp.GetRequiredService<ApiKeys>().CreateAsync("test-" + Guid.NewGuid().ToString("N")[..8], role, policyRoles ?? [], expiresDays, null, Actor.System, TestContext.Current.CancellationToken));

    /// <summary>Signs in through the real endpoint; returns the session cookie ("name=value").</summary>
    public async Task<(HttpResponseMessage Response, string? Cookie)> LoginAsync(string email, string password)
    {
        var response = await Client().PostAsJsonAsync("/api/auth/login", new { email, password }, TestContext.Current.CancellationToken);
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).FirstOrDefault(v => v.StartsWith("mamori_session=", StringComparison.Ordinal))
            : null;
        return (response, cookie);
    }

    public async ValueTask DisposeAsync()
    {
        IReadOnlyList<string> leaks;
        try
        {
            leaks = await Guard.ViolationsAsync(App.Services, CancellationToken.None);
        }
        finally
        {
            await App.StopAsync();
            await App.DisposeAsync();
            await Database.DisposeAsync();
        }
        if (leaks.Count > 0)
            throw new PersonalDataLeakException($"Personal data from the vault leaked ({leaks.Count}):\n" + string.Join("\n", leaks.Take(20)));
    }
}

/// <summary>A vault value reached a log line, an exception message or an audit event (see <see cref="PersonalDataGuard"/>).</summary>
public sealed class PersonalDataLeakException(string message) : Exception(message);
