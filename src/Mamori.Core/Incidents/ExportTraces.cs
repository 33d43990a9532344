using System.Security.Cryptography;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Incidents;

/// <summary>
/// Where to find, in the audit chain, what one export file contained. The audit events themselves
/// (<see cref="AuditCode.ExportSubjectIncluded"/> per subject and <see cref="AuditCode.ExportProduced"/>
/// per file, carrying the file's SHA-256) are the evidence; this row is only an index into the chain
/// (a contiguous sequence range), so a file's digest or an export id finds them without a scan. An
/// edited row is caught: the events in its range must name the same export and digest.
/// </summary>
public sealed class ExportTrace : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary><c>provision</c>, <c>disclosure</c>…: what produced the file.</summary>
    public required string ExportKind { get; set; }

    /// <summary>The export's own id (the provision record id, the request id).</summary>
    public required string ExportId { get; set; }

    /// <summary><c>csv</c>, <c>json</c>, <c>html</c>, <c>pdf</c>.</summary>
    public required string Format { get; set; }

    /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
    public required string Sha256 { get; set; }

    /// <summary>The first and last audit sequence of the export's trace events (contiguous: one append).</summary>
    public long FirstSequence { get; set; }

    public long LastSequence { get; set; }

    public int SubjectCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class ExportTraceConfiguration : IEntityTypeConfiguration<ExportTrace>
{
    public void Configure(EntityTypeBuilder<ExportTrace> b)
    {
        b.ToTable("ExportTraces");
        b.HasKey(t => t.Id);
        b.Property(t => t.ExportKind).HasMaxLength(32);
        b.Property(t => t.ExportId).HasMaxLength(64);
        b.Property(t => t.Format).HasMaxLength(16);
        b.Property(t => t.Sha256).HasMaxLength(64);
        b.HasIndex(t => new { t.TenantId, t.Sha256 });
        b.HasIndex(t => new { t.TenantId, t.ExportKind, t.ExportId });
    }
}

/// <summary>One file of an export: its format and bytes.</summary>
public sealed record ExportFile(string Format, byte[] Bytes);

/// <summary>One subject in an export and the category ids of its data the export holds.</summary>
public sealed record ExportContent(string SubjectId, IReadOnlyList<string> Categories);

/// <summary>What an export contained, read back from the verified audit chain.</summary>
public sealed record ExportContents(string ExportKind, string ExportId, IReadOnlyList<string> Formats, IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Categories, long FirstSequence, long LastSequence, long VerifiedEvents);

/// <summary>How an incident names a leaked export: the file itself, its digest, or the export's kind and id.</summary>
public sealed record ExportQuery(string? Sha256 = null, string? ExportKind = null, string? ExportId = null)
{
    public static ExportQuery ForFile(ReadOnlySpan<byte> bytes) => new(ExportTraces.Digest(bytes));
}

/// <summary>
/// Records export traces when a file with personal data is produced, and answers "who and what was in
/// this leaked file" from the audit chain (verified first, from the newest checkpoint).
/// </summary>
public static class ExportTraces
{
    public const string Provision = "provision";
    public const string Disclosure = "disclosure";

