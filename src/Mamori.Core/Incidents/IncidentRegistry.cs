using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mamori.Incidents;

/// <summary>The facts staff enter or correct. Null narrative fields mean "not written yet".</summary>
public sealed record IncidentInput
{
    public required string Title { get; init; }
    public IncidentKind Kind { get; init; } = IncidentKind.Leak;
    public required IncidentCause Cause { get; init; }

    /// <summary>When the business became aware (any offset; stored as UTC, counted in JST).</summary>
    public required DateTimeOffset DiscoveredAt { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }
    public long? PersonsKnown { get; init; }
    public long? PersonsUpperBound { get; init; }
    public bool SpecialCare { get; init; }
    public bool PropertyDamageRisk { get; init; }
    public bool Suspected { get; init; }
    public bool EncryptedKeysSafe { get; init; }
    public bool MyNumber { get; init; }
    public bool PubliclyExposed { get; init; }
    public string? Summary { get; init; }
    public string? CauseDetails { get; init; }
    public string? SecondaryDamage { get; init; }
    public string? PersonsResponse { get; init; }
    public string? Publication { get; init; }
    public string? Prevention { get; init; }
    public string? Measures { get; init; }
    public string? OtherNotes { get; init; }
    public string? ContactPoint { get; init; }
    public Guid? OwnerUserId { get; init; }
}

/// <summary>Which incidents a list shows.</summary>
public enum IncidentFilter
{
    All,
    Open,
    DueSoon,
    Overdue,
}

/// <summary>An incident with its decision and where its deadlines stand today (JST).</summary>
public sealed record IncidentView(Incident Incident, Reportability Decision, DeadlineState? State, DateOnly Today);

/// <summary>A list of incidents, and those it could not read (MAMORI-1114), to mark instead of failing the list.</summary>
public sealed record IncidentList(List<IncidentView> Items, IReadOnlyList<Data.UnreadableRow> Unreadable);

/// <summary>
/// Opens incidents, records fact changes (the decision is recomputed each time), timeline entries,
/// status changes and blast-radius results. Each change and its audit event commit together.
/// </summary>
public sealed class IncidentRegistry(MamoriDbContext db, AuditLog audit, TimeProvider clock, IOptions<IncidentSettings> options, Policy.PolicyStore policies)
{
    private const int MaxCategories = 100;
    private IncidentSettings Settings => options.Value;

    public DateOnly Today => JapanTime.DayOf(clock.GetUtcNow(), Settings.TimeZone);

    public async Task<Incident> CreateAsync(IncidentInput input, Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var incident = new Incident { Id = Guid.CreateVersion7(now), Title = "", Status = IncidentStatus.Open, CreatedAt = now };
        var policyCategories = await CategoriesAsync(ct);
        Apply(incident, input, now, policyCategories);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Incidents.Add(incident);
        db.IncidentTimeline.Add(Entry(incident, actor, "facts", IncidentTexts.Opened(incident, policyCategories.Name), now));
        await audit.AppendAsync(db, new AuditEntry(AuditCode.IncidentCreated, actor, TargetId: incident.Id.ToString(),
            ReasonCode: incident.Reportable ? "reportable" : "not-reportable", Categories: JoinCategories(incident)), ct);
        await tx.CommitAsync(ct);
        return incident;
    }

    public async Task<Incident> GetAsync(Guid id, CancellationToken ct = default) =>
        await WithBlastRadii(db.Incidents).FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw MamoriException.NotFound("The incident");

    private static IQueryable<Incident> WithBlastRadii(IQueryable<Incident> incidents) =>
        incidents.Include(i => i.BlastRadii.OrderBy(r => r.Number));

    public IncidentView View(Incident incident)
    {
        var decision = Decide(incident.Facts);
        var today = Today;
        DeadlineState? state = decision.Deadlines is { } d && incident.Status != IncidentStatus.Closed
            ? IncidentTriage.StateOn(d, today, incident.PreliminaryReportedAt is not null, incident.FinalReportedAt is not null, Settings)
            : null;
        return new IncidentView(incident, decision, state, today);
    }

