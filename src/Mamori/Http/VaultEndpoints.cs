using Mamori.Access;
using Mamori.Auth;
using Mamori.Consent;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Staff;
using Mamori.Vault;

namespace Mamori.Http;

/// <summary>Subjects and their data, and access decisions for integrators.</summary>
public static class VaultEndpoints
{
    public sealed record CreateSubjectBody(
        string Type, string Acquisition, IReadOnlyList<string> PurposesShown, IReadOnlyDictionary<string, string> Fields,
        string? Service = null, IReadOnlyList<string>? Consents = null, ConsentMethod ConsentMethod = ConsentMethod.WebForm,
        string? EvidenceRef = null, bool GuardianConsent = false, DateOnly? BirthDate = null, ConsentEndpoints.ForeignShownBody? ForeignInfoShown = null);

    /// <summary>A subject created: the categories stored, and the receipt of the consents given with it (null without any).</summary>
    public sealed record SubjectCreated(Guid Id, string Type, string? Service, int PolicyVersion, IReadOnlyList<string> Categories,
        Guid? ReceiptId = null, ConsentEndpoints.ReceiptLinks? ReceiptLinks = null);

    public sealed record SubjectRead(Guid Id, string Purpose, string Reason, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, bool> Masked);

    public sealed record ReadBody(string Purpose, IReadOnlyList<string>? Fields = null, bool Unmasked = false, LegalException? Exception = null, string? Justification = null);

    public sealed record ReadManyBody(string Purpose, IReadOnlyList<Guid> SubjectIds, IReadOnlyList<string>? Fields = null, bool Unmasked = false);

    public sealed record ReadManyItem(Guid Id, bool Allowed, string Reason, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, bool> Masked);

    public sealed record ReadManyResult(string Purpose, IReadOnlyList<ReadManyItem> Subjects);

    public sealed record LookupBody(string Purpose, string? Email = null, string? Phone = null, string? MyNumber = null);

    public sealed record LookupResult(IReadOnlyList<Guid> Subjects);

    public sealed record CorrectBody(IReadOnlyDictionary<string, string> Fields, string Reason);

    public sealed record DecisionBody(Guid SubjectId, string Purpose, IReadOnlyList<string>? Fields = null, IReadOnlyList<string>? Roles = null,
        bool Unmasked = false, LegalException? Exception = null, string? Justification = null);

    public sealed record DecisionResult(bool Allowed, string Reason, IReadOnlyList<FieldDecision> Fields, string? DeniedCategory);

    /// <summary>
    /// A destruction certificate. <c>kept</c> is the recorded string ("email until 2033-12-06 (…)", the UTC day), unchanged;
    /// <c>keptItems</c> the same as data (category, end of the hold as a UTC instant, law; null on certificates recorded before
    /// it existed); <c>keptText</c> the sentence the person reads, in Japanese (it prevails) and English: category names from the
    /// policy in force, the day in Japan time.
    /// </summary>
    public sealed record CertificateResponse(Guid Id, Guid SubjectId, string Kind, DateTimeOffset DestroyedAt, string Actor, string Reason,
        IReadOnlyList<string> Destroyed, string? Kept, string? DestroyedKeyFingerprint, IReadOnlyList<KeptItem>? KeptItems = null, LocalizedText? KeptText = null);

    /// <summary>
    /// A category kept under a legal hold (or, on a retention certificate, still within its own retention: no law). <c>keepUntil</c> is
    /// null while the retention waits for an event not yet recorded for the person; <c>awaiting</c> names those events.
    /// </summary>
    public sealed record KeptItem(string Category, DateTimeOffset? KeepUntil, string? Law, IReadOnlyList<string>? Awaiting = null);

    public sealed record RetentionEventBody(string Event, string Date, string? Reason = null, bool ConfirmExpired = false);

    /// <summary>An event the person's retention counts from: <c>occurredOn</c> null while it is awaited (the data is kept).</summary>
    public sealed record RetentionEventResponse(string Event, LocalizedText Name, IReadOnlyList<string> Purposes, DateOnly? OccurredOn,
        DateTimeOffset? RecordedAt, string? RecordedBy, string? CorrectionReason);

    private static RetentionEventResponse ToResponse(RetentionEventView v) =>
        new(v.Event, v.Name, v.Purposes, v.OccurredOn, v.RecordedAt, v.RecordedBy, v.CorrectionReason);

