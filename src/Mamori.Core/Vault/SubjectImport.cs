using System.Globalization;
using System.Security.Cryptography;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Vault;

/// <summary>Progress of one CSV import, committed with each batch so an interrupted import resumes where it stopped.</summary>
public sealed class ImportRun : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>SHA-256 of the file: the same file resumes, a changed file starts over.</summary>
    public required string FileHash { get; set; }

    public required string SubjectType { get; set; }
    public long LastLine { get; set; }
    public long Imported { get; set; }
    public long Rejected { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

internal sealed class ImportRunConfiguration : IEntityTypeConfiguration<ImportRun>
{
    public void Configure(EntityTypeBuilder<ImportRun> b)
    {
        b.ToTable("ImportRuns");
        b.HasKey(r => r.Id);
        b.Property(r => r.FileHash).HasMaxLength(64);
        b.Property(r => r.SubjectType).HasMaxLength(64);
        b.HasIndex(r => new { r.TenantId, r.FileHash });
    }
}

public sealed record ImportOptions(string Type, IReadOnlyList<string> Purposes, string Acquisition, string? Service = null, int BatchSize = 200);

/// <summary>A rejected row: its line number and why (codes and field names, never the row's values).</summary>
public sealed record RejectedRow(long Line, string Code, string Reason);

public sealed record ImportResult(long Imported, long Rejected, long ResumedAfterLine, IReadOnlyList<RejectedRow> RejectedRows);

/// <summary>
/// <c>mamori import</c>: streams a CSV whose header names data categories, one subject per row.
/// Rows are committed in batches, each batch with its audit events and the run's checkpoint in one
/// transaction: a row is either fully imported or not at all, and a rerun of the same file resumes
/// after the last committed line.
/// </summary>
public sealed class SubjectImport(MamoriDbContext db, Subjects subjects, PolicyStore policies, AuditLog audit, TimeProvider clock, IDatabaseProvider provider)
{
    public async Task<ImportResult> RunAsync(string path, ImportOptions options, Actor actor, Action<long, long>? progress = null, CancellationToken ct = default)
    {
        var hash = await HashFileAsync(path, ct);
        var current = await policies.RequireCurrentAsync(ct);
        var run = await db.Set<ImportRun>().FirstOrDefaultAsync(r => r.FileHash == hash && r.SubjectType == options.Type, ct);
        if (run is null)
        {
            run = new ImportRun { Id = Guid.CreateVersion7(clock.GetUtcNow()), FileHash = hash, SubjectType = options.Type, StartedAt = clock.GetUtcNow() };
            db.Add(run);
            await db.SaveChangesAsync(ct);
        }
        var resumeAfter = run.LastLine;
        var rejectedBefore = run.Rejected;
        var rejected = new List<RejectedRow>();
        long imported = 0;

        await using var stream = File.OpenRead(path);
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        var rows = CsvReader.ReadAsync(reader, ct).GetAsyncEnumerator(ct);
        if (!await rows.MoveNextAsync())
            throw new MamoriException(ErrorCode.ImportFailed, $"{path}: the file has no header row naming data categories.");
        var header = rows.Current.Fields.Select(h => h.Trim()).ToArray();
        var batch = new List<(long Line, Subjects.Prepared Prepared)>();
        long line = rows.Current.Line;
        while (await rows.MoveNextAsync())
        {
            ct.ThrowIfCancellationRequested();
            var row = rows.Current;
            line = row.Line;
            if (line <= resumeAfter) continue;
            if (row.Error is { } error)
            {
                rejected.Add(new RejectedRow(line, ErrorCodes.Format(ErrorCode.ImportFailed), error));
            }
            else if (row.Fields.Length != header.Length)
            {
                rejected.Add(new RejectedRow(line, ErrorCodes.Format(ErrorCode.ImportFailed), $"expected {header.Length} columns, found {row.Fields.Length}"));
            }
            else
            {
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var i = 0; i < header.Length; i++)
                    if (row.Fields[i] is { Length: > 0 } v) fields[header[i]] = v;
                try
                {
                    batch.Add((line, subjects.Prepare(new CreateSubjectRequest(options.Type, options.Acquisition, options.Purposes, fields, options.Service), current, actor)));
                }
                catch (MamoriException e)
                {
                    rejected.Add(new RejectedRow(line, ErrorCodes.Format(e.Code), e.Message));
                }
            }
            if (batch.Count >= options.BatchSize || (batch.Count == 0 && line - run.LastLine >= options.BatchSize))
            {
                imported += await CommitAsync(run, batch, line, rejectedBefore + rejected.Count, actor, ct);
                progress?.Invoke(stream.Position, stream.Length);
            }
        }
        imported += await CommitAsync(run, batch, Math.Max(run.LastLine, line), rejectedBefore + rejected.Count, actor, ct, finished: true);
        progress?.Invoke(stream.Length, stream.Length);
        if (imported > 0) await DatabaseStatistics.RefreshAsync(db, provider, ct);
        return new ImportResult(imported, rejected.Count, resumeAfter, rejected);
    }

    private async Task<int> CommitAsync(ImportRun run, List<(long Line, Subjects.Prepared Prepared)> batch, long lastLine, long rejectedTotal, Actor actor,
        CancellationToken ct, bool finished = false)
    {
        var n = batch.Count;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var (_, p) in batch) subjects.Add(p);
        run.LastLine = lastLine;
        run.Imported += n;
        run.Rejected = rejectedTotal;
        if (finished) run.FinishedAt = clock.GetUtcNow();
        var entries = batch.Select(b => b.Prepared.Audit with { Code = AuditCode.SubjectImported }).ToList();
        if (entries.Count > 0) await audit.AppendManyAsync(db, entries, ct);
        else await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        db.Attach(run);
        batch.Clear();
        return n;
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new MamoriException(ErrorCode.ImportFailed, $"{path}: no such file.");
        await using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(s, ct));
    }
}

