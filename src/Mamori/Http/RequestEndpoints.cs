using Mamori.Audit;
using Mamori.Auth;
using Mamori.Errors;
using Mamori.Requests;
using Mamori.Staff;
using Mamori.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Mamori.Http;

/// <summary>/api/requests: data-subject requests (開示等の請求) for staff tools and integrations, and the person's private status link.</summary>
public static class RequestEndpoints
{
    public sealed record RequestCreatedResponse(RequestView Request, string StatusToken, string StatusUrl);

    public sealed record CheckedBody(DocumentGroup Group, string Name, DateOnly? IssuedOn = null);

    public sealed record PaymentBody(string? Reference = null);

    public sealed record WaiveBody(string Reason);

    /// <summary>The department that handles the request (担当部門); null or empty: none.</summary>
    public sealed record DepartmentBody(string? DepartmentId);

    public sealed record RefuseBody(string Reason, string? Note = null);

    public sealed record CodeBody(string Code);

    public sealed record PublicStatus(
        string Reference, RequestKind Kind, RequestStatus Status, string StatusJa, string StatusEn, DateOnly ReceivedOn, DateOnly? DueOn, DateOnly ProjectedDueOn,
        DateOnly? SuitPossibleFrom, bool Paused, int FeeYen, bool FeeWaived, bool Invoiced, bool Paid, bool Verified, bool CodeSent,
        IReadOnlyList<MissingDocument> MissingDocuments, IReadOnlyList<ArtifactKind> Answers, RequestOutcome Outcome, string? RefusalReason, IReadOnlyList<TransitionView> History);

    public static PublicStatus ToPublic(DataSubjectRequest r, RequestView v)
    {
        var (ja, en) = RequestKinds.StatusName(v.Status);
        return new PublicStatus(v.Reference, v.Kind, v.Status, ja, en, v.ReceivedOn, v.DueOn, v.ProjectedDueOn, v.SuitPossibleFrom, r.IsPaused, v.FeeYen, v.FeeWaived,
            v.InvoicedAt is not null, v.PaidAt is not null, v.VerifiedAt is not null, r.CodeHash is not null, v.MissingDocuments, v.Answers, v.Outcome, v.RefusalReason, v.History);
    }

    public static ArtifactKind Format(string? format) => format switch
    {
        null or "" or "html" => ArtifactKind.Html,
        "json" => ArtifactKind.Json,
        "pdf" => ArtifactKind.Pdf,
        _ => throw new MamoriException(ErrorCode.RequestInvalidInput, "format is 'html', 'json' or 'pdf'."),
    };

    public static string FileName(DataSubjectRequest r, ArtifactKind kind) => $"{r.Reference}.{kind.ToString().ToLowerInvariant()}";

    /// <summary>Reads a multipart upload with the request-size limit raised to the upload limit (the default is 1 MiB).</summary>
    /// <summary>
    /// Reads an uploaded document: the file, its issue date, and which document it is — by default the fields group and name;
    /// <paramref name="document"/> reads them otherwise (the status page posts both in one choice).
    /// </summary>
    public static async Task<(DocumentGroup Group, string Name, DateOnly? IssuedOn, byte[] Content)> ReadUploadAsync(HttpContext http, RequestSettings settings,
        Func<IFormCollection, (DocumentGroup Group, string Name)>? document = null)
    {
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = settings.MaxUploadBytes * 2 + 64 * 1024;
        if (!http.Request.HasFormContentType)
            throw new MamoriException(ErrorCode.UnsupportedMediaType, "Send the document as multipart/form-data (fields: group, name, issuedOn, file).", 415);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var file = form.Files.GetFile("file") ?? throw new MamoriException(ErrorCode.RequestInvalidInput, "The form has no file (field 'file').");
        var (group, name) = document is null ? (Group(form["group"].ToString()), form["name"].ToString()) : document(form);
        DateOnly? issued = null;
        if (form["issuedOn"].ToString() is { Length: > 0 } s)
            issued = DateOnly.TryParseExact(s, "yyyy-MM-dd", out var d) ? d : throw new MamoriException(ErrorCode.RequestInvalidInput, "issuedOn is a date (yyyy-MM-dd).");
        if (file.Length > settings.MaxUploadBytes)
            throw new MamoriException(ErrorCode.RequestUploadTooLarge, $"An upload may be at most {settings.MaxUploadBytes / 1024} KiB.", 413);
        using var ms = new MemoryStream((int)file.Length);
        await file.CopyToAsync(ms, http.RequestAborted);
        return (group, name, issued, ms.ToArray());
    }

