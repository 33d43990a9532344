using Mamori.Access;
using Mamori.Auth;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Provision;
using Mamori.Staff;
using Mamori.Vault;

namespace Mamori.Http;

/// <summary>Provision to third parties, its records (Art.29/30), the recipient registry, opt-out stops.</summary>
public static class ProvisionEndpoints
{
    public sealed record ConfirmationBody(string Reference, DateOnly ConfirmedOn, IReadOnlyList<Guid>? Subjects = null, bool ForeignInfoGiven = false);

    public sealed record ContractBody(string Reference, DateOnly LastProvisionOn);

    public sealed record ProvisionBody(
        string Recipient, ProvisionBasisKind Basis, IReadOnlyList<string> Categories, IReadOnlyList<Guid> Subjects,
        LegalException? Exception = null, string? Justification = null, bool RecipientLinks = false, ConfirmationBody? Confirmation = null,
        bool Pseudonymized = false, ContractBody? Contract = null, ExportFormat Format = ExportFormat.Json);

    public sealed record ProvisionResponse(Guid? RecordId, int ProvidedCount, int RefusedCount, IReadOnlyList<Guid> Provided, IReadOnlyList<ProvisionRefusal> Refused,
        IReadOnlyList<string> Categories, IReadOnlyList<ProvidedRow>? Data, string? Csv);

    public sealed record StopBody(string? Email = null, string? Phone = null);

    /// <summary>
    /// A supervision of an entrustee. One an entrustee audit wrote names the audit (<paramref name="AuditRunId"/>) and carries that audit's
    /// findings with their corrective actions as they stand now (for a caller who may read audits; otherwise none).
    /// </summary>
    public sealed record SupervisionResponse(Guid Id, string RecipientId, DateOnly HeldOn, SupervisionKind Kind, string Findings, string? Actions, DateOnly? NextDue,
        string RecordedBy, DateTimeOffset RecordedAt, Guid? AuditRunId, IReadOnlyList<GovernanceAuditEndpoints.FindingResponse> AuditFindings);

    /// <summary>The findings of the audits behind <paramref name="records"/> by audit, or null when there are none or the caller may not read audits.</summary>
    internal static async Task<ILookup<Guid?, Governance.InternalAudits.FindingView>?> AuditFindingsAsync(HttpContext http, string recipientId,
        IReadOnlyList<SupervisionRecord> records) =>
        records.Any(r => r.AuditRunId is not null) && RolePermissions.Grants(http.Caller().Roles, Permission.ReadInternalAudits)
            ? (await http.RequestServices.GetRequiredService<Governance.InternalAudits.InternalAuditing>().ListFindingsAsync(false, recipientId, http.RequestAborted))
                .ToLookup(f => f.Finding.RunId)
            : null;

    private static SupervisionResponse ToResponse(SupervisionRecord r, ILookup<Guid?, Governance.InternalAudits.FindingView>? findings) =>
        new(r.Id, r.RecipientId, r.HeldOn, r.Kind, r.Findings, r.Actions, r.NextDue, r.RecordedBy, r.RecordedAt, r.AuditRunId,
            r.AuditRunId is null || findings is null ? [] : [.. findings[r.AuditRunId].Select(GovernanceAuditEndpoints.ToResponse)]);

    public sealed record StopAccepted(string Status, string Message);

