using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Incidents;

/// <summary>A compromised actor and the time window in which it may have been misused.</summary>
public sealed record BlastRadiusQuery(ActorKindCode ActorKind, string ActorId, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The longest window one computation takes.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(400);

    public BlastRadiusQuery Validated()
    {
        if (string.IsNullOrWhiteSpace(ActorId) || ActorId.Length > 64)
            throw new MamoriException(ErrorCode.IncidentInvalidActor, "actorId must be the id (1-64 characters) of a user or an API key.");
        if (From >= To) throw new MamoriException(ErrorCode.IncidentInvalidWindow, "The window's 'from' must be before its 'to'.") { Reason = "order" };
        if (To - From > MaxWindow)
            throw new MamoriException(ErrorCode.IncidentInvalidWindow, $"The window is at most {MaxWindow.TotalDays:0} days.")
            {
                Reason = "too-long", ReasonArgs = [MaxWindow.TotalDays.ToString("0", System.Globalization.CultureInfo.InvariantCulture)],
            };
        return this with { ActorId = ActorId.Trim(), From = From.ToUniversalTime(), To = To.ToUniversalTime() };
    }

    public ActorKind AuditActorKind => ActorKind == ActorKindCode.User ? Audit.ActorKind.User : Audit.ActorKind.ApiKey;
}

/// <summary>Who was affected: the distinct subjects and the union of categories the actor actually read.</summary>
public sealed record BlastRadiusResult(IReadOnlyList<string> Subjects, IReadOnlyList<string> Categories, long EventsRead, long VerifiedEvents);

/// <summary>
/// Computes the blast radius of a compromised user or API key from the audit chain: every
/// <see cref="AuditCode.AccessAllowed"/> event of that actor in the window. The tenant's chain is
/// verified first; a broken chain stops the computation (<see cref="ErrorCode.IncidentChainBroken"/>)
/// rather than giving an answer from evidence that may have been edited.
/// </summary>
public static class BlastRadius
{
    public static async Task<BlastRadiusResult> ComputeAsync(MamoriDbContext db, BlastRadiusQuery query, CancellationToken ct = default)
    {
        query = query.Validated();
        var tenantId = db.CurrentTenantId;
        var slug = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Slug).FirstOrDefaultAsync(ct)
                   ?? throw new MamoriException(ErrorCode.UnknownTenant, "The tenant does not exist.", 404);
        var verification = await AuditVerify.VerifyTenantAsync(db, tenantId, slug, ct, fromCheckpoint: true);
        if (!verification.Intact)
            throw new ChainBrokenException(verification);
        return await ReadAsync(db, query, verification.Verified, ct);
    }

    /// <summary>
    /// The events the computation reads. The tenant filter, actor id and time range match the
    /// (TenantId, ActorId, Time) index; code and actor kind are checked on the rows it finds.
    /// </summary>
    public static IQueryable<AuditEvent> Events(MamoriDbContext db, BlastRadiusQuery query)
    {
        var kind = query.AuditActorKind;
        return db.AuditEvents.AsNoTracking()
            .Where(e => e.ActorId == query.ActorId && e.Time >= query.From && e.Time < query.To)
            .Where(e => e.Code == AuditCode.AccessAllowed && e.ActorKind == kind);
    }

    /// <summary>Reads the window without verifying the chain; callers verify first (see <see cref="ComputeAsync"/>).</summary>
    internal static async Task<BlastRadiusResult> ReadAsync(MamoriDbContext db, BlastRadiusQuery query, long verified, CancellationToken ct)
    {
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        var categories = new HashSet<string>(StringComparer.Ordinal);
        long events = 0;
        var rows = Events(db, query).Select(e => new { e.SubjectId, e.Categories }).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct))
        {
            events++;
            if (row.SubjectId is { Length: > 0 } s) subjects.Add(s);
            if (row.Categories is { Length: > 0 } c)
                foreach (var id in c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    categories.Add(id.TrimStart(Access.Decision.MaskedMarker)); // a masked read still touched the category
        }
        return new BlastRadiusResult(
            [.. subjects.Order(StringComparer.Ordinal)],
            [.. categories.Order(StringComparer.Ordinal)],
            events,
            verified);
    }
}

/// <summary>The audit chain failed verification, so the blast radius was not computed.</summary>
public sealed class ChainBrokenException(AuditVerification verification) : MamoriException(ErrorCode.IncidentChainBroken,
    $"The audit chain is broken at sequence {verification.BrokenAt} ({verification.Problem}); the blast radius was not computed " +
    "from evidence that may have been altered. Run 'mamori audit verify' and investigate before trusting any answer.", 409)
{
    public AuditVerification Verification { get; } = verification;
}
