using System.Text.RegularExpressions;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Policy;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Provision;

public sealed record RecipientProfileRequest(
    RecipientKind Kind,
    string Name,
    string? Address = null,
    string? Representative = null,
    bool Confidentiality = false,
    bool AuditClause = false,
    bool ReEntrustmentClause = false,
    DateOnly? ContractStart = null,
    DateOnly? ContractEnd = null,
    string? ContractRef = null);

public sealed record SupervisionRequest(DateOnly HeldOn, SupervisionKind Kind, string Findings, string? Actions = null, DateOnly? NextDue = null);

public sealed record SharedUseMemberRequest(string Name, string? Address = null, string? Representative = null, DateOnly? JoinedOn = null, DateOnly? LeftOn = null);

/// <summary>
/// A recipient as the registry lists it: what the policy declares plus the registry's facts. <see cref="Contract"/> is an
/// entrustee's contract that provisions are checked against (the registry's, else the policy's); null for other recipients.
/// </summary>
public sealed record RecipientView(string Id, string Kind, string Name, bool DeclaredInPolicy, IReadOnlyList<string> Categories, RecipientProfile? Profile,
    DateOnly? LastSupervision, ContractInUse? Contract = null);

/// <summary>
/// The recipient registry: entrustee contracts and their supervision (S-35, S-64), shared-use members
/// (S-34), opt-out recipients and successors (which the policy describes only as a class).
/// Business facts only: names and addresses of companies, never a data subject's values.
/// </summary>
public sealed partial class RecipientRegistry(MamoriDbContext db, AuditLog audit, PolicyStore policies, TimeProvider clock)
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex IdPattern();

    public async Task<RecipientProfile> SaveProfileAsync(string recipientId, RecipientProfileRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!IdPattern().IsMatch(recipientId)) throw new MamoriException(ErrorCode.InvalidRecipientProfile, "A recipient id is lower-case letters, digits and hyphens (at most 64).");
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 300 || request.Address is { Length: > 300 } || request.Representative is { Length: > 200 }
            || request.ContractRef is { Length: > 200 })
            throw new MamoriException(ErrorCode.InvalidRecipientProfile, "A recipient needs a name (at most 300 characters); address 300, representative and contract reference 200.");
        if (request.ContractStart > request.ContractEnd)
            throw new MamoriException(ErrorCode.InvalidRecipientProfile, "The contract ends before it starts.");
        var current = await policies.RequireCurrentAsync(ct);
        var declared = Declared(current.Model).FirstOrDefault(d => d.Id == recipientId);
        if (declared.Id is not null && declared.Kind != request.Kind)
            throw new MamoriException(ErrorCode.InvalidRecipientProfile, $"The policy declares '{ErrorText.Id(recipientId)}' as {ErrorText.Enum(declared.Kind)}, not {ErrorText.Enum(request.Kind)}.");
        if (declared.Id is null && request.Kind is not (RecipientKind.OptOut or RecipientKind.Successor))
            throw new MamoriException(ErrorCode.UnknownRecipient, $"The policy declares no recipient '{ErrorText.Id(recipientId)}'; only opt-out recipients and successors are registered without one.", 404);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var profile = await db.Set<RecipientProfile>().FirstOrDefaultAsync(p => p.RecipientId == recipientId, ct);
        if (profile is null)
        {
            profile = new RecipientProfile { RecipientId = recipientId, Name = request.Name };
            db.Add(profile);
        }
        profile.Kind = request.Kind;
        profile.Name = request.Name.Trim();
        profile.Address = request.Address?.Trim();
        profile.Representative = request.Representative?.Trim();
        profile.Confidentiality = request.Confidentiality;
        profile.AuditClause = request.AuditClause;
        profile.ReEntrustmentClause = request.ReEntrustmentClause;
        profile.ContractStart = request.ContractStart;
        profile.ContractEnd = request.ContractEnd;
        profile.ContractRef = request.ContractRef;
        profile.UpdatedAt = clock.GetUtcNow();
        await audit.AppendAsync(db, new AuditEntry(AuditCode.RecipientProfileSaved, actor, TargetId: recipientId), ct);
        await tx.CommitAsync(ct);
        return profile;
    }

    public async Task<IReadOnlyList<RecipientView>> ListAsync(CancellationToken ct = default)
    {
        var current = await policies.RequireCurrentAsync(ct);
        var profiles = await db.Set<RecipientProfile>().AsNoTracking().ToDictionaryAsync(p => p.RecipientId, ct);
        var last = await db.Set<SupervisionRecord>().AsNoTracking().GroupBy(s => s.RecipientId).Select(g => new { g.Key, Last = g.Max(s => s.HeldOn) })
            .ToDictionaryAsync(x => x.Key, x => x.Last, ct);
        var entrustees = new[] { current.Model.Recipients }.Concat(current.Model.Services.Select(s => s.Recipients)).SelectMany(r => r.Entrustees)
            .DistinctBy(e => e.Id).ToDictionary(e => e.Id, StringComparer.Ordinal);
        var result = Declared(current.Model).Select(d => new RecipientView(d.Id, Kind(d.Kind), d.Name.Ja, true, d.Categories, profiles.GetValueOrDefault(d.Id),
            last.TryGetValue(d.Id, out var l) ? l : null,
            d.Kind == RecipientKind.Entrustee ? ContractInUse.Of(entrustees.GetValueOrDefault(d.Id), profiles.GetValueOrDefault(d.Id)) : null)).ToList();
        result.AddRange(profiles.Values.Where(p => result.All(r => r.Id != p.RecipientId))
            .Select(p => new RecipientView(p.RecipientId, Kind(p.Kind), p.Name, false, [], p, last.TryGetValue(p.RecipientId, out var l) ? l : null)));
        return result;
    }

    public async Task<SupervisionRecord> AddSupervisionAsync(string recipientId, SupervisionRequest request, Actor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(request.Findings) || request.Findings.Length > 4000 || request.Actions is { Length: > 4000 })
            throw new MamoriException(ErrorCode.InvalidRecipientProfile, "A supervision record needs findings (at most 4000 characters).");
        var current = await policies.RequireCurrentAsync(ct);
        if (!Declared(current.Model).Any(d => d.Id == recipientId && d.Kind is RecipientKind.Entrustee or RecipientKind.Foreign)
            && !await db.Set<RecipientProfile>().AnyAsync(p => p.RecipientId == recipientId, ct))
            throw new MamoriException(ErrorCode.UnknownRecipient, $"There is no entrustee '{ErrorText.Id(recipientId)}'.", 404);
        var now = clock.GetUtcNow();
        var record = new SupervisionRecord
        {
            Id = Guid.CreateVersion7(now), RecipientId = recipientId, HeldOn = request.HeldOn, Kind = request.Kind, Findings = request.Findings.Trim(),
            Actions = request.Actions?.Trim(), NextDue = request.NextDue, RecordedBy = actor.ToString(), RecordedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(record);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.SupervisionRecorded, actor, TargetId: recipientId, ReasonCode: record.Kind.ToString()), ct);
        await tx.CommitAsync(ct);
        return record;
    }

    public Task<List<SupervisionRecord>> SupervisionAsync(string recipientId, CancellationToken ct = default) =>
        db.Set<SupervisionRecord>().AsNoTracking().Where(s => s.RecipientId == recipientId).OrderByDescending(s => s.HeldOn).ToListAsync(ct);

    public async Task<SharedUseMember> AddMemberAsync(string groupId, SharedUseMemberRequest request, Actor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 300 || request.Address is { Length: > 300 } || request.Representative is { Length: > 200 })
            throw new MamoriException(ErrorCode.InvalidRecipientProfile, "A member needs a name (at most 300 characters); address 300, representative 200.");
        var current = await policies.RequireCurrentAsync(ct);
        if (!Declared(current.Model).Any(d => d.Id == groupId && d.Kind == RecipientKind.SharedUse))
            throw new MamoriException(ErrorCode.UnknownRecipient, $"The policy declares no shared-use group '{ErrorText.Id(groupId)}'.", 404);
        var member = new SharedUseMember
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()), GroupId = groupId, Name = request.Name.Trim(), Address = request.Address?.Trim(),
            Representative = request.Representative?.Trim(), JoinedOn = request.JoinedOn, LeftOn = request.LeftOn,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(member);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.SharedUseMemberSaved, actor, TargetId: groupId, ReasonCode: member.Id.ToString()[..8]), ct);
        await tx.CommitAsync(ct);
        return member;
    }

    public Task<List<SharedUseMember>> MembersAsync(string groupId, CancellationToken ct = default) =>
        db.Set<SharedUseMember>().AsNoTracking().Where(m => m.GroupId == groupId).OrderBy(m => m.Name).ToListAsync(ct);

    private static string Kind(RecipientKind k) => k switch
    {
        RecipientKind.ThirdParty => "third-party",
        RecipientKind.Foreign => "foreign",
        RecipientKind.Entrustee => "entrustee",
        RecipientKind.SharedUse => "shared-use",
        RecipientKind.OptOut => "opt-out",
        _ => "successor",
    };

    /// <summary>Every recipient the policy declares, company-wide and per service, once each.</summary>
    public static IEnumerable<(string Id, RecipientKind Kind, LocalizedText Name, IReadOnlyList<string> Categories)> Declared(PolicyModel model)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in new[] { model.Recipients }.Concat(model.Services.Select(s => s.Recipients)))
        {
            foreach (var x in r.ThirdParties) if (seen.Add(x.Id)) yield return (x.Id, RecipientKind.ThirdParty, x.Name, x.Categories);
            foreach (var x in r.Foreign) if (seen.Add(x.Id)) yield return (x.Id, RecipientKind.Foreign, x.Name, x.Categories);
            foreach (var x in r.Entrustees) if (seen.Add(x.Id)) yield return (x.Id, RecipientKind.Entrustee, x.Name, x.Categories);
            foreach (var x in r.SharedUse) if (seen.Add(x.Id)) yield return (x.Id, RecipientKind.SharedUse, x.Name ?? new LocalizedText(x.Id), x.Categories);
        }
    }
}
