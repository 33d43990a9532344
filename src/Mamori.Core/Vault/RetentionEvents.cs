using System.Text.RegularExpressions;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Policy;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Vault;

/// <summary>An event a subject's retention counts from: its name in the policy, the purposes that count from it, and the day recorded (null: awaited).</summary>
public sealed record RetentionEventView(string Event, LocalizedText Name, IReadOnlyList<string> Purposes, DateOnly? OccurredOn,
    DateTimeOffset? RecordedAt, string? RecordedBy, string? CorrectionReason);

/// <summary>What a file of events did: rows recorded or corrected, rows that changed nothing (the same day again), and rows refused, by line.</summary>
public sealed record RetentionEventFileResult(int Recorded, int Unchanged, IReadOnlyList<RejectedRow> Rejected);

/// <summary>Persons whose data waits for an event its retention counts from, in all and per event (an id and its count).</summary>
public sealed record AwaitingSummary(int Persons, IReadOnlyList<(string Event, int Persons)> ByEvent);

/// <summary>
/// The events retention periods count from (契約終了日, 退職日), recorded per person. Recording one gives the fields of the purposes
/// that count from it their <see cref="SubjectField.RetainUntil"/> and <see cref="SubjectField.HeldUntil"/>, so the sweep destroys
/// them on time; until then they are kept. A correction of the day needs a reason code and recomputes the same way.
/// </summary>
public sealed partial class RetentionEvents(MamoriDbContext db, AuditLog audit, PolicyStore policies, TimeProvider clock)
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex ReasonPattern();

    /// <summary>The events the subject's purposes shown count from, recorded or awaited, in the order of the purposes.</summary>
    public async Task<IReadOnlyList<RetentionEventView>> ListAsync(Guid subjectId, CancellationToken ct = default)
    {
        var subject = await SubjectAsync(subjectId, ct);
        var purposes = await PurposesAsync(subject, ct);
        var rows = await db.Set<RetentionEvent>().AsNoTracking().Where(e => e.SubjectId == subjectId).ToListAsync(ct);
        return [.. purposes.Where(p => p.Retention?.Event is not null).GroupBy(p => p.Retention!.Event!).Select(g =>
        {
            var row = rows.FirstOrDefault(r => r.Event == g.Key);
            return new RetentionEventView(g.Key, g.Select(p => p.Retention!.From).FirstOrDefault(f => f is not null) ?? new LocalizedText(g.Key, g.Key),
                [.. g.Select(p => p.Id)], row?.OccurredOn, row?.RecordedAt, row?.RecordedBy, row?.CorrectionReason);
        })];
    }

    /// <summary>The earliest day an event may be recorded on: an earlier year is a typing slip ("26" for 2026 makes 0026).</summary>
    public static readonly DateOnly Earliest = new(1900, 1, 1);

    /// <summary>
    /// Records that <paramref name="eventId"/> happened on <paramref name="day"/> (Japan) for the subject, or corrects the day
    /// (then <paramref name="reason"/> is required). Recording the day already recorded changes nothing. A day that ends a
    /// retention period already needs <paramref name="confirmExpired"/> (MAMORI-3028): the next sweep destroys that data for
    /// good within minutes, and a mistyped year (1900, 0026) did so without a word.
    /// </summary>
    public async Task<RetentionEventView> RecordAsync(Guid subjectId, string eventId, DateOnly day, string? reason, Actor actor, CancellationToken ct = default,
        bool confirmExpired = false)
    {
        var now = clock.GetUtcNow();
        if (day > DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, PolicyStore.Jst).DateTime))
            throw new MamoriException(ErrorCode.RetentionEventDate, "The event's day is in the future: record it once it has happened.") { Reason = "future" };
        if (day < Earliest)
            throw new MamoriException(ErrorCode.RetentionEventDate, "The event's day is before 1900: check the year.") { Reason = "too-early" };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var subject = await SubjectAsync(subjectId, ct);
        if (subject.WrappedKey is null) throw new MamoriException(ErrorCode.SubjectErased, "The subject's data was erased.", 410);
        var purposes = await PurposesAsync(subject, ct);
        if (!purposes.Any(p => p.Retention?.Event == eventId))
            throw new MamoriException(ErrorCode.RetentionEventUnknown,
                $"No purpose shown to this person counts its retention from the event '{ErrorText.Id(eventId)}'.") { Reason = "unknown" };
        if (!confirmExpired && await EndedByAsync(subject, purposes, eventId, day, now, ct) is { Count: > 0 } ending)
            throw new MamoriException(ErrorCode.RetentionEventEndsRetention,
                $"Counted from this day, the retention of {string.Join(", ", ending)} has already ended: the next sweep destroys that data for good. "
                + "Check the day, and confirm it (confirmExpired) if it is right.", 409) { Reason = "ends-retention", ReasonArgs = ending };
        if (await ApplyAsync(subject, purposes, eventId, day, reason, actor, now, ct)) await tx.CommitAsync(ct);
        return (await ListAsync(subjectId, ct)).Single(v => v.Event == eventId);
    }

    /// <summary>
    /// After a grant or withdrawal of consent (in the caller's transaction, before it commits): the events Mamori observes itself.
    /// When the person no longer consents to any purpose shown to them that counts from <see cref="Retention.OptInWithdrawn"/>,
    /// the day of the last withdrawal (Japan) is recorded, audited like a manual record (a later withdrawal after a new opt-in
    /// corrects a different day, reason <c>consent-ledger</c>). A new opt-in removes the day (reason <c>opt-in-granted-again</c>): the period
    /// has not started while the person consents, so their data waits again.
    /// </summary>
    internal async Task ObserveConsentAsync(Guid subjectId, IReadOnlyCollection<string> changed, Actor actor, CancellationToken ct)
    {
        var subject = await SubjectAsync(subjectId, ct);
        var purposes = await PurposesAsync(subject, ct);
        var scopes = purposes.Where(p => p.ConsentRequired && p.Retention?.Event == Retention.OptInWithdrawn)
            .Select(p => Consent.ConsentScopes.Purpose(p.Id)).ToList();
        if (!scopes.Any(changed.Contains)) return;
        var ledger = await db.Set<Consent.ConsentRecord>().AsNoTracking().Where(c => c.SubjectId == subjectId && scopes.Contains(c.Scope)).ToListAsync(ct);
        var latest = ledger.GroupBy(c => c.Scope, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(c => c.At).ThenByDescending(c => c.Seq).ThenByDescending(c => c.Id).First()).ToList();
        if (latest.Count == 0) return;
        var now = clock.GetUtcNow();
        if (latest.Any(c => c.Granted))
        {
            var row = await db.Set<RetentionEvent>().FirstOrDefaultAsync(e => e.SubjectId == subjectId && e.Event == Retention.OptInWithdrawn, ct);
            if (row is null) return;
            db.Remove(row);
            await RecomputeAsync(subject, purposes, Retention.OptInWithdrawn, null, AuditCode.RetentionEventCorrected, "opt-in-granted-again", actor, now, ct);
            return;
        }
        var day = Incidents.JapanTime.DayOf(latest.Max(c => c.At), PolicyStore.Jst);
        await ApplyAsync(subject, purposes, Retention.OptInWithdrawn, day, "consent-ledger", actor, now, ct);
    }

    /// <summary>
    /// The categories whose retention <paramref name="day"/> would end before <paramref name="now"/> that have not ended yet: computed on
    /// detached copies, before anything is written, so a refusal leaves no trace in the fields or the audit chain.
    /// </summary>
    private async Task<List<string>> EndedByAsync(DataSubject subject, List<Purpose> purposes, string eventId, DateOnly day, DateTimeOffset now, CancellationToken ct)
    {
        var events = await RecordedAsync(db, subject.Id, ct);
        events[eventId] = day;
        var fields = await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == subject.Id).ToListAsync(ct);
        var ending = new List<string>();
        foreach (var f in fields.Where(f => f.RetainUntil is not { } until || until > now))
        {
            Recompute(subject, f, purposes, events);
            if (f.RetainUntil <= now) ending.Add(f.Category);
        }
        return ending;
    }

    /// <summary>Records or corrects the day in the caller's transaction; false when it is the day already recorded.</summary>
    private async Task<bool> ApplyAsync(DataSubject subject, List<Purpose> purposes, string eventId, DateOnly day, string? reason, Actor actor, DateTimeOffset now,
        CancellationToken ct)
    {
        var row = await db.Set<RetentionEvent>().FirstOrDefaultAsync(e => e.SubjectId == subject.Id && e.Event == eventId, ct);
        AuditCode code;
        if (row is null)
        {
            db.Add(new RetentionEvent { TenantId = subject.TenantId, SubjectId = subject.Id, Event = eventId, OccurredOn = day, RecordedAt = now, RecordedBy = actor.ToString() });
            code = AuditCode.RetentionEventRecorded;
            reason = null;
        }
        else if (row.OccurredOn == day)
        {
            return false;
        }
        else
        {
            if (reason is null || !ReasonPattern().IsMatch(reason))
                throw new MamoriException(ErrorCode.InvalidReason,
                    "The event's day is already recorded: a correction needs a reason code (lower-case letters, digits and hyphens, e.g. wrong-date).") { Reason = "correction" };
            (row.OccurredOn, row.RecordedAt, row.RecordedBy, row.CorrectionReason) = (day, now, actor.ToString(), reason);
            code = AuditCode.RetentionEventCorrected;
        }
        await RecomputeAsync(subject, purposes, eventId, day, code, reason, actor, now, ct);
        return true;
    }

    /// <summary>Recomputes the subject's fields with <paramref name="eventId"/> on <paramref name="day"/> (null: not recorded) and appends the audit event.</summary>
    private async Task RecomputeAsync(DataSubject subject, List<Purpose> purposes, string eventId, DateOnly? day, AuditCode code, string? reason, Actor actor,
        DateTimeOffset now, CancellationToken ct)
    {
        var events = await db.Set<RetentionEvent>().Where(e => e.SubjectId == subject.Id && e.Event != eventId)
            .ToDictionaryAsync(e => e.Event, e => e.OccurredOn, StringComparer.Ordinal, ct);
        if (day is { } d) events[eventId] = d;
        var fields = await db.Set<SubjectField>().Where(f => f.SubjectId == subject.Id).ToListAsync(ct);
        foreach (var f in fields) Recompute(subject, f, purposes, events);
        subject.NextExpiry = fields.Min(f => f.RetainUntil);
        subject.UpdatedAt = now;
        // Ids and codes only: the day itself stays in the row.
        await audit.AppendAsync(db, new AuditEntry(code, actor, SubjectId: subject.Id.ToString(), TargetId: eventId, ReasonCode: reason,
            Categories: string.Join(',', fields.Select(f => f.Category))), ct);
    }

    /// <summary>
    /// Records the events of a CSV file (header <c>subject,date</c>, with <c>event</c> and <c>reason</c> columns optional;
    /// <paramref name="defaultEvent"/> and <paramref name="defaultReason"/> stand for missing ones): each row in its own transaction,
    /// a refused row reported by line with its code, never its values. Running the same file again changes nothing.
    /// </summary>
    public async Task<RetentionEventFileResult> RecordFileAsync(TextReader reader, string? defaultEvent, string? defaultReason, Actor actor, CancellationToken ct = default,
        bool confirmExpired = false)
    {
        int recorded = 0, unchanged = 0;
        var rejected = new List<RejectedRow>();
        string[]? header = null;
        await foreach (var row in CsvReader.ReadAsync(reader, ct))
        {
            if (header is null)
            {
                header = [.. row.Fields.Select(f => f.Trim().ToLowerInvariant())];
                if (!header.Contains("subject") || !header.Contains("date") || (!header.Contains("event") && defaultEvent is null))
                    throw new MamoriException(ErrorCode.ImportFailed, "The header must name the columns subject and date, and event unless --event gives it.");
                continue;
            }
            string? Column(string name) => Array.IndexOf(header, name) is var i and >= 0 && i < row.Fields.Length && row.Fields[i].Trim() is { Length: > 0 } v ? v : null;
            try
            {
                if (row.Error is not null) throw new MamoriException(ErrorCode.ImportFailed, row.Error);
                if (!Guid.TryParse(Column("subject"), out var subjectId)) throw new MamoriException(ErrorCode.SubjectNotFound, "The subject column is not a subject id.", 404);
                if (!DateOnly.TryParseExact(Column("date"), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
                    throw new MamoriException(ErrorCode.RetentionEventDate, "The date column is not a day (yyyy-MM-dd).");
                var eventId = Column("event") ?? defaultEvent!;
                var before = await db.Set<RetentionEvent>().AsNoTracking().Where(e => e.SubjectId == subjectId && e.Event == eventId).Select(e => (DateOnly?)e.OccurredOn).FirstOrDefaultAsync(ct);
                await RecordAsync(subjectId, eventId, day, Column("reason") ?? defaultReason, actor, ct, confirmExpired);
                if (before == day) unchanged++;
                else recorded++;
            }
            catch (MamoriException e)
            {
                rejected.Add(new RejectedRow(row.Line, ErrorCodes.Format(e.Code), e.Message));
            }
            db.ChangeTracker.Clear();
        }
        if (header is null) throw new MamoriException(ErrorCode.ImportFailed, "The file is empty: it needs a header row (subject,date[,event][,reason]).");
        return new RetentionEventFileResult(recorded, unchanged, rejected);
    }

    /// <summary>
    /// A field's retention under <paramref name="purposes"/> and the recorded <paramref name="events"/>. After an erasure that kept it
    /// (<see cref="DataSubject.ErasedWithHoldAt"/>) only the hold keeps it: it goes when the hold ends, or waits for the hold's start.
    /// </summary>
    internal static void Recompute(DataSubject subject, SubjectField f, IReadOnlyList<Purpose> purposes, IReadOnlyDictionary<string, DateOnly> events)
    {
        var r = Subjects.Retention(purposes, f.Category, subject.CreatedAt, events);
        if (subject.ErasedWithHoldAt is null) r.ApplyTo(f);
        else if (r.Basis is not null)
            (f.HeldUntil, f.HoldBasis, f.RetainUntil, f.AwaitingEvents) = (r.Held, r.Basis, r.Held, r.Held is null ? r.Awaiting : null);
    }

    /// <summary>The days recorded for a subject, by event.</summary>
    internal static async Task<Dictionary<string, DateOnly>> RecordedAsync(MamoriDbContext db, Guid subjectId, CancellationToken ct) =>
        await db.Set<RetentionEvent>().AsNoTracking().Where(e => e.SubjectId == subjectId)
            .ToDictionaryAsync(e => e.Event, e => e.OccurredOn, StringComparer.Ordinal, ct);

    /// <summary>How many persons' data waits for an event its retention counts from: the privacy officer records those events.</summary>
    public async Task<AwaitingSummary> AwaitingAsync(CancellationToken ct = default)
    {
        var rows = await db.Set<SubjectField>().AsNoTracking().Where(f => f.AwaitingEvents != null)
            .Select(f => new { f.SubjectId, f.AwaitingEvents }).Distinct().ToListAsync(ct);
        var byEvent = rows.SelectMany(r => r.AwaitingEvents!.Split(',').Select(e => (Event: e, r.SubjectId))).Distinct()
            .GroupBy(x => x.Event, StringComparer.Ordinal).Select(g => (g.Key, g.Count())).OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        return new AwaitingSummary(rows.Select(r => r.SubjectId).Distinct().Count(), byEvent);
    }

    private async Task<DataSubject> SubjectAsync(Guid id, CancellationToken ct) =>
        await db.Set<DataSubject>().FirstOrDefaultAsync(s => s.Id == id, ct)
        ?? throw new MamoriException(ErrorCode.SubjectNotFound, "There is no such subject.", 404);

    private async Task<List<Purpose>> PurposesAsync(DataSubject subject, CancellationToken ct)
    {
        var current = await policies.RequireCurrentAsync(ct);
        return PolicyScopes.Shown(PolicyScopes.For(current.Model, subject.ServiceId), subject.PurposesShown);
    }
}
