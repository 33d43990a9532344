using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Incidents;
using Mamori.Policy;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Vault;

public sealed record CreateSubjectRequest(
    string Type,
    string Acquisition,
    IReadOnlyList<string> PurposesShown,
    IReadOnlyDictionary<string, string> Fields,
    string? Service = null,
    IReadOnlyList<string>? Consents = null,
    ConsentMethod ConsentMethod = ConsentMethod.WebForm,
    string? EvidenceRef = null,
    bool GuardianConsent = false,
    DateOnly? BirthDate = null,
    ForeignItemsShown? ForeignInfoShown = null);

public sealed record ReadResult(Decision Decision, IReadOnlyDictionary<string, string> Values, IReadOnlyDictionary<string, bool> Masked);

/// <summary>
/// The vault's use cases: create, read through a decision, exact lookup, correct, erase. Personal
/// values exist in plaintext only in memory, between a decision and the response.
/// </summary>
public sealed partial class Subjects(MamoriDbContext db, AuditLog audit, PolicyStore policies, KeyRingProvider keys,
    AccessDecisions decisions, TimeProvider clock, Microsoft.Extensions.Options.IOptions<ConsentSettings> consentSettings)
{
    public const int MaxValueLength = 10_000;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex ReasonPattern();

    /// <summary>
    /// A validated, encrypted subject ready to be stored, with its audit entry, and the consents given with it: one receipt
    /// (<see cref="ReceiptId"/>) and a ConsentGranted event per scope, as a later grant has.
    /// </summary>
    public sealed record Prepared(DataSubject Subject, List<SubjectField> Fields, List<SubjectLookup> Lookups, List<ConsentRecord> Consents, AuditEntry Audit,
        Guid? ReceiptId, IReadOnlyList<AuditEntry> ConsentAudit)
    {
        /// <summary>The subject's event, then one per consent.</summary>
        public IEnumerable<AuditEntry> AllAudit(AuditCode subjectCode = AuditCode.SubjectCreated) => [Audit with { Code = subjectCode }, .. ConsentAudit];
    }

    /// <summary>A subject acquired: the categories stored, the receipt of the consents given with it, and whether an earlier request made it.</summary>
    public sealed record Acquired(DataSubject Subject, IReadOnlyList<string> Categories, Guid? ReceiptId, bool Replayed);

    public async Task<DataSubject> CreateAsync(CreateSubjectRequest request, Actor actor, CancellationToken ct = default) =>
        (await AcquireAsync(request, actor, null, ct)).Subject;

    /// <summary>
    /// Creates a subject. With <paramref name="idempotencyKey"/>, a request the same caller already made with that key in the last
    /// <see cref="Idempotency.Window"/> answers that subject (<see cref="Acquired.Replayed"/>) instead of a second one: a client whose
    /// connection broke after sending cannot know whether the person was created, and a plain retry made a duplicate that an erasure
    /// then left behind. The same key with another request is MAMORI-1391.
    /// </summary>
    public async Task<Acquired> AcquireAsync(CreateSubjectRequest request, Actor actor, string? idempotencyKey, CancellationToken ct = default)
    {
        var call = idempotencyKey is null ? null : Idempotency.Of(db, keys.Current, "subjects", actor, idempotencyKey, request);
        var current = await policies.RequireCurrentAsync(ct);
        var prepared = Prepare(request, current, actor);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (call is not null)
        {
            // The chain head serialises this with a concurrent retry of the same key: the second sees the first's record.
            await audit.LockHeadAsync(db, ct);
            var now = clock.GetUtcNow();
            if (await Idempotency.EarlierAsync(db, call, now, "use a new key for each new person.", sweep: true, ct) is { } earlier)
            {
                var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(x => x.Id == earlier.CreatedId, ct);
                var categories = await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == subject.Id).Select(f => f.Category).ToListAsync(ct);
                return new Acquired(subject, categories, earlier.ReceiptId, Replayed: true);
            }
            db.Add(Idempotency.Record(db, call, prepared.Subject.Id, prepared.ReceiptId, now));
        }
        Add(prepared);
        await audit.AppendManyAsync(db, [.. prepared.AllAudit()], ct);
        await tx.CommitAsync(ct);
        return new Acquired(prepared.Subject, [.. prepared.Fields.Select(f => f.Category)], prepared.ReceiptId, Replayed: false);
    }

    /// <summary>Adds a prepared subject to the unit of work; the caller saves it with its audit entry.</summary>
    public void Add(Prepared p)
    {
        db.Add(p.Subject);
        db.AddRange(p.Fields);
        db.AddRange(p.Lookups);
        db.AddRange(p.Consents);
    }

    /// <summary>Checks a new subject against the policy in force and encrypts it. Throws <see cref="MamoriException"/> for bad input.</summary>
    public Prepared Prepare(CreateSubjectRequest request, PublishedPolicy current, Actor actor)
    {
        var (scope, purposes) = Resolve(request, current);
        if (request.Fields.Count == 0) throw new MamoriException(ErrorCode.InvalidFieldValue, "A subject needs at least one field.");
        var consents = (request.Consents ?? []).Distinct(StringComparer.Ordinal).ToList();
        var evidenceRef = EvidenceRefs.Check(request.EvidenceRef);

        var ring = keys.Current;
        var now = clock.GetUtcNow();
        var subject = new DataSubject
        {
            Id = Guid.CreateVersion7(now),
            TenantId = db.CurrentTenantId,
            SubjectType = request.Type,
            ServiceId = request.Service,
            AcquisitionMethod = request.Acquisition,
            PurposesShown = purposes.Select(p => p.Id).ToList(),
            PolicyVersion = current.Version.Number,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var dataKey = VaultCrypto.NewDataKey();
        subject.WrappedKey = VaultCrypto.Wrap(ring, subject.TenantId, subject.Id, dataKey);
        subject.KeyId = ring.Primary.Id;

        var fields = new List<SubjectField>();
        var lookups = new List<SubjectLookup>();
        var today = JapanTime.DayOf(now, PolicyStore.Jst);
        DateOnly? born = null;
        foreach (var (categoryId, raw) in WithBirthDate(request, scope, purposes, today))
        {
            var category = CheckCategory(scope, purposes, request.Acquisition, categoryId, raw, consents);
            var value = BlindIndex.KindOf(category) is null ? raw : BlindIndex.Stored(raw);
            if (category.BirthDate) value = (born = BirthDates.Parse(categoryId, raw, today)).Value.ToString(BirthDates.Format, System.Globalization.CultureInfo.InvariantCulture);
            var field = new SubjectField
            {
                TenantId = subject.TenantId, SubjectId = subject.Id, Category = categoryId, UpdatedAt = now,
                Ciphertext = VaultCrypto.EncryptField(dataKey, subject.TenantId, subject.Id, categoryId, value),
            };
            Retention(purposes, categoryId, now).ApplyTo(field);
            fields.Add(field);
            if (BlindIndex.KindOf(category) is { } kind)
                lookups.Add(new SubjectLookup
                {
                    TenantId = subject.TenantId, SubjectId = subject.Id, Kind = kind, Category = categoryId,
                    Hash = BlindIndex.Compute(ring.BlindIndexKey, subject.TenantId, kind, BlindIndex.Normalize(kind, value)),
                });
        }
        subject.NextExpiry = fields.Min(f => f.RetainUntil);
        CryptographicOperations.ZeroMemory(dataKey);
        CheckGuardian(scope, current.Model, request, born, today);
        (subject.GuardianConsent, subject.GuardianEvidenceRef) = (request.GuardianConsent, request.GuardianConsent ? evidenceRef : null);
        if (consents.Count > 0)
        {
            // What the person ticked on the form that showed these purposes: a consent to another purpose was never asked of them
            // (Art.21(2)), yet it would allow reads for that purpose from now on.
            if (consents.FirstOrDefault(c => c.StartsWith(ConsentScopes.PurposePrefix, StringComparison.Ordinal)
                    && !purposes.Any(p => p.Id == c[ConsentScopes.PurposePrefix.Length..])) is { } unshown)
                throw new MamoriException(ErrorCode.InvalidConsentScope,
                    $"Consent '{ErrorText.Id(unshown)}' names a purpose that is not among purposesShown: a form asks consent only to the purposes it shows.")
                { Reason = "purpose-not-shown" };
            Mamori.Consent.Consents.CheckGrant(scope, current.Version.Number, consents, born, now, consentSettings.Value.MinorAgeOf(current.Model), request.GuardianConsent);
            Mamori.Consent.Consents.CheckForeign(scope, current.Version.Number, consents, request.ForeignInfoShown);
        }
        var foreignShown = request.ForeignInfoShown is { All: true };
        // Consents given at acquisition are grants like any later one: a receipt for the person and an event each in the chain.
        Guid? receiptId = consents.Count > 0 ? Guid.NewGuid() : null;
        var consentRows = consents.Select(scopeName => new ConsentRecord
        {
            Id = Guid.CreateVersion7(now), TenantId = subject.TenantId, SubjectId = subject.Id, Scope = scopeName, Granted = true, At = now,
            PolicyVersion = current.Version.Number, Method = request.ConsentMethod, EvidenceRef = evidenceRef,
            GuardianConsent = request.GuardianConsent, RecordedBy = actor.ToString(), ReceiptId = receiptId, Seq = 1,
            ForeignInfoShown = foreignShown && scopeName.StartsWith(ConsentScopes.ForeignPrefix, StringComparison.Ordinal),
        }).ToList();
        var entry = new AuditEntry(AuditCode.SubjectCreated, actor, SubjectId: subject.Id.ToString(),
            ReasonCode: request.Acquisition.Length <= 64 ? request.Acquisition : null, Categories: string.Join(',', fields.Select(f => f.Category)));
        return new Prepared(subject, fields, lookups, consentRows, entry, receiptId, Mamori.Consent.Consents.GrantEvents(consentRows, actor));
    }

    /// <summary>
    /// A privacy notice that states an age for guardian consent (<c>company.guardianConsentUnderAge</c>) promises that a younger
    /// person provides personal data only with a guardian's consent (S-13), whatever the purposes: one that asks no consent of the
    /// person (a contract, a membership) still needs the guardian's. The rule is the notice's, so without that setting nothing is
    /// refused here (consents still apply the configured age, <see cref="Consents.CheckGrant"/>). Only data the person provides
    /// (an acquisition method with <c>direct: true</c>) is concerned: data obtained from others is not the minor providing it. A parent
    /// handing in a child's data (an employee's family on paper) is that consent, recorded as such.
    /// </summary>
    private static void CheckGuardian(IPolicyScope scope, PolicyModel model, CreateSubjectRequest request, DateOnly? born, DateOnly today)
    {
        if (request.GuardianConsent || model.Company.GuardianConsentUnderAge is not { } age || born is not { } b) return;
        if (Mamori.Consent.Consents.AgeOn(b, today) >= age) return;
        if (scope.AcquisitionMethods.Count > 0 && scope.AcquisitionMethods.FirstOrDefault(m => m.Id == request.Acquisition) is not { Direct: true }) return;
        throw new MamoriException(ErrorCode.GuardianConsentRequired,
            $"The person is under {age} on the day of acquisition and the data comes directly from them (or from their guardian): the privacy notice "
            + "promises this only with a guardian's consent. Record it (guardianConsent: true, with evidenceRef naming where it is kept).") { Reason = "guardian-acquisition", ReasonArgs = [age.ToString(System.Globalization.CultureInfo.InvariantCulture)] };
    }

    /// <summary>
    /// The fields with the separate <see cref="CreateSubjectRequest.BirthDate"/> put into the category that holds the date of birth
    /// (flagged <c>birthDate</c>, preferably one a purpose shown uses), so it is encrypted, disclosed and correctable like any field
    /// and never kept in clear. Refused when the fields already give another date (MAMORI-3020) or the policy has no such category
    /// (MAMORI-3021): a date kept anywhere else would be personal data the published notice does not declare.
    /// </summary>
    private static IReadOnlyDictionary<string, string> WithBirthDate(CreateSubjectRequest request, IPolicyScope scope, List<Purpose> purposes, DateOnly today)
    {
        if (request.BirthDate is not { } born) return request.Fields;
        var categories = BirthDates.Categories(scope).ToList();
        if (categories.Count == 0)
            throw new MamoriException(ErrorCode.BirthDateCategoryMissing,
                "The policy has no data category flagged 'birthDate: true' to keep the separate birthDate in: declare one, used by the purposes "
                + "that ask a minor's consent, and send the date as that field or as birthDate.") { Reason = "birth-date-category" };
        var given = request.Fields.Where(f => categories.Contains(f.Key)).ToList();
        if (given.Count > 0)
        {
            // Parse refuses a value that is no date (MAMORI-3003) before it is compared.
            if (given.FirstOrDefault(f => BirthDates.Parse(f.Key, f.Value, today) != born).Key is { } other)
                throw new MamoriException(ErrorCode.BirthDateConflict,
                    $"birthDate and field '{other}' give different dates of birth: send the date once.") { Reason = "birth-date-conflict", ReasonArgs = [other] };
            return request.Fields;
        }
        // A category no purpose shown uses is refused by the checks every field meets (MAMORI-3005), naming it.
        var target = categories.FirstOrDefault(c => purposes.Any(p => p.Categories.Contains(c))) ?? categories[0];
        return new Dictionary<string, string>(request.Fields, StringComparer.Ordinal)
        {
            [target] = born.ToString(BirthDates.Format, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Checks the subject type, acquisition method and purposes shown against the policy in force (the service's scope).</summary>
    internal static (IPolicyScope Scope, List<Purpose> Purposes) Resolve(CreateSubjectRequest request, PublishedPolicy current)
    {
        var (scope, purposes) = Resolve(request.Type, request.PurposesShown, request.Service, current);
        if (scope.AcquisitionMethods.Count > 0 && scope.AcquisitionMethods.All(a => a.Id != request.Acquisition))
            throw new MamoriException(ErrorCode.UnknownAcquisitionMethod, $"The policy declares no acquisition method '{ErrorText.Id(request.Acquisition)}'.");
        return (scope, purposes);
    }

    /// <summary>Checks the subject type and purposes shown against the policy in force (the service's scope).</summary>
    internal static (IPolicyScope Scope, List<Purpose> Purposes) Resolve(string type, IReadOnlyList<string> purposesShown, string? service, PublishedPolicy current)
    {
        var scope = PolicyScopes.For(current.Model, service);
        if (scope.SubjectTypes.All(t => t.Id != type))
            throw new MamoriException(ErrorCode.UnknownSubjectType, $"The policy declares no subject type '{ErrorText.Id(type)}'.");
        var purposes = new List<Purpose>();
        foreach (var id in purposesShown.Distinct(StringComparer.Ordinal))
        {
            var p = scope.Purposes.FirstOrDefault(x => x.Id == id) ?? throw UndeclaredPurpose(id, service, current.Model);
            if (p.SubjectTypes.Count > 0 && !p.SubjectTypes.Contains(type))
                throw new MamoriException(ErrorCode.UnknownPurpose, $"Purpose '{ErrorText.Id(id)}' is not declared for subject type '{ErrorText.Id(type)}'.");
            purposes.Add(p);
        }
        if (purposes.Count == 0) throw new MamoriException(ErrorCode.UnknownPurpose, "Name the purposes shown to the person at acquisition (Art.21(2)).");
        return (scope, purposes);
    }

    /// <summary>
    /// A purpose the scope does not declare. Without a service only the company-wide purposes count, and "the policy declares no
    /// purpose 'support'" misled an integrator whose policy declares it for a service: the refusal names the services that do.
    /// </summary>
    private static MamoriException UndeclaredPurpose(string id, string? service, PolicyModel model)
    {
        var declaring = service is null ? model.Services.Where(s => s.Purposes.Any(p => p.Id == id)).Select(s => s.Id).ToList() : [];
        return declaring.Count == 0
            ? new MamoriException(ErrorCode.UnknownPurpose, $"The policy declares no purpose '{ErrorText.Id(id)}'.")
            : new MamoriException(ErrorCode.UnknownPurpose,
                $"Purpose '{ErrorText.Id(id)}' is not company-wide: service {string.Join(", ", declaring.Select(d => $"'{d}'"))} declares it; give the person's service.")
            { Reason = "service-missing", ReasonArgs = declaring };
    }

    private static DataCategory CheckCategory(IPolicyScope scope, List<Purpose> purposes, string? acquisition, string categoryId, string value, List<string> consents)
    {
        var category = CheckCollected(scope, purposes, acquisition, categoryId);
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxValueLength)
            throw new MamoriException(ErrorCode.InvalidFieldValue, $"Field '{ErrorText.Id(categoryId)}' is empty or longer than {MaxValueLength} characters.");
        // Line breaks and tabs belong to addresses and notes; any other control character (NUL above all, which the HTTP
        // door refuses but a CSV import carried in) is corruption that would reach answers, PDFs and mails.
        if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            throw new MamoriException(ErrorCode.InvalidFieldValue, $"Field '{ErrorText.Id(categoryId)}' contains a control character.");
        if (category.SpecialCare && !consents.Contains(ConsentScopes.SpecialCare))
            throw new MamoriException(ErrorCode.SpecialCareWithoutConsent,
                $"Category '{categoryId}' is special-care information: record the person's prior consent (consents: [\"special-care\"]) (Art.20(2)).");
        if (category.MyNumber && !purposes.Any(p => p.Kind != PurposeKind.General && p.Categories.Contains(categoryId)))
            throw new MamoriException(ErrorCode.MyNumberPurposeRequired,
                $"Category '{categoryId}' is My Number: it may be collected only for tax, social-security or disaster purposes (My Number Act Art.9, 20).");
        return category;
    }

    /// <summary>How long one field is kept: until when, under which hold, and the events it still waits for.</summary>
    internal sealed record FieldRetention(DateTimeOffset? Retain, DateTimeOffset? Held, string? Basis, string? Awaiting)
    {
        public void ApplyTo(SubjectField f)
        {
            (f.RetainUntil, f.HeldUntil, f.HoldBasis, f.AwaitingEvents) = (Retain, Held, Basis, Awaiting);
        }
    }

    /// <summary>
    /// The category may be collected for the purposes shown (Art.17, 21), and by this method: at least one of the purposes
    /// that use it lists the method among its <c>acquisitionMethods</c> (or lists none), as the published notice says (S-10).
    /// </summary>
    internal static DataCategory CheckCollected(IPolicyScope scope, List<Purpose> purposes, string? acquisition, string categoryId)
    {
        var category = scope.DataCategories.FirstOrDefault(c => c.Id == categoryId)
                       ?? throw new MamoriException(ErrorCode.UnknownCategory, $"The policy declares no data category '{ErrorText.Id(categoryId)}'.");
        var users = purposes.Where(p => p.Categories.Contains(categoryId)).ToList();
        if (users.Count == 0)
            throw new MamoriException(ErrorCode.UnknownCategory, $"Category '{ErrorText.Id(categoryId)}' is used by none of the purposes shown, so it may not be collected (Art.17, 21).");
        if (acquisition is not null && !users.Any(p => p.AcquisitionMethods.Count == 0 || p.AcquisitionMethods.Contains(acquisition, StringComparer.Ordinal)))
            throw new MamoriException(ErrorCode.AcquisitionNotForPurpose,
                $"Category '{categoryId}' is acquired for {string.Join(", ", users.Select(p => $"'{p.Id}'"))} by "
                + $"{string.Join(", ", users.SelectMany(p => p.AcquisitionMethods).Distinct(StringComparer.Ordinal).Select(m => $"'{m}'"))} only, "
                + $"not by '{ErrorText.Id(acquisition)}', as the policy declares.");
        // S-14: a number used for SMS verification comes from the person's own input, never from a log or another source,
        // whatever else the purposes using it acquire automatically (the demo's verification purpose also keeps a log).
        if (category.SmsPhone && acquisition is not null && scope.AcquisitionMethods.FirstOrDefault(m => m.Id == acquisition) is not { Direct: true })
            throw new MamoriException(ErrorCode.AcquisitionNotForPurpose,
                $"Category '{categoryId}' is a phone number for SMS verification: it is acquired only from the person (an acquisition method with direct: true), "
                + $"not by '{ErrorText.Id(acquisition)}'.") { Reason = "sms-phone-direct" };
        return category;
    }

    /// <summary>
    /// A field is kept while any purpose shown at acquisition that uses it is within its retention, and
    /// at least as long as a legal hold requires (L-07: statutory holds win). A purpose counts from acquisition
    /// (<paramref name="acquiredAt"/>) or from an event recorded for the person (<paramref name="events"/>, the day in Japan;
    /// its period, and its hold, end with that day in Japan); while the event is not recorded the end is unknown and the field
    /// is kept (<see cref="FieldRetention.Retain"/> null, and <see cref="FieldRetention.Held"/> null with a basis for its hold).
    /// </summary>
    internal static FieldRetention Retention(IReadOnlyList<Purpose> purposes, string categoryId, DateTimeOffset acquiredAt,
        IReadOnlyDictionary<string, DateOnly>? events = null)
    {
        var acquired = DateOnly.FromDateTime(acquiredAt.UtcDateTime);
        DateTimeOffset AfterAcquisition(IsoPeriod period) => At(period.AddTo(acquired), acquiredAt.UtcDateTime.TimeOfDay);
        // An event's day is a day in Japan: the period runs to the end of its last day there (23:59:59, so that day is the one shown).
        static DateTimeOffset AfterEvent(IsoPeriod period, DateOnly day) =>
            new DateTimeOffset(period.AddTo(day).ToDateTime(new TimeOnly(23, 59, 59)), PolicyStore.Jst.BaseUtcOffset).ToUniversalTime();
        static DateTimeOffset At(DateOnly d, TimeSpan time) => new(d.ToDateTime(TimeOnly.FromTimeSpan(time)), TimeSpan.Zero);
        static string Law(LegalHold hold) => hold.Law.Ja.Length <= 200 ? hold.Law.Ja : hold.Law.Ja[..200];

        var retain = At(acquired, acquiredAt.UtcDateTime.TimeOfDay);
        DateTimeOffset? held = null;
        string? basis = null, pendingBasis = null;
        var awaiting = new List<string>();
        foreach (var p in purposes.Where(p => p.Categories.Contains(categoryId)))
        {
            if (p.Retention is not { } r) continue;
            DateOnly? day = null;
            if (r.Event is { } ev)
            {
                if (events is null || !events.TryGetValue(ev, out var d))
                {
                    if (!awaiting.Contains(ev)) awaiting.Add(ev);
                    if (r.LegalHold is { } pending) pendingBasis ??= Law(pending);
                    continue;
                }
                day = d;
            }
            var end = day is { } e ? AfterEvent(r.Period, e) : AfterAcquisition(r.Period);
            if (end > retain) retain = end;
            if (r.LegalHold is { } hold)
            {
                var h = day is { } e2 ? AfterEvent(hold.Period, e2) : AfterAcquisition(hold.Period);
                if (held is null || h > held) { held = h; basis = Law(hold); }
            }
        }
        if (held > retain) retain = held.Value;
        // A hold whose start is unknown outlasts every known one.
        if (pendingBasis is not null) (held, basis) = (null, pendingBasis);
        return awaiting.Count > 0
            ? new FieldRetention(null, held, basis, string.Join(',', awaiting))
            : new FieldRetention(retain, held, basis, null);
    }

    public async Task<ReadResult> ReadAsync(DecisionRequest request, Actor actor, CancellationToken ct = default)
    {
        var (decision, subject, scope, fields) = await decisions.DecideWithFieldsAsync(request, actor, ct);
        if (!decision.Allowed)
            throw decision.Reason == DecisionReasons.SubjectDataLost && await LostAsync(request.SubjectId, ct) is { } lost ? lost : Denied(decision);
        var categories = scope.DataCategories.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var dataKey = VaultCrypto.Unwrap(keys.Current, subject!.TenantId, subject.Id, subject.WrappedKey!);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var masked = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var f in decision.Fields)
        {
            var row = fields.FirstOrDefault(x => x.Category == f.Category);
            if (row is null) continue;
            var plain = VaultCrypto.DecryptField(dataKey, subject.TenantId, subject.Id, f.Category, row.Ciphertext);
            values[f.Category] = f.Unmasked ? plain : Masking.Mask(categories[f.Category], plain);
            masked[f.Category] = !f.Unmasked;
        }
        CryptographicOperations.ZeroMemory(dataKey);
        return new ReadResult(decision, values, masked);
    }

    public const int MaxBatchRead = 1000;

    /// <summary>One subject's outcome in a batch read: its values when allowed, the denial reason otherwise.</summary>
    public sealed record BatchReadItem(Guid SubjectId, Decision Decision, IReadOnlyDictionary<string, string> Values, IReadOnlyDictionary<string, bool> Masked);

    /// <summary>
    /// Reads many subjects for one purpose: the same decision rules as a single read, one audit event
    /// per subject, all appended in one transaction before any value is returned; the facts and the
    /// ciphertexts are read in a few queries instead of a few per subject. A denied subject is
    /// reported with its reason instead of failing the batch.
    /// </summary>
    public async Task<IReadOnlyList<BatchReadItem>> ReadManyAsync(IReadOnlyList<DecisionRequest> requests, Actor actor, CancellationToken ct = default)
    {
        if (requests.Count > MaxBatchRead)
            throw MamoriException.Invalid($"A batch read takes at most {MaxBatchRead} subjects.");
        var current = await policies.RequireCurrentAsync(ct);
        var (verdicts, entries, facts) = await decisions.DecideManyAsync(requests, actor, withCiphertext: true, ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await audit.AppendManyAsync(db, entries, ct);
            await tx.CommitAsync(ct);
        }

        var ring = keys.Current;
        var categoriesByScope = new Dictionary<string, Dictionary<string, DataCategory>>(StringComparer.Ordinal);
        var results = new BatchReadItem[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var d = verdicts[i];
            var values = new Dictionary<string, string>(d.Fields.Count, StringComparer.Ordinal);
            var masked = new Dictionary<string, bool>(d.Fields.Count, StringComparer.Ordinal);
            if (d.Allowed && d.Fields.Count > 0 && facts.Subjects.TryGetValue(requests[i].SubjectId, out var subject) && subject.WrappedKey is not null
                && facts.Fields.TryGetValue(subject.Id, out var own))
            {
                var service = subject.ServiceId ?? "";
                if (!categoriesByScope.TryGetValue(service, out var categories))
                    categoriesByScope[service] = categories = PolicyScopes.For(current.Model, subject.ServiceId).DataCategories.ToDictionary(c => c.Id, StringComparer.Ordinal);
                var dataKey = VaultCrypto.Unwrap(ring, subject.TenantId, subject.Id, subject.WrappedKey);
                using (var fieldKey = VaultCrypto.FieldKey(dataKey, subject.TenantId, subject.Id))
                {
                    foreach (var f in d.Fields)
                    {
                        var cipher = own.Find(x => x.Category == f.Category).Ciphertext;
                        if (cipher is null) continue;
                        var plain = fieldKey.Decrypt(f.Category, cipher);
                        values[f.Category] = f.Unmasked ? plain : Masking.Mask(categories[f.Category], plain);
                        masked[f.Category] = !f.Unmasked;
                    }
                }
                CryptographicOperations.ZeroMemory(dataKey);
            }
            results[i] = new BatchReadItem(requests[i].SubjectId, d, values, masked);
        }
        return results;
    }

    public static MamoriException Denied(Decision d) => d.Reason switch
    {
        DecisionReasons.SubjectNotFound => new MamoriException(ErrorCode.SubjectNotFound, "There is no such subject.", 404),
        DecisionReasons.SubjectErased => new MamoriException(ErrorCode.SubjectErased, "The subject's data was erased.", 410),
        DecisionReasons.SubjectDataLost => new MamoriException(ErrorCode.SubjectDataLost,
            "This subject's data can no longer be read: the key that protected it was lost and forgotten ('mamori keys forget').", 410),
        _ => new MamoriException(ErrorCode.AccessDenied, $"Access denied: {d.Reason}" + d.DeniedCategory switch
        {
            null => ".",
            var c => $" (category '{ErrorText.Id(c)}').", // caller text, maybe personal data: quoted only when id-shaped
        }, 403) { Reason = d.Reason },
    };

    /// <summary>
    /// Exact lookup by a blind index; returns the subjects the caller may use for the purpose. A purpose the policy does not
    /// declare is refused (403, purpose-undeclared) as a read is, instead of answering that nobody matches.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> LookupAsync(LookupKind kind, string value, string purpose, IReadOnlyList<string> roles, Actor actor, CancellationToken ct = default)
    {
        await decisions.RequireDeclaredPurposeAsync(purpose, actor, ct);
        var hash = BlindIndex.Compute(keys.Current.BlindIndexKey, db.CurrentTenantId, kind, BlindIndex.Normalize(kind, value));
        var matches = await db.Set<SubjectLookup>().AsNoTracking().Where(l => l.Kind == kind && l.Hash == hash)
            .OrderBy(l => l.SubjectId).Select(l => new { l.SubjectId, l.Category }).Take(100).ToListAsync(ct);
        var allowed = new List<Guid>();
        foreach (var m in matches)
        {
            var (d, _, _) = await decisions.DecideAsync(new DecisionRequest(m.SubjectId, purpose, [m.Category], roles), actor, ct);
            if (d.Allowed) allowed.Add(m.SubjectId);
        }
        return allowed.Distinct().ToList();
    }

    /// <summary>Correction (訂正): replaces the given fields, re-indexes them; the reason is a short code.</summary>
    public async Task CorrectAsync(Guid id, IReadOnlyDictionary<string, string> fields, string reason, Actor actor, CancellationToken ct = default)
    {
        if (!ReasonPattern().IsMatch(reason))
            throw new MamoriException(ErrorCode.InvalidReason, "A reason is a short code: lower-case letters, digits and hyphens (e.g. data-subject-request).");
        if (fields.Count == 0) throw new MamoriException(ErrorCode.InvalidFieldValue, "Name at least one field to correct.");
        var current = await policies.RequireCurrentAsync(ct);
        var subject = await LiveSubjectAsync(id, ct);
        var scope = PolicyScopes.For(current.Model, subject.ServiceId);
        var purposes = PolicyScopes.Shown(scope, subject.PurposesShown);
        var ring = keys.Current;
        var dataKey = VaultCrypto.Unwrap(ring, subject.TenantId, subject.Id, subject.WrappedKey!);
        var now = clock.GetUtcNow();
        var consentsHeld = await new ConsentLedger(db).HoldsAsync(subject.Id, ConsentScopes.SpecialCare, now, ct) ? new List<string> { ConsentScopes.SpecialCare } : [];
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var today = JapanTime.DayOf(now, PolicyStore.Jst);
        var corrections = WithSealedBirthDate(subject, fields, scope, purposes, dataKey, today);
        foreach (var (categoryId, raw) in corrections)
        {
            var category = CheckCategory(scope, purposes, null, categoryId, raw, consentsHeld); // a correction acquires nothing new
            var value = category.BirthDate ? BirthDates.Stored(categoryId, raw, today)
                : BlindIndex.KindOf(category) is null ? raw : BlindIndex.Stored(raw);
            var row = await db.Set<SubjectField>().FirstOrDefaultAsync(f => f.SubjectId == id && f.Category == categoryId, ct);
            var ciphertext = VaultCrypto.EncryptField(dataKey, subject.TenantId, subject.Id, categoryId, value);
            if (row is null)
            {
                var events = await RetentionEvents.RecordedAsync(db, id, ct);
                var added = new SubjectField { TenantId = subject.TenantId, SubjectId = id, Category = categoryId, Ciphertext = ciphertext, UpdatedAt = now };
                Retention(purposes, categoryId, subject.CreatedAt, events).ApplyTo(added);
                db.Add(added);
                if (added.RetainUntil is { } retain && (subject.NextExpiry is null || retain < subject.NextExpiry)) subject.NextExpiry = retain;
            }
            else
            {
                row.Ciphertext = ciphertext;
                row.UpdatedAt = now;
            }
            if (BlindIndex.KindOf(category) is { } kind)
            {
                var hash = BlindIndex.Compute(ring.BlindIndexKey, subject.TenantId, kind, BlindIndex.Normalize(kind, value));
                var lookup = await db.Set<SubjectLookup>().FirstOrDefaultAsync(l => l.SubjectId == id && l.Category == categoryId, ct);
                if (lookup is null) db.Add(new SubjectLookup { TenantId = subject.TenantId, SubjectId = id, Kind = kind, Category = categoryId, Hash = hash });
                else lookup.Hash = hash;
            }
        }
        // A date of birth now held in its category is the one disclosed and checked: the copy an earlier version kept goes.
        if (subject.SealedBirthDate is not null && corrections.Keys.Any(c => scope.DataCategories.Any(d => d.Id == c && d.BirthDate))) subject.SealedBirthDate = null;
        subject.UpdatedAt = now;
        CryptographicOperations.ZeroMemory(dataKey);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.SubjectCorrected, actor, SubjectId: id.ToString(), ReasonCode: reason, Categories: string.Join(',', fields.Keys)), ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The corrections with <see cref="BirthDates.ApiField"/> resolved: the date of birth an earlier version kept beside the subject
    /// (<see cref="DataSubject.SealedBirthDate"/>) moves into the category flagged <c>birthDate</c> when the policy now has one a
    /// purpose shown uses (and the sealed copy goes, see the caller), else it is corrected where it is. Without either, MAMORI-3021.
    /// </summary>
    private static IReadOnlyDictionary<string, string> WithSealedBirthDate(DataSubject subject, IReadOnlyDictionary<string, string> fields,
        IPolicyScope scope, List<Purpose> purposes, byte[] dataKey, DateOnly today)
    {
        if (!fields.TryGetValue(BirthDates.ApiField, out var raw)) return fields;
        var born = BirthDates.Stored(BirthDates.ApiField, raw, today);
        var rest = fields.Where(f => f.Key != BirthDates.ApiField).ToDictionary(StringComparer.Ordinal);
        if (BirthDates.Categories(scope).FirstOrDefault(c => purposes.Any(p => p.Categories.Contains(c))) is { } target)
        {
            if (rest.TryGetValue(target, out var given) && BirthDates.Stored(target, given, today) != born)
                throw new MamoriException(ErrorCode.BirthDateConflict,
                    $"birthDate and field '{target}' give different dates of birth: send the date once.") { Reason = "birth-date-conflict", ReasonArgs = [target] };
            rest[target] = born;
            return rest;
        }
        if (subject.SealedBirthDate is null)
            throw new MamoriException(ErrorCode.BirthDateCategoryMissing,
                "The subject holds no date of birth kept beside its fields, and its policy has no data category flagged 'birthDate: true' that a purpose "
                + "shown uses: correct the date in such a category.") { Reason = "birth-date-category" };
        subject.SealedBirthDate = VaultCrypto.EncryptField(dataKey, subject.TenantId, subject.Id, BirthDates.SealedField, born);
        return rest;
    }

    /// <summary>
    /// The date of birth an earlier version kept beside the subject (<see cref="DataSubject.SealedBirthDate"/>) as YYYY-MM-DD, or
    /// null when it holds none. Only for a disclosure, after the read through its access decision was allowed and recorded.
    /// </summary>
    internal string? SealedBirthDate(DataSubject subject)
    {
        if (subject.SealedBirthDate is null || subject.WrappedKey is null) return null;
        var dataKey = VaultCrypto.Unwrap(keys.Current, subject.TenantId, subject.Id, subject.WrappedKey);
        try
        {
            return VaultCrypto.DecryptField(dataKey, subject.TenantId, subject.Id, BirthDates.SealedField, subject.SealedBirthDate);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private async Task<DataSubject> LiveSubjectAsync(Guid id, CancellationToken ct)
    {
        var subject = await db.Set<DataSubject>().FirstOrDefaultAsync(s => s.Id == id, ct)
                      ?? throw new MamoriException(ErrorCode.SubjectNotFound, "There is no such subject.", 404);
        if (subject.WrappedKey is null) throw await LostAsync(id, ct) ?? new MamoriException(ErrorCode.SubjectErased, "The subject's data was erased.", 410);
        return subject;
    }

    /// <summary>
    /// The problem for a person whose data was lost with a forgotten key (MAMORI-3024), told apart from an erasure: nobody asked
    /// for it, so it is an incident to assess. Null when the subject's data was not lost that way.
    /// </summary>
    private async Task<MamoriException?> LostAsync(Guid id, CancellationToken ct)
    {
        if (await VaultMaintenance.LostAsync(db, id, ct) is not { } c) return null;
        var day = JapanTime.DayOf(c.DestroyedAt, PolicyStore.Jst).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return new MamoriException(ErrorCode.SubjectDataLost,
            $"This subject's data can no longer be read: the key '{c.DestroyedKeyId}' that protected it was lost and forgotten on "
            + $"{day} (JST). Assess the loss as an incident: mamori incident assess.", 410)
        {
            Reason = VaultMaintenance.KeyLostReason,
            ReasonArgs = [c.DestroyedKeyId ?? "", day],
        };
    }

    /// <summary>
    /// Erasure (消去) by crypto-shredding: the data key is destroyed, so every copy of the ciphertext —
    /// WAL, backups, replicas — is unreadable. Categories under a legal hold are kept, re-encrypted under
    /// a fresh key, and the certificate says which and why (W-12).
    /// </summary>
    public async Task<DestructionCertificate> EraseAsync(Guid id, string reason, Actor actor, CancellationToken ct = default)
    {
        if (!ReasonPattern().IsMatch(reason))
            throw new MamoriException(ErrorCode.InvalidReason, "A reason is a short code: lower-case letters, digits and hyphens (e.g. data-subject-request).");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var subject = await LiveSubjectAsync(id, ct);
        var now = clock.GetUtcNow();
        var fields = await db.Set<SubjectField>().Where(f => f.SubjectId == id).ToListAsync(ct);
        var keep = fields.Where(f => f.IsHeld(now)).ToList();
        var destroy = fields.Except(keep).ToList();
        // Erasing again with nothing left to destroy (all kept by a legal hold) is the same erasure: its certificate, not a
        // new certificate and audit event each time.
        if (destroy.Count == 0 && (await db.Set<DestructionCertificate>().AsNoTracking().Where(c => c.SubjectId == id && c.Kind == DestructionKind.Erasure).ToListAsync(ct))
                .MaxBy(c => c.DestroyedAt) is { } earlier)
            return earlier;
        var certificate = await DestroyAsync(subject, destroy, keep, DestructionKind.Erasure, reason, actor, now, heldOnly: true, ct);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.SubjectErased, actor, SubjectId: id.ToString(), TargetId: certificate.Id.ToString(),
            ReasonCode: reason, Categories: certificate.Destroyed), ct);
        await tx.CommitAsync(ct);
        RecordErased([certificate]);
        return certificate;
    }

    /// <summary>
    /// After the commit: lists the destroyed data keys in the erasure ledger outside the database, so a
    /// restored older backup cannot bring them back. A crash before this line is repaired by
    /// <see cref="VaultMaintenance.ReapplyErasuresAsync"/>, which rebuilds the ledger from the certificates.
    /// </summary>
    internal void RecordErased(IEnumerable<DestructionCertificate> certificates)
    {
        try
        {
            keys.Ledger.Append(certificates.Where(c => c.DestroyedKeyId?.StartsWith(ErasureLedger.FingerprintPrefix, StringComparison.Ordinal) == true)
                .Select(c => ErasureLedger.EntryOf(c, c.TenantId == Guid.Empty ? db.CurrentTenantId : c.TenantId)));
        }
        catch (IOException)
        {
            // The erasure is committed; the ledger line is rebuilt from its certificate by the next
            // ReapplyErasuresAsync (server start, background job, restore). Failing the request would not undo it.
        }
    }

    /// <summary>Destroys <paramref name="destroy"/>; re-keys what is kept so the old key can go. Caller owns the transaction.</summary>
    /// <param name="heldOnly">
    /// An erasure: what is kept stays only because a law holds it. The subject is marked <see cref="DataSubject.ErasedWithHoldAt"/>
    /// (its use is then that law's only) and a kept field's retention ends with its hold, so the sweep destroys it then and
    /// not when the purposes the person asked to end would have let it go.
    /// </param>
    internal async Task<DestructionCertificate> DestroyAsync(DataSubject subject, IReadOnlyList<SubjectField> destroy, IReadOnlyList<SubjectField> keep,
        DestructionKind kind, string reason, Actor actor, DateTimeOffset now, bool heldOnly, CancellationToken ct)
    {
        var oldWrapped = subject.WrappedKey!;
        var ring = keys.Current;
        var oldKey = VaultCrypto.UnwrapIgnoringLedger(ring, subject.TenantId, subject.Id, oldWrapped);
        var destroyedKeyId = ErasureLedger.Fingerprint(oldKey);
        var destroyed = destroy.Select(f => f.Category).ToHashSet(StringComparer.Ordinal);
        // The date of birth an earlier version kept beside the subject goes with an erasure: what a legal hold keeps serves only
        // the law, and no consent is asked of an erased person. Otherwise it is re-encrypted below with the kept fields.
        if (keep.Count == 0 || heldOnly) subject.SealedBirthDate = null;
        db.RemoveRange(destroy);
        var lookups = await db.Set<SubjectLookup>().Where(l => l.SubjectId == subject.Id).ToListAsync(ct);
        db.RemoveRange(lookups.Where(l => destroyed.Contains(l.Category)));
        if (keep.Count == 0)
        {
            subject.WrappedKey = null;
            subject.KeyId = null;
            subject.ErasedAt = now;
            subject.NextExpiry = null;
        }
        else
        {
            var newKey = VaultCrypto.NewDataKey();
            foreach (var f in keep)
            {
                var plain = VaultCrypto.DecryptField(oldKey, subject.TenantId, subject.Id, f.Category, f.Ciphertext);
                f.Ciphertext = VaultCrypto.EncryptField(newKey, subject.TenantId, subject.Id, f.Category, plain);
            }
            if (subject.SealedBirthDate is { } sealedDate)
                subject.SealedBirthDate = VaultCrypto.EncryptField(newKey, subject.TenantId, subject.Id, BirthDates.SealedField,
                    VaultCrypto.DecryptField(oldKey, subject.TenantId, subject.Id, BirthDates.SealedField, sealedDate));
            subject.WrappedKey = VaultCrypto.Wrap(ring, subject.TenantId, subject.Id, newKey);
            subject.KeyId = ring.Primary.Id;
            if (heldOnly)
            {
                subject.ErasedWithHoldAt ??= now;
                foreach (var f in keep)
                {
                    // Only the hold keeps it now: it goes when the hold ends, and waits with the hold for its start event.
                    if (f.HeldUntil is { } until) { if (until < f.RetainUntil) f.RetainUntil = until; }
                    else if (f.HoldBasis is not null) f.RetainUntil = null;
                }
            }
            subject.NextExpiry = keep.Min(f => f.RetainUntil);
            CryptographicOperations.ZeroMemory(newKey);
        }
        CryptographicOperations.ZeroMemory(oldKey);
        subject.UpdatedAt = now;
        // What is kept and until when: a legal hold still running, or else the field's own retention (a sweep keeps what has not expired yet).
        // A field waiting for the event its period counts from says which event, and the hold that keeps it if there is one.
        var kept = keep.Select(f => f.IsHeld(now)
            ? new HeldCategory(f.Category, f.HeldUntil?.ToUniversalTime(), f.HoldBasis) { Awaiting = f.HeldUntil is null ? f.AwaitingEvents : null }
            : new HeldCategory(f.Category, f.RetainUntil?.ToUniversalTime(), null) { Awaiting = f.AwaitingEvents }).ToList();
        var certificate = new DestructionCertificate
        {
            Id = Guid.CreateVersion7(now),
            TenantId = subject.TenantId,
            SubjectId = subject.Id,
            Kind = kind,
            DestroyedAt = now,
            Actor = actor.ToString(),
            Reason = reason,
            Destroyed = string.Join(',', destroyed.Order(StringComparer.Ordinal)),
            Kept = kept.Count == 0 ? null : HeldCategories.Recorded(kept),
            KeptItems = kept.Count == 0 ? null : HeldCategories.Serialize(kept),
            // One-way fingerprint of the destroyed data key: the erasure ledger's entry, rebuilt from here after a crash.
            DestroyedKeyId = destroyedKeyId,
        };
        db.Add(certificate);
        return certificate;
    }

    public Task<List<DestructionCertificate>> CertificatesAsync(Guid subjectId, CancellationToken ct = default) =>
        db.Set<DestructionCertificate>().AsNoTracking().Where(c => c.SubjectId == subjectId).OrderBy(c => c.DestroyedAt).ToListAsync(ct);
}
