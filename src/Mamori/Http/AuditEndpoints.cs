using Mamori.Audit;
using Mamori.Auth;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Staff;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Http;

public static class AuditEndpoints
{
    public sealed record AuditEventResponse(long Sequence, DateTimeOffset Time, int Code, string CodeName, string Title, string TitleEn, string Actor,
        string? SubjectId, string? TargetId, string? Purpose, string? Categories, string Outcome, string? ReasonCode, string Hash);

    public sealed record AuditPage(IReadOnlyList<AuditEventResponse> Events, long? NextAfter);

    /// <summary>
    /// A use outside the declared purposes under a legal exception (S-20): the basis, by id and by name, the written
    /// justification, who and when. <paramref name="Id"/> is the <c>targetId</c> of its access event (3100).
    /// </summary>
    public sealed record ExceptionUseResponse(Guid Id, Guid SubjectId, string Basis, string BasisName, string BasisNameEn, string Justification, string Actor, DateTimeOffset At);

    /// <summary>The check; when intact, the chain head it covered (sequence and hex hash) to note and compare later.</summary>
    public sealed record VerifyResponse(bool Intact, long Verified, long? BrokenAt, string? Problem, long? HeadSequence, string? HeadHash);

    private static VerifyResponse ToResponse(AuditVerification r) => new(r.Intact, r.Verified, r.BrokenAt, r.Problem, r.HeadSequence, r.HeadHash);

    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/audit").WithTags("Audit");
        g.MapGet("/", async (MamoriDbContext db, CancellationToken ct, long? after, int? limit, int? code, string? actor, string? subject,
            DateTimeOffset? from, DateTimeOffset? to) =>
        {
            var take = limit ?? 100;
            if (take is < 1 or > 1000) throw MamoriException.Invalid("limit is 1-1000.");
            var q = db.AuditEvents.AsNoTracking().Where(e => e.Sequence > (after ?? 0));
            if (code is { } c) q = q.Where(e => e.Code == (AuditCode)c);
            if (!string.IsNullOrEmpty(actor)) q = q.Where(e => e.ActorId == actor);
            if (!string.IsNullOrEmpty(subject)) q = q.Where(e => e.SubjectId == subject);
            if (from is { } f) q = q.Where(e => e.Time >= f.ToUniversalTime());
            if (to is { } t) q = q.Where(e => e.Time < t.ToUniversalTime());
            var rows = await q.OrderBy(e => e.Sequence).Take(take + 1).ToListAsync(ct);
            var page = rows.Take(take).Select(e =>
            {
                var (title, titleEn) = AuditCodeNames.Of(e.Code);
                return new AuditEventResponse(e.Sequence, e.Time, (int)e.Code, e.Code.ToString(), title, titleEn,
                    new Actor(e.ActorKind, e.ActorId).ToString(), e.SubjectId, e.TargetId, e.Purpose, e.Categories, e.Outcome.ToString(), e.ReasonCode,
                    Convert.ToHexStringLower(e.Hash));
            }).ToList();
            return TypedResults.Ok(new AuditPage(page, rows.Count > take ? page[^1].Sequence : null));
        }).RequirePermission(Permission.ReadAudit).WithSummary("Page through the tenant's audit events (ids only).");

        g.MapGet("/exceptions", async (MamoriDbContext db, CancellationToken ct, Guid? subject, DateTimeOffset? from, DateTimeOffset? to, int? limit) =>
        {
            var take = limit ?? 100;
            if (take is < 1 or > 1000) throw MamoriException.Invalid("limit is 1-1000.");
            var q = db.Set<Vault.ExceptionRecord>().AsNoTracking();
            if (subject is { } s) q = q.Where(r => r.SubjectId == s);
            if (from is { } f) q = q.Where(r => r.At >= f.ToUniversalTime());
            if (to is { } t) q = q.Where(r => r.At < t.ToUniversalTime());
            var rows = await q.OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Take(take).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(r =>
            {
                var (ja, en) = Access.LegalExceptions.NameOf(r.Basis);
                return new ExceptionUseResponse(r.Id, r.SubjectId, r.Basis, ja, en, r.Justification, r.Actor, r.At);
            }).ToList());
        }).RequirePermission(Permission.ReadAudit)
            .WithSummary("Uses outside the declared purposes under a legal exception, newest first, with their written justification; ?subject=, ?from=&to=, ?limit= (1-1000, default 100). Each is the targetId of its access event.");

        g.MapGet("/verify", async (MamoriDbContext db, CancellationToken ct) => TypedResults.Ok(ToResponse(await AuditVerify.VerifyCurrentTenantAsync(db, ct)))).RequirePermission(Permission.VerifyAudit).WithSummary("Check every link of the tenant's audit chain (a read: the check itself is not recorded; POST records it).");
        // The console's "verify now" and `mamori audit verify` record their check; a monitoring job or an auditor's script
        // verifying through the API needs the same record, or the dashboard's last verification never counts it. A GET that
        // wrote to the chain would do so for every crawler and retry, so recording is a POST.
        g.MapPost("/verify", async (MamoriDbContext db, AuditLog audit, HttpContext http) =>
        {
            var r = await AuditVerify.VerifyCurrentTenantAsync(db, http.RequestAborted);
            await AuditVerify.RecordAsync(db, audit, r, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(r));
        }).RequirePermission(Permission.VerifyAudit)
            .WithSummary("Check every link of the tenant's audit chain and record the check in it (1400 intact or 1401 broken), as the console and `mamori audit verify` do.");
        return api;
    }
}