    /// <summary>Incidents newest first; due-soon and overdue look at open reportable ones against today's JST date.</summary>
    public async Task<IncidentList> ListAsync(IncidentFilter filter, CancellationToken ct = default)
    {
        var q = WithBlastRadii(db.Incidents.AsNoTracking());
        if (filter != IncidentFilter.All) q = q.Where(i => i.Status != IncidentStatus.Closed);
        if (filter is IncidentFilter.DueSoon or IncidentFilter.Overdue) q = q.Where(i => i.Reportable);
        var (rows, unreadable) = await q.ToListMarkingUnreadableAsync(i => i.Id, ct);
        var views = rows.OrderByDescending(i => i.DiscoveredAt).Select(View);
        return new IncidentList(filter switch
        {
            IncidentFilter.DueSoon => views.Where(v => v.State == DeadlineState.DueSoon).ToList(),
            IncidentFilter.Overdue => views.Where(v => v.State == DeadlineState.Overdue).ToList(),
            _ => views.ToList(),
        }, unreadable);
    }

    /// <summary>
    /// Starts a change of the incident: the chain head's lock first, then the incident read under it. Changes of one incident
    /// started together take turns, and each checks and changes what the one before it committed: read before the transaction,
    /// a status change and a facts change each decided on the incident as it was (facts changed on an incident just closed, a
    /// final report recorded against facts just emptied), and the decision stored came from facts another change replaced.
    /// </summary>
    internal async Task<(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction Tx, Incident Incident)> BeginChangeAsync(Guid id, CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await audit.LockHeadAsync(db, ct);
            var incident = await GetAsync(id, ct);
            // A context that read the incident earlier in this scope keeps its old values: read them again under the lock.
            await db.Entry(incident).ReloadAsync(ct);
            return (tx, incident);
        }
        catch
        {
            await tx.DisposeAsync();
            throw;
        }
    }

    public async Task<Incident> UpdateFactsAsync(Guid id, IncidentInput input, Actor actor, CancellationToken ct = default)
    {
        var policyCategories = await CategoriesAsync(ct);
        var (tx, incident) = await BeginChangeAsync(id, ct);
        await using var _ = tx;
        if (incident.Status == IncidentStatus.Closed) throw new MamoriException(ErrorCode.IncidentClosed, "The incident is closed; reopen it before changing its facts.", 409);
        var before = (incident.Reportable, Reasons: string.Join(',', incident.Reasons), incident.FinalDue);
        var now = clock.GetUtcNow();
        Apply(incident, input, now, policyCategories);
        var changed = before != (incident.Reportable, string.Join(',', incident.Reasons), incident.FinalDue);
        db.IncidentTimeline.Add(Entry(incident, actor, "facts", IncidentTexts.FactsChanged(incident, changed, policyCategories.Name), now));
        await audit.AppendAsync(db, new AuditEntry(AuditCode.IncidentFactsUpdated, actor, TargetId: incident.Id.ToString(),
            ReasonCode: incident.Reportable ? "reportable" : "not-reportable", Categories: JoinCategories(incident)), ct);
        await tx.CommitAsync(ct);
        return incident;
    }

    public async Task<IncidentTimelineEntry> AddTimelineEntryAsync(Guid id, string kind, string text, Actor actor, CancellationToken ct = default)
    {
        kind = (kind ?? "").Trim().ToLowerInvariant();
        if (!System.Text.RegularExpressions.Regex.IsMatch(kind, "^[a-z][a-z-]{0,31}$"))
            throw new MamoriException(ErrorCode.InvalidValue, "kind is 1-32 lower-case letters and hyphens, e.g. note, measure, contact.") { Reason = "timeline-kind" };
        if (string.IsNullOrWhiteSpace(text) || text.Length > 20000) throw new MamoriException(ErrorCode.InvalidValue, "text is 1-20000 characters.") { Reason = "timeline-text" };
        var (tx, incident) = await BeginChangeAsync(id, ct);
        await using var _ = tx;
        var entry = Entry(incident, actor, kind, (text.Trim(), null), clock.GetUtcNow());
        db.IncidentTimeline.Add(entry);
        incident.UpdatedAt = entry.Time;
        await audit.AppendAsync(db, new AuditEntry(AuditCode.IncidentTimelineEntryAdded, actor, TargetId: incident.Id.ToString(), ReasonCode: kind), ct);
        await tx.CommitAsync(ct);
        return entry;
    }

    public async Task<Incident> SetStatusAsync(Guid id, IncidentStatus status, Actor actor, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(status)) throw new MamoriException(ErrorCode.IncidentInvalidStatus, "Unknown status.");
        var (tx, incident) = await BeginChangeAsync(id, ct);
        await using var _ = tx;
        if (status is IncidentStatus.PreliminaryReported or IncidentStatus.FinalReported && !incident.Reportable)
            throw new MamoriException(ErrorCode.IncidentNotReportable, "The incident is not reportable; no PPC report is recorded for it.", 409) { Reason = "report" };
        if (status == IncidentStatus.FinalReported && incident.FinalReportedAt is null)
        {
            // L-10: the final report has every item; a draft that lists missing ones was not what was sent.
            var missing = IncidentDocuments.MissingForFinal(incident, Decide(incident.Facts), Settings.TimeZone);
            if (missing.Count > 0)
                throw new MamoriException(ErrorCode.IncidentFinalReportIncomplete,
                    $"The final report lacks {string.Join("; ", missing.Select(k => IncidentDocuments.MissingName(k).En))}: fill them in (PUT /api/incidents/{id}) " +
                    "before recording it as sent.", 409) { Reason = "final", ReasonArgs = [.. missing] };
            // Each date records a report someone sent. Where one report served as both (everything known at once), staff record both.
            if (incident.PreliminaryReportedAt is null)
                throw new MamoriException(ErrorCode.IncidentPreliminaryNotReported,
                    "The preliminary report is not recorded as sent: record it first (status preliminary-reported). Where one report served as both, record both.", 409);
        }
        var now = clock.GetUtcNow();
        if (status == IncidentStatus.PreliminaryReported) incident.PreliminaryReportedAt ??= now;
        if (status == IncidentStatus.FinalReported) incident.FinalReportedAt ??= now;
        var previous = incident.Status;
        incident.Status = status;
        incident.UpdatedAt = now;
        db.IncidentTimeline.Add(Entry(incident, actor, "status", IncidentTexts.StatusChanged(previous, status), now));
        await audit.AppendAsync(db, new AuditEntry(AuditCode.IncidentStatusChanged, actor, TargetId: incident.Id.ToString(), ReasonCode: Kebab(status)), ct);
        await tx.CommitAsync(ct);
        return incident;
    }

    public Task<List<IncidentTimelineEntry>> TimelineAsync(Guid id, CancellationToken ct = default) =>
        db.IncidentTimeline.AsNoTracking().Where(t => t.IncidentId == id).OrderBy(t => t.Time).ThenBy(t => t.Id).ToListAsync(ct);

    public Task<List<string>> SubjectsAsync(Guid id, CancellationToken ct = default) =>
        db.IncidentSubjects.AsNoTracking().Where(s => s.IncidentId == id).Select(s => s.SubjectId).OrderBy(s => s).ToListAsync(ct);

    public Task<int> NotifiedCountAsync(Guid id, CancellationToken ct = default) =>
        db.IncidentSubjects.AsNoTracking().CountAsync(s => s.IncidentId == id && s.NotifiedAt != null, ct);

    /// <summary>
    /// Verifies the audit chain, then records the subjects and categories the actor read in the window. The actor must be a user or
    /// API key of the tenant (<see cref="CompromisedActors.ResolveAsync"/>); the query may name a key by its prefix or a user by sign-in
    /// address, and the computation records the actor's id and name. The persons found join those of earlier computations (see
    /// <see cref="AddComputationAsync"/>). A broken chain is recorded (audit + timeline) and refused.
    /// </summary>
    public async Task<(Incident Incident, BlastRadiusResult Result, IncidentBlastRadius Computation)> ComputeBlastRadiusAsync(Guid id, BlastRadiusQuery query,
        Actor actor, CancellationToken ct = default)
    {
        query = query.Validated();
        var incident = await GetAsync(id, ct);
        var compromised = await CompromisedActors.ResolveAsync(db, query.ActorKind, query.ActorId, ct);
        query = query with { ActorId = compromised.Id };
        BlastRadiusResult result;
        try
        {
            result = await BlastRadius.ComputeAsync(db, query, ct);
        }
        catch (ChainBrokenException e)
        {
            await RefuseAsync(incident, actor, e, export: false, ct);
            throw;
        }

        var policyCategories = await CategoriesAsync(ct);
        var now = clock.GetUtcNow();
        var computation = new IncidentBlastRadius
        {
            Id = Guid.CreateVersion7(now), IncidentId = incident.Id, ComputedAt = now,
            ActorKind = query.ActorKind, ActorId = compromised.Id, ActorName = compromised.Name, ActorPrefix = compromised.Prefix, From = query.From, To = query.To,
            EventsRead = result.EventsRead, VerifiedEvents = result.VerifiedEvents,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await AddComputationAsync(incident, computation, result.Subjects, result.Categories, policyCategories, ct);
        db.IncidentTimeline.Add(Entry(incident, actor, "blast-radius",
            IncidentTexts.BlastRadius(incident, computation, Settings.TimeZone, result.Categories.Count, policyCategories.Name), now));
        await audit.AppendAsync(db, new AuditEntry(AuditCode.IncidentBlastRadiusComputed, actor, TargetId: incident.Id.ToString(),
            ReasonCode: $"subjects-{result.Subjects.Count}", Categories: JoinCategories(incident)), ct);
        await tx.CommitAsync(ct);
        return (incident, result, computation);
    }

    /// <summary>
    /// The blast radius of a leaked export file: verifies the audit chain, reads the export's trace events
    /// (who and which categories the file held) and records them as affected subjects, like
    /// <see cref="ComputeBlastRadiusAsync"/>. A broken chain is recorded and refused.
    /// </summary>
    public async Task<(Incident Incident, ExportContents Contents)> ComputeExportBlastRadiusAsync(Guid id, ExportQuery query, Actor actor, CancellationToken ct = default)
    {
        var incident = await GetAsync(id, ct);
        ExportContents contents;
        try
        {
            contents = await ExportTraces.ContentsAsync(db, query, ct);
        }
        catch (ChainBrokenException e)
        {
            await RefuseAsync(incident, actor, e, export: true, ct);
            throw;
        }

        var policyCategories = await CategoriesAsync(ct);
        var now = clock.GetUtcNow();
        var computation = new IncidentBlastRadius
        {
            Id = Guid.CreateVersion7(now), IncidentId = incident.Id, ComputedAt = now, LeakedExport = $"{contents.ExportKind}:{contents.ExportId}",
            EventsRead = contents.LastSequence - contents.FirstSequence + 1, VerifiedEvents = contents.VerifiedEvents,
            ActorName = await ExportLabelAsync(contents, ct),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await AddComputationAsync(incident, computation, contents.Subjects, contents.Categories, policyCategories, ct);
        db.IncidentTimeline.Add(Entry(incident, actor, "blast-radius",
            IncidentTexts.ExportBlastRadius(incident, computation, contents.Formats, contents.FirstSequence, contents.LastSequence, contents.Categories.Count,
                policyCategories.Name), now));
        await audit.AppendAsync(db, new AuditEntry(AuditCode.IncidentExportBlastRadiusComputed, actor, TargetId: incident.Id.ToString(),
            ReasonCode: $"subjects-{contents.Subjects.Count}", Categories: JoinCategories(incident)), ct);
        await tx.CommitAsync(ct);
        return (incident, contents);
    }

    /// <summary>
    /// What staff and the PPC know the exported file by, kept with the computation as an actor's name is: the request's reference
    /// for an answer to a request, the recipient and the day for a provision. Null when the record is gone (the id is shown).
    /// </summary>
    private async Task<string?> ExportLabelAsync(ExportContents contents, CancellationToken ct)
    {
        if (!Guid.TryParse(contents.ExportId, out var id)) return null;
        return contents.ExportKind switch
        {
            ExportTraces.Disclosure => await db.Set<Requests.DataSubjectRequest>().Where(r => r.Id == id).Select(r => r.Reference).FirstOrDefaultAsync(ct),
            ExportTraces.Provision => await db.Set<Provision.ProvisionRecord>().Where(r => r.Id == id).Select(r => new { r.CounterpartyName, r.At }).FirstOrDefaultAsync(ct) is { } p
                ? Fit($"{JapanTime.DayOf(p.At, Policy.PolicyStore.Jst):yyyy-MM-dd} {p.CounterpartyName}")
                : null,
            _ => null,
        };

        // A recipient's name may be up to 300 characters, the label is kept in 254: the day goes first.
        static string Fit(string label) => label.Length > 254 ? label[..254] : label;
    }

    private async Task RefuseAsync(Incident incident, Actor actor, ChainBrokenException e, bool export, CancellationToken ct)
    {
        await using var refusal = await db.Database.BeginTransactionAsync(ct);
        db.IncidentTimeline.Add(Entry(incident, actor, "blast-radius", IncidentTexts.ChainBroken(e.Verification.BrokenAt, e.Verification.Problem, export), clock.GetUtcNow()));
        await audit.AppendAsync(db, new AuditEntry(AuditCode.IncidentBlastRadiusRefused, actor, AuditOutcome.Failed,
            TargetId: incident.Id.ToString(), ReasonCode: $"chain-broken-at-{e.Verification.BrokenAt}"), ct);
        await refusal.CommitAsync(ct);
    }

    /// <summary>
    /// Records one computation. The persons it found join the incident's affected persons: a second stolen key's victims are added to the
    /// first's, a person found before stays affected whatever a later computation finds, and who was notified is kept. The categories
    /// join the incident's. The union's size is recorded beside the count staff entered (evidence, not a correction: a lost laptop's
    /// 2,000 customers stay 2,000 when a key read 0), and the decision is recomputed.
    /// Computations of one incident started together take turns: the chain head's lock is taken first, and the incident, its
    /// computations and persons are read again under it, so each takes the next number and adds to what the others recorded (they
    /// all read the incident before any committed, took the same number and failed on the unique index: a 500).
    /// </summary>
    private async Task AddComputationAsync(Incident incident, IncidentBlastRadius computation, IReadOnlyList<string> subjects, IReadOnlyList<string> categories,
        IncidentCategories policyCategories, CancellationToken ct)
    {
        await audit.LockHeadAsync(db, ct);
        await db.Entry(incident).ReloadAsync(ct);
        await db.Entry(incident).Collection(i => i.BlastRadii).Query().LoadAsync(ct); // adds the others' computations to incident.BlastRadii
        incident.BlastRadii.Sort((a, b) => a.Number.CompareTo(b.Number));
        var affected = (await db.IncidentSubjects.AsNoTracking().Where(s => s.IncidentId == incident.Id).Select(s => s.SubjectId).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var added = subjects.Where(affected.Add).ToList();
        db.IncidentSubjects.AddRange(added.Select(s => new IncidentSubject { IncidentId = incident.Id, SubjectId = s }));
        computation.Persons = subjects.Count;
        computation.NewPersons = added.Count;
        computation.Number = incident.BlastRadii.Count + 1;
        // Added explicitly (a new row with its id set, found only through the navigation, would be taken for an update); tracking it puts
        // it in incident.BlastRadii.
        db.Add(computation);
        incident.BlastPersons = affected.Count;
        incident.Categories = [.. incident.Categories.Union(categories, StringComparer.Ordinal).Take(MaxCategories)];
        policyCategories.Apply(incident);
        Recompute(incident);
        incident.UpdatedAt = computation.ComputedAt;
    }

    public Reportability Decide(IncidentFacts facts) => IncidentTriage.Assess(facts, Settings);

    /// <summary>The categories of the policy in force: declared ids, names, and which are special-care, My Number or payment-card data.</summary>
    private async Task<IncidentCategories> CategoriesAsync(CancellationToken ct) => IncidentCategories.Of((await policies.CurrentAsync(ct))?.Model);

    private void Apply(Incident incident, IncidentInput input, DateTimeOffset now, IncidentCategories policyCategories)
    {
        var title = input.Title?.Trim() ?? "";
        if (title.Length is 0 or > 200) throw new MamoriException(ErrorCode.IncidentInvalidFacts, "title is 1-200 characters.") { Reason = "title" };
        if (!Enum.IsDefined(input.Kind) || !Enum.IsDefined(input.Cause)) throw new MamoriException(ErrorCode.IncidentInvalidFacts, "kind or cause is unknown.") { Reason = "kind" };
        if (input.DiscoveredAt > now.AddMinutes(5)) throw new MamoriException(ErrorCode.IncidentInvalidDate, "discoveredAt must not be in the future.") { Reason = "future" };
        if (input.DiscoveredAt.Year < 2000) throw new MamoriException(ErrorCode.IncidentInvalidDate, "discoveredAt is before 2000.") { Reason = "before-2000" };
        if (input.PersonsKnown is < 0 || input.PersonsUpperBound is < 0) throw new MamoriException(ErrorCode.IncidentInvalidFacts, "The number of persons must not be negative.") { Reason = "persons-negative" };
        if (input.PersonsKnown is { } k && input.PersonsUpperBound is { } u && u < k)
            throw new MamoriException(ErrorCode.IncidentInvalidFacts, "personsUpperBound must not be below personsKnown.") { Reason = "upper-bound" };
        var categories = (input.Categories ?? []).Select(c => c?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (categories.Count > MaxCategories || categories.Any(c => !System.Text.RegularExpressions.Regex.IsMatch(c, "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")))
            throw new MamoriException(ErrorCode.IncidentInvalidFacts, "categories are up to 100 category ids (letters, digits, '.', '_', '-').") { Reason = "categories" };
        // A category must be one the policy declares; one already on the incident stays (the policy may have dropped it since).
        var unknown = policyCategories.Declared is not { } declared ? []
            : categories.Where(c => !declared.Declares(c) && !incident.Categories.Contains(c, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new MamoriException(ErrorCode.IncidentUnknownCategory,
                $"The policy in force declares no data categor{(unknown.Count == 1 ? "y" : "ies")} {string.Join(", ", unknown.Select(c => $"'{ErrorText.Id(c)}'"))}; use the ids of its data categories (GET /api/policy).");
        foreach (var (name, value, max) in new[] { ("summary", input.Summary, 20000), ("causeDetails", input.CauseDetails, 20000),
                     ("secondaryDamage", input.SecondaryDamage, 20000), ("personsResponse", input.PersonsResponse, 20000),
                     ("publication", input.Publication, 20000), ("prevention", input.Prevention, 20000), ("measures", input.Measures, 20000),
                     ("otherNotes", input.OtherNotes, 20000), ("contactPoint", input.ContactPoint, 1000) })
            if (value is { Length: var n } && n > max) throw new MamoriException(ErrorCode.IncidentInvalidFacts, $"{name} is at most {max} characters.") { Reason = "too-long", ReasonArgs = [name, max.ToString(System.Globalization.CultureInfo.InvariantCulture)] };

        incident.Title = title;
        incident.Kind = input.Kind;
        incident.Cause = input.Cause;
        incident.DiscoveredAt = input.DiscoveredAt.ToUniversalTime();
        incident.AwareDate = JapanTime.DayOf(input.DiscoveredAt, Settings.TimeZone);
        incident.Categories = categories;
        policyCategories.Apply(incident);
        incident.PersonsKnown = input.PersonsKnown;
        incident.PersonsUpperBound = input.PersonsUpperBound;
        incident.SpecialCare = input.SpecialCare;
        incident.PropertyDamageRisk = input.PropertyDamageRisk;
        incident.Suspected = input.Suspected;
        incident.EncryptedKeysSafe = input.EncryptedKeysSafe;
        incident.MyNumber = input.MyNumber;
        incident.PubliclyExposed = input.PubliclyExposed;
        incident.Summary = input.Summary;
        incident.CauseDetails = input.CauseDetails;
        incident.SecondaryDamage = input.SecondaryDamage;
        incident.PersonsResponse = input.PersonsResponse;
        incident.Publication = input.Publication;
        incident.Prevention = input.Prevention;
        incident.Measures = input.Measures;
        incident.OtherNotes = input.OtherNotes;
        incident.ContactPoint = input.ContactPoint;
        incident.OwnerUserId = input.OwnerUserId;
        incident.UpdatedAt = now;
        Recompute(incident);
    }

    /// <summary>Stores the decision's snapshot on the row so lists can filter on it.</summary>
    private void Recompute(Incident incident)
    {
        var d = Decide(incident.Facts);
        incident.Reportable = d.Reportable;
        incident.Reasons = [.. d.Reasons.Select(r => r.Code())];
        incident.Exemption = d.Exemption?.Code();
        incident.PreliminaryWarn = d.Deadlines?.PreliminaryWarn;
        incident.PreliminaryDue = d.Deadlines?.PreliminaryDue;
        incident.FinalDue = d.Deadlines?.FinalDue;
        incident.FinalPeriodDays = d.Deadlines?.FinalPeriodDays;
    }

    /// <summary>A timeline entry; <c>En</c> is null for what people write (kept in their words).</summary>
    private static IncidentTimelineEntry Entry(Incident incident, Actor actor, string kind, (string Ja, string? En) text, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        TenantId = incident.TenantId,
        IncidentId = incident.Id,
        Time = at,
        Actor = actor.ToString(),
        Kind = kind,
        Text = text.Ja,
        TextEn = text.En,
    };

    private static string? JoinCategories(Incident incident)
    {
        if (incident.Categories.Count == 0) return null;
        var joined = string.Join(',', incident.Categories);
        return joined.Length <= 1000 ? joined : null;
    }

    public static string Kebab<T>(T value) where T : struct, Enum =>
        System.Text.RegularExpressions.Regex.Replace(value.ToString(), "(?<=[a-z])(?=[A-Z])", "-").ToLowerInvariant();
}