    /// <summary>A document group by its id: identity, proxy or legal-representative.</summary>
    public static DocumentGroup Group(string id) =>
        Enum.TryParse<DocumentGroup>(id.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var group) && Enum.IsDefined(group)
            ? group : throw new MamoriException(ErrorCode.RequestInvalidInput, "group is 'identity', 'proxy' or 'legal-representative'.");

    public static RouteGroupBuilder MapRequests(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/requests").WithTags("Requests");

        g.MapPost("/", async (RequestIntake body, HttpContext http, DataSubjectRequests requests) =>
        {
            var key = http.Request.Headers.TryGetValue(VaultEndpoints.IdempotencyKeyHeader, out var keys) ? keys.ToString() : null;
            var created = await requests.SubmitAsync(body, http.Actor(), key, http.RequestAborted);
            if (created.Replayed) http.Response.Headers[VaultEndpoints.IdempotentReplayedHeader] = "true";
            return TypedResults.Created($"/api/requests/{created.Request.Id}",
                new RequestCreatedResponse(created.Request, created.StatusToken, created.StatusUrl));
        }).RequirePermission(Permission.HandleRequests)
            .WithSummary("Open a request (letter, visit, integration): the reference and the person's private status link; send an Idempotency-Key header to retry safely.")
            .WithDescription("With `Idempotency-Key: <1-200 visible ASCII characters>` a retry by the same caller "
                + "within 24 hours answers the request the first call opened, as it is now and with the same status link (header `Idempotent-Replayed: true`), "
                + "instead of opening it twice; nothing is sent to the person again. The same key with another body is 422 MAMORI-1391.");

        g.MapGet("/", async (string? list, string? department, bool? unassigned, int? offset, int? limit, DataSubjectRequests requests, HttpContext http) =>
        {
            var filter = list switch
            {
                null or "" or "open" => RequestFilter.Open,
                "overdue" => RequestFilter.Overdue,
                "due-soon" => RequestFilter.DueSoon,
                "paused" => RequestFilter.Paused,
                "all" => RequestFilter.All,
                _ => throw new MamoriException(ErrorCode.RequestInvalidInput, "list is 'open', 'overdue', 'due-soon', 'paused' or 'all'."),
            };
            var from = offset ?? 0;
            var take = limit ?? DataSubjectRequests.MaxPage;
            department = string.IsNullOrWhiteSpace(department) ? null : department.Trim();
            if (department is { Length: > 64 }) throw new MamoriException(ErrorCode.RequestInvalidInput, "department is a department id (up to 64 characters).");
            if (department is not null && unassigned == true)
                throw new MamoriException(ErrorCode.RequestInvalidInput, "Ask for one department's requests (department) or for those no department handles (unassigned=true), not both.");
            var page = await requests.ListAsync(filter, department, unassigned == true, from, take, http.RequestAborted);
            UnreadableReport.Mark(http, page.Unreadable);
            // The body stays the array it always was; the total and the next page travel in headers (RFC 8288 Link).
            http.Response.Headers["X-Total-Count"] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var read = page.Items.Count + page.Unreadable.Count;
            if (from + read < page.Total)
                http.Response.Headers.Link = $"</api/requests?list={Uri.EscapeDataString(list ?? "open")}{(department is null ? "" : "&department=" + Uri.EscapeDataString(department))}{(unassigned == true ? "&unassigned=true" : "")}&offset={from + read}&limit={take}>; rel=\"next\"";
            return TypedResults.Ok(page.Items);
        }).RequirePermission(Permission.ReadRequests)
            .WithSummary("The queue: ?list=open|overdue|due-soon|paused|all, earliest due first; ?department= one department's (its 担当部門), ?unassigned=true those no department handles yet; ?offset=&limit= (1-500, default 500). X-Total-Count gives the total, Link rel=next the next page; a request this version cannot read is left out and named in the Mamori-Unreadable header (MAMORI-1114).");

        g.MapGet("/refusal-reasons", () => TypedResults.Ok(RefusalReasons.All))
            .RequirePermission(Permission.ReadRequests).WithSummary("The fixed list of refusal reasons with their articles and explanations.");

        g.MapGet("/{id:guid}", async (Guid id, DataSubjectRequests requests, HttpContext http) => TypedResults.Ok(await requests.ViewAsync(id, http.RequestAborted)))
            .RequirePermission(Permission.ReadRequests).WithSummary("One request with its clock, documents, fee and history.");

        g.MapGet("/{id:guid}/details", async (Guid id, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(requests.Details(await requests.GetAsync(id, http.RequestAborted))))
            .RequirePermission(Permission.HandleRequests).WithSummary("The requester's details (personal data, decrypted for the handler).");

        g.MapPost("/{id:guid}/start", async (Guid id, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.StartVerificationAsync(id, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Start checking (received → verifying; a complaint goes to in progress).");

        g.MapPost("/{id:guid}/documents", async (Guid id, HttpContext http, DataSubjectRequests requests, IOptions<RequestSettings> settings) =>
        {
            var r = await requests.GetAsync(id, http.RequestAborted);
            var (group, name, issued, content) = await ReadUploadAsync(http, settings.Value);
            return TypedResults.Ok(await requests.AddDocumentAsync(r, group, name, issued, content, http.Actor(), http.RequestAborted));
        }).RequirePermission(Permission.HandleRequests).DisableAntiforgery()
            .WithSummary("Upload a scanned identity/proxy document (multipart: group, name, issuedOn, file; images or PDF only).");

        g.MapPost("/{id:guid}/documents/checked", async (Guid id, CheckedBody body, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.RecordCheckedAsync(id, body.Group, body.Name, body.IssuedOn, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Record a paper document as checked by staff (nothing stored).");

        g.MapGet("/{id:guid}/documents/{documentId:guid}", async (Guid id, Guid documentId, DataSubjectRequests requests, HttpContext http) =>
        {
            var (type, bytes) = await requests.DocumentAsync(id, documentId, http.Actor(), http.RequestAborted);
            return TypedResults.File(bytes, type);
        }).RequirePermission(Permission.HandleRequests).WithSummary("Open an uploaded document.");

        g.MapPost("/{id:guid}/ask-documents", async (Guid id, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.AskForDocumentsAsync(id, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Ask the person for the missing documents; the clock pauses.");

        g.MapPost("/{id:guid}/verify", async (Guid id, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.VerifyIdentityAsync(id, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Identity verified from the documents; subjects matched; invoice or in progress.");

        g.MapPost("/{id:guid}/send-code", async (Guid id, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.SendCodeAsync(await requests.GetAsync(id, http.RequestAborted), null, http.Actor(), null, http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Send a one-time code to the email address in the request (it verifies the subjects holding that address).");

        g.MapPost("/{id:guid}/payment", async (Guid id, PaymentBody body, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.ConfirmPaymentAsync(id, body.Reference, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Payment confirmed: the clock resumes, the request goes to work.");

        g.MapPut("/{id:guid}/department", async (Guid id, DepartmentBody body, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.AssignAsync(id, body.DepartmentId, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests)
            .WithSummary("Name the department that handles the request (担当部門; null: none): its manager sees it on the department's page. An unknown department is MAMORI-9000.");

        g.MapPost("/{id:guid}/waive", async (Guid id, WaiveBody body, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.WaiveFeeAsync(id, body.Reason, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Waive the fee.");

        g.MapPost("/{id:guid}/execute", async (Guid id, ExecuteOptions body, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.ExecuteAsync(id, body, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Execute against the vault and answer (disclosure package, correction, suspension, erasure…).");

        g.MapPost("/{id:guid}/no-data", async (Guid id, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.AnswerNoDataAsync(id, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Answer at once that no data is held (Art.33(3)).");

        g.MapPost("/{id:guid}/refuse", async (Guid id, RefuseBody body, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.RefuseAsync(id, body.Reason, body.Note, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Refuse with a reason from the fixed list; the person is told why.");

        g.MapPost("/{id:guid}/withdraw", async (Guid id, DataSubjectRequests requests, HttpContext http) =>
            TypedResults.Ok(await requests.WithdrawAsync(await requests.GetAsync(id, http.RequestAborted), http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.HandleRequests).WithSummary("Record that the person withdrew the request.");

        g.MapGet("/{id:guid}/answer", async (Guid id, string? format, DataSubjectRequests requests, HttpContext http) =>
        {
            var r = await requests.GetAsync(id, http.RequestAborted);
            var kind = Format(format);
            var (type, bytes) = await requests.AnswerAsync(r, kind, http.Actor(), http.RequestAborted);
            return TypedResults.File(bytes, type, FileName(r, kind));
        }).RequirePermission(Permission.HandleRequests).WithSummary("The answer: ?format=html|json|pdf.");

        // The person's private status link: the token is the credential.
        var s = g.MapGroup("/status/{token}").PrivateLink();

        s.MapGet("/", async (string token, HttpContext http, DataSubjectRequests requests) =>
        {
            await UsePublicTenantAsync(http);
            var r = await requests.ByTokenAsync(token, http.RequestAborted);
            return TypedResults.Ok(ToPublic(r, await requests.ViewAsync(r, http.RequestAborted)));
        }).AllowAnonymous().WithSummary("The person's view of their request (private link).");

        s.MapPost("/send-code", async (string token, HttpContext http, DataSubjectRequests requests) =>
        {
            await UsePublicTenantAsync(http);
            var r = await requests.ByTokenAsync(token, http.RequestAborted);
            var v = await requests.SendCodeAsync(r, token, new Actor(ActorKind.DataSubject, r.Id.ToString()), http.Connection.RemoteIpAddress, http.RequestAborted);
            return TypedResults.Ok(ToPublic(r, v));
        }).AllowAnonymous().RequireRateLimiting("public-form").WithSummary("Send a one-time code to the email address in the request.");

        s.MapPost("/code", async (string token, CodeBody body, HttpContext http, DataSubjectRequests requests) =>
        {
            await UsePublicTenantAsync(http);
            var r = await requests.ByTokenAsync(token, http.RequestAborted);
            var v = await requests.VerifyCodeAsync(r, body.Code, new Actor(ActorKind.DataSubject, r.Id.ToString()), http.RequestAborted);
            return TypedResults.Ok(ToPublic(r, v));
        }).AllowAnonymous().RequireRateLimiting("public-form").WithSummary("Enter the one-time code.");

        s.MapPost("/documents", async (string token, HttpContext http, DataSubjectRequests requests, IOptions<RequestSettings> settings) =>
        {
            await UsePublicTenantAsync(http);
            var r = await requests.ByTokenAsync(token, http.RequestAborted);
            var (group, name, issued, content) = await ReadUploadAsync(http, settings.Value);
            return TypedResults.Ok(await requests.AddDocumentAsync(r, group, name, issued, content, new Actor(ActorKind.DataSubject, r.Id.ToString()), http.RequestAborted));
        }).AllowAnonymous().RequireRateLimiting("public-form").DisableAntiforgery().WithSummary("Upload an identity/proxy document (multipart: group, name, issuedOn, file).");

        s.MapPost("/withdraw", async (string token, HttpContext http, DataSubjectRequests requests) =>
        {
            await UsePublicTenantAsync(http);
            var r = await requests.ByTokenAsync(token, http.RequestAborted);
            var v = await requests.WithdrawAsync(r, new Actor(ActorKind.DataSubject, r.Id.ToString()), http.RequestAborted);
            return TypedResults.Ok(ToPublic(r, v));
        }).AllowAnonymous().RequireRateLimiting("public-form").WithSummary("Withdraw the request.");

        s.MapGet("/answer", async (string token, string? format, HttpContext http, DataSubjectRequests requests) =>
        {
            await UsePublicTenantAsync(http);
            var r = await requests.ByTokenAsync(token, http.RequestAborted);
            var kind = Format(format);
            var (type, bytes) = await requests.AnswerAsync(r, kind, new Actor(ActorKind.DataSubject, r.Id.ToString()), http.RequestAborted);
            return TypedResults.File(bytes, type, FileName(r, kind));
        }).AllowAnonymous().WithSummary("Download the answer once it is released: ?format=html|json|pdf.");

        return g;
    }

    /// <summary>Anonymous callers act in the server's public tenant (a signed-in caller keeps their own).</summary>
    public static async Task UsePublicTenantAsync(HttpContext http)
    {
        var tenant = http.RequestServices.GetRequiredService<Tenancy.TenantContext>();
        if (!tenant.IsSet) await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
    }
}
