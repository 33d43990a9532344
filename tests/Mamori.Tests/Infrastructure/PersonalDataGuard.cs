using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Mamori.Errors;
using Mamori.Requests;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(Mamori.Tests.Infrastructure.PersonalDataGuardReport))]

namespace Mamori.Tests.Infrastructure;

/// <summary>
/// Fails a test when a value from its vault's test data shows up where personal data must never go
/// (issue 13, part 5): a log line of its server (any provider would have written it), the message of
/// an exception thrown by Mamori code anywhere in the test process, or an audit event of its database.
/// <para>
/// Every <see cref="TestApp"/> gets one. The values are not a hand-kept list: when the app is disposed,
/// the guard decrypts what the test actually put in the vault (every subject field, every request's
/// sealed details) with the app's own key ring and looks for each of them in what was recorded.
/// </para>
/// The guard records at the levels production writes (Information; ASP.NET Core and EF Core at
/// Warning, as <c>MamoriServer</c> sets them) and Mamori's own categories down to Debug, whatever
/// minimum level the test chose for its console output.
/// </summary>
public sealed partial class PersonalDataGuard : ILoggerProvider
{
    /// <summary>Shorter values ("ok", "1") would match by accident; every personal value in the test data is longer.</summary>
    public const int MinValueLength = 5;

    private const int MaxLines = 200_000;
    private readonly ConcurrentQueue<string> _lines = new();
    private int _lineCount;

    /// <summary>Messages of exceptions thrown by Mamori's own code (types in Mamori assemblies other than the tests).</summary>
    private static readonly ConcurrentDictionary<string, byte> ExceptionMessages = new(StringComparer.Ordinal);

    /// <summary>Totals for the whole run (reported in docs/reliability.md).</summary>
    public static long ValuesChecked;
    public static long LinesChecked;
    public static long AppsChecked;

    static PersonalDataGuard() => AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;

    private static void OnFirstChance(object? sender, FirstChanceExceptionEventArgs e)
    {
        var type = e.Exception.GetType();
        var assembly = type.Assembly.GetName().Name ?? "";
        if (!assembly.StartsWith("Mamori", StringComparison.OrdinalIgnoreCase) && !assembly.Equals("mamori", StringComparison.Ordinal)) return;
        if (assembly.EndsWith(".Tests", StringComparison.Ordinal)) return;
        var message = e.Exception.Message;
        if (ExceptionMessages.Count < MaxLines) ExceptionMessages.TryAdd($"{type.FullName}: {message}", 0);
    }