    public static string Digest(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// Appends the export's trace (one event per subject, one per file) and its index rows; call it inside
    /// the transaction that produces the export, after the export's own events.
    /// </summary>
    public static async Task RecordAsync(MamoriDbContext db, AuditLog audit, Actor actor, string kind, string exportId,
        IReadOnlyList<ExportContent> contents, IReadOnlyList<ExportFile> files, DateTimeOffset now, CancellationToken ct = default)
    {
        if (files.Count == 0) return;
        var entries = new List<AuditEntry>(contents.Count + files.Count);
        foreach (var c in contents.DistinctBy(c => c.SubjectId))
            entries.Add(new AuditEntry(AuditCode.ExportSubjectIncluded, actor, SubjectId: c.SubjectId, TargetId: exportId, Purpose: kind,
                Categories: Join(c.Categories)));
        var union = contents.SelectMany(c => c.Categories).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var digests = files.Select(f => (f.Format, Sha: Digest(f.Bytes))).ToList();
        foreach (var (format, sha) in digests)
            entries.Add(new AuditEntry(AuditCode.ExportProduced, actor, TargetId: exportId, Purpose: kind, ReasonCode: sha, Categories: Join(union)));
        var events = await audit.AppendManyAsync(db, entries, ct);
        var first = events[0].Sequence;
        var last = events[^1].Sequence;
        var subjects = entries.Count - files.Count;
        foreach (var (format, sha) in digests)
            db.Add(new ExportTrace
            {
                Id = Guid.CreateVersion7(now), ExportKind = kind, ExportId = exportId, Format = format, Sha256 = sha,
                FirstSequence = first, LastSequence = last, SubjectCount = subjects, CreatedAt = now,
            });
        await db.SaveChangesAsync(ct);
    }

    private static string? Join(IEnumerable<string> categories)
    {
        var s = string.Join(',', categories);
        if (s.Length == 0) return null;
        if (s.Length <= 1000) return s;
        var cut = s.LastIndexOf(',', 1000);
        return cut > 0 ? s[..cut] : null;
    }

    /// <summary>The traces a query names (one export may have several files).</summary>
    public static async Task<List<ExportTrace>> FindAsync(MamoriDbContext db, ExportQuery query, CancellationToken ct = default)
    {
        IQueryable<ExportTrace> q = db.Set<ExportTrace>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Sha256))
        {
            var sha = query.Sha256.Trim().ToLowerInvariant();
            if (sha.Length != 64 || !sha.All(Uri.IsHexDigit))
                throw new MamoriException(ErrorCode.IncidentInvalidExport, "sha256 is the file's SHA-256 as 64 hexadecimal digits.") { Reason = "sha256" };
            q = q.Where(t => t.Sha256 == sha);
        }
        else if (!string.IsNullOrWhiteSpace(query.ExportKind) && !string.IsNullOrWhiteSpace(query.ExportId))
        {
            var kind = query.ExportKind.Trim();
            var id = query.ExportId.Trim();
            q = q.Where(t => t.ExportKind == kind && t.ExportId == id);
        }
        else throw new MamoriException(ErrorCode.IncidentInvalidExport, "Name the leaked export by its file (or SHA-256), or by its kind and id.") { Reason = "missing" };
        return await q.OrderBy(t => t.FirstSequence).ToListAsync(ct);
    }

    /// <summary>
    /// Verifies the tenant's audit chain, finds the export and reads its contents from its trace events.
    /// Throws <see cref="ChainBrokenException"/> on a broken chain, <see cref="ErrorCode.IncidentExportNotFound"/>
    /// when nothing matches, and <see cref="ErrorCode.IncidentExportTraceMismatch"/> when an index row does
    /// not agree with the chain. Several matches (the same bytes exported twice) are all included.
    /// </summary>
    public static async Task<ExportContents> ContentsAsync(MamoriDbContext db, ExportQuery query, CancellationToken ct = default)
    {
        var traces = await FindAsync(db, query, ct);
        if (traces.Count == 0)
            throw new MamoriException(ErrorCode.IncidentExportNotFound,
                "No export produced by Mamori matches this file or id (a file changed after export, e.g. re-saved by a spreadsheet, has another digest; name the export by its id instead).", 404);
        var tenantId = db.CurrentTenantId;
        var slug = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Slug).FirstOrDefaultAsync(ct)
                   ?? throw new MamoriException(ErrorCode.UnknownTenant, "The tenant does not exist.", 404);
        var verification = await AuditVerify.VerifyTenantAsync(db, tenantId, slug, ct, fromCheckpoint: true);
        if (!verification.Intact) throw new ChainBrokenException(verification);

        var subjects = new SortedSet<string>(StringComparer.Ordinal);
        var categories = new SortedSet<string>(StringComparer.Ordinal);
        var formats = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var range in traces.GroupBy(t => (t.FirstSequence, t.LastSequence, t.ExportKind, t.ExportId)))
        {
            var (first, last, kind, id) = range.Key;
            var events = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence >= first && e.Sequence <= last).OrderBy(e => e.Sequence).ToListAsync(ct);
            var contained = events.Where(e => e.Code == AuditCode.ExportSubjectIncluded).ToList();
            var produced = events.Where(e => e.Code == AuditCode.ExportProduced).ToList();
            var consistent = events.Count == last - first + 1 && contained.Count + produced.Count == events.Count
                             && events.All(e => e.TargetId == id && e.Purpose == kind)
                             && range.All(t => produced.Any(p => p.ReasonCode == t.Sha256) && t.SubjectCount == contained.Count);
            if (!consistent)
                throw new MamoriException(ErrorCode.IncidentExportTraceMismatch,
                    $"The export index points at audit events {first}-{last}, which do not record this export; the index was altered. Investigate before trusting any answer.", 409);
            foreach (var e in contained)
            {
                if (e.SubjectId is { Length: > 0 } s) subjects.Add(s);
                if (e.Categories is { Length: > 0 } c)
                    foreach (var cat in c.Split(',', StringSplitOptions.RemoveEmptyEntries)) categories.Add(cat);
            }
            foreach (var t in range) formats.Add(t.Format);
        }
        var f = traces.First();
        return new ExportContents(f.ExportKind, f.ExportId, [.. formats], [.. subjects], [.. categories],
            traces.Min(t => t.FirstSequence), traces.Max(t => t.LastSequence), verification.Verified);
    }
}
