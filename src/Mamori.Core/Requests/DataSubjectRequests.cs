using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Incidents;
using Mamori.Notifications;
using Mamori.Policy;
using Mamori.Staff;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mamori.Requests;

public enum RequestFilter
{
    Open,
    Overdue,
    DueSoon,
    Paused,
    All,
}

/// <summary>
/// The request workflow (開示等の請求, Art.32-40): intake, identity and proxy verification, fees, the
/// deadline clock, execution against the vault and the answer. Every status change is a
/// <see cref="RequestTransition"/> and an audit event in the same transaction.
/// </summary>
public sealed class DataSubjectRequests(
    MamoriDbContext db, AuditLog audit, PolicyStore policies, KeyRingProvider keys, Subjects subjects, DisclosureBuilder builder,
    Outbox outbox, RecipientQuota quota, IOptions<RequestSettings> options, TimeProvider clock, Governance.Organisation.Organisation organisation)
{
    public const int MaxTextLength = 2000;
    public const int MaxDetailsLength = 10_000;
    private const string Base32 = "ABCDEFGHJKMNPQRSTVWXYZ0123456789";

    private static readonly Dictionary<RequestStatus, RequestStatus[]> Allowed = new()
    {
        [RequestStatus.Received] = [RequestStatus.Verifying, RequestStatus.AwaitingDocuments, RequestStatus.AwaitingPayment, RequestStatus.InProgress, RequestStatus.Answered, RequestStatus.Refused, RequestStatus.Withdrawn],
        [RequestStatus.Verifying] = [RequestStatus.AwaitingDocuments, RequestStatus.AwaitingPayment, RequestStatus.InProgress, RequestStatus.Answered, RequestStatus.Refused, RequestStatus.Withdrawn],
        [RequestStatus.AwaitingDocuments] = [RequestStatus.Verifying, RequestStatus.AwaitingPayment, RequestStatus.InProgress, RequestStatus.Answered, RequestStatus.Refused, RequestStatus.Withdrawn],
        [RequestStatus.AwaitingPayment] = [RequestStatus.InProgress, RequestStatus.Refused, RequestStatus.Withdrawn],
        [RequestStatus.InProgress] = [RequestStatus.Answered, RequestStatus.Refused, RequestStatus.Withdrawn],
        [RequestStatus.Answered] = [],
        [RequestStatus.Refused] = [],
        [RequestStatus.Withdrawn] = [],
    };

    /// <summary>The statuses of a request still to be answered.</summary>
    public static readonly RequestStatus[] OpenStatuses =
        [RequestStatus.Received, RequestStatus.Verifying, RequestStatus.AwaitingDocuments, RequestStatus.AwaitingPayment, RequestStatus.InProgress];

    private RequestSettings Settings => options.Value;

    private DateOnly Today => RequestClock.Day(clock.GetUtcNow());

    // ---------------------------------------------------------------- intake

    /// <summary>Validates and stores a new request; returns it with its private status token (shown once).</summary>
    public Task<RequestCreated> SubmitAsync(RequestIntake input, Actor actor, CancellationToken ct = default) => SubmitAsync(input, actor, null, ct);

    /// <summary>
    /// Validates and stores a new request. With <paramref name="idempotencyKey"/>, a request the same caller already opened with that
    /// key in the last <see cref="Idempotency.Window"/> is answered again (<see cref="RequestCreated.Replayed"/>, with the same status
    /// link) and nothing is created or sent: an integration whose connection broke after sending opened the request twice, and the
    /// person got two receipts and two deadlines. The same key with another request is MAMORI-1391.
    /// </summary>
    public async Task<RequestCreated> SubmitAsync(RequestIntake input, Actor actor, string? idempotencyKey, CancellationToken ct = default)
    {
        var call = idempotencyKey is null ? null : Idempotency.Of(db, keys.Current, IdempotencyEndpoint, actor, idempotencyKey, input);
        // Before the matching below, whose lookups are audited: a retry answers without looking anyone up again.
        if (call is not null && await Idempotency.EarlierAsync(db, call, clock.GetUtcNow(), Reused, sweep: false, ct) is { } replayed)
            return await ReplayAsync(replayed, actor, idempotencyKey!, ct);
        var current = await policies.RequireCurrentAsync(ct);
        var kind = RequestKinds.Parse(input.Kind) ?? throw new MamoriException(ErrorCode.RequestUnknownKind,
            $"Unknown request kind; use one of: {string.Join(", ", RequestKinds.All.Select(RequestKinds.Id))}.");
        if (input.Service is not null && current.Model.FindService(input.Service) is null)
            throw new MamoriException(ErrorCode.UnknownService, $"The policy declares no service '{ErrorText.Id(input.Service)}'.");
        var procedures = PolicyScopes.For(current.Model, input.Service).RequestProcedures ?? current.Model.RequestProcedures;
        if (!RequestKinds.Offers(procedures, kind))
            throw new MamoriException(ErrorCode.RequestKindNotOffered, $"The policy in force offers no '{RequestKinds.Id(kind)}' procedure.") { Reason = "kind", ReasonArgs = [RequestKinds.Id(kind)] };
        if (kind != RequestKind.Complaint && procedures is not null)
        {
            if (procedures.NotAccepted.Contains(input.Channel) || (procedures.Channels.Count > 0 && !procedures.Channels.Contains(input.Channel)))
                throw new MamoriException(ErrorCode.RequestChannelNotAccepted,
                    $"The policy does not accept requests by {ErrorText.Enum(input.Channel)}; accepted: {string.Join(", ", procedures.Channels.Select(c => ErrorText.Enum(c)))}.")
                {
                    Reason = "channel", ReasonArgs = [input.Channel.ToString(), .. procedures.Channels.Select(c => c.ToString())],
                };
        }
        // An agent or representative proves the representation with the documents the policy names; with none named, anyone
        // holding a copy of someone's ID could act for them, so the procedure does not take such requests (policy check warns).
        if (kind != RequestKind.Complaint && procedures is not null && input.RequesterRole != RequesterRole.Self && !Represents(procedures, input.RequesterRole))
            throw new MamoriException(ErrorCode.RequestKindNotOffered,
                $"The policy in force names no documents for a request by {ErrorText.Enum(input.RequesterRole)} ({(input.RequesterRole == RequesterRole.Agent ? "proxyDocuments" : "legalRepresentativeDocuments")}).")
            {
                Reason = "requester-role", ReasonArgs = [ErrorText.Enum(input.RequesterRole)],
            };
        var details = Clean(input, kind);
        var now = clock.GetUtcNow();
        var today = RequestClock.Day(now);
        var id = Guid.CreateVersion7(now);
        var ring = keys.Current;
        // The status token is stored only as its hash; under a key it is derived from it, so that a retry answers the same link.
        var token = call is null ? SecretTokens.New() : Idempotency.Secret(db, ring, IdempotencyEndpoint, id, actor, idempotencyKey!);
        var wrapped = RequestSealing.NewWrappedKey(ring, db.CurrentTenantId, id, out var dataKey);
        var r = new DataSubjectRequest
        {
            Id = id,
            TenantId = db.CurrentTenantId,
            Reference = NewReference(),
            Kind = kind,
            Status = RequestStatus.Received,
            Channel = input.Channel,
            RequesterRole = input.RequesterRole,
            Method = RequestKinds.TakesMethod(kind) ? input.Method : DisclosureMethod.Electronic,
            ServiceId = input.Service,
            Language = input.Language == "en" ? "en" : "ja",
            PolicyVersion = current.Version.Number,
            StatusTokenHash = SecretTokens.HashOf(token),
            WrappedKey = wrapped,
            KeyId = ring.Primary.Id,
            SealedDetails = RequestSealing.SealDetails(dataKey, db.CurrentTenantId, id, details),
            ReceivedAt = now,
            ReceivedOn = today,
            DueOn = RequestClock.DueOn(today, Settings.ResponseDays, 0),
            SuitPossibleFrom = RequestClock.SuitPossibleFrom(today),
            Verification = RequestKinds.NeedsIdentity(kind) ? VerificationMethod.None : VerificationMethod.NotRequired,
            UpdatedAt = now,
        };
        RequestSealing.Forget(dataKey);
        var route = await RouteAsync(current.Model, r.ServiceId, details, ct);
        if (route is not null) (r.DepartmentId, r.DepartmentRoute) = (route.DepartmentId, route.Rule);

        // Match through the blind indexes before anything is written: the decisions are audited on their own. Not an online
        // request: anyone may type anyone's e-mail address or phone number into the form, so it is matched only once verified,
        // and until then nothing it does (answer, code, timing) depends on whether the data belongs to a customer.
        var matched = RequestKinds.NeedsIdentity(kind) && !IsOnline(input.Channel) ? await MatchAsync(details, r.ServiceId, actor, ct) : null;
        r.SubjectIds = matched?.Select(g => g.ToString()).ToList() ?? [];
        var statusUrl = await StatusUrlAsync(r, token, ct);
        // The receipt of an online request goes to an address nobody verified yet; past a cap it is not sent (the
        // confirmation page shows the status link all the same).
        var receipt = !IsOnline(r.Channel) || details.Email is null
                      || await quota.TryTakeAsync("request-received", details.Email, input.Client, ct) is null;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (call is not null)
        {
            // The chain head serialises this with a concurrent call with the same key: the second sees the first's record.
            await audit.LockHeadAsync(db, ct);
            if (await Idempotency.EarlierAsync(db, call, now, Reused, sweep: true, ct) is { } earlier)
                return await ReplayAsync(earlier, actor, idempotencyKey!, ct);
            db.Add(Idempotency.Record(db, call, id, null, now));
        }
        db.Add(r);
        var entries = new List<AuditEntry>
        {
            new(AuditCode.RequestReceived, actor, TargetId: id.ToString(), ReasonCode: RequestKinds.Id(kind), Categories: input.Channel.ToString()),
        };
        if (matched is not null)
            entries.Add(new(AuditCode.RequestSubjectsMatched, actor, TargetId: id.ToString(), ReasonCode: "intake", Categories: matched.Count.ToString(CultureInfo.InvariantCulture)));
        // Mamori's rule named the department, not whoever sent the request: the system acts, and the event says by which rule.
        if (route is not null)
            entries.Add(new(AuditCode.RequestAssigned, Actor.System, TargetId: id.ToString(), ReasonCode: route.DepartmentId,
                Categories: route.Rule == DepartmentRoute.Categories ? string.Join(',', route.Items) : null));
        // "No data held" is answered at once (S-44, L-19): nothing in the vault matches the contact data given. Not for an
        // online request (security review F5): an at-once answer on the status link would tell anyone who typed an address
        // or a phone number whether that person is a customer. Those wait for verification; the code goes to the e-mail
        // address typed, and the answer follows once its owner entered it.
        var answeredAtOnce = matched is { Count: 0 } && (details.Email is not null || details.Phone is not null);
        if (receipt) Notify(r, details, "request-received", Subject(current.Model, r, "ご請求を受け付けました", "Request received"),
            Receipt(current.Model, r, procedures, statusUrl, answeredAtOnce));
        if (answeredAtOnce) await AnswerNoDataHeldAsync(r, details, current.Model, actor, entries, ct);
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return new RequestCreated(await ViewAsync(r, ct), token, statusUrl);
    }

    /// <summary>
    /// The receipt, saying only what applies to the request: the clock pauses for documents where its kind checks identity, and
    /// for payment where a fee may be charged for it (<see cref="MayCharge"/>); a request answered at once ("no data held") gets
    /// no due date, only where to read the answer. Before, a complaint and an answered request were told about documents, fees
    /// and a deadline.
    /// </summary>
    private static string Receipt(PolicyModel model, DataSubjectRequest r, RequestProcedures? procedures, string statusUrl, bool answered)
    {
        var (ja, en) = RequestKinds.Name(r.Kind);
        if (answered)
            return Body(model, r, $"""
                {ja}のご請求を受け付けました。受付番号：{r.Reference}
                このご請求には回答済みです（回答は別にお送りするメールのとおりです）。回答は次の非公開リンクからもご確認いただけます（他の方に知らせないでください）：
                {statusUrl}
                """, $"""
                We received your request ({en}). Reference: {r.Reference}
                We have already answered it (see our separate message). You can also read the answer through this private link (do not share it):
                {statusUrl}
                """);
        var documents = RequestKinds.NeedsIdentity(r.Kind);
        var fee = MayCharge(model, r, procedures);
        var (pauseJa, pauseEn) = (documents, fee) switch
        {
            (true, true) => ("（ご本人確認書類の提出待ち・手数料のお支払い待ちの間は期限の計算が止まります）", " (the clock pauses while we wait for your documents or payment)"),
            (true, false) => ("（ご本人確認書類の提出待ちの間は期限の計算が止まります）", " (the clock pauses while we wait for your documents)"),
            (false, true) => ("（手数料のお支払い待ちの間は期限の計算が止まります）", " (the clock pauses while we wait for payment)"),
            _ => ("", ""),
        };
        return Body(model, r, $"""
            {ja}のご請求を受け付けました。受付番号：{r.Reference}
            回答期限の目安：{r.DueOn:yyyy-MM-dd}{pauseJa}
            {(documents ? "状況の確認・書類の提出" : "状況の確認")}はこちらの非公開リンクから行えます（他の方に知らせないでください）：
            {statusUrl}
            """, $"""
            We received your request ({en}). Reference: {r.Reference}
            We aim to answer by {r.DueOn:yyyy-MM-dd}{pauseEn}.
            {(documents ? "Check the status and upload documents" : "Check the status")} through this private link (do not share it):
            {statusUrl}
            """);
    }

    /// <summary>
    /// Whether the request may be invoiced: its kind takes a fee (Art.38) and the policy charges one for it, in the procedures of
    /// its service, or (a request about every service) in any procedures, as each service the person has data in is charged.
    /// </summary>
    private static bool MayCharge(PolicyModel model, DataSubjectRequest r, RequestProcedures? procedures)
    {
        if (!RequestKinds.TakesFee(r.Kind) || RequestKinds.PolicyType(r.Kind) is not { } type) return false;
        IEnumerable<RequestProcedures?> all = r.ServiceId is not null ? [procedures]
            : [model.RequestProcedures, .. model.Services.Select(s => PolicyScopes.For(model, s.Id).RequestProcedures)];
        return all.Any(p => p?.Fees.Any(f => f.Type == type && f.AmountYen > 0) == true);
    }

    /// <summary>The department <see cref="RequestRouting"/> routes a new request to, from the responsibilities saved; null when in doubt.</summary>
    private async Task<RequestRoute?> RouteAsync(PolicyModel model, string? serviceId, RequesterDetails details, CancellationToken ct)
    {
        var responsibilities = await db.Set<Governance.Organisation.DataResponsibility>().AsNoTracking().ToListAsync(ct);
        if (responsibilities.Count == 0) return null;
        var departments = (await organisation.DepartmentListAsync(ct)).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        return RequestRouting.Route(model, responsibilities, departments, serviceId, details);
    }

    private const string IdempotencyEndpoint = "requests";
    private const string Reused = "use a new key for each new request.";

    /// <summary>The answer to a retry: the request as it is now, with the status link the first answer gave.</summary>
    private async Task<RequestCreated> ReplayAsync(IdempotencyRecord earlier, Actor actor, string idempotencyKey, CancellationToken ct)
    {
        var r = await GetAsync(earlier.CreatedId, ct);
        var token = Idempotency.Secret(db, keys.Current, IdempotencyEndpoint, r.Id, actor, idempotencyKey);
        return new RequestCreated(await ViewAsync(r, ct), token, await StatusUrlAsync(r, token, ct), Replayed: true);
    }

    private static RequesterDetails Clean(RequestIntake input, RequestKind kind)
    {
        static string? T(string? s, string field, int max = MaxTextLength)
        {
            if (string.IsNullOrWhiteSpace(s)) return null;
            var v = s.Trim();
            if (v.Length > max)
                throw new MamoriException(ErrorCode.RequestInvalidInput, $"The field '{field}' is longer than {max} characters.")
                {
                    Reason = "too-long", ReasonArgs = [field, max.ToString(CultureInfo.InvariantCulture)],
                };
            return v;
        }
        // Stored (and mailed) in the vault's stored form, NFKC (BlindIndex.Stored): an address typed in full-width characters
        // (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) was validated on a normalized copy but kept, shown and mailed as typed.
        var email = T(Stored(input.Email, "email"), "email", 254);
        var phone = T(Stored(input.Phone, "phone"), "phone", 40);
        Check(LookupKind.Email, email, "email");
        Check(LookupKind.Phone, phone, "phone");
        var address = T(input.Address, "address");
        if (email is null && address is null)
            throw new MamoriException(ErrorCode.RequestContactMissing, "Give an email address or a postal address so that we can answer.") { Reason = "contact" };
        var name = T(input.Name, "name", 200);
        if (name is null && kind != RequestKind.Complaint)
            throw new MamoriException(ErrorCode.RequestContactMissing, "Give the name of the person the request is about.") { Reason = "name" };
        if (input.RequesterRole != RequesterRole.Self && T(input.AgentName, "agentName", 200) is null)
            throw new MamoriException(ErrorCode.RequestContactMissing, "An agent or statutory representative gives their own name (agentName).") { Reason = "agent-name" };
        if (input.Language is not ("ja" or "en")) throw new MamoriException(ErrorCode.RequestInvalidInput, "language is 'ja' or 'en'.") { Reason = "language" };
        Dictionary<string, string>? corrections = null;
        if (RequestKinds.TakesCorrections(kind))
        {
            if (input.Corrections is not { Count: > 0 })
                throw new MamoriException(ErrorCode.RequestInvalidInput, "A correction request names at least one item and its correct content (corrections).") { Reason = "corrections" };
            corrections = input.Corrections.ToDictionary(
                kv => T(kv.Key, "corrections", 64) ?? throw new MamoriException(ErrorCode.RequestInvalidInput, "A correction names its item.") { Reason = "corrections" },
                kv => T(kv.Value, "corrections") ?? throw new MamoriException(ErrorCode.RequestInvalidInput, "A correction gives the correct content.") { Reason = "corrections" },
                StringComparer.Ordinal);
        }
        List<string>? categories = null;
        string? processing = null;
        if (RequestKinds.TakesCategories(kind))
        {
            if (input.Categories is not { Count: > 0 })
                throw new MamoriException(ErrorCode.RequestInvalidInput, "An anonymisation request names the items to process (categories).") { Reason = "categories" };
            categories = input.Categories.Select(c => T(c, "categories", 64) ?? "").Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            processing = ProcessingOf(input.Processing);
        }
        var text = T(input.Details, "details", MaxDetailsLength);
        if (kind == RequestKind.Complaint && text is null)
            throw new MamoriException(ErrorCode.RequestInvalidInput, "Describe the complaint or inquiry (details).") { Reason = "details" };
        return new RequesterDetails
        {
            Name = name, Email = email, Phone = phone, Address = address, AgentName = T(input.AgentName, "agentName", 200),
            Details = text, Corrections = corrections, Categories = categories, Processing = processing,
        };
    }

    /// <summary>An email or phone as the vault stores it (NFKC); one that is not valid Unicode (a lone surrogate) is refused as malformed.</summary>
    private static string? Stored(string? value, string field)
    {
        try
        {
            return value is null ? null : BlindIndex.Stored(value);
        }
        catch (ArgumentException)
        {
            throw new MamoriException(ErrorCode.RequestInvalidInput, $"The field '{field}' is not valid text.") { Reason = field };
        }
    }

    /// <summary>An email or phone the vault could not match: refused at intake, with the field as the reason (never the value).</summary>
    private static void Check(LookupKind kind, string? value, string field)
    {
        if (value is null) return;
        try
        {
            BlindIndex.Normalize(kind, value);
        }
        catch (MamoriException e)
        {
            throw new MamoriException(ErrorCode.RequestInvalidInput, e.Message) { Reason = field };
        }
    }

    /// <summary>How an anonymisation request processes the items (S-40): <c>mask</c> (default) or <c>generalize</c>.</summary>
    private static string ProcessingOf(string? processing) => processing?.Trim() switch
    {
        null or "" or "mask" => "mask",
        "generalize" => "generalize",
        _ => throw new MamoriException(ErrorCode.RequestInvalidInput, "processing is 'mask' or 'generalize'.") { Reason = "processing" },
    };

    private static string NewReference()
    {
        Span<char> c = stackalloc char[8];
        for (var i = 0; i < c.Length; i++) c[i] = Base32[RandomNumberGenerator.GetInt32(Base32.Length)];
        return $"R-{c[..4]}-{c[4..]}";
    }

    /// <summary>
    /// Finds the person's subjects by their email and (unless <paramref name="emailOnly"/>) phone through the blind indexes
    /// (decisions audited). A subject erased with data kept under a legal hold is never matched: what the hold keeps serves
    /// only that law (APPI Art.18, purpose limitation), not a new request, which is answered as for a person we do not hold.
    /// </summary>
    private async Task<List<Guid>> MatchAsync(RequesterDetails d, string? service, Actor actor, CancellationToken ct, bool emailOnly = false)
    {
        var found = new HashSet<Guid>();
        if (d.Email is not null) found.UnionWith(await subjects.LookupAsync(LookupKind.Email, d.Email, DecisionRules.RequestHandling, [], actor, ct));
        if (d.Phone is not null && !emailOnly) found.UnionWith(await subjects.LookupAsync(LookupKind.Phone, d.Phone, DecisionRules.RequestHandling, [], actor, ct));
        if (found.Count == 0) return [];
        var ids = found.ToList();
        var rows = await db.Set<DataSubject>().AsNoTracking().Where(s => ids.Contains(s.Id) && s.ErasedWithHoldAt == null && s.ErasedAt == null)
            .Select(s => new { s.Id, s.ServiceId, s.CreatedAt }).ToListAsync(ct);
        return rows.Where(s => service is null || s.ServiceId == service).OrderBy(s => s.CreatedAt).Select(s => s.Id).ToList();
    }

    /// <summary>
    /// The subjects of <paramref name="ids"/> not erased since they were matched. A letter is matched at intake; erased before it is
    /// verified or executed (another request, staff), a person whose data a legal hold keeps was then invoiced and disclosed that
    /// data through the letter's status link, although what the hold keeps serves only that law (<see cref="MatchAsync"/>).
    /// </summary>
    private async Task<List<Guid>> NotErasedAsync(List<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return ids;
        var live = await db.Set<DataSubject>().AsNoTracking().Where(s => ids.Contains(s.Id) && s.ErasedWithHoldAt == null && s.ErasedAt == null)
            .Select(s => s.Id).ToListAsync(ct);
        return ids.Where(live.Contains).ToList();
    }

    // ---------------------------------------------------------------- lookups

    public async Task<DataSubjectRequest> GetAsync(Guid id, CancellationToken ct = default) =>
        await db.Set<DataSubjectRequest>().FirstOrDefaultAsync(r => r.Id == id, ct)
        ?? throw new MamoriException(ErrorCode.RequestNotFound, "There is no such request.", 404);

    /// <summary>The request behind a private status link; a forged or mistyped token gets one clear code.</summary>
    public async Task<DataSubjectRequest> ByTokenAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
            throw new MamoriException(ErrorCode.RequestStatusLinkInvalid, "This status link is not valid. Use the link from the message we sent you.", 404);
        var hash = SecretTokens.HashOf(token);
        var r = await db.Set<DataSubjectRequest>().FirstOrDefaultAsync(x => x.StatusTokenHash == hash, ct);
        if (r is null || !CryptographicOperations.FixedTimeEquals(r.StatusTokenHash, hash))
            throw new MamoriException(ErrorCode.RequestStatusLinkInvalid, "This status link is not valid. Use the link from the message we sent you.", 404);
        return r;
    }

    /// <summary>
    /// One page of the queue, earliest due first (paused requests, which have no due day, last; ties by receipt), and how
    /// many requests the filter holds in all. The queue once stopped at 500 without saying so, hiding requests and their deadlines.
    /// </summary>
    public async Task<RequestPage> ListAsync(RequestFilter filter, int offset, int limit, CancellationToken ct = default) =>
        await ListAsync(filter, null, false, offset, limit, ct);

    /// <summary>
    /// The queue of one department (<paramref name="department"/>, its 担当部門), of the requests no department handles yet
    /// (<paramref name="unassigned"/>: what the privacy office still has to route), or of all.
    /// </summary>
    public async Task<RequestPage> ListAsync(RequestFilter filter, string? department, bool unassigned, int offset, int limit, CancellationToken ct = default)
    {
        if (offset < 0) throw MamoriException.Invalid("offset is 0 or more.");
        if (limit is < 1 or > MaxPage) throw MamoriException.Invalid($"limit is 1-{MaxPage}.");
        var today = Today;
        var soon = today.AddDays(Settings.DueSoonDays);
        var q = db.Set<DataSubjectRequest>().AsNoTracking();
        var open = OpenStatuses;
        q = filter switch
        {
            RequestFilter.Open => q.Where(r => open.Contains(r.Status)),
            RequestFilter.Overdue => q.Where(r => open.Contains(r.Status) && r.DueOn != null && r.DueOn < today),
            RequestFilter.DueSoon => q.Where(r => open.Contains(r.Status) && r.DueOn != null && r.DueOn >= today && r.DueOn <= soon),
            RequestFilter.Paused => q.Where(r => r.Status == RequestStatus.AwaitingDocuments || r.Status == RequestStatus.AwaitingPayment),
            _ => q,
        };
        if (department is not null) q = q.Where(r => r.DepartmentId == department);
        if (unassigned) q = q.Where(r => r.DepartmentId == null);
        var total = await q.CountAsync(ct);
        // Nulls sort first on SQLite and last on PostgreSQL: the explicit key gives both stores the same pages.
        var (rows, unreadable) = await q.OrderBy(r => r.DueOn == null).ThenBy(r => r.DueOn).ThenBy(r => r.ReceivedAt).ThenBy(r => r.Id)
            .Skip(offset).Take(limit).ToListMarkingUnreadableAsync(r => r.Id, ct);
        // Each item is the same view a single GET gives (documents, what is missing, answers, history): a queue that said
        // "nothing missing" for every request misled integrations polling it. Four queries per page, not per request.
        var ids = rows.Select(r => r.Id).ToList();
        var docs = (await db.Set<RequestDocument>().AsNoTracking().Where(d => ids.Contains(d.RequestId)).OrderBy(d => d.AddedAt).ToListAsync(ct)).ToLookup(d => d.RequestId);
        var artifacts = (await db.Set<RequestArtifact>().AsNoTracking().Where(a => ids.Contains(a.RequestId) && a.Ciphertext != null)
            .Select(a => new { a.RequestId, a.Kind }).ToListAsync(ct)).ToLookup(a => a.RequestId, a => a.Kind);
        var history = (await db.Set<RequestTransition>().AsNoTracking().Where(t => ids.Contains(t.RequestId)).OrderBy(t => t.Sequence)
            .Select(t => new { t.RequestId, View = new TransitionView(t.Sequence, t.From, t.To, t.At, t.Reason) }).ToListAsync(ct)).ToLookup(t => t.RequestId, t => t.View);
        var items = new List<RequestView>(rows.Count);
        foreach (var r in rows)
            items.Add(await ViewAsync(r, docs[r.Id].ToList(), artifacts[r.Id].ToList(), history[r.Id].ToList(), ct));
        return new RequestPage(items, total, unreadable);
    }

    public const int MaxPage = 500;

    public async Task<RequestView> ViewAsync(Guid id, CancellationToken ct = default) => await ViewAsync(await GetAsync(id, ct), ct);

    public async Task<RequestView> ViewAsync(DataSubjectRequest r, CancellationToken ct = default)
    {
        var docs = await db.Set<RequestDocument>().AsNoTracking().Where(d => d.RequestId == r.Id).OrderBy(d => d.AddedAt).ToListAsync(ct);
        var artifacts = await db.Set<RequestArtifact>().AsNoTracking().Where(a => a.RequestId == r.Id && a.Ciphertext != null).Select(a => a.Kind).ToListAsync(ct);
        var history = await db.Set<RequestTransition>().AsNoTracking().Where(t => t.RequestId == r.Id).OrderBy(t => t.Sequence)
            .Select(t => new TransitionView(t.Sequence, t.From, t.To, t.At, t.Reason)).ToListAsync(ct);
        return await ViewAsync(r, docs, artifacts, history, ct);
    }

    private async Task<RequestView> ViewAsync(DataSubjectRequest r, List<RequestDocument> docs, List<ArtifactKind> artifacts, List<TransitionView> history, CancellationToken ct)
    {
        var missing = RequestKinds.NeedsIdentity(r.Kind) && r.VerifiedAt is null ? await MissingAsync(r, docs, ct) : [];
        // Documents are recorded by their Japanese name; the policy in force gives the English one.
        var current = docs.Count == 0 ? null : await policies.CurrentAsync(ct);
        var english = new Dictionary<(DocumentGroup, string), string>();
        if (current is not null)
            foreach (var (group, doc) in Required(Procedures(current.Model, r), r.RequesterRole))
                if (doc.Name.En is { Length: > 0 } en) english.TryAdd((group, doc.Name.Ja), en);
        return View(r, docs, missing, artifacts, history, english);
    }

    private RequestView View(DataSubjectRequest r, List<RequestDocument> docs, IReadOnlyList<MissingDocument> missing, List<ArtifactKind> artifacts, List<TransitionView> history,
        IReadOnlyDictionary<(DocumentGroup, string), string>? english = null) =>
        new(r.Id, r.Reference, r.Kind, r.Status, r.Channel, r.RequesterRole, r.Method, r.ServiceId, r.DepartmentId, r.DepartmentRoute, r.Language, r.ReceivedAt, r.ReceivedOn, r.DueOn,
            RequestClock.ProjectedDue(r, Today, Settings.ResponseDays), RequestClock.SuitPossibleFrom(r), RequestClock.State(r, Today, Settings.DueSoonDays), r.PausedDays,
            r.Verification, r.VerifiedAt, r.FeeYen, r.FeeWaived, r.InvoicedAt, r.PaidAt, r.SubjectIds.Select(Guid.Parse).ToList(), r.Outcome, r.RefusalReason,
            r.AnsweredAt, docs.Select(d => new DocumentView(d.Id, d.Group, d.Name, d.Source, d.IssuedOn, d.ContentType, d.Size, d.AddedAt, d.DestroyedAt is not null,
                english?.GetValueOrDefault((d.Group, d.Name)))).ToList(),
            missing, artifacts.Distinct().Order().ToList(), r.FilesDestroyedAt is not null, history);

    /// <summary>The requester's sealed details, for staff handling the request.</summary>
    public RequesterDetails Details(DataSubjectRequest r)
    {
        var key = RequestSealing.Key(keys.Current, r);
        try { return RequestSealing.OpenDetails(key, r); }
        finally { RequestSealing.Forget(key); }
    }

    // ---------------------------------------------------------------- documents and identity

    private async Task<RequestProcedures?> ProceduresAsync(DataSubjectRequest r, CancellationToken ct) => Procedures((await policies.RequireCurrentAsync(ct)).Model, r);

    private static RequestProcedures? Procedures(PolicyModel model, DataSubjectRequest r) =>
        (r.ServiceId is null ? null : PolicyScopes.For(model, r.ServiceId).RequestProcedures) ?? model.RequestProcedures;

    /// <summary>Whether the procedures take requests by <paramref name="role"/> (an agent or representative needs documents named for them).</summary>
    public static bool Represents(RequestProcedures p, RequesterRole role) => role switch
    {
        RequesterRole.Agent => p.ProxyDocuments.Count > 0,
        RequesterRole.LegalRepresentative => p.LegalRepresentativeDocuments.Count > 0,
        _ => true,
    };

    /// <summary>Whether the policy lets the person verify this request with a code to the vault's e-mail address (<see cref="RequestProcedures.VerifyByEmailCode"/>).</summary>
    public async Task<bool> CodeOfferedAsync(DataSubjectRequest r, CancellationToken ct = default) =>
        (await ProceduresAsync(r, ct))?.VerifyByEmailCode != false;

    private async Task RequireCodeOfferedAsync(DataSubjectRequest r, CancellationToken ct)
    {
        if (!await CodeOfferedAsync(r, ct))
            throw new MamoriException(ErrorCode.RequestInvalidTransition, "The policy verifies identity with documents only (requestProcedures.verifyByEmailCode: false).", 409) { Reason = "code-off" };
    }

    private static IEnumerable<(DocumentGroup Group, RequiredDocument Doc)> Required(RequestProcedures? p, RequesterRole role)
    {
        if (p is null) yield break;
        foreach (var d in p.IdentityDocuments) yield return (DocumentGroup.Identity, d);
        if (role == RequesterRole.Agent) foreach (var d in p.ProxyDocuments) yield return (DocumentGroup.Proxy, d);
        if (role == RequesterRole.LegalRepresentative) foreach (var d in p.LegalRepresentativeDocuments) yield return (DocumentGroup.LegalRepresentative, d);
    }

    /// <summary>Per group: every "all" document, and one of the "one of" documents; each within its maximum age at arrival.</summary>
    private async Task<IReadOnlyList<MissingDocument>> MissingAsync(DataSubjectRequest r, List<RequestDocument> docs, CancellationToken ct)
    {
        var required = Required(await ProceduresAsync(r, ct), r.RequesterRole).ToList();
        bool Has(DocumentGroup g, RequiredDocument d) => docs.Any(x => x.Group == g && x.Name == d.Name.Ja && Fresh(d, x.IssuedOn, r.ReceivedOn));
        var missing = new List<MissingDocument>();
        foreach (var group in required.GroupBy(x => x.Group))
        {
            foreach (var (g, d) in group.Where(x => x.Doc.Requirement == DocumentRequirement.All))
                if (!Has(g, d)) missing.Add(MissingDocument.Of(g, d));
            var oneOf = group.Where(x => x.Doc.Requirement == DocumentRequirement.OneOf).ToList();
            if (oneOf.Count > 0 && !oneOf.Any(x => Has(x.Group, x.Doc)))
                missing.AddRange(oneOf.Select(x => MissingDocument.Of(x.Group, x.Doc)));
        }
        return missing;
    }

    private static bool Fresh(RequiredDocument d, DateOnly? issued, DateOnly receivedOn) =>
        d.MaxAge is null || (issued is { } i && i <= receivedOn && d.MaxAge.Value.AddTo(i) >= receivedOn);

    private async Task<RequiredDocument> RequireDocumentAsync(DataSubjectRequest r, DocumentGroup group, string name, DateOnly? issuedOn, CancellationToken ct)
    {
        var doc = Required(await ProceduresAsync(r, ct), r.RequesterRole).FirstOrDefault(x => x.Group == group && x.Doc.Name.Ja == name).Doc
                  ?? throw new MamoriException(ErrorCode.RequestUnknownDocument,
                      $"The policy requires no document of that name in the {ErrorText.Enum(group)} group for this requester; see missingDocuments for the accepted names.");
        // A day after today (Japan time) is a typo, not an old document: saying it is too old sent people looking for a newer one.
        if (issuedOn is { } issued && issued > Today)
        {
            var (day, today) = (issued.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            throw new MamoriException(ErrorCode.RequestInvalidInput, $"The issue date {day} is in the future (today is {today} in Japan); check it.")
            {
                Reason = "issue-date-future", ReasonArgs = [day, today],
            };
        }
        if (doc.MaxAge is not null)
        {
            if (issuedOn is null)
                throw new MamoriException(ErrorCode.RequestDocumentTooOld, $"This document must be issued within {doc.MaxAge.Value.ToDisplay(NoticeLanguage.En)}: give its issue date (issuedOn).")
                {
                    Reason = "issue-date-missing", ReasonArgs = [doc.MaxAge.Value.ToString()],
                };
            if (!Fresh(doc, issuedOn, r.ReceivedOn))
                throw new MamoriException(ErrorCode.RequestDocumentTooOld, $"This document must be issued within {doc.MaxAge.Value.ToDisplay(NoticeLanguage.En)} before the request arrived ({r.ReceivedOn:yyyy-MM-dd}).")
                {
                    Reason = "too-old", ReasonArgs = [doc.MaxAge.Value.ToString(), r.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)],
                };
        }
        return doc;
    }

    private static void RequireOpen(DataSubjectRequest r)
    {
        if (r.IsClosed) throw new MamoriException(ErrorCode.RequestClosed, $"The request is already {ErrorText.Enum(r.Status)}.", 409);
    }

    /// <summary>The steps of an identity check (documents, "no data held") are for the kinds that have one: not a complaint (Art.40).</summary>
    private static void RequireIdentityCheck(DataSubjectRequest r)
    {
        if (!RequestKinds.NeedsIdentity(r.Kind))
            throw new MamoriException(ErrorCode.RequestInvalidTransition, $"A {ErrorText.Enum(r.Kind)} checks no identity: it takes no documents and is answered with a text.", 409)
            {
                Reason = "no-identity-check", ReasonArgs = [RequestKinds.Id(r.Kind)],
            };
    }

    /// <summary>An uploaded identity, proxy or representation document: image or PDF by content, within the size limit, sealed.</summary>
    public async Task<DocumentView> AddDocumentAsync(DataSubjectRequest r, DocumentGroup group, string name, DateOnly? issuedOn, byte[] content, Actor actor, CancellationToken ct = default)
    {
        RequireOpen(r);
        if (!RequestKinds.NeedsIdentity(r.Kind) || r.VerifiedAt is not null)
            throw new MamoriException(ErrorCode.RequestInvalidTransition, "This request needs no (more) identity documents.", 409) { Reason = "no-documents-needed" };
        if (content.Length == 0) throw new MamoriException(ErrorCode.RequestUploadType, "The upload is empty.", 415);
        if (content.Length > Settings.MaxUploadBytes)
            throw new MamoriException(ErrorCode.RequestUploadTooLarge, $"An upload may be at most {Settings.MaxUploadBytes / 1024} KiB.", 413);
        var type = UploadSniffer.Sniff(content) ?? throw new MamoriException(ErrorCode.RequestUploadType,
            "Only images (JPEG, PNG, GIF, WebP, TIFF, HEIC) and PDF files are accepted; the content is neither.", 415);
        var doc = await RequireDocumentAsync(r, group, name, issuedOn, ct);
        var now = clock.GetUtcNow();
        var d = new RequestDocument
        {
            Id = Guid.CreateVersion7(now), TenantId = r.TenantId, RequestId = r.Id, Group = group, Name = name, Source = DocumentSource.Upload,
            IssuedOn = issuedOn, ContentType = type, Size = content.Length, AddedBy = actor.ToString(), AddedAt = now,
        };
        var key = RequestSealing.Key(keys.Current, r);
        d.Ciphertext = RequestSealing.SealBytes(key, r.TenantId, r.Id, "doc:" + d.Id.ToString("N"), content);
        RequestSealing.Forget(key);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(d);
        var entries = new List<AuditEntry> { new(AuditCode.RequestDocumentAdded, actor, TargetId: r.Id.ToString(), ReasonCode: group.ToString()) };
        if (r.Status is RequestStatus.Received or RequestStatus.AwaitingDocuments) Move(r, RequestStatus.Verifying, actor, "document-uploaded", entries);
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return new DocumentView(d.Id, d.Group, d.Name, d.Source, d.IssuedOn, d.ContentType, d.Size, d.AddedAt, false, doc.Name.En);
    }

    /// <summary>Staff saw the original on paper (a letter, a visit): recorded as checked, nothing stored.</summary>
    public async Task<DocumentView> RecordCheckedAsync(Guid id, DocumentGroup group, string name, DateOnly? issuedOn, Actor actor, CancellationToken ct = default)
    {
        var r = await GetAsync(id, ct);
        RequireOpen(r);
        RequireIdentityCheck(r);
        var doc = await RequireDocumentAsync(r, group, name, issuedOn, ct);
        var now = clock.GetUtcNow();
        var d = new RequestDocument
        {
            Id = Guid.CreateVersion7(now), TenantId = r.TenantId, RequestId = r.Id, Group = group, Name = name, Source = DocumentSource.CheckedByStaff,
            IssuedOn = issuedOn, AddedBy = actor.ToString(), AddedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(d);
        var entries = new List<AuditEntry> { new(AuditCode.RequestDocumentChecked, actor, TargetId: r.Id.ToString(), ReasonCode: group.ToString()) };
        if (r.Status is RequestStatus.Received or RequestStatus.AwaitingDocuments) Move(r, RequestStatus.Verifying, actor, "document-checked", entries);
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return new DocumentView(d.Id, d.Group, d.Name, d.Source, d.IssuedOn, null, 0, d.AddedAt, false, doc.Name.En);
    }

    /// <summary>Staff ask the person for the missing documents: the clock pauses until they arrive.</summary>
    public async Task<RequestView> AskForDocumentsAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var r = await GetAsync(id, ct);
        RequireOpen(r);
        RequireIdentityCheck(r);
        var missing = await MissingAsync(r, await db.Set<RequestDocument>().AsNoTracking().Where(d => d.RequestId == id).ToListAsync(ct), ct);
        var current = await policies.RequireCurrentAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var entries = new List<AuditEntry>();
        Move(r, RequestStatus.AwaitingDocuments, actor, "documents-requested", entries);
        Notify(r, Details(r), "documents-requested", Subject(current.Model, r, "本人確認書類のご提出のお願い", "Documents needed"),
            Body(current.Model, r, $"ご請求（受付番号 {r.Reference}）の対応に、次の書類が必要です。受付時にお知らせした状況確認用リンクから提出するか、郵送してください。\n{DocumentList.Lines(missing, NoticeLanguage.Ja)}",
                $"To handle your request ({r.Reference}) we need the documents below. Upload them through the private status link or send them by mail.\n{DocumentList.Lines(missing, NoticeLanguage.En)}"));
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(r, ct);
    }

    /// <summary>Staff start checking a request (received → verifying).</summary>
    public async Task<RequestView> StartVerificationAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var r = await GetAsync(id, ct);
        RequireOpen(r);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var entries = new List<AuditEntry>();
        Move(r, RequestKinds.NeedsIdentity(r.Kind) ? RequestStatus.Verifying : RequestStatus.InProgress, actor, "staff", entries);
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(r, ct);
    }

    /// <summary>
    /// Identity verified from the documents the policy requires (uploaded or checked by staff). Missing or
    /// stale documents: a problem naming them, nothing changed. Then the subjects are matched, and the
    /// request is invoiced (fee > 0) or goes to work.
    /// </summary>
    public async Task<RequestView> VerifyIdentityAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var r = await GetAsync(id, ct);
        RequireOpen(r);
        if (!RequestKinds.NeedsIdentity(r.Kind) || r.VerifiedAt is not null)
            throw new MamoriException(ErrorCode.RequestInvalidTransition, "The request is already verified or needs no verification.", 409) { Reason = "already-verified" };
        if (r.Status is not (RequestStatus.Received or RequestStatus.Verifying or RequestStatus.AwaitingDocuments))
            throw new MamoriException(ErrorCode.RequestInvalidTransition, $"A request that is {ErrorText.Enum(r.Status)} cannot be verified.", 409) { Reason = "status", ReasonArgs = [r.Status.ToString()] };
        var missing = await MissingAsync(r, await db.Set<RequestDocument>().AsNoTracking().Where(d => d.RequestId == id).ToListAsync(ct), ct);
        if (missing.Count > 0)
            throw new MamoriException(ErrorCode.RequestDocumentsMissing,
                $"Identity cannot be verified: {missing.Count} required document(s) are missing or too old ({string.Join("; ", missing.Select(m => m.Group + ": " + (m.NameEn ?? m.Name)))}).", 422);
        return await VerifiedAsync(r, VerificationMethod.Documents, actor, ct);
    }

    private async Task<RequestView> VerifiedAsync(DataSubjectRequest r, VerificationMethod method, Actor actor, CancellationToken ct)
    {
        var current = await policies.RequireCurrentAsync(ct);
        var details = Details(r);
        // A code proves only that the requester reads the e-mail address in the request: it links the subjects that hold that
        // address, never those found by a phone number (or anything else anyone may type), which stay for documents.
        var byCode = method == VerificationMethod.OneTimeCode;
        var matched = await MatchAsync(details, r.ServiceId, actor, ct, emailOnly: byCode);
        var known = byCode ? [] : await NotErasedAsync(r.SubjectIds.Select(Guid.Parse).Where(g => !matched.Contains(g)).ToList(), ct);
        var all = matched.Concat(known).ToList();
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        r.Verification = method;
        r.VerifiedAt = now;
        r.CodeHash = null;
        r.SubjectIds = all.Select(g => g.ToString()).ToList();
        var entries = new List<AuditEntry>
        {
            new(AuditCode.RequestIdentityVerified, actor, TargetId: r.Id.ToString(), ReasonCode: method.ToString()),
            new(AuditCode.RequestSubjectsMatched, actor, TargetId: r.Id.ToString(), ReasonCode: "verified", Categories: all.Count.ToString(CultureInfo.InvariantCulture)),
        };
        if (all.Count == 0)
        {
            if (r.Status == RequestStatus.Received) Move(r, RequestStatus.Verifying, actor, method.ToString(), entries);
            await AnswerNoDataHeldAsync(r, details, current.Model, actor, entries, ct);
        }
        else
        {
            r.FeeYen = await FeeAsync(r, all, current.Model, ct);
            if (r.FeeYen > 0 && !r.FeeWaived)
            {
                Move(r, RequestStatus.AwaitingPayment, actor, "invoiced", entries);
                r.InvoicedAt = now;
                entries.Add(new(AuditCode.RequestInvoiced, actor, TargetId: r.Id.ToString(), ReasonCode: r.FeeYen.ToString(CultureInfo.InvariantCulture)));
                var procedures = await ProceduresAsync(r, ct);
                Notify(r, details, "invoice", Subject(current.Model, r, "手数料のご請求", "Invoice"),
                    Body(current.Model, r, $"""
                        ご本人確認が完了しました。ご請求（受付番号 {r.Reference}）の手数料は {r.FeeYen:N0} 円（税込）です。
                        {procedures?.PaymentMethod?.Ja ?? "お支払い方法は別途ご案内します。"}
                        {(Settings.PaymentAccountFor(english: false) is { } account
                            ? $"お振込先：{account}\nお振込みの際は、振込依頼人名の前に受付番号 {r.Reference} を付けてください。"
                            : "お振込先は別途ご案内します。")}
                        お支払いの確認後に回答します。お支払いをお待ちする間は回答期限の計算が止まります。
                        """, $"""
                        Your identity is verified. The fee for request {r.Reference} is JPY {r.FeeYen:N0} (tax included).
                        {procedures?.PaymentMethod?.En ?? "We will tell you how to pay."}
                        {(Settings.PaymentAccountFor(english: true) is { } accountEn
                            ? $"Pay to: {accountEn}\nPut the reference {r.Reference} before your name as the remitter."
                            : "We will send you the account to pay to separately.")}
                        We answer after payment is confirmed; the clock pauses while we wait for it.
                        """));
            }
            else Move(r, RequestStatus.InProgress, actor, r.FeeWaived ? "fee-waived" : "no-fee", entries);
        }
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(r, ct);
    }

    /// <summary>Fee per service the person has data in (S-43): the policy's fee for the kind, tax added when not included.</summary>
    private async Task<int> FeeAsync(DataSubjectRequest r, List<Guid> subjectIds, PolicyModel model, CancellationToken ct)
    {
        if (RequestKinds.PolicyType(r.Kind) is not { } type) return 0;
        var services = await db.Set<DataSubject>().AsNoTracking().Where(s => subjectIds.Contains(s.Id)).Select(s => s.ServiceId).Distinct().ToListAsync(ct);
        if (services.Count == 0) services.Add(r.ServiceId);
        var total = 0;
        foreach (var service in services)
        {
            var procedures = (service is null ? null : PolicyScopes.For(model, service).RequestProcedures) ?? model.RequestProcedures;
            if (procedures?.Fees.FirstOrDefault(f => f.Type == type) is not { } fee) continue;
            total += fee.TaxIncluded ? fee.AmountYen : fee.AmountYen + fee.AmountYen / 10;
        }
        return total;
    }

    /// <summary>Online verification: a one-time code sent to the e-mail address in the request; entered, it links the subjects holding that address.</summary>
    /// <param name="statusToken">The private status link's token when the person asked from it (null for staff): the message links the page to enter the code on.</param>
    /// <param name="client">The visitor's address on the public pages (null for staff): its network's sends are capped.</param>
    public async Task<RequestView> SendCodeAsync(DataSubjectRequest r, string? statusToken, Actor actor, System.Net.IPAddress? client, CancellationToken ct = default)
    {
        RequireOpen(r);
        if (!RequestKinds.NeedsIdentity(r.Kind) || r.VerifiedAt is not null)
            throw new MamoriException(ErrorCode.RequestInvalidTransition, "The request is already verified or needs no verification.", 409) { Reason = "already-verified" };
        if (r.RequesterRole != RequesterRole.Self)
            throw new MamoriException(ErrorCode.RequestInvalidTransition, "An agent or representative proves the representation with documents; a code cannot do that.", 409) { Reason = "code-agent" };
        if (!IsOnline(r.Channel))
            throw new MamoriException(ErrorCode.RequestInvalidTransition, "A one-time code verifies online requests only; letters and visits are verified with documents.", 409) { Reason = "code-channel" };
        await RequireCodeOfferedAsync(r, ct);
        await RequireCodeAllowanceAsync(r, ct);
        // The code goes to the e-mail address the request gives, whether or not it matched anyone: a code to the address the
        // vault holds (found by a phone number typed) or a refusal for lack of one told a stranger who is a customer.
        // Verification then links only the subjects holding this address.
        var to = Details(r).Email
                 ?? throw new MamoriException(ErrorCode.RequestNoVaultContact, "The request gives no email address to send a code to; verify with documents instead.", 409);
        const string reason = "request-email";
        if (await quota.TryTakeAsync("verification-code", to, client, ct) is { } refused) throw Throttled(refused);
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var now = clock.GetUtcNow();
        var current = await policies.RequireCurrentAsync(ct);
        // The link only where the person asked from it: staff never hold the token (it is stored hashed), and then the
        // message points to the link sent with the receipt.
        var statusUrl = statusToken is null ? null : await StatusUrlAsync(r, statusToken, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        r.CodeHash = CodeHash(r, code);
        r.CodeExpiresAt = now.AddMinutes(Settings.CodeMinutes);
        var entries = new List<AuditEntry> { new(AuditCode.RequestCodeSent, actor, TargetId: r.Id.ToString(), ReasonCode: reason) };
        if (r.Status is RequestStatus.Received or RequestStatus.AwaitingDocuments) Move(r, RequestStatus.Verifying, actor, "code-sent", entries);
        else r.UpdatedAt = now;
        outbox.Enqueue("verification-code", Subject(current.Model, r, "確認コードのお知らせ", "Verification code"),
            to, Body(current.Model, r, statusUrl is null
                    ? $"ご請求（受付番号 {r.Reference}）の確認コードは {code} です。{Settings.CodeMinutes}分以内に、受付時にお知らせした状況確認用リンクのページで入力してください。\nお心当たりがない場合は、このメールを破棄してください。"
                    : $"""
                      ご請求（受付番号 {r.Reference}）の確認コードは {code} です。{Settings.CodeMinutes}分以内に、次の状況確認ページで入力してください（このリンクは他の方に知らせないでください）：
                      {statusUrl}
                      お心当たりがない場合は、このメールを破棄してください。
                      """,
                statusUrl is null
                    ? $"The verification code for request {r.Reference} is {code}. Enter it within {Settings.CodeMinutes} minutes on the page of the private status link we sent when we received the request.\nIf you did not ask for it, ignore this message."
                    : $"""
                      The verification code for request {r.Reference} is {code}. Enter it within {Settings.CodeMinutes} minutes on your request's status page (do not share this link):
                      {statusUrl}
                      If you did not ask for it, ignore this message.
                      """),
            "request:" + r.Id);
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(r, ct);
    }

    /// <summary>
    /// Codes are limited per request (security review F4): wrong guesses count across re-sends, the codes sent are capped
    /// and spaced. The chain's <see cref="AuditCode.RequestCodeSent"/> events are the record of the codes sent.
    /// </summary>
    private async Task RequireCodeAllowanceAsync(DataSubjectRequest r, CancellationToken ct)
    {
        if (r.CodeAttempts >= Settings.CodeMaxAttempts) throw AttemptsExhausted();
        var requestId = r.Id.ToString();
        var sent = await db.AuditEvents.AsNoTracking().Where(e => e.Code == AuditCode.RequestCodeSent && e.TargetId == requestId).Select(e => e.Time).ToListAsync(ct);
        if (sent.Count >= Settings.CodeMaxSends)
            throw new MamoriException(ErrorCode.RequestCodeSendLimit, $"{sent.Count} codes were sent for this request, the most we send; verify with documents instead.", 429);
        var wait = sent.Count == 0 ? 0 : (int)Math.Ceiling((sent.Max() + TimeSpan.FromSeconds(Settings.CodeResendSeconds) - clock.GetUtcNow()).TotalSeconds);
        if (wait > 0)
            throw new MamoriException(ErrorCode.RequestCodeTooSoon, $"A code was sent moments ago; ask again in {wait} seconds.", 429)
            {
                ReasonArgs = [wait.ToString(CultureInfo.InvariantCulture)],
            };
    }

    /// <summary>A code cap reached (<see cref="RecipientQuota"/>): when to ask again, and the documents route, which is always open.</summary>
    private MamoriException Throttled(RecipientQuota.Refusal refused)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling((refused.RetryAt - clock.GetUtcNow()).TotalMinutes)).ToString(CultureInfo.InvariantCulture);
        return refused.ByClient
            ? new MamoriException(ErrorCode.RequestCodeClientLimit,
                "This network has asked for as many codes today as we send; verify with identity documents instead (upload them on the status page, or send them by post).", 429)
            {
                ReasonArgs = [minutes],
            }
            : new MamoriException(ErrorCode.RequestCodeThrottled,
                $"Several codes went to this address in the last hour; ask again in {minutes} minutes, or verify with identity documents (upload them on the status page, or send them by post).", 429)
            {
                ReasonArgs = [minutes],
            };
    }

    /// <summary>Requests that arrive online, verified by a one-time code rather than documents.</summary>
    public static bool IsOnline(RequestChannel channel) => channel is RequestChannel.WebForm or RequestChannel.Email;

    private static MamoriException AttemptsExhausted() =>
        new(ErrorCode.RequestCodeAttempts, "Too many wrong codes for this request; verify with documents instead.", 429);

    private static byte[] CodeHash(DataSubjectRequest r, string code) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(r.Id.ToString("N") + ":" + code));

    /// <summary>The person enters the code from the status page. Wrong codes count; too many need a new code.</summary>
    public async Task<RequestView> VerifyCodeAsync(DataSubjectRequest r, string code, Actor actor, CancellationToken ct = default)
    {
        RequireOpen(r);
        if (r.CodeHash is null) throw new MamoriException(ErrorCode.RequestCodeInvalid, "No code was sent for this request; ask for one first.", 400);
        await RequireCodeOfferedAsync(r, ct);
        if (r.CodeExpiresAt <= clock.GetUtcNow()) throw new MamoriException(ErrorCode.RequestCodeExpired, "The code has expired; ask for a new one.", 400);
        if (r.CodeAttempts >= Settings.CodeMaxAttempts) throw AttemptsExhausted();
        var given = (code ?? "").Trim();
        if (given.Length != 6 || !CryptographicOperations.FixedTimeEquals(CodeHash(r, given), r.CodeHash))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            r.CodeAttempts++;
            await audit.AppendAsync(db, new AuditEntry(AuditCode.RequestCodeRejected, actor, AuditOutcome.Denied, TargetId: r.Id.ToString(), ReasonCode: "wrong-code"), ct);
            await tx.CommitAsync(ct);
            throw new MamoriException(ErrorCode.RequestCodeInvalid, "The code is not correct.", 400);
        }
        return await VerifiedAsync(r, VerificationMethod.OneTimeCode, actor, ct);
    }

    // ---------------------------------------------------------------- fees

    public async Task<RequestView> ConfirmPaymentAsync(Guid id, string? reference, Actor actor, CancellationToken ct = default)
    {
        var r = await GetAsync(id, ct);
        RequireOpen(r);
        if (r.Status != RequestStatus.AwaitingPayment)
            throw new MamoriException(ErrorCode.RequestInvalidTransition, "Only an invoiced request waits for payment.", 409) { Reason = "not-invoiced" };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        r.PaidAt = clock.GetUtcNow();
        r.PaymentReference = reference is { Length: > 100 } ? reference[..100] : reference;
        var entries = new List<AuditEntry> { new(AuditCode.RequestPaymentConfirmed, actor, TargetId: r.Id.ToString(), ReasonCode: r.FeeYen.ToString(CultureInfo.InvariantCulture)) };
        Move(r, RequestStatus.InProgress, actor, "paid", entries);
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(r, ct);
    }

    /// <summary>
    /// Names the department that handles the request (担当部門), or none (null); audited (5018, the department id or <c>none</c>).
    /// Open or closed alike: naming who answered a closed request completes the record. Naming the same one again records nothing.
    /// </summary>
    public async Task<RequestView> AssignAsync(Guid id, string? departmentId, Actor actor, CancellationToken ct = default)
    {
        var r = await GetAsync(id, ct);
        departmentId = string.IsNullOrWhiteSpace(departmentId) ? null : departmentId.Trim();
        if (departmentId is not null) await organisation.DepartmentAsync(departmentId, ct); // a department the policy declares or one saved, else MAMORI-9000
        if (r.DepartmentId == departmentId) return await ViewAsync(r, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        r.DepartmentId = departmentId;
        r.DepartmentRoute = DepartmentRoute.Staff;
        r.UpdatedAt = clock.GetUtcNow();
        await audit.AppendAsync(db, new AuditEntry(AuditCode.RequestAssigned, actor, TargetId: r.Id.ToString(), ReasonCode: departmentId ?? "none"), ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(r, ct);
    }

    /// <summary>Waives the fee (the policy's or a staff decision, with a reason code).</summary>
    public async Task<RequestView> WaiveFeeAsync(Guid id, string reason, Actor actor, CancellationToken ct = default)
    {
        var r = await GetAsync(id, ct);
        RequireOpen(r);
        if (!RequestKinds.TakesFee(r.Kind))
            throw new MamoriException(ErrorCode.RequestInvalidTransition, $"A {ErrorText.Enum(r.Kind)} request carries no fee (Art.38): there is nothing to waive.", 409)
            {
                Reason = "no-fee", ReasonArgs = [RequestKinds.Id(r.Kind)],
            };
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 200) throw new MamoriException(ErrorCode.RequestInvalidInput, "Give a reason for the waiver (up to 200 characters).") { Reason = "waive-reason" };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        r.FeeWaived = true;
        r.FeeWaiverReason = reason.Trim();
        var entries = new List<AuditEntry> { new(AuditCode.RequestFeeWaived, actor, TargetId: r.Id.ToString(), ReasonCode: "waived") };
        if (r.Status == RequestStatus.AwaitingPayment) Move(r, RequestStatus.InProgress, actor, "fee-waived", entries);
        else r.UpdatedAt = clock.GetUtcNow();
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(r, ct);
    }

    // ---------------------------------------------------------------- execution and answers

    /// <summary>
    /// Executes a verified, paid request against the vault and answers it. Vault changes (correction,
    /// erasure) commit on their own and are idempotent, so a failure part-way can simply be retried;
    /// the answer and the status change commit together afterwards.
    /// </summary>
    public async Task<RequestView> ExecuteAsync(Guid id, ExecuteOptions? execute, Actor actor, CancellationToken ct = default)
    {
        execute ??= new ExecuteOptions();
        var r = await GetAsync(id, ct);
        RequireOpen(r);
        if (r.Status == RequestStatus.AwaitingPayment)
            throw new MamoriException(ErrorCode.RequestPaymentRequired, "The fee is not paid yet; the answer is released only after payment is confirmed (or the fee is waived).", 409) { Reason = "execute" };
        if (RequestKinds.NeedsIdentity(r.Kind) && r.VerifiedAt is null)
            throw new MamoriException(ErrorCode.RequestNotVerified, "The person's identity is not verified yet; no data leaves before that.", 409);
        if (r.Status != RequestStatus.InProgress)
            throw new MamoriException(ErrorCode.RequestInvalidTransition, $"A request that is {ErrorText.Enum(r.Status)} cannot be executed.", 409) { Reason = "status", ReasonArgs = [r.Status.ToString()] };
        if (r.Kind == RequestKind.Complaint && string.IsNullOrWhiteSpace(execute.AnswerText))
            throw new MamoriException(ErrorCode.RequestInvalidInput, "A complaint is answered with a text (answerText).") { Reason = "answer-text" };
        if (execute.AnswerText is { Length: > MaxDetailsLength }) throw new MamoriException(ErrorCode.RequestInvalidInput, $"answerText is longer than {MaxDetailsLength} characters.")
        {
            Reason = "too-long", ReasonArgs = ["answerText", MaxDetailsLength.ToString(CultureInfo.InvariantCulture)],
        };
        var current = await policies.RequireCurrentAsync(ct);
        var details = Details(r);
        // An erasure goes on to what was erased already (it says so); any other kind uses only data nobody erased since it matched.
        var subjectIds = r.Kind == RequestKind.Erasure ? r.SubjectIds.Select(Guid.Parse).ToList() : await NotErasedAsync(r.SubjectIds.Select(Guid.Parse).ToList(), ct);
        var items = new List<string>();
        var itemsEn = new List<string>(); // the English rendering, for the kinds that have one (erasure)
        var outcome = RequestOutcome.Executed;
        var entries = new List<AuditEntry>();
        var artifacts = new List<(ArtifactKind Kind, string Type, byte[] Bytes)>();
        string? pdfProblem = null;
        List<ExportContent>? traced = null;
        // S-07: a record held only for purposes the notice puts outside requests (work a client entrusted to the company) is not
        // the company's to correct, stop or erase; the answer says so. A disclosure says it in its package (DisclosureBuilder).
        if (r.Kind is RequestKind.Correction or RequestKind.Suspension or RequestKind.StopProvision or RequestKind.Erasure or RequestKind.Anonymization
            && await OutsideRequestsAsync(subjectIds, current.Model, ct) is { Count: > 0 } outside)
        {
            subjectIds = [.. subjectIds.Except(outside)];
            items.Add($"{outside.Count} 件の記録は、プライバシーポリシーに記載のとおり開示等の対象ではない利用目的（お取引先から委託を受けた業務等）のためだけに取り扱うものであり、このご請求の対象になりません。");
            if (r.Kind is RequestKind.Erasure or RequestKind.Correction)
                itemsEn.Add($"{outside.Count} record(s) are handled only for purposes the privacy notice names as outside such requests (work entrusted to us by clients, for instance) and are not covered by this request.");
            if (subjectIds.Count == 0) outcome = RequestOutcome.NoChange;
        }
        switch (r.Kind)
        {
            case RequestKind.Disclosure or RequestKind.PurposeNotification or RequestKind.ProvisionRecords or RequestKind.Portability:
            {
                var package = await builder.BuildAsync(r.Reference, r.Kind, subjectIds, actor, ct);
                traced = [.. package.Subjects.Select(s => new ExportContent(s.SubjectId.ToString(), [.. s.Fields.Select(f => f.Category).Distinct()]))];
                artifacts.Add((ArtifactKind.Json, "application/json", package.ToJson()));
                if (r.Kind != RequestKind.Portability)
                {
                    // Japanese prevails; a person who wrote in English also gets the English rendering after it.
                    var english = r.Language == "en";
                    artifacts.Add((ArtifactKind.Html, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(DisclosureHtml.Render(package, english))));
                    var pdf = DisclosurePdf.Render(DisclosureHtml.Lines(package, english), DisclosureHtml.Title(r.Kind) + " " + r.Reference, Settings.PdfFont);
                    if (pdf.Bytes is not null) artifacts.Add((ArtifactKind.Pdf, "application/pdf", pdf.Bytes));
                    else pdfProblem = pdf.Problem;
                }
                items.Add($"{package.Subjects.Count} 件の記録について回答を作成しました（{package.RecordCount} 項目）。");
                if (package.Subjects.Count == 0) outcome = RequestOutcome.NoDataHeld;
                break;
            }
            case RequestKind.Correction:
            {
                // Staff's content replaces the person's for the items staff name, after investigation; the person's other items are
                // corrected as asked. Before, one item named by staff replaced the whole request: the person's other items were
                // silently not corrected, and the answer named what was by internal ids.
                var asked = details.Corrections ?? new Dictionary<string, string>();
                var corrections = new Dictionary<string, string>(asked, StringComparer.Ordinal);
                var otherContent = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (item, value) in StaffCorrections(execute.Corrections))
                {
                    if (!asked.TryGetValue(item, out var theirs) || theirs != value) otherContent.Add(item);
                    corrections[item] = value;
                }
                var names = PolicyCategories.Of(current.Model);
                string Content(IEnumerable<string> ids, NoticeLanguage lang) => string.Join(lang == NoticeLanguage.Ja ? "、" : "; ",
                    ids.Select(id => lang == NoticeLanguage.Ja ? $"{names.Name(id, lang)}「{corrections[id]}」" : $"{names.Name(id, lang)} to \"{corrections[id]}\""));
                var corrected = new List<string>();
                foreach (var subjectId in subjectIds)
                {
                    var applicable = await ApplicableAsync(subjectId, corrections.Keys, current.Model, ct);
                    if (applicable.Count == 0) continue;
                    try
                    {
                        await subjects.CorrectAsync(subjectId, corrections.Where(kv => applicable.Contains(kv.Key)).ToDictionary(), "data-subject-request", actor, ct);
                    }
                    catch (MamoriException e) when (e.Code is ErrorCode.InvalidFieldValue)
                    {
                        throw new MamoriException(ErrorCode.RequestInvalidInput, "A corrected value is not valid for its item: " + e.Message) { Reason = "correction-value" };
                    }
                    corrected.AddRange(applicable.Where(c => !corrected.Contains(c)));
                    // Art.34(3): the person is told what was corrected, content included, by the items' names in the policy.
                    items.Add("訂正：" + Content(applicable, NoticeLanguage.Ja));
                    itemsEn.Add("Corrected: " + Content(applicable, NoticeLanguage.En));
                }
                // And what was not, and why: an item asked for that no record of theirs holds for a purpose open to requests.
                var notCorrected = corrections.Keys.Where(k => !corrected.Contains(k)).ToList();
                if (corrected.Count == 0)
                {
                    outcome = RequestOutcome.NoChange;
                    if (subjectIds.Count == 0 || notCorrected.Count == 0)
                    {
                        items.Add("訂正の対象となる保有個人データはありませんでした（訂正なし）。");
                        itemsEn.Add("We hold no retained personal data to correct (no correction).");
                    }
                }
                if (subjectIds.Count > 0 && notCorrected.Count > 0)
                {
                    items.Add($"次の項目は、当社がご本人について保有する個人データ（保有個人データ）の項目ではないため、訂正していません：{names.Names(notCorrected, NoticeLanguage.Ja)}");
                    itemsEn.Add($"Not corrected, as we hold no retained personal data of these items about you: {names.Names(notCorrected, NoticeLanguage.En)}");
                }
                if (corrected.Where(otherContent.Contains).ToList() is { Count: > 0 } ours)
                {
                    items.Add($"次の項目は、調査の結果、ご請求とは異なる内容に訂正しました（内容は上記のとおりです）：{names.Names(ours, NoticeLanguage.Ja)}");
                    itemsEn.Add($"After investigation, these items were corrected to content other than you asked (shown above): {names.Names(ours, NoticeLanguage.En)}");
                }
                break;
            }
            case RequestKind.Suspension or RequestKind.StopProvision:
            {
                var stop = r.Kind == RequestKind.StopProvision;
                var rows = await db.Set<DataSubject>().Where(s => subjectIds.Contains(s.Id)).ToListAsync(ct);
                foreach (var s in rows)
                {
                    if (stop) s.ProvisionStopped = true;
                    else s.UseSuspended = true;
                    s.UpdatedAt = clock.GetUtcNow();
                    entries.Add(new(stop ? AuditCode.SubjectProvisionStopped : AuditCode.SubjectUseSuspended, actor, SubjectId: s.Id.ToString(), TargetId: r.Id.ToString(), ReasonCode: "data-subject-request"));
                }
                items.Add(stop ? $"{rows.Count} 件の記録について、第三者への提供を停止しました。" : $"{rows.Count} 件の記録について、利用を停止しました（ご請求への対応を除く）。");
                break;
            }
            case RequestKind.Erasure:
            {
                foreach (var subjectId in subjectIds)
                {
                    try
                    {
                        var certificate = await subjects.EraseAsync(subjectId, "data-subject-request", actor, ct);
                        var destroyed = certificate.Destroyed.Split(',', StringSplitOptions.RemoveEmptyEntries);
                        // Items by their names in the policy, the end of a legal hold as a day in Japan time (the person's calendar).
                        items.Add("消去：" + (destroyed.Length == 0 ? "なし" : PolicyCategories.Of(current.Model).Names(destroyed, NoticeLanguage.Ja)));
                        itemsEn.Add("Erased: " + (destroyed.Length == 0 ? "none" : PolicyCategories.Of(current.Model).Names(destroyed, NoticeLanguage.En)));
                        if (HeldCategories.Text(certificate, current.Model, NoticeLanguage.Ja) is { } kept)
                        {
                            items.Add("法令により保存を続ける項目（保存期間の満了後に消去します）：" + kept);
                            itemsEn.Add("Kept as the law requires (erased when the period ends): " + HeldCategories.Text(certificate, current.Model, NoticeLanguage.En));
                        }
                    }
                    catch (MamoriException e) when (e.Code == ErrorCode.SubjectErased)
                    {
                        items.Add("消去：既に消去済みの記録がありました。");
                        itemsEn.Add("Erased: some records had already been erased.");
                    }
                }
                break;
            }
            case RequestKind.Anonymization:
            {
                var wanted = execute.Categories ?? details.Categories ?? [];
                var generalize = ProcessingOf(execute.Processing ?? details.Processing) == "generalize";
                foreach (var subjectId in subjectIds)
                {
                    var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == subjectId, ct);
                    if (subject.WrappedKey is null) continue;
                    var scope = PolicyScopes.For(current.Model, subject.ServiceId);
                    var stored = await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == subjectId).Select(f => f.Category).ToListAsync(ct);
                    var targets = wanted.Where(stored.Contains).ToList();
                    var indexed = targets.Where(c => scope.DataCategories.First(x => x.Id == c) is var cat && BlindIndex.KindOf(cat) is not null).ToList();
                    var maskable = targets.Except(indexed).ToList();
                    if (maskable.Count > 0)
                    {
                        var read = await subjects.ReadAsync(new DecisionRequest(subjectId, DecisionRules.RequestHandling, maskable, DisclosureBuilder.ViewerRoles(current.Model)), actor, ct);
                        var masked = read.Values.ToDictionary(kv => kv.Key, kv => generalize
                            ? Generalization.Generalize(scope.DataCategories.First(c => c.Id == kv.Key), kv.Value)
                            : Masking.Mask(scope.DataCategories.First(c => c.Id == kv.Key), kv.Value));
                        await subjects.CorrectAsync(subjectId, masked, "anonymisation-request", actor, ct);
                        entries.Add(new(AuditCode.SubjectFieldsProcessed, actor, SubjectId: subjectId.ToString(), TargetId: r.Id.ToString(),
                            ReasonCode: generalize ? "generalize" : "mask", Categories: string.Join(',', masked.Keys.Order(StringComparer.Ordinal))));
                        items.Add((generalize ? "一般化：" : "匿名化：") + string.Join("、", maskable));
                    }
                    if (indexed.Count > 0)
                        items.Add("連絡先・番号の項目は照合に使われるため加工できません。必要な場合は消去をご請求ください：" + string.Join("、", indexed));
                }
                if (items.Count == 0) { outcome = RequestOutcome.NoChange; items.Add("加工の対象となる項目はありませんでした。"); }
                break;
            }
            case RequestKind.Complaint:
                items.Add("苦情・お問合せに回答しました。");
                break;
        }
        if (pdfProblem is not null) items.Add("PDF：" + pdfProblem);
        var answer = new RequestAnswer(RequestAnswer.FormatId, r.Reference, r.Kind, outcome, Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            current.Model.Company?.LegalName?.Ja ?? "", items, execute.AnswerText, null, null, null, null, itemsEn.Count > 0 ? itemsEn : null);
        if (artifacts.Count == 0)
        {
            artifacts.Add((ArtifactKind.Json, "application/json", JsonSerializer.SerializeToUtf8Bytes(answer, AnswerJson)));
            artifacts.Add((ArtifactKind.Html, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(AnswerHtml(answer))));
        }
        // Re-read: vault operations above committed their own transactions.
        db.ChangeTracker.Clear();
        var fresh = await GetAsync(id, ct);
        if (r.Kind is RequestKind.Suspension or RequestKind.StopProvision)
        {
            var stop = r.Kind == RequestKind.StopProvision;
            foreach (var s in await db.Set<DataSubject>().Where(s => subjectIds.Contains(s.Id)).ToListAsync(ct))
            {
                if (stop) s.ProvisionStopped = true;
                else s.UseSuspended = true;
                s.UpdatedAt = clock.GetUtcNow();
            }
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        StoreArtifacts(fresh, artifacts);
        entries.Add(new(AuditCode.RequestExecuted, actor, TargetId: r.Id.ToString(), ReasonCode: RequestKinds.Id(r.Kind), Categories: outcome.ToString()));
        fresh.Outcome = outcome;
        fresh.AnsweredAt = clock.GetUtcNow();
        Move(fresh, RequestStatus.Answered, actor, outcome == RequestOutcome.NoDataHeld ? "no-data-held" : "answered", entries);
        Notify(fresh, details, "answered", Subject(current.Model, fresh, "ご請求への回答", "Answer to your request"),
            Body(current.Model, fresh, $"ご請求（受付番号 {fresh.Reference}）への回答をご用意しました。受付時にお知らせした状況確認用リンクからご確認ください。" + (fresh.Method == DisclosureMethod.Paper ? "書面での回答は郵送いたします。" : ""),
                $"The answer to your request {fresh.Reference} is ready. Open it through the private status link we sent when we received it." + (fresh.Method == DisclosureMethod.Paper ? " A paper copy will be mailed to you." : "")));
        await audit.AppendManyAsync(db, entries, ct);
        if (traced is { Count: > 0 })
            // Answer files hold personal data: their trace lets an incident tell who a misdelivered answer exposed.
            await ExportTraces.RecordAsync(db, audit, actor, ExportTraces.Disclosure, r.Id.ToString(), traced,
                [.. artifacts.Select(a => new ExportFile(a.Kind.ToString().ToLowerInvariant(), a.Bytes))], clock.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(fresh, ct);
    }

    /// <summary>
    /// The items staff correct with their own content (<see cref="ExecuteOptions.Corrections"/>), trimmed: each names its item and
    /// gives content, as the person's must (MAMORI-5022 <c>corrections</c>, <c>too-long</c>), checked before anything changes.
    /// </summary>
    private static Dictionary<string, string> StaffCorrections(IReadOnlyDictionary<string, string>? given)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, content) in given ?? new Dictionary<string, string>())
        {
            var (item, value) = (key.Trim(), content?.Trim() ?? "");
            if (item.Length == 0 || value.Length == 0)
                throw new MamoriException(ErrorCode.RequestInvalidInput, "A correction names its item and gives the correct content (corrections).") { Reason = "corrections" };
            if (item.Length > 64 || value.Length > MaxTextLength)
                throw new MamoriException(ErrorCode.RequestInvalidInput, $"A correction's item is at most 64 characters and its content at most {MaxTextLength}.")
                {
                    Reason = "too-long", ReasonArgs = ["corrections", (item.Length > 64 ? 64 : MaxTextLength).ToString(CultureInfo.InvariantCulture)],
                };
            result[item] = value;
        }
        return result;
    }

    private async Task<List<string>> ApplicableAsync(Guid subjectId, IEnumerable<string> categories, PolicyModel model, CancellationToken ct)
    {
        var s = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == subjectId, ct);
        if (s?.WrappedKey is null) return [];
        var scope = PolicyScopes.For(model, s.ServiceId);
        var shown = PolicyScopes.Shown(scope, s.PurposesShown);
        var declared = shown.SelectMany(p => p.Categories).ToHashSet(StringComparer.Ordinal);
        declared.ExceptWith(DisclosureBuilder.Withheld(shown)); // held only for purposes outside requests (S-07)
        // The date of birth an earlier version kept beside the subject is correctable too (Subjects.CorrectAsync).
        return categories.Where(c => declared.Contains(c) || (c == BirthDates.ApiField && s.SealedBirthDate is not null)).ToList();
    }

    /// <summary>The subjects whose data was acquired only for purposes the policy marks <c>disclosable: false</c> (S-07).</summary>
    private async Task<List<Guid>> OutsideRequestsAsync(List<Guid> subjectIds, PolicyModel model, CancellationToken ct)
    {
        if (!model.Purposes.Concat(model.Services.SelectMany(x => x.Purposes)).Any(p => !p.Disclosable)) return [];
        var rows = await db.Set<DataSubject>().AsNoTracking().Where(x => subjectIds.Contains(x.Id))
            .Select(x => new { x.Id, x.ServiceId, x.PurposesShown }).ToListAsync(ct);
        return [.. rows.Where(x => PolicyScopes.Shown(PolicyScopes.For(model, x.ServiceId), x.PurposesShown) is { Count: > 0 } shown
                                  && shown.All(p => !p.Disclosable)).Select(x => x.Id)];
    }

    private static readonly JsonSerializerOptions AnswerJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string AnswerHtml(RequestAnswer a)
    {
        static string E(string? s) => System.Net.WebUtility.HtmlEncode(s ?? "");
        var sb = new StringBuilder();
        // The viewport line: people open the answer on a phone, where a page without it is laid out at desktop width.
        sb.Append("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>ご請求への回答 ").Append(E(a.Reference)).Append("</title>\n</head>\n<body>\n");
        sb.Append("<h1>").Append(E(RequestKinds.Name(a.Kind).Ja)).Append("のご請求への回答</h1>\n");
        sb.Append("<p>受付番号 ").Append(E(a.Reference)).Append("／回答日 ").Append(E(a.AnsweredOnJst)).Append("／").Append(E(a.Company)).Append("</p>\n");
        if (a.RefusalCode is not null)
            sb.Append("<p>誠に恐れ入りますが、次の理由により、ご請求に応じることができません（").Append(E(a.RefusalLawJa ?? a.RefusalLaw)).Append("）。</p>\n<p><strong>")
              .Append(E(a.RefusalJa)).Append("</strong></p>\n<p lang=\"en\">").Append(E(a.RefusalEn)).Append("</p>\n");
        if (a.Items.Count > 0)
        {
            sb.Append("<ul>\n");
            foreach (var i in a.Items) sb.Append("<li>").Append(E(i)).Append("</li>\n");
            sb.Append("</ul>\n");
        }
        if (a.ItemsEn is { Count: > 0 })
        {
            sb.Append("<ul lang=\"en\">\n");
            foreach (var i in a.ItemsEn) sb.Append("<li>").Append(E(i)).Append("</li>\n");
            sb.Append("</ul>\n");
        }
        if (a.Note is not null) sb.Append("<p>").Append(E(a.Note).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private void StoreArtifacts(DataSubjectRequest r, List<(ArtifactKind Kind, string Type, byte[] Bytes)> artifacts)
    {
        var key = RequestSealing.Key(keys.Current, r);
        var now = clock.GetUtcNow();
        foreach (var (kind, type, bytes) in artifacts)
        {
            var id = Guid.CreateVersion7(now);
            db.Add(new RequestArtifact
            {
                Id = id, TenantId = r.TenantId, RequestId = r.Id, Kind = kind, ContentType = type, Size = bytes.Length, CreatedAt = now,
                Ciphertext = RequestSealing.SealBytes(key, r.TenantId, r.Id, "artifact:" + id.ToString("N"), bytes),
            });
        }
        RequestSealing.Forget(key);
    }

    private async Task AnswerNoDataHeldAsync(DataSubjectRequest r, RequesterDetails details, PolicyModel model, Actor actor, List<AuditEntry> entries, CancellationToken ct)
    {
        // A code verified only the e-mail address (nothing found by a phone number is linked): the answer says so, in the same
        // words whether or not the phone number is a customer's, and names the documents route for the rest.
        var byCode = r.Verification == VerificationMethod.OneTimeCode;
        var answer = new RequestAnswer(RequestAnswer.FormatId, r.Reference, r.Kind, RequestOutcome.NoDataHeld, Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            model.Company?.LegalName?.Ja ?? "",
            [byCode
                ? "確認コードで確認いただいたメールアドレスに該当する保有個人データを、当社は保有しておりません。電話番号など他の情報でご登録の場合は、本人確認書類を添えて改めてご請求ください。"
                : "ご提示の連絡先（メールアドレス・電話番号）に該当する保有個人データを、当社は保有しておりません。他の連絡先でご登録の場合は、その連絡先を記載して改めてご請求ください。"],
            null, null, null, null, null,
            // The answer to a request made in English must be readable in English too (the Japanese text prevails).
            [byCode
                ? "We hold no retained personal data matching the e-mail address you confirmed with the code. If you registered with other details such as a phone number, please make a new request with identity documents."
                : "We hold no retained personal data matching the contact details you gave (e-mail address, phone number). If you registered with other contact details, please make a new request giving them."]);
        StoreArtifacts(r, [(ArtifactKind.Json, "application/json", JsonSerializer.SerializeToUtf8Bytes(answer, AnswerJson)),
            (ArtifactKind.Html, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(AnswerHtml(answer)))]);
        r.Outcome = RequestOutcome.NoDataHeld;
        r.AnsweredAt = clock.GetUtcNow();
        Move(r, RequestStatus.Answered, actor, "no-data-held", entries);
        entries.Add(new(AuditCode.RequestExecuted, actor, TargetId: r.Id.ToString(), ReasonCode: RequestKinds.Id(r.Kind), Categories: nameof(RequestOutcome.NoDataHeld)));
        Notify(r, details, "no-data-held", Subject(model, r, "ご請求への回答", "Answer to your request"),
            Body(model, r, byCode
                    ? $"ご請求（受付番号 {r.Reference}）について：確認いただいたメールアドレスに該当する保有個人データを当社は保有しておりません。電話番号など他の情報でご登録の場合は、本人確認書類を添えて改めてご請求ください。"
                    : $"ご請求（受付番号 {r.Reference}）について：ご提示の連絡先に該当する保有個人データを当社は保有しておりません。",
                byCode
                    ? $"About your request {r.Reference}: we hold no personal data under the e-mail address you confirmed. If you registered with a phone number or other details, make a new request with identity documents."
                    : $"About your request {r.Reference}: we hold no personal data under the contact details you gave."));
        await Task.CompletedTask;
    }

    /// <summary>Staff answer "no data held" at once (S-44), e.g. for a letter with no contact data to match.</summary>
    public async Task<RequestView> AnswerNoDataAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var r = await GetAsync(id, ct);
        RequireOpen(r);
        // A complaint is about whatever the person raises, not about data found under their name: it is answered with a text.
        RequireIdentityCheck(r);
        if (r.Status is RequestStatus.AwaitingPayment or RequestStatus.InProgress)
            throw new MamoriException(ErrorCode.RequestInvalidTransition, "The request already matched data; execute or refuse it.", 409) { Reason = "data-matched" };
        var current = await policies.RequireCurrentAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var entries = new List<AuditEntry>();
        await AnswerNoDataHeldAsync(r, Details(r), current.Model, actor, entries, ct);
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(r, ct);
    }

    /// <summary>Refuses with a reason from the fixed list, explained to the person (S-45).</summary>
    public async Task<RequestView> RefuseAsync(Guid id, string reasonCode, string? note, Actor actor, CancellationToken ct = default)
    {
        var reason = RefusalReasons.Find(reasonCode) ?? throw new MamoriException(ErrorCode.RequestUnknownRefusalReason,
            $"Unknown refusal reason; use one of: {string.Join(", ", RefusalReasons.All.Select(x => x.Code))}.");
        if (note is { Length: > MaxDetailsLength }) throw new MamoriException(ErrorCode.RequestInvalidInput, $"The note is longer than {MaxDetailsLength} characters.")
        {
            Reason = "too-long", ReasonArgs = ["note", MaxDetailsLength.ToString(CultureInfo.InvariantCulture)],
        };
        // 「理由の詳細は下記のとおりです」 and then nothing: the answer must give the reasons (Art.36), and only the note can.
        if (reason.NoteRequired && string.IsNullOrWhiteSpace(note))
            throw new MamoriException(ErrorCode.RequestInvalidInput, $"The reason '{reason.Code}' ({reason.Law}) is explained in the note: give the reasons for the decision (note).")
            {
                Reason = "refusal-note",
            };
        var r = await GetAsync(id, ct);
        RequireOpen(r);
        if (!reason.AppliesTo(r.Kind))
            throw new MamoriException(ErrorCode.RequestUnknownRefusalReason,
                $"The reason '{reason.Code}' ({reason.Law}) does not apply to this kind of request; use one of: {string.Join(", ", RefusalReasons.For(r.Kind).Select(x => x.Code))}.")
            {
                Reason = "kind",
            };
        var current = await policies.RequireCurrentAsync(ct);
        var answer = new RequestAnswer(RequestAnswer.FormatId, r.Reference, r.Kind, RequestOutcome.Refused, Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            current.Model.Company?.LegalName?.Ja ?? "", [], string.IsNullOrWhiteSpace(note) ? null : note.Trim(), reason.Code, reason.Law, reason.Ja, reason.En,
            RefusalLawJa: reason.LawJa);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        StoreArtifacts(r, [(ArtifactKind.Json, "application/json", JsonSerializer.SerializeToUtf8Bytes(answer, AnswerJson)),
            (ArtifactKind.Html, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(AnswerHtml(answer)))]);
        r.Outcome = RequestOutcome.Refused;
        r.RefusalReason = reason.Code;
        r.AnsweredAt = clock.GetUtcNow();
        var entries = new List<AuditEntry>();
        Move(r, RequestStatus.Refused, actor, reason.Code, entries);
        Notify(r, Details(r), "refused", Subject(current.Model, r, "ご請求への回答", "Answer to your request"),
            // The note stays in the answer behind the status link (an address typed into a form may not be the person's): a
            // reason announcing its details 「下記のとおり」 says where they are.
            Body(current.Model, r, $"ご請求（受付番号 {r.Reference}）について、次の理由によりお応えできません（{reason.LawJa}）。\n{reason.Ja}"
                    + (reason.NoteRequired ? "\n理由の詳細は回答書に記載しています。受付時にお知らせした状況確認用リンクからご確認ください。" : ""),
                $"We cannot comply with your request {r.Reference} for this reason ({reason.Law}):\n{reason.En}"
                    + (reason.NoteRequired ? "\nThe details are in the answer: open it through the private status link we sent when we received the request." : "")));
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(r, ct);
    }

    public async Task<RequestView> WithdrawAsync(DataSubjectRequest r, Actor actor, CancellationToken ct = default)
    {
        RequireOpen(r);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        r.Outcome = RequestOutcome.Withdrawn;
        var entries = new List<AuditEntry>();
        Move(r, RequestStatus.Withdrawn, actor, "withdrawn", entries);
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(r, ct);
    }

    /// <summary>An answer file, opened; only for answered or refused requests (after payment by construction).</summary>
    public async Task<(string ContentType, byte[] Bytes)> AnswerAsync(DataSubjectRequest r, ArtifactKind kind, Actor actor, CancellationToken ct = default)
    {
        if (r.Status is not (RequestStatus.Answered or RequestStatus.Refused))
            throw new MamoriException(ErrorCode.RequestAnswerNotReady, "The answer is not ready yet.", 409);
        if (r.FeeYen > 0 && !r.FeeWaived && r.PaidAt is null && r.Outcome != RequestOutcome.Refused)
            throw new MamoriException(ErrorCode.RequestPaymentRequired, "The answer is released after payment is confirmed.", 409);
        if (r.FilesDestroyedAt is not null)
            throw new MamoriException(ErrorCode.RequestFilesDestroyed, "The answer files were destroyed after the retention period; contact us for a new copy.", 410);
        var a = await db.Set<RequestArtifact>().AsNoTracking().Where(x => x.RequestId == r.Id && x.Kind == kind).OrderByDescending(x => x.CreatedAt).FirstOrDefaultAsync(ct)
                ?? throw new MamoriException(ErrorCode.RequestAnswerNotReady, $"The answer has no {ErrorText.Enum(kind)} rendering" + (kind == ArtifactKind.Pdf ? " (no Japanese font was available when it was made)." : "."), 404);
        var key = RequestSealing.Key(keys.Current, r);
        var bytes = RequestSealing.OpenBytes(key, r.TenantId, r.Id, "artifact:" + a.Id.ToString("N"), a.Ciphertext!);
        RequestSealing.Forget(key);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.RequestAnswerDownloaded, actor, TargetId: r.Id.ToString(), ReasonCode: kind.ToString()), ct);
        await tx.CommitAsync(ct);
        return (a.ContentType, bytes);
    }

    /// <summary>Opens an uploaded document for staff.</summary>
    public async Task<(string ContentType, byte[] Bytes)> DocumentAsync(Guid requestId, Guid documentId, Actor actor, CancellationToken ct = default)
    {
        var r = await GetAsync(requestId, ct);
        var d = await db.Set<RequestDocument>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == documentId && x.RequestId == requestId, ct)
                ?? throw new MamoriException(ErrorCode.RequestNotFound, "There is no such document.", 404);
        if (d.Ciphertext is null) throw new MamoriException(ErrorCode.RequestFilesDestroyed, "The document was checked on paper or has been destroyed.", 410);
        var key = RequestSealing.Key(keys.Current, r);
        var bytes = RequestSealing.OpenBytes(key, r.TenantId, r.Id, "doc:" + d.Id.ToString("N"), d.Ciphertext);
        RequestSealing.Forget(key);
        // An identity document is personal data: who opened it is on the record, like an answer's download.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.RequestDocumentOpened, actor, TargetId: r.Id.ToString(), ReasonCode: d.Id.ToString()), ct);
        await tx.CommitAsync(ct);
        return (d.ContentType ?? "application/octet-stream", bytes);
    }

    // ---------------------------------------------------------------- retention of files

    /// <summary>Destroys uploads and answer files of requests closed more than the configured days ago. Returns how many requests.</summary>
    public async Task<int> DestroyExpiredFilesAsync(IDatabaseProvider provider, CancellationToken ct = default)
    {
        var cutoff = clock.GetUtcNow().AddDays(-Settings.FileRetentionDays);
        var total = 0;
        while (true)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await audit.LockHeadAsync(db, ct); // the head before the claimed rows, as every audited change (AuditLog.LockHeadAsync)
            var sql = $"SELECT \"Id\" AS \"Value\" FROM \"DataSubjectRequests\" WHERE \"TenantId\" = {{0}} AND \"ClosedAt\" IS NOT NULL AND \"ClosedAt\" <= {{1}} AND \"FilesDestroyedAt\" IS NULL ORDER BY \"ClosedAt\" LIMIT 50 {provider.SkipLockedClause}";
            var ids = await db.Database.SqlQueryRaw<Guid>(sql, db.CurrentTenantId, provider.TimestampParameter(cutoff)).ToListAsync(ct);
            if (ids.Count == 0) break;
            var now = clock.GetUtcNow();
            var entries = new List<AuditEntry>();
            foreach (var r in await db.Set<DataSubjectRequest>().Where(x => ids.Contains(x.Id)).ToListAsync(ct))
            {
                foreach (var d in await db.Set<RequestDocument>().Where(x => x.RequestId == r.Id && x.DestroyedAt == null).ToListAsync(ct)) { d.Ciphertext = null; d.DestroyedAt = now; }
                foreach (var a in await db.Set<RequestArtifact>().Where(x => x.RequestId == r.Id && x.DestroyedAt == null).ToListAsync(ct)) { a.Ciphertext = null; a.DestroyedAt = now; }
                r.FilesDestroyedAt = now;
                entries.Add(new(AuditCode.RequestFilesDestroyed, Actor.System, TargetId: r.Id.ToString(), ReasonCode: "retention"));
            }
            await audit.AppendManyAsync(db, entries, ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            total += ids.Count;
        }
        return total;
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>One status change: checked against the allowed moves, pauses or resumes the clock, recorded and audited.</summary>
    private void Move(DataSubjectRequest r, RequestStatus to, Actor actor, string reason, List<AuditEntry> entries)
    {
        if (!Allowed[r.Status].Contains(to))
            throw new MamoriException(ErrorCode.RequestInvalidTransition, $"A request cannot go from {ErrorText.Enum(r.Status)} to {ErrorText.Enum(to)}.", 409) { Reason = "status", ReasonArgs = [r.Status.ToString()] };
        var now = clock.GetUtcNow();
        var today = RequestClock.Day(now);
        var from = r.Status;
        var wasPaused = r.IsPaused;
        r.Status = to;
        if (r.IsPaused && !wasPaused) RequestClock.Pause(r, today);
        else if (!r.IsPaused && wasPaused) RequestClock.Resume(r, today, Settings.ResponseDays);
        if (r.IsClosed) r.ClosedAt = now;
        r.UpdatedAt = now;
        var reasonCode = reason.Length <= 64 ? reason : reason[..64];
        r.Transitions++;
        db.Add(new RequestTransition
        {
            Id = Guid.CreateVersion7(now), TenantId = r.TenantId, RequestId = r.Id, Sequence = r.Transitions, From = from, To = to, At = now, Actor = actor.ToString(), Reason = reasonCode,
        });
        entries.Add(new(AuditCode.RequestStatusChanged, actor, TargetId: r.Id.ToString(), ReasonCode: $"{ErrorText.Enum(from)}>{ErrorText.Enum(to)}", Categories: reasonCode));
    }

    /// <summary>The person's private status link, on the address of the company's public pages (which may be another server's).</summary>
    private async Task<string> StatusUrlAsync(DataSubjectRequest r, string token, CancellationToken ct) =>
        $"{await Tenancy.Tenants.PublicBaseUrlAsync(db, db.CurrentTenantId, Settings.PublicBaseUrl, ct)}{(r.Language == "en" ? "/en" : "")}/requests/status/{token}";

    private static string Subject(PolicyModel model, DataSubjectRequest r, string ja, string en)
    {
        // Fixed text, the company and the reference: never personal data (a subject line is logged and shown everywhere).
        var company = model.Company?.LegalName?.Ja ?? "Mamori";
        return r.Language == "en" ? $"[{model.Company?.LegalName?.En ?? company}] {en} ({r.Reference})" : $"【{company}】{ja}（{r.Reference}）";
    }

    private static string Body(PolicyModel model, DataSubjectRequest r, string ja, string en)
    {
        var english = r.Language == "en";
        var contact = model.Contact;
        // The desk in the message's first language; a policy may leave out the phone or the hours: no empty lines or stray spaces.
        string? Text(LocalizedText? t) => english ? t?.En ?? t?.Ja : t?.Ja;
        var lines = contact is null ? [] : new[]
        {
            Text(contact.Name),
            string.Join("  ", new[] { contact.Phone, contact.Email }.Where(v => !string.IsNullOrWhiteSpace(v))),
            Text(contact.Hours),
        }.Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var footer = lines.Length == 0 ? "" : "\n\n" + string.Join("\n", lines);
        return english ? en + "\n\n---\n" + ja + footer : ja + "\n\n---\n" + en + footer;
    }

    /// <summary>Queues a message to the requester's email if they gave one (letters are answered by post).</summary>
    private void Notify(DataSubjectRequest r, RequesterDetails details, string template, string subject, string body)
    {
        if (details.Email is null) return;
        outbox.Enqueue(template, subject, details.Email, body, "request:" + r.Id);
    }
}