    /// <summary>Adds the guard to a server being built: its own filter rules, independent of the test's minimum level.</summary>
    public static PersonalDataGuard AddTo(ILoggingBuilder logging)
    {
        var guard = new PersonalDataGuard();
        logging.AddProvider(guard);
        logging.AddFilter<PersonalDataGuard>(null, LogLevel.Information);
        logging.AddFilter<PersonalDataGuard>("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter<PersonalDataGuard>("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        logging.AddFilter<PersonalDataGuard>("Mamori", LogLevel.Debug);
        return guard;
    }

    /// <summary>Every line recorded so far (for tests of the guard itself).</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose() { }

    private void Record(string line)
    {
        if (Interlocked.Increment(ref _lineCount) > MaxLines) return;
        _lines.Enqueue(line);
    }

    /// <summary>Forgets everything recorded (a guard self-test calls it after checking a deliberate leak).</summary>
    public void Clear(IEnumerable<string> values)
    {
        _lines.Clear();
        foreach (var key in ExceptionMessages.Keys)
            if (values.Any(v => key.Contains(v, StringComparison.Ordinal))) ExceptionMessages.TryRemove(key, out _);
    }

    /// <summary>The personal values the app's tests put in its vault (subject fields and requests' sealed details), decrypted.</summary>
    public static async Task<IReadOnlyList<(string Where, string Value)>> VaultValuesAsync(IServiceProvider services, CancellationToken ct)
    {
        var values = new List<(string, string)>();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>();
        KeyRing ring;
        try { ring = scope.ServiceProvider.GetRequiredService<KeyRingProvider>().Current; }
        catch (Exception e) when (e is MamoriException or IOException or InvalidOperationException) { return values; }

        var subjects = await db.Set<DataSubject>().IgnoreQueryFilters().AsNoTracking().Where(s => s.WrappedKey != null).ToListAsync(ct);
        var fields = (await db.Set<SubjectField>().IgnoreQueryFilters().AsNoTracking().ToListAsync(ct)).ToLookup(f => f.SubjectId);
        foreach (var s in subjects)
        {
            byte[] key;
            try { key = VaultCrypto.Unwrap(ring, s.TenantId, s.Id, s.WrappedKey!); }
            catch (Exception e) when (e is MamoriException or System.Security.Cryptography.CryptographicException or FormatException) { continue; }
            foreach (var f in fields[s.Id])
            {
                try { values.Add(($"subject field '{f.Category}'", VaultCrypto.DecryptField(key, s.TenantId, s.Id, f.Category, f.Ciphertext))); }
                catch (Exception e) when (e is MamoriException or System.Security.Cryptography.CryptographicException) { /* re-keyed in this test */ }
            }
        }

        var requests = scope.ServiceProvider.GetRequiredService<DataSubjectRequests>();
        foreach (var r in await db.Set<DataSubjectRequest>().IgnoreQueryFilters().AsNoTracking().ToListAsync(ct))
        {
            RequesterDetails d;
            try { d = requests.Details(r); }
            catch (Exception e) when (e is MamoriException or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException) { continue; }
            foreach (var (name, value) in new[] { ("name", d.Name), ("email", d.Email), ("phone", d.Phone), ("address", d.Address), ("agent name", d.AgentName), ("details", d.Details), ("answer", d.AnswerText) })
                if (value is not null) values.Add(($"request {name}", value));
            foreach (var (category, value) in d.Corrections ?? new Dictionary<string, string>()) values.Add(($"request correction '{category}'", value));
        }
        // Fuzzed and scripted requests also put policy ids ("verification"), GUIDs and bare numbers in personal fields;
        // audit events rightly carry such ids, and no personal value in the test data has that shape, so they are left out.
        return [.. values.Select(v => (v.Item1, v.Item2.Trim())).Where(v => v.Item2.Length >= MinValueLength && !IdShaped().IsMatch(v.Item2)).Distinct()];
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:[a-z][a-z-]*|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)$")]
    private static partial System.Text.RegularExpressions.Regex IdShaped();

    /// <summary>Where the app's vault values appear in its log lines, in exception messages or in its audit events.</summary>
    public async Task<IReadOnlyList<string>> ViolationsAsync(IServiceProvider services, CancellationToken ct)
    {
        var values = await VaultValuesAsync(services, ct);
        Interlocked.Add(ref ValuesChecked, values.Count);
        Interlocked.Add(ref LinesChecked, _lines.Count);
        Interlocked.Increment(ref AppsChecked);
        if (values.Count == 0) return [];

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>();
        var audit = await db.AuditEvents.IgnoreQueryFilters().AsNoTracking()
            .Select(a => new { a.Sequence, a.Code, Text = (a.ActorId ?? "") + "\u0001" + (a.SubjectId ?? "") + "\u0001" + (a.TargetId ?? "") + "\u0001" + (a.Purpose ?? "") + "\u0001" + (a.ReasonCode ?? "") + "\u0001" + (a.Categories ?? "") })
            .ToListAsync(ct);

        var found = new List<string>();
        foreach (var (where, value) in values)
        {
            foreach (var line in _lines)
                if (line.Contains(value, StringComparison.Ordinal)) found.Add($"log line holds a {where} ({Hint(value)}): {Mask(line, value)}");
            foreach (var message in ExceptionMessages.Keys)
                if (message.Contains(value, StringComparison.Ordinal)) found.Add($"exception message holds a {where} ({Hint(value)}): {Mask(message, value)}");
            foreach (var a in audit)
                if (a.Text.Contains(value, StringComparison.Ordinal)) found.Add($"audit event #{a.Sequence} ({a.Code}) holds a {where} ({Hint(value)})");
        }
        return found;
    }

    /// <summary>Enough to find the value in the test's data without repeating it.</summary>
    private static string Hint(string value) => $"{value.Length} characters, starting '{value[..2]}'";

    /// <summary>The offending text with the value replaced, so the report does not repeat it (and stays short).</summary>
    private static string Mask(string text, string value)
    {
        var masked = text.Replace(value, "«VAULT VALUE»", StringComparison.Ordinal).ReplaceLineEndings(" ");
        return masked.Length > 300 ? masked[..300] + "…" : masked;
    }

    private sealed class Recorder(PersonalDataGuard guard, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            guard.Record($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = $"{logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}";
            // Structured sinks also write each property, so check them too (redacted ones arrive already erased).
            if (state is IReadOnlyList<KeyValuePair<string, object?>> props)
                text += " | " + string.Join(" | ", props.Select(p => $"{p.Key}={p.Value}"));
            if (exception is not null) text += " | " + exception;
            guard.Record(text);
        }
    }
}

/// <summary>Writes the guard's totals for the run next to the test binary (personal-data-guard.txt) for docs/reliability.md.</summary>
public sealed class PersonalDataGuardReport : IAsyncLifetime
{
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() =>
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "personal-data-guard.txt"),
            $"servers checked {PersonalDataGuard.AppsChecked}; vault values checked {PersonalDataGuard.ValuesChecked}; log lines checked {PersonalDataGuard.LinesChecked}\n");
}