/// <summary>
/// A streaming RFC 4180 reader: quoted fields may hold commas, quotes ("") and line breaks. Each row
/// carries the line it started on, so rejections name the line a person sees in an editor.
/// </summary>
public static class CsvReader
{
    public const int MaxFieldLength = 1_000_000;

    public sealed record Row(long Line, string[] Fields, string? Error);

    public static async IAsyncEnumerable<Row> ReadAsync(TextReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        long line = 1, rowStart = 1;
        bool quoted = false, afterQuote = false, any = false;
        string? error = null;
        var buffer = new char[64 * 1024];
        int n;
        while ((n = await reader.ReadAsync(buffer.AsMemory(), ct)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                var c = buffer[i];
                if (quoted)
                {
                    if (c == '"') { quoted = false; afterQuote = true; }
                    else
                    {
                        if (c == '\n') line++;
                        if (field.Length < MaxFieldLength) field.Append(c);
                        else error ??= "a field is longer than 1,000,000 characters";
                    }
                    continue;
                }
                switch (c)
                {
                    case '"' when afterQuote:
                        field.Append('"');
                        quoted = true;
                        afterQuote = false;
                        break;
                    case '"' when field.Length == 0:
                        quoted = true;
                        any = true;
                        break;
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        afterQuote = false;
                        any = true;
                        break;
                    case '\r':
                        break;
                    case '\n':
                        if (any || field.Length > 0 || fields.Count > 0)
                        {
                            fields.Add(field.ToString());
                            yield return new Row(rowStart, [.. fields], error);
                        }
                        fields.Clear();
                        field.Clear();
                        afterQuote = false;
                        any = false;
                        error = null;
                        line++;
                        rowStart = line;
                        break;
                    default:
                        if (afterQuote) error ??= "text after a closing quote";
                        if (field.Length < MaxFieldLength) field.Append(c);
                        else error ??= "a field is longer than 1,000,000 characters";
                        any = true;
                        break;
                }
            }
        }
        if (quoted) error ??= "a quoted field is not closed";
        if (any || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return new Row(rowStart, [.. fields], error);
        }
    }
}
