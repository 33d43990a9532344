using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Tenancy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Consent;

/// <summary>
/// Issues a person's cookie-preferences token (<see cref="SubjectLinks"/>), audited: for staff on the subject's card, and for the
/// company's site, which puts it in the banner's <c>data-subject-token</c> for a signed-in customer so that their choice reaches
/// the consent ledger. An erased person gets none.
/// </summary>
public sealed class CookieLinks(MamoriDbContext db, SubjectLinks links, AuditLog audit, TimeProvider clock)
{
    /// <summary>The token, the personal page's address on the company's public server and when both expire.</summary>
    public sealed record Issued(string Token, string Url, DateTimeOffset ExpiresAt);

    public async Task<Issued> IssueAsync(Guid subjectId, Actor actor, string fallbackBaseUrl, CancellationToken ct = default)
    {
        if (!await db.Set<DataSubject>().AsNoTracking().AnyAsync(s => s.Id == subjectId && s.ErasedAt == null && s.ErasedWithHoldAt == null, ct))
            throw new MamoriException(ErrorCode.SubjectNotFound, "There is no such subject.", 404);
        var expires = clock.GetUtcNow() + SubjectLinks.DefaultLifetime;
        var token = links.Issue(db.CurrentTenantId, subjectId);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await audit.AppendAsync(db, new AuditEntry(AuditCode.SubjectLinkIssued, actor, SubjectId: subjectId.ToString(), TargetId: "cookie-preferences"), ct);
            await tx.CommitAsync(ct);
        }
        // On the address of the company's public pages: staff may sign in on another company's server, where the link would not open.
        var url = $"{await Tenants.PublicBaseUrlAsync(db, db.CurrentTenantId, fallbackBaseUrl, ct)}/privacy/cookies?t={token}";
        return new Issued(token, url, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }
}
