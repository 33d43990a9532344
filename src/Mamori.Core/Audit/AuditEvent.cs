using Mamori.Tenancy;

namespace Mamori.Audit;

/// <summary>
/// One link of a tenant's hash chain. <see cref="Hash"/> = SHA-256(previous hash ‖ canonical
/// encoding of this event), see <see cref="AuditChain"/>. Ids and codes only: never personal data.
/// </summary>
public sealed class AuditEvent : ITenantOwned
{
    public Guid TenantId { get; set; }
    public long Sequence { get; set; }

    /// <summary>UTC, truncated to microseconds so every provider stores it exactly.</summary>
    public DateTimeOffset Time { get; set; }

    public AuditCode Code { get; set; }
    public ActorKind ActorKind { get; set; }
    public string? ActorId { get; set; }
    public string? SubjectId { get; set; }
    public string? TargetId { get; set; }
    public string? Purpose { get; set; }

    /// <summary>Data-category ids the event touched, comma separated (ids from the policy, never values).</summary>
    public string? Categories { get; set; }

    public AuditOutcome Outcome { get; set; }
    public string? ReasonCode { get; set; }
    public required byte[] PreviousHash { get; set; }
    public required byte[] Hash { get; set; }
}

/// <summary>The newest link of a tenant's chain; appends lock this row, which serializes them.</summary>
public sealed class AuditHead : ITenantOwned
{
    public Guid TenantId { get; set; }
    public long LastSequence { get; set; }
    public required byte[] LastHash { get; set; }
}

/// <summary>What a feature records; the chain adds tenant, sequence, time and hashes.</summary>
public sealed record AuditEntry(
    AuditCode Code,
    Actor Actor,
    AuditOutcome Outcome = AuditOutcome.Success,
    string? SubjectId = null,
    string? TargetId = null,
    string? Purpose = null,
    string? ReasonCode = null,
    string? Categories = null);

/// <summary>Who acted. <see cref="Id"/> is a user id, an API key id, a subject id, an operating-system account (<see cref="ActorKind.Cli"/>), or null.</summary>
public sealed record Actor(ActorKind Kind, string? Id)
{
    public static readonly Actor System = new(ActorKind.System, null);
    public static readonly Actor Anonymous = new(ActorKind.Anonymous, null);

    public static Actor User(Guid id) => new(ActorKind.User, id.ToString());

    public static Actor Key(Guid id) => new(ActorKind.ApiKey, id.ToString());

    public static Actor Cli(string account) => new(ActorKind.Cli, account);

    public override string ToString() => Id is null ? Kind.ToString() : $"{Kind}:{Id}";
}

/// <summary>
/// A point up to which a tenant's chain was verified intact: later verifications (and the blast
/// radius) continue from the newest checkpoint instead of from the first event. Export them with
/// <c>mamori audit checkpoint</c> and keep them outside the database: an anchored checkpoint also
/// defeats an attacker who can rewrite the database, hashes included.
/// </summary>
public sealed class AuditCheckpoint : ITenantOwned
{
    public Guid TenantId { get; set; }
    public long Sequence { get; set; }
    public required byte[] Hash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
