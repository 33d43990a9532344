using Mamori.Auth;
using Mamori.Consent;
using Mamori.Errors;
using Mamori.Staff;

namespace Mamori.Http;

/// <summary>The consent ledger: grants, withdrawals, what held at a time, receipts.</summary>
public static class ConsentEndpoints
{
    public enum ConsentAction { Grant, Withdraw }

    public sealed record ForeignShownBody(bool Country, bool System, bool Measures);

    public sealed record ConsentBody(
        IReadOnlyList<string> Scopes, ConsentAction Action, ConsentMethod Method, int? PolicyVersion = null, string? EvidenceRef = null,
        bool GuardianConsent = false, ForeignShownBody? ForeignInfoShown = null, DateTimeOffset? At = null);

    public sealed record ReceiptLinks(string Json, string Html, string HtmlEn);

    public sealed record ReceiptResponse(ConsentReceipt Receipt, ReceiptLinks Links);

    public sealed record ConsentsAt(Guid Subject, DateTimeOffset At, IReadOnlyList<ConsentState> Scopes);

    internal static ReceiptLinks Links(Guid id) => new($"/api/consents/receipts/{id}", $"/consent/receipts/{id}", $"/en/consent/receipts/{id}");

    public static RouteGroupBuilder MapConsents(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("").WithTags("Consent");

        g.MapPost("/subjects/{id:guid}/consents", async (Guid id, ConsentBody b, HttpContext http, Consents consents) =>
        {
            var receipt = await consents.RecordAsync(id, new RecordConsentRequest(b.Scopes, b.Action == ConsentAction.Grant, b.Method, b.PolicyVersion,
                b.EvidenceRef, b.GuardianConsent, b.ForeignInfoShown is { } f ? new ForeignItemsShown(f.Country, f.System, f.Measures) : null, b.At),
                http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/consents/receipts/{receipt.Id}", new ReceiptResponse(receipt, Links(receipt.Id)));
        }).RequirePermission(Permission.RecordConsent)
          .WithSummary("Record a grant or withdrawal of consent scopes (purpose:<id>, special-care, provision:<r>, foreign:<r>, cookies:<category>); issues a receipt.");

        g.MapGet("/subjects/{id:guid}/consents", async (Guid id, DateTimeOffset? at, HttpContext http, Consents consents, TimeProvider clock) =>
        {
            var when = at ?? clock.GetUtcNow();
            return TypedResults.Ok(new ConsentsAt(id, when, await consents.AtAsync(id, when, http.RequestAborted)));
        }).RequirePermission(Permission.ReadConsents).WithSummary("What held for each scope at a moment (default: now): the latest entry at or before it.");

        g.MapGet("/consents/receipts/{receiptId:guid}", async (Guid receiptId, HttpContext http, Consents consents) =>
        {
            var receipt = await consents.ReceiptAsync(receiptId, http.RequestAborted);
            return TypedResults.Ok(new ReceiptResponse(receipt, Links(receipt.Id)));
        }).RequirePermission(Permission.ReadConsents).WithSummary("A consent receipt as JSON.");
        return api;
    }

    /// <summary>Rejects a malformed id before it reaches the database.</summary>
    internal static void RequireId(string id)
    {
        if (id.Length is 0 or > 64) throw MamoriException.Invalid("An id is 1 to 64 characters.");
    }
}
