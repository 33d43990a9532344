using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Mamori.Reliability;

/// <summary>
/// Looks at the database directly, in one snapshot, for anything half-written: a subject without its
/// fields, blind indexes or creation event; a request without its audit event or outbox message; a consent
/// without its events; and any such event without its row. Returns one line (ids only) per problem.
/// </summary>
public static class Consistency
{
    public const int SubjectCreated = 3000, RetentionDestroyed = 3004, ConsentGranted = 4000, ConsentWithdrawn = 4001, RequestReceived = 5000, NotificationSent = 5051;

    public sealed record Snapshot(
        Dictionary<Guid, bool> Subjects, Dictionary<Guid, int> Fields, Dictionary<Guid, int> Lookups, List<(int Code, Guid? Subject, Guid? Target, string? Categories)> Events,
        HashSet<Guid> Requests, List<(string? Topic, string Template, bool Sent)> Outbox, HashSet<(Guid Receipt, Guid Subject)> Consents,
        List<(Guid Subject, string Kind)> Certificates);

    public static async Task<Snapshot> ReadAsync(Installation inst, CancellationToken ct)
    {
        await using var c = inst.OpenConnection();
        await c.OpenAsync(ct);
        await using var tx = c is SqliteConnection sqlite ? sqlite.BeginTransaction(deferred: true) : await c.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var subjects = new Dictionary<Guid, bool>();
        await ForEachAsync(c, tx, """SELECT "Id", "WrappedKey" FROM "DataSubjects" """, r => subjects[G(r[0])!.Value] = r[1] is not DBNull, ct);
        var fields = new Dictionary<Guid, int>();
        await ForEachAsync(c, tx, """SELECT "SubjectId", COUNT(*) FROM "SubjectFields" GROUP BY "SubjectId" """, r => fields[G(r[0])!.Value] = Convert.ToInt32(r[1], System.Globalization.CultureInfo.InvariantCulture), ct);
        var lookups = new Dictionary<Guid, int>();
        await ForEachAsync(c, tx, """SELECT "SubjectId", COUNT(*) FROM "SubjectLookups" GROUP BY "SubjectId" """, r => lookups[G(r[0])!.Value] = Convert.ToInt32(r[1], System.Globalization.CultureInfo.InvariantCulture), ct);
        var events = new List<(int, Guid?, Guid?, string?)>();
        await ForEachAsync(c, tx, $"""SELECT "Code", "SubjectId", "TargetId", "Categories" FROM "AuditEvents" WHERE "Code" IN ({SubjectCreated}, {RetentionDestroyed}, {ConsentGranted}, {ConsentWithdrawn}, {RequestReceived}, {NotificationSent})""",
            r => events.Add((Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture), G(r[1]), G(r[2]), r[3] as string)), ct);
        var requests = new HashSet<Guid>();
        await ForEachAsync(c, tx, """SELECT "Id" FROM "DataSubjectRequests" """, r => requests.Add(G(r[0])!.Value), ct);
        var outbox = new List<(string?, string, bool)>();
        await ForEachAsync(c, tx, """SELECT "Topic", "Template", "SentAt" FROM "OutboxMessages" """, r => outbox.Add((r[0] as string, (string)r[1], r[2] is not DBNull)), ct);
        var consents = new HashSet<(Guid, Guid)>();
        await ForEachAsync(c, tx, """SELECT "ReceiptId", "SubjectId" FROM "ConsentRecords" WHERE "ReceiptId" IS NOT NULL""", r => consents.Add((G(r[0])!.Value, G(r[1])!.Value)), ct);
        var certificates = new List<(Guid, string)>();
        await ForEachAsync(c, tx, """SELECT "SubjectId", "Kind" FROM "DestructionCertificates" """, r => certificates.Add((G(r[0])!.Value, Convert.ToString(r[1], System.Globalization.CultureInfo.InvariantCulture)!)), ct);
        await tx.RollbackAsync(ct);
        return new Snapshot(subjects, fields, lookups, events, requests, outbox, consents, certificates);
    }

    /// <summary>Every half-written thing in the database, as lines naming ids only.</summary>
    public static async Task<List<string>> CheckAsync(Installation inst, CancellationToken ct) => Check(await ReadAsync(inst, ct));

    /// <summary>The acknowledged writes the snapshot lacks (a subject must still have its key, fields and blind indexes).</summary>
    public static List<string> Missing(Snapshot s, IEnumerable<AckedWrite> writes)
    {
        var receipts = s.Consents.Select(x => x.Receipt).ToHashSet();
        return writes.Where(w => w.Kind switch
        {
            WriteKind.Subject => !(s.Subjects.GetValueOrDefault(w.Id) && s.Fields.GetValueOrDefault(w.Id) > 0 && s.Lookups.GetValueOrDefault(w.Id) > 0),
            WriteKind.Consent => !receipts.Contains(w.Id),
            _ => !s.Requests.Contains(w.Id),
        }).Select(w => $"{w.Kind.ToString().ToLowerInvariant()} {w.Id}").ToList();
    }

    public static List<string> Check(Snapshot s)
    {
        var problems = new List<string>();
        var created = s.Events.Where(e => e.Code == SubjectCreated && e.Subject is not null).GroupBy(e => e.Subject!.Value).ToDictionary(g => g.Key, g => g.First().Categories);
        foreach (var (id, hasKey) in s.Subjects)
        {
            if (!created.TryGetValue(id, out var categories)) { problems.Add($"subject {id} has no creation event"); continue; }
            if (!hasKey) continue; // erased: its fields are gone by design
            var expected = (categories ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Length;
            var destroyedByRetention = s.Certificates.Any(c => c.Subject == id);
            if (!destroyedByRetention && s.Fields.GetValueOrDefault(id) != expected) problems.Add($"subject {id} has {s.Fields.GetValueOrDefault(id)} of its {expected} fields");
            if (!destroyedByRetention && s.Lookups.GetValueOrDefault(id) == 0) problems.Add($"subject {id} has no blind index");
        }
        foreach (var id in created.Keys.Where(id => !s.Subjects.ContainsKey(id))) problems.Add($"creation event for missing subject {id}");

        var received = s.Events.Where(e => e.Code == RequestReceived && e.Target is not null).Select(e => e.Target!.Value).ToHashSet();
        var topics = s.Outbox.Where(o => o.Template == "request-received" && o.Topic is not null).Select(o => o.Topic!).ToHashSet(StringComparer.Ordinal);
        foreach (var id in s.Requests)
        {
            if (!received.Contains(id)) problems.Add($"request {id} has no audit event");
            if (!topics.Contains("request:" + id)) problems.Add($"request {id} has no outbox message");
        }
        foreach (var id in received.Where(id => !s.Requests.Contains(id))) problems.Add($"audit event for missing request {id}");

        var consentEvents = s.Events.Where(e => e.Code is ConsentGranted or ConsentWithdrawn && e.Target is not null).Select(e => e.Target!.Value).ToHashSet();
        var receipts = s.Consents.Select(x => x.Receipt).ToHashSet();
        foreach (var r in receipts.Where(r => !consentEvents.Contains(r))) problems.Add($"consent receipt {r} has no audit event");
        foreach (var r in consentEvents.Where(r => !receipts.Contains(r))) problems.Add($"consent event for missing receipt {r}");
        return problems;
    }

    private static async Task ForEachAsync(DbConnection c, DbTransaction tx, string sql, Action<DbDataReader> row, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) row(r);
    }

    private static Guid? G(object value) => value switch
    {
        DBNull => null,
        Guid g => g,
        string s when Guid.TryParse(s, out var g) => g,
        byte[] b when b.Length == 16 => new Guid(b),
        _ => null,
    };
}
