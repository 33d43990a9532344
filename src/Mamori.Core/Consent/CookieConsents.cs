using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Consent;

/// <summary>
/// Cookie and external-transmission (外部送信, TBA Art.27-12) consent by category. The categories a visitor
/// chooses are those of the policy's external tags other than <see cref="TagCategory.Essential"/>; a known
/// person's choice goes into the consent ledger as <c>cookies:&lt;category&gt;</c> grants and withdrawals.
/// </summary>
public sealed class CookieConsents(MamoriDbContext db, PolicyStore policies, AuditLog audit, TimeProvider clock)
{
    public const string ScopePrefix = "cookies:";

    public static string Scope(TagCategory category) => ScopePrefix + Id(category);

    public static string Id(TagCategory category) => category.ToString().ToLowerInvariant();

    public static TagCategory? Parse(string? id) =>
        Enum.TryParse<TagCategory>(id, ignoreCase: true, out var c) && Enum.IsDefined(c) && id!.All(char.IsAsciiLetterLower) ? c : null;

    /// <summary>The categories a visitor chooses for this policy scope, in a fixed order.</summary>
    public static IReadOnlyList<TagCategory> Choosable(IPolicyScope scope) =>
        scope.ExternalTags.Select(t => t.Category).Where(c => c != TagCategory.Essential).Distinct().Order().ToList();

    /// <summary>
    /// The person a personal link names: the service whose tags they choose among (null for the company's own), and what the
    /// ledger holds now for each category they ever chose (granted or withdrawn).
    /// </summary>
    public sealed record Person(string? ServiceId, IReadOnlyDictionary<TagCategory, bool> Held);

    /// <summary>The person behind a personal link, or null when they are no longer held (erased): the link is then as good as invalid.</summary>
    public async Task<Person?> PersonAsync(Guid subjectId, CancellationToken ct = default)
    {
        var subject = await db.Set<DataSubject>().AsNoTracking().Where(s => s.Id == subjectId && s.ErasedAt == null)
            .Select(s => new { s.ServiceId }).FirstOrDefaultAsync(ct);
        if (subject is null) return null;
        var categories = Enum.GetValues<TagCategory>().Where(c => c != TagCategory.Essential).ToList();
        var latest = await new ConsentLedger(db).LatestManyAsync([subjectId], categories.Select(Scope).ToList(), clock.GetUtcNow(), ct);
        var held = categories.Where(c => latest.ContainsKey((subjectId, Scope(c)))).ToDictionary(c => c, c => latest[(subjectId, Scope(c))].Granted);
        return new Person(subject.ServiceId, held);
    }

    /// <summary>
    /// Appends one ledger entry per category for <paramref name="subjectId"/> with its audit event, in one
    /// transaction. <paramref name="evidence"/> says where the choice was made (banner, page, gpc).
    /// </summary>
    public async Task<int> RecordAsync(Guid subjectId, IReadOnlyDictionary<TagCategory, bool> choices, string evidence, CancellationToken ct = default)
    {
        var current = await policies.RequireCurrentAsync(ct);
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct);
        if (subject is null || subject.ErasedAt is not null)
            throw new MamoriException(ErrorCode.SubjectLinkInvalid, "The personal link is not valid or has expired; ask for a new one.", 400);
        var scope = Access.PolicyScopes.For(current.Model, subject.ServiceId);
        var allowed = Choosable(scope).Concat(Choosable(current.Model)).ToHashSet();
        foreach (var c in choices.Keys)
            if (!allowed.Contains(c))
                throw new MamoriException(ErrorCode.UnknownCookieCategory, $"The policy declares no external tag of category '{Id(c)}'.");
        if (choices.Count == 0) throw new MamoriException(ErrorCode.CookieChoiceInvalid, "Name at least one category.");
        var now = clock.GetUtcNow();
        var actor = new Actor(ActorKind.DataSubject, subjectId.ToString());
        // A change of mind within the same instant (a quick second click) must win: the ledger orders equal times by Seq.
        var scopes = choices.Keys.Select(Scope).ToList();
        var last = await db.Set<ConsentRecord>().AsNoTracking().Where(c => c.SubjectId == subjectId && scopes.Contains(c.Scope))
            .GroupBy(c => c.Scope).Select(g => new { g.Key, Seq = g.Max(c => c.Seq) }).ToDictionaryAsync(x => x.Key, x => x.Seq, ct);
        var rows = choices.OrderBy(kv => kv.Key).Select(kv => new ConsentRecord
        {
            Id = Guid.CreateVersion7(now), TenantId = db.CurrentTenantId, SubjectId = subjectId, Scope = Scope(kv.Key), Granted = kv.Value,
            At = now, PolicyVersion = current.Version.Number, Method = ConsentMethod.WebForm, EvidenceRef = evidence, RecordedBy = actor.ToString(),
            Seq = last.TryGetValue(Scope(kv.Key), out var seq) ? seq + 1 : 1,
        }).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.AddRange(rows);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.CookieChoiceRecorded, actor, SubjectId: subjectId.ToString(), TargetId: rows[0].Id.ToString(),
            ReasonCode: evidence, Categories: string.Join(',', rows.Select(r => $"{r.Scope}={(r.Granted ? 1 : 0)}"))), ct);
        await tx.CommitAsync(ct);
        return rows.Count;
    }
}