    public static RouteGroupBuilder MapProvisions(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("").WithTags("Provision");

        g.MapPost("/provisions", async (ProvisionBody b, HttpContext http, Provisions provisions) =>
        {
            var c = http.Caller();
            var r = await provisions.ProvideAsync(new ProvisionRequest(b.Recipient, b.Basis, b.Categories, b.Subjects, b.Exception, b.Justification,
                b.RecipientLinks, b.Confirmation is { } x ? new PersonRelatedConfirmation(x.Reference, x.ConfirmedOn, x.Subjects, x.ForeignInfoGiven) : null,
                b.Pseudonymized, b.Contract is { } k ? new ContractAsRecord(k.Reference, k.LastProvisionOn) : null), c.Roles, c.Actor, http.RequestAborted);
            return TypedResults.Ok(new ProvisionResponse(r.RecordId, r.Provided.Count, r.Refused.Count, r.Provided, r.Refused, r.Categories,
                b.Format == ExportFormat.Json ? r.Data : null, b.Format == ExportFormat.Csv ? r.ToCsv() : null));
        }).RequirePermission(Permission.ProvideData)
          .WithSummary("Provide categories of subjects to a recipient on a basis: per-subject checks, export through decisions, one Art.29 record.");

        g.MapGet("/provisions/records", async (Guid? subject, int? offset, int? limit, HttpContext http, ProvisionRecords records) =>
        {
            if (subject is { } s) return TypedResults.Ok(await records.ForSubjectAsync(s, http.RequestAborted));
            var (from, take) = (offset ?? 0, limit ?? 100);
            var page = await records.PageAsync(from, take, http.RequestAborted);
            // As GET /api/requests: the body stays the array it always was; the total and the next page travel in headers (RFC 8288).
            http.Response.Headers["X-Total-Count"] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (from + page.Items.Count < page.Total)
                http.Response.Headers.Link = $"</api/provisions/records?offset={from + page.Items.Count}&limit={take}>; rel=\"next\"";
            return TypedResults.Ok(page.Items);
        }).RequirePermission(Permission.ReadProvisions)
          .WithSummary("Provision and receipt records: a person's (subject=ID, for disclosure requests, all of them), or every record newest first "
              + "in pages: ?offset=&limit= (1-1000, default 100); X-Total-Count gives the total, Link rel=next the next page.");

        g.MapGet("/provisions/records/{id:guid}", async (Guid id, HttpContext http, ProvisionRecords records) =>
            TypedResults.Ok(await records.GetAsync(id, http.RequestAborted)))
            .RequirePermission(Permission.ReadProvisions).WithSummary("One record with every Art.29/30 item and the subjects it lists (ids).");

        g.MapPost("/receipts", async (ReceiptRequest b, HttpContext http, ProvisionRecords records) =>
        {
            var view = await records.RecordReceiptAsync(b, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/provisions/records/{view.Id}", view);
        }).RequirePermission(Permission.ProvideData).WithSummary("Record data received from a third party with the Art.30 items (provider, how it obtained the data…).");

        g.MapGet("/recipients", async (HttpContext http, RecipientRegistry recipients) => TypedResults.Ok(await recipients.ListAsync(http.RequestAborted)))
            .RequirePermission(Permission.ReadProvisions).WithSummary("Recipients the policy declares, with the registry's facts and the last supervision.");

        g.MapPut("/recipients/{id}", async (string id, RecipientProfileRequest b, HttpContext http, RecipientRegistry recipients) =>
        {
            ConsentEndpoints.RequireId(id);
            return TypedResults.Ok(await recipients.SaveProfileAsync(id, b, http.Actor(), http.RequestAborted));
        }).RequirePermission(Permission.ManageRecipients).WithSummary("Save a recipient's name, address, representative and contract facts (Art.25).");

        g.MapPost("/recipients/{id}/supervision", async (string id, SupervisionRequest b, HttpContext http, RecipientRegistry recipients) =>
        {
            ConsentEndpoints.RequireId(id);
            var r = await recipients.AddSupervisionAsync(id, b, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/recipients/{id}/supervision", ToResponse(r, null));
        }).RequirePermission(Permission.ManageRecipients).WithSummary("Record a supervision of an entrustee: audit held, findings, actions (Art.25).");

        g.MapGet("/recipients/{id}/supervision", async (string id, HttpContext http, RecipientRegistry recipients) =>
        {
            ConsentEndpoints.RequireId(id);
            var records = await recipients.SupervisionAsync(id, http.RequestAborted);
            var findings = await AuditFindingsAsync(http, id, records);
            return TypedResults.Ok(records.Select(r => ToResponse(r, findings)).ToArray());
        }).RequirePermission(Permission.ReadProvisions)
            .WithSummary("An entrustee's supervision records, newest first; one written by an entrustee audit names the audit (auditRunId) with its findings and corrective actions.");

        g.MapPost("/shared-use/{group}/members", async (string group, SharedUseMemberRequest b, HttpContext http, RecipientRegistry recipients) =>
        {
            ConsentEndpoints.RequireId(group);
            var m = await recipients.AddMemberAsync(group, b, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/shared-use/{group}/members", m);
        }).RequirePermission(Permission.ManageRecipients).WithSummary("Add a member to a shared-use group the policy declares (Art.27(5)(iii)).");

        g.MapGet("/shared-use/{group}/members", async (string group, HttpContext http, RecipientRegistry recipients) =>
        {
            ConsentEndpoints.RequireId(group);
            return TypedResults.Ok(await recipients.MembersAsync(group, http.RequestAborted));
        }).RequirePermission(Permission.ReadProvisions).WithSummary("The members of a shared-use group.");

        g.MapPost("/subjects/{id:guid}/provision-stop", async (Guid id, HttpContext http, OptOutStops stops) =>
        {
            await stops.StopSubjectAsync(id, http.Actor(), http.RequestAborted);
            return TypedResults.NoContent();
        }).RequirePermission(Permission.RecordConsent).WithSummary("Stop third-party provision of a subject's data at once (a request received by letter or at the desk).");

        g.MapGet("/optout/notice", async (HttpContext http, PolicyStore policies) =>
            TypedResults.Ok(OptOutNotices.From((await policies.RequireCurrentAsync(http.RequestAborted)).Model)))
            .RequirePermission(Permission.ReadPolicy).WithSummary("The items of each opt-out notice, as filed with the PPC (Art.27(2)).");

        g.MapPost("/optout/stop", async (StopBody b, HttpContext http, PublicTenant publicTenant) =>
        {
            await publicTenant.UseAsync(http);
            var (kind, value) = (b.Email, b.Phone) switch
            {
                ({ Length: > 0 } e, null) => (LookupKind.Email, e),
                (null, { Length: > 0 } p) => (LookupKind.Phone, p),
                _ => throw new MamoriException(ErrorCode.InvalidOptOutStop, "Give exactly one of email or phone."),
            };
            await http.RequestServices.GetRequiredService<OptOutStops>().RequestAsync(kind, value, "api", http.RequestAborted);
            return TypedResults.Accepted((string?)null, Accepted);
        }).AllowAnonymous().RequireRateLimiting("public-form")
          .WithSummary("Public: ask to stop opt-out provision of your data. Always answers the same, whether or not anything matched.");
        return api;
    }

    /// <summary>The one answer to a stop request, match or not.</summary>
    public static readonly StopAccepted Accepted = new("accepted",
        "お申出を受け付けました。該当する個人データがある場合、第三者への提供を直ちに停止します。 / We received your request. If we hold data about you, its provision to third parties stops at once.");
}