    /// <summary>A day as <c>yyyy-MM-dd</c>; anything else is MAMORI-3018, never a 500.</summary>
    internal static DateOnly EventDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)
            ? d
            : throw new MamoriException(ErrorCode.RetentionEventDate, "Give the event's day as yyyy-MM-dd.") { Reason = "format" };

    internal static CertificateResponse ToResponse(DestructionCertificate c, PolicyModel? model) => new(c.Id, c.SubjectId, c.Kind.ToString().ToLowerInvariant(),
        c.DestroyedAt, c.Actor, c.Reason, c.Destroyed.Split(',', StringSplitOptions.RemoveEmptyEntries), c.Kept, c.DestroyedKeyId,
        HeldCategories.Of(c)?.Select(i => new KeptItem(i.Category, i.KeepUntil, i.Law, i.Awaiting?.Split(','))).ToList(),
        HeldCategories.Text(c, model, NoticeLanguage.Ja) is { } ja ? new LocalizedText(ja, HeldCategories.Text(c, model, NoticeLanguage.En)) : null);

    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string IdempotentReplayedHeader = "Idempotent-Replayed";

    public static RouteGroupBuilder MapVault(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/subjects").WithTags("Subjects");

        g.MapPost("/", async (CreateSubjectBody b, HttpContext http, Subjects subjects) =>
        {
            var key = http.Request.Headers.TryGetValue(IdempotencyKeyHeader, out var keys) ? keys.ToString() : null;
            var a = await subjects.AcquireAsync(new CreateSubjectRequest(b.Type, b.Acquisition, b.PurposesShown, b.Fields, b.Service, b.Consents,
                b.ConsentMethod, b.EvidenceRef, b.GuardianConsent, b.BirthDate,
                b.ForeignInfoShown is { } f ? new ForeignItemsShown(f.Country, f.System, f.Measures) : null), http.Actor(), key, http.RequestAborted);
            if (a.Replayed) http.Response.Headers[IdempotentReplayedHeader] = "true";
            var s = a.Subject;
            return TypedResults.Created($"/api/subjects/{s.Id}", new SubjectCreated(s.Id, s.SubjectType, s.ServiceId, s.PolicyVersion, a.Categories,
                a.ReceiptId, a.ReceiptId is { } r ? ConsentEndpoints.Links(r) : null));
        }).RequirePermission(Permission.WriteSubjects)
          .WithSummary("Create a data subject with encrypted fields, the acquisition method and the purposes shown; send an Idempotency-Key header to retry safely.")
          .WithDescription("With `Idempotency-Key: <1-200 visible ASCII characters>` a retry by the same caller "
              + "within 24 hours answers the subject the first request made (header `Idempotent-Replayed: true`) instead of creating the person twice; "
              + "the same key with another body is 422 MAMORI-1391.");

        g.MapGet("/{id:guid}", async (Guid id, string purpose, string? fields, bool? unmasked, HttpContext http, Subjects subjects) =>
        {
            var c = http.Caller();
            var wanted = string.IsNullOrEmpty(fields) ? null : fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var r = await subjects.ReadAsync(new DecisionRequest(id, purpose, wanted, c.Roles, unmasked ?? false), c.Actor, http.RequestAborted);
            return TypedResults.Ok(new SubjectRead(id, purpose, r.Decision.Reason, r.Values, r.Masked));
        }).RequirePermission(Permission.ReadSubjects).WithSummary("Read a subject's fields for a declared purpose (masked unless your role may unmask).");

        g.MapPost("/{id:guid}/read", async (Guid id, ReadBody b, HttpContext http, Subjects subjects) =>
        {
            var c = http.Caller();
            var r = await subjects.ReadAsync(new DecisionRequest(id, b.Purpose, b.Fields, c.Roles, b.Unmasked, b.Exception, b.Justification), c.Actor, http.RequestAborted);
            return TypedResults.Ok(new SubjectRead(id, b.Purpose, r.Decision.Reason, r.Values, r.Masked));
        }).RequirePermission(Permission.ReadSubjects).WithSummary("Read with a body: for a legal exception with its written justification (Art.18(3)).");

        g.MapPost("/read-many", async (ReadManyBody b, HttpContext http, Subjects subjects) =>
        {
            if (b.SubjectIds is null || b.SubjectIds.Count == 0) throw MamoriException.Invalid("Give the subjectIds to read.");
            var c = http.Caller();
            var items = await subjects.ReadManyAsync(
                [.. b.SubjectIds.Select(id => new DecisionRequest(id, b.Purpose, b.Fields, c.Roles, b.Unmasked))], c.Actor, http.RequestAborted);
            return TypedResults.Ok(new ReadManyResult(b.Purpose,
                [.. items.Select(i => new ReadManyItem(i.SubjectId, i.Decision.Allowed, i.Decision.Reason, i.Values, i.Masked))]));
        }).RequirePermission(Permission.ReadSubjects)
          .WithSummary($"Read up to {Subjects.MaxBatchRead} subjects for one purpose: one decision and one audit event per subject; denied subjects come back with their reason.");

        g.MapPost("/lookup", async (LookupBody b, HttpContext http, Subjects subjects) =>
        {
            var (kind, value) = (b.Email, b.Phone, b.MyNumber) switch
            {
                ({ } e, null, null) => (LookupKind.Email, e),
                (null, { } p, null) => (LookupKind.Phone, p),
                (null, null, { } m) => (LookupKind.MyNumber, m),
                _ => throw MamoriException.Invalid("Give exactly one of email, phone or myNumber."),
            };
            var c = http.Caller();
            var ids = await subjects.LookupAsync(kind, value, b.Purpose, c.Roles, c.Actor, http.RequestAborted);
            return TypedResults.Ok(new LookupResult(ids));
        }).RequirePermission(Permission.ReadSubjects)
          .WithSummary("Exact lookup by email, phone or My Number through blind indexes. A POST, so the value never appears in a URL or access log.");

        g.MapPatch("/{id:guid}", async (Guid id, CorrectBody b, HttpContext http, Subjects subjects) =>
        {
            await subjects.CorrectAsync(id, b.Fields, b.Reason, http.Actor(), http.RequestAborted);
            return TypedResults.NoContent();
        }).RequirePermission(Permission.WriteSubjects).WithSummary("Correct fields (訂正), with a reason code.");

        g.MapDelete("/{id:guid}", async (Guid id, string? reason, HttpContext http, Subjects subjects, PolicyStore policies) =>
        {
            var certificate = await subjects.EraseAsync(id, reason ?? "erasure", http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(certificate, (await policies.CurrentAsync(http.RequestAborted))?.Model));
        }).RequirePermission(Permission.EraseSubjects).WithSummary("Erase by crypto-shredding; legally held categories are kept and named in the certificate.");

        g.MapGet("/{id:guid}/certificates", async (Guid id, Subjects subjects, PolicyStore policies, CancellationToken ct) =>
        {
            var model = (await policies.CurrentAsync(ct))?.Model;
            return TypedResults.Ok((await subjects.CertificatesAsync(id, ct)).Select(c => ToResponse(c, model)).ToArray());
        })
            // Certificates hold ids and category names only, like the chain's 3002/3004 events: whoever reads the audit log
            // (privacy officer, auditor) reads the proof of what was destroyed, not only whoever may erase.
            .RequirePermission(Permission.ReadAudit).WithSummary("Destruction certificates of a subject (erasure and retention).");

        g.MapGet("/{id:guid}/retention-events", async (Guid id, RetentionEvents events, CancellationToken ct) =>
            TypedResults.Ok((await events.ListAsync(id, ct)).Select(ToResponse).ToArray()))
            .RequirePermission(Permission.ReadSubjects)
            .WithSummary("The events the person's retention counts from (契約終了日, 退職日…): the day recorded, or null while awaited and the data kept.");

        g.MapPost("/{id:guid}/retention-events", async (Guid id, RetentionEventBody b, HttpContext http, RetentionEvents events) =>
            TypedResults.Ok(ToResponse(await events.RecordAsync(id, b.Event ?? "", EventDay(b.Date), b.Reason, http.Actor(), http.RequestAborted, b.ConfirmExpired))))
            .RequirePermission(Permission.WriteSubjects)
            .WithSummary("Record the day an event the retention counts from happened (Japan date), or correct it with a reason code; the retention is recomputed. A day that ends a retention already is 409 MAMORI-3028 unless confirmExpired is true (the next sweep destroys that data).");

        g.MapPost("/{id:guid}/cookie-link", async (Guid id, HttpContext http, CookieLinks links, Microsoft.Extensions.Options.IOptions<Requests.RequestSettings> settings) =>
            TypedResults.Ok(await links.IssueAsync(id, http.Actor(), settings.Value.PublicBaseUrl, http.RequestAborted)))
            .RequirePermission(Permission.WriteSubjects)
            .WithSummary("Issue the person's cookie-settings token (mst1.…, 30 days) for the banner's data-subject-token on the company's site, with the personal settings page's address; audited.");

        api.MapPost("/decisions", async (DecisionBody b, HttpContext http, AccessDecisions decisions) =>
        {
            var c = http.Caller();
            var d = await decisions.DecideOnlyAsync(new DecisionRequest(b.SubjectId, b.Purpose, b.Fields, b.Roles ?? c.Roles, b.Unmasked, b.Exception, b.Justification),
                c.Actor, http.RequestAborted);
            return TypedResults.Ok(new DecisionResult(d.Allowed, d.Reason, d.Fields, d.DeniedCategory));
        }).WithTags("Decisions").RequirePermission(Permission.Decide)
          .WithSummary("Ask whether a use is allowed (purpose, subject, fields, roles); audited, returns no data.");
        return api;
    }
}
