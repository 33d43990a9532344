using System.Globalization;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Vault;

/// <summary>
/// Progress of one CSV import, committed with each batch so an interrupted import resumes where it stopped. A run is the
/// file imported as one subject type with the options that change what is stored (purposes, acquisition method, service,
/// encoding): the same file with other options is another run, so those options are never lost nor mixed into one run.
/// </summary>
public sealed class ImportRun : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>SHA-256 of the file: the same file resumes (or, once finished, reports again), a changed file is a new import.</summary>
    public required string FileHash { get; set; }

    public required string SubjectType { get; set; }

    /// <summary>
    /// The purposes shown, sorted and comma-separated. Null on runs recorded before the options were: such a run matches
    /// any options, so an import interrupted before an upgrade still resumes, and records the options it resumes with.
    /// </summary>
    public string? Purposes { get; set; }

    /// <summary>The acquisition method the rows are stored with: the one given, or the only one the purposes allow.</summary>
    public string? Acquisition { get; set; }

    public string? ServiceId { get; set; }

    /// <summary><c>utf-8</c> or <c>shift_jis</c>: how the file is decoded (a byte-order mark or a file of ASCII only is <c>utf-8</c>).</summary>
    public string? Encoding { get; set; }

    /// <summary>
    /// The evidence of the guardians' consent the operator named for the minors of the file (<c>--guardian-consent</c>, S-13);
    /// null when none was: a minor who provided their own data is then rejected.
    /// </summary>
    public string? GuardianEvidenceRef { get; set; }

    public long LastLine { get; set; }
    public long Imported { get; set; }
    public long Rejected { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>
/// A row of an import run that was not imported, kept with the run so that a rerun of the same file lists it
/// again and the rejected-rows file can be written after an interruption. Codes and field names, never the row's values.
/// </summary>
public sealed class ImportRejection : ITenantOwned
{
    public const int MaxReasonLength = 500;

    public Guid TenantId { get; set; }
    public Guid RunId { get; set; }
    public long Line { get; set; }
    public required string Code { get; set; }
    public required string Reason { get; set; }
}

internal sealed class ImportRunConfiguration : IEntityTypeConfiguration<ImportRun>
{
    public void Configure(EntityTypeBuilder<ImportRun> b)
    {
        b.ToTable("ImportRuns");
        b.HasKey(r => r.Id);
        b.Property(r => r.FileHash).HasMaxLength(64);
        b.Property(r => r.SubjectType).HasMaxLength(64);
        b.Property(r => r.Purposes).HasMaxLength(1000);
        b.Property(r => r.Acquisition).HasMaxLength(64);
        b.Property(r => r.ServiceId).HasMaxLength(64);
        b.Property(r => r.Encoding).HasMaxLength(16);
        b.Property(r => r.GuardianEvidenceRef).HasMaxLength(Consent.EvidenceRefs.MaxLength);
        b.HasIndex(r => new { r.TenantId, r.FileHash });
    }
}

internal sealed class ImportRejectionConfiguration : IEntityTypeConfiguration<ImportRejection>
{
    public void Configure(EntityTypeBuilder<ImportRejection> b)
    {
        b.ToTable("ImportRejections");
        b.HasKey(r => new { r.RunId, r.Line });
        b.Property(r => r.Code).HasMaxLength(16);
        b.Property(r => r.Reason).HasMaxLength(ImportRejection.MaxReasonLength);
        b.HasOne<ImportRun>().WithMany().HasForeignKey(r => r.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The text encoding of an import file. A UTF-8 byte-order mark always means UTF-8.</summary>
public enum ImportEncoding
{
    Utf8,
    /// <summary>Windows-31J (cp932), what Excel in Japan saves as 「CSV（コンマ区切り）」.</summary>
    ShiftJis,
}

/// <summary>
/// What to import. <paramref name="Acquisition"/> null: the one method the purposes allow for the file's columns.
/// <paramref name="AllowDuplicates"/> imports rows whose e-mail, phone or My Number the vault already holds.
/// <paramref name="GuardianEvidenceRef"/>: the minors of the file provided their data with a guardian's consent, kept there (S-13).
/// </summary>
public sealed record ImportOptions(string Type, IReadOnlyList<string> Purposes, string? Acquisition, string? Service = null, int BatchSize = 200,
    bool AllowDuplicates = false, ImportEncoding Encoding = ImportEncoding.Utf8, string? GuardianEvidenceRef = null);

/// <summary>A rejected row: its line number and why (codes and field names, never the row's values).</summary>
public sealed record RejectedRow(long Line, string Code, string Reason);

/// <summary>
/// An import run of a file: when it started and finished, how far it got, and its options. <paramref name="Purposes"/> null:
/// the run was recorded before Mamori kept the options, and none of them is known.
/// </summary>
public sealed record ImportRunSummary(Guid Id, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long LastLine, long Imported,
    IReadOnlyList<string>? Purposes, string? Acquisition, string? Service, string? Encoding, string? GuardianEvidenceRef = null)
{
    internal static ImportRunSummary Of(ImportRun r) => new(r.Id, r.StartedAt, r.FinishedAt, r.LastLine, r.Imported,
        r.Purposes?.Split(',', StringSplitOptions.RemoveEmptyEntries), r.Acquisition, r.ServiceId, r.Encoding, r.GuardianEvidenceRef);
}

/// <param name="Imported">Subjects imported by this run of the command.</param>
/// <param name="Retried">Rows rejected before as duplicates and tried again (<see cref="ImportOptions.AllowDuplicates"/>).</param>
/// <param name="ImportedBefore">True when an earlier run with the same options had already gone through the whole file, so nothing was read again.</param>
/// <param name="RejectedRows">Every row of the file not imported, by line, including those rejected by earlier runs of the same file with the same options.</param>
/// <param name="RejectedFile">The CSV holding the header and the rejected rows to correct and import (duplicates excepted); null when there are none.</param>
/// <param name="Run">The run this import continued, started or (<paramref name="ImportedBefore"/>) found finished.</param>
/// <param name="OtherRuns">
/// Runs of the same file as the same subject type with other options, oldest first. They are left as they are: their rows are in the
/// vault with their options, and rows of this run with the same e-mail, phone or My Number are rejected as duplicates.
/// </param>
public sealed record ImportResult(long Imported, long ResumedAfterLine, long Retried, bool ImportedBefore, IReadOnlyList<RejectedRow> RejectedRows, string? RejectedFile,
    ImportRunSummary Run, IReadOnlyList<ImportRunSummary> OtherRuns)
{
    public long Rejected => RejectedRows.Count;
}

/// <summary>
/// <c>mamori import</c>: streams a CSV whose header names data categories, one subject per row.
/// Rows are committed in batches, each batch with its audit events, its rejected lines and the run's
/// checkpoint in one transaction: a row is either fully imported or not at all, and a rerun of the
/// same file resumes after the last committed line, or lists the rejected rows again once the whole file was read. A row whose e-mail, phone or My Number the vault
/// already holds for a subject of the same type and service is rejected as a duplicate unless asked
/// otherwise, so a corrected file imported again does not create a second subject. The other rejected
/// rows are written, with the header, to <c>NAME.rejected-RUN.csv</c> beside the file: the operator corrects
/// that file and imports it, instead of editing and re-importing the whole file.
/// </summary>
public sealed partial class SubjectImport(MamoriDbContext db, Subjects subjects, PolicyStore policies, AuditLog audit, TimeProvider clock, IDatabaseProvider provider)
{
    public async Task<ImportResult> RunAsync(string path, ImportOptions options, Actor actor, Action<long, long>? progress = null, CancellationToken ct = default)
    {
        var (hash, encoding, encodingName) = await InspectFileAsync(path, options.Encoding, ct);
        var current = await policies.RequireCurrentAsync(ct);
        // A wrong --type, --purpose or --acquisition is one error, not every row of the file rejected.
        var (scope, purposes) = options.Acquisition is { } given
            ? Subjects.Resolve(new CreateSubjectRequest(options.Type, given, options.Purposes, new Dictionary<string, string>(), options.Service), current)
            : Subjects.Resolve(options.Type, options.Purposes, options.Service, current);
        string[] header;
        await using (var headerStream = File.OpenRead(path))
        {
            using var headerReader = new StreamReader(headerStream, encoding, detectEncodingFromByteOrderMarks: true);
            await using var first = CsvReader.ReadAsync(headerReader, ct).GetAsyncEnumerator(ct);
            header = await first.MoveNextAsync() ? first.Current.Fields.Select(h => h.Trim()).ToArray() : [];
            // Excel pads every row to the sheet's used range: unnamed columns at the end (",,") are not columns of the file.
            header = header[..(Array.FindLastIndex(header, h => h.Length > 0) + 1)];
            if (header.Length == 0)
                throw new MamoriException(ErrorCode.ImportFailed, $"{path}: the file has no header row naming data categories.");
        }
        var acquisition = CheckHeader(path, header, scope, purposes, options.Acquisition);
        var guardian = Consent.EvidenceRefs.Check(options.GuardianEvidenceRef);
        var wanted = new ImportRun
        {
            FileHash = hash, SubjectType = options.Type, Acquisition = acquisition, ServiceId = options.Service, Encoding = encodingName, GuardianEvidenceRef = guardian,
            Purposes = string.Join(',', purposes.Select(p => p.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
        };
        var runs = await db.Set<ImportRun>().Where(r => r.FileHash == hash && r.SubjectType == options.Type).OrderBy(r => r.StartedAt).ToListAsync(ct);
        var run = runs.FirstOrDefault(r => SameOptions(r, wanted)) ?? runs.FirstOrDefault(r => r.Purposes is null);
        var others = runs.Where(r => r != run).Select(ImportRunSummary.Of).ToList();
        // With --allow-duplicates, a rerun of the same file tries again the rows it rejected as duplicates, and only those.
        var duplicateCode = ErrorCodes.Format(ErrorCode.DuplicateSubject);
        var retry = run is not null && options.AllowDuplicates
            ? (await db.Set<ImportRejection>().Where(r => r.RunId == run.Id && r.Code == duplicateCode).Select(r => r.Line).ToListAsync(ct)).ToHashSet()
            : [];
        if (run?.FinishedAt is not null && retry.Count == 0)
        {
            // Nothing is read again. The rejected-rows file is written only when it is missing: the operator may be correcting it.
            var earlier = await RejectionsAsync(run, ct);
            string? file = null;
            if (ToCorrect(earlier) is { Count: > 0 } toCorrect)
                file = File.Exists(RejectedPath(path, run.Id)) ? RejectedPath(path, run.Id) : await WriteRejectedAsync(path, run.Id, encoding, toCorrect, ct);
            return new ImportResult(0, run.LastLine, 0, true, earlier, file, ImportRunSummary.Of(run), others);
        }
        if (run is null)
        {
            run = wanted;
            run.Id = Guid.CreateVersion7(clock.GetUtcNow());
            run.StartedAt = clock.GetUtcNow();
            db.Add(run);
            await db.SaveChangesAsync(ct);
        }
        else if (run.Purposes is null)
        {
            // A run from before the options were recorded goes on with these: from now on, other options are another run.
            (run.Purposes, run.Acquisition, run.ServiceId, run.Encoding, run.GuardianEvidenceRef) = (wanted.Purposes, wanted.Acquisition, wanted.ServiceId, wanted.Encoding, wanted.GuardianEvidenceRef);
        }
        var resumeAfter = run.LastLine;
        var rejected = new List<ImportRejection>();
        long imported = 0;

        await using var stream = File.OpenRead(path);
        using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true);
        var rows = CsvReader.ReadAsync(reader, ct).GetAsyncEnumerator(ct);
        await rows.MoveNextAsync(); // the header, checked above
        var batch = new List<(long Line, Subjects.Prepared Prepared)>();
        long line = rows.Current.Line;
        while (await rows.MoveNextAsync())
        {
            ct.ThrowIfCancellationRequested();
            var row = rows.Current;
            line = row.Line;
            if (line <= resumeAfter && !retry.Contains(line)) continue;
            if (row.Error is { } error)
            {
                rejected.Add(Rejection(run, line, ErrorCode.ImportFailed, error));
            }
            else if (row.Fields.All(string.IsNullOrWhiteSpace))
            {
                // A row Excel left empty (",,,"): rejecting it put it in the rejected-rows file, rejected again on every import of that file.
            }
            else if (row.Fields.Length < header.Length || row.Fields.Skip(header.Length).Any(f => !string.IsNullOrWhiteSpace(f)))
            {
                rejected.Add(Rejection(run, line, ErrorCode.ImportFailed, $"expected {header.Length} columns, found {row.Fields.Length}"));
            }
            else
            {
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                // A cell of spaces (an Excel cell cleared with the space bar, often the full-width one) is empty, and the spaces around
                // a value are not part of it: " 山田　太郎　" was stored as typed, and a cell of "　" rejected the whole row as an empty field.
                for (var i = 0; i < header.Length; i++)
                    if (row.Fields[i].Trim() is { Length: > 0 } v) fields[header[i]] = v;
                try
                {
                    batch.Add((line, subjects.Prepare(new CreateSubjectRequest(options.Type, acquisition, options.Purposes, fields, options.Service,
                        EvidenceRef: guardian, GuardianConsent: guardian is not null), current, actor)));
                }
                catch (MamoriException e)
                {
                    rejected.Add(Rejection(run, line, e.Code, e.Message));
                }
            }
            if (batch.Count >= options.BatchSize || (batch.Count == 0 && line - run.LastLine >= options.BatchSize))
            {
                imported += await CommitAsync(run, batch, rejected, retry, line, options, actor, ct);
                progress?.Invoke(stream.Position, stream.Length);
            }
        }
        imported += await CommitAsync(run, batch, rejected, retry, line, options, actor, ct, finished: true);
        progress?.Invoke(stream.Length, stream.Length);
        if (imported > 0) await DatabaseStatistics.RefreshAsync(db, provider, ct);
        var all = await RejectionsAsync(run, ct);
        return new ImportResult(imported, resumeAfter, retry.Count, false, all, ToCorrect(all) is { Count: > 0 } correct ? await WriteRejectedAsync(path, run.Id, encoding, correct, ct) : null,
            ImportRunSummary.Of(run), others);
    }

    private static bool SameOptions(ImportRun a, ImportRun b) =>
        a.Purposes == b.Purposes && a.Acquisition == b.Acquisition && a.ServiceId == b.ServiceId && a.Encoding == b.Encoding
        && a.GuardianEvidenceRef == b.GuardianEvidenceRef;

    /// <summary>
    /// Checks the header once, before any row and before the run is recorded: a misspelled or capitalised column was
    /// rejected on every row of the file. Returns the acquisition method: the one given, or else the only method the
    /// policy's purposes allow for every column.
    /// </summary>
    private static string CheckHeader(string path, string[] header, IPolicyScope scope, List<Purpose> purposes, string? acquisition)
    {
        var problems = new List<string>();
        var code = ErrorCode.UnknownCategory;
        foreach (var (name, i) in header.Select((h, i) => (h, i + 1)))
        {
            if (name.Length == 0) problems.Add($"column {i} has no name");
            else if (scope.DataCategories.All(c => c.Id != name))
            {
                var suggestion = scope.DataCategories.Select(c => c.Id).OrderBy(id => ErrorText.Distance(id, name.ToLowerInvariant())).First();
                problems.Add($"column {i} {Shown(name)} is not a data category of the policy"
                    + (ErrorText.Distance(suggestion, name.ToLowerInvariant()) <= 2 ? $"; did you mean '{suggestion}'?" : ""));
            }
            else if (!purposes.Any(p => p.Categories.Contains(name)))
            {
                var usedBy = scope.Purposes.Where(p => p.Categories.Contains(name)).Select(p => p.Id).ToList();
                problems.Add($"column {i} '{name}' is used by none of the purposes given ({string.Join(", ", purposes.Select(p => p.Id))}), so it may not be collected"
                    + (usedBy.Count > 0 ? $"; purposes that use it: {string.Join(", ", usedBy)}" : ""));
            }
            else if (header[..(i - 1)].Contains(name, StringComparer.Ordinal))
            {
                problems.Add($"column {i} '{name}' repeats an earlier column");
                code = ErrorCode.ImportFailed;
            }
        }
        if (problems.Count > 0)
            throw new MamoriException(code, $"{path}: the header row names data categories; {string.Join("; ", problems)}. Nothing was imported.");
        if (acquisition is null && scope.AcquisitionMethods.Count == 0) return "import";
        var methods = acquisition is null ? scope.AcquisitionMethods.Select(m => m.Id).ToList() : [acquisition];
        var allowed = methods.Where(m => header.All(h => Allowed(m, h))).ToList();
        if (acquisition is not null && allowed.Count == 0)
        {
            // The message names the first column the method may not be acquired for.
            foreach (var h in header) Subjects.CheckCollected(scope, purposes, acquisition, h);
        }
        return allowed.Count switch
        {
            1 => allowed[0],
            0 => throw new MamoriException(ErrorCode.AcquisitionNotForPurpose,
                $"{path}: no acquisition method of the policy is allowed by the purposes given for all the columns; import the columns acquired differently as separate files."),
            _ => throw new MamoriException(ErrorCode.AcquisitionNotForPurpose,
                $"{path}: the purposes given allow several acquisition methods for these columns ({string.Join(", ", allowed)}): say how the data was acquired with --acquisition."),
        };

        bool Allowed(string method, string category)
        {
            try { Subjects.CheckCollected(scope, purposes, method, category); return true; }
            catch (MamoriException) { return false; }
        }

        // A header cell that looks like a value (an address, a number) suggests the file has no header row: it is not shown.
        static string Shown(string name) =>
            name.Length <= 40 && !name.Contains('@') && !System.Text.RegularExpressions.Regex.IsMatch(name, @"\d{3}")
                ? $"'{name}'"
                : "(not shown: it looks like a value; does the file start with a header row?)";
    }

    /// <summary>The rejected rows to correct: a duplicate needs no correction (it is in the vault, or is imported with --allow-duplicates).</summary>
    private static List<RejectedRow> ToCorrect(List<RejectedRow> rejected) =>
        rejected.Where(r => r.Code != ErrorCodes.Format(ErrorCode.DuplicateSubject)).ToList();

    private static ImportRejection Rejection(ImportRun run, long line, ErrorCode code, string reason) => new()
    {
        RunId = run.Id, Line = line, Code = ErrorCodes.Format(code),
        Reason = reason.Length <= ImportRejection.MaxReasonLength ? reason : reason[..ImportRejection.MaxReasonLength],
    };

    private async Task<List<RejectedRow>> RejectionsAsync(ImportRun run, CancellationToken ct) =>
        await db.Set<ImportRejection>().AsNoTracking().Where(r => r.RunId == run.Id).OrderBy(r => r.Line)
            .Select(r => new RejectedRow(r.Line, r.Code, r.Reason)).ToListAsync(ct);

    private async Task<int> CommitAsync(ImportRun run, List<(long Line, Subjects.Prepared Prepared)> batch, List<ImportRejection> rejected,
        HashSet<long> retry, long line, ImportOptions options, Actor actor, CancellationToken ct, bool finished = false)
    {
        if (!options.AllowDuplicates) await RejectDuplicatesAsync(run, batch, rejected, options, ct);
        var n = batch.Count;
        var retried = batch.Select(b => b.Line).Concat(rejected.Select(r => r.Line)).Where(retry.Contains).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (retried.Count > 0) await db.Set<ImportRejection>().Where(r => r.RunId == run.Id && retried.Contains(r.Line)).ExecuteDeleteAsync(ct);
        foreach (var (_, p) in batch) subjects.Add(p);
        db.AddRange(rejected);
        run.LastLine = Math.Max(run.LastLine, line);
        run.Imported += n;
        run.Rejected += rejected.Count - retried.Count;
        if (finished) run.FinishedAt = clock.GetUtcNow();
        var entries = batch.Select(b => b.Prepared.Audit with { Code = AuditCode.SubjectImported }).ToList();
        if (entries.Count > 0) await audit.AppendManyAsync(db, entries, ct);
        else await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        db.Attach(run);
        batch.Clear();
        rejected.Clear();
        return n;
    }

    /// <summary>
    /// Moves from the batch to the rejected rows every row whose e-mail, phone or My Number (by blind index) a subject
    /// of the same type and service already has, or an earlier row of the same batch.
    /// </summary>
    private async Task RejectDuplicatesAsync(ImportRun run, List<(long Line, Subjects.Prepared Prepared)> batch, List<ImportRejection> rejected,
        ImportOptions options, CancellationToken ct)
    {
        var hashes = batch.SelectMany(b => b.Prepared.Lookups).Select(l => l.Hash).ToList();
        if (hashes.Count == 0) return;
        var stored = await (from l in db.Set<SubjectLookup>()
                            join s in db.Set<DataSubject>() on l.SubjectId equals s.Id
                            where hashes.Contains(l.Hash) && s.SubjectType == options.Type && s.ServiceId == options.Service
                            select new { l.Hash, l.SubjectId }).ToListAsync(ct);
        var known = new Dictionary<string, (long Line, Guid Subject)>(StringComparer.Ordinal);
        foreach (var s in stored.OrderBy(s => s.SubjectId)) known.TryAdd(Convert.ToHexString(s.Hash), (0, s.SubjectId));
        foreach (var item in batch.ToList())
        {
            var match = item.Prepared.Lookups.Select(l => (l.Category, Found: known.GetValueOrDefault(Convert.ToHexString(l.Hash))))
                .FirstOrDefault(m => m.Found.Subject != Guid.Empty);
            if (match.Category is null)
            {
                foreach (var l in item.Prepared.Lookups) known.TryAdd(Convert.ToHexString(l.Hash), (item.Line, item.Prepared.Subject.Id));
                continue;
            }
            batch.Remove(item);
            rejected.Add(Rejection(run, item.Line, ErrorCode.DuplicateSubject, match.Found.Line == 0
                ? $"The vault already holds subject {match.Found.Subject} of this type with the same '{match.Category}'."
                : $"Line {match.Found.Line} has the same '{match.Category}'."));
        }
    }

    /// <summary>
    /// Where the rejected rows of <paramref name="run"/> of <paramref name="path"/> go, beside it: <c>customers.csv</c> →
    /// <c>customers.rejected-RUN.csv</c>. One file per run: a single <c>customers.rejected.csv</c> was overwritten by the next
    /// import of the file with other options, or mixed with another run's rows while the operator corrected it. A rejected-rows
    /// file imported in turn names its own after the original (<c>customers.rejected-RUN2.csv</c>), not a growing chain.
    /// </summary>
    public static string RejectedPath(string path, Guid run)
    {
        var extension = Path.GetExtension(path);
        var name = RejectedSuffix().Replace(Path.GetFileNameWithoutExtension(path), "");
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!,
            $"{name}.rejected-{run}{(extension.Length > 0 ? extension : ".csv")}");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\.rejected-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial System.Text.RegularExpressions.Regex RejectedSuffix();

    /// <summary>
    /// Writes the header and the rejected rows, as the file has them, for the operator to correct and import. The file holds
    /// personal data like its source, so it is readable by its owner only. It is UTF-8 with a byte-order mark whatever the
    /// source's encoding: Excel opens it as such, and the mark makes an import with the same options read it as UTF-8.
    /// </summary>
    private static async Task<string> WriteRejectedAsync(string path, Guid run, System.Text.Encoding encoding, IReadOnlyList<RejectedRow> rejected, CancellationToken ct)
    {
        var target = RejectedPath(path, run);
        var lines = rejected.Select(r => r.Line).ToHashSet();
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var input = File.OpenRead(path);
        using var reader = new StreamReader(input, encoding, detectEncodingFromByteOrderMarks: true);
        await using var output = new StreamWriter(target, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), options);
        var first = true;
        await foreach (var row in CsvReader.ReadAsync(reader, ct))
        {
            if (!first && !lines.Contains(row.Line)) continue;
            first = false;
            await output.WriteAsync(string.Join(',', row.Fields.Select(Quote)) + "\r\n");
        }
        return target;

        static string Quote(string v) => v.AsSpan().IndexOfAny(",\"\r\n") < 0 ? v : "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// Hashes the file and checks, before any row is imported, that all of it decodes in the encoding it is read in: a
    /// Shift_JIS file read as UTF-8 became U+FFFD in every Japanese name and address, with no row rejected. Returns the
    /// strict encoding to read it with and its name as an import run records it.
    /// </summary>
    private static async Task<(string Hash, System.Text.Encoding Encoding, string Name)> InspectFileAsync(string path, ImportEncoding requested, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new MamoriException(ErrorCode.ImportFailed, $"{path}: no such file.");
        var (hash, bom, nonAscii, utf8BadLine, sjisBadLine) = await TextFileEncoding.InspectAsync(path, requested == ImportEncoding.ShiftJis, ct);
        if (bom || requested == ImportEncoding.Utf8)
        {
            if (utf8BadLine > 0)
                throw new MamoriException(ErrorCode.ImportFailed, $"{path}: line {utf8BadLine} is not UTF-8 text, so nothing was imported. "
                    + "Excel's 「CSV（コンマ区切り）」 saves Shift_JIS: import the file with --encoding shift_jis, or save it from Excel as 「CSV UTF-8（コンマ区切り）」.");
            return (hash, TextFileEncoding.StrictUtf8, "utf-8");
        }
        // ASCII reads the same in both encodings: the same run whichever --encoding is given.
        if (!nonAscii) return (hash, TextFileEncoding.StrictUtf8, "utf-8");
        if (utf8BadLine == 0)
            throw new MamoriException(ErrorCode.ImportFailed, $"{path}: the file is UTF-8 text, not Shift_JIS, so nothing was imported: import it without --encoding.");
        if (sjisBadLine > 0)
            throw new MamoriException(ErrorCode.ImportFailed, $"{path}: line {sjisBadLine} is not Shift_JIS text, so nothing was imported. Save the file from Excel as 「CSV UTF-8（コンマ区切り）」 and import it without --encoding.");
        return (hash, TextFileEncoding.StrictShiftJis, "shift_jis");
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
