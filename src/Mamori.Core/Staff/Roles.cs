namespace Mamori.Staff;

/// <summary>Built-in staff roles. The policy can add more later; these always exist.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string PrivacyOfficer = "privacy-officer";
    public const string Operator = "operator";
    public const string Auditor = "auditor";

    /// <summary>
    /// An outside auditor (監査法人, a certification body's assessor): reads what the internal <see cref="Auditor"/> reads about
    /// the management system and changes nothing; no role of theirs reads the vault.
    /// </summary>
    public const string ExternalAuditor = "external-auditor";

    public static readonly IReadOnlyList<string> BuiltIn = [Admin, PrivacyOfficer, Operator, Auditor, ExternalAuditor];

    public static bool IsBuiltIn(string role) => BuiltIn.Contains(role, StringComparer.Ordinal);
}

/// <summary>What a caller may do. Endpoints require a permission; roles grant permissions.</summary>
public enum Permission
{
    /// <summary>Read the caller's own account and sessions.</summary>
    Self,
    ManageUsers,
    /// <summary>List, create and revoke API keys; which roles a caller may put on a key is decided by the roles they hold (separation of duties).</summary>
    ManageApiKeys,
    ReadAudit,
    VerifyAudit,
    ReadPolicy,
    PublishPolicy,
    ReadSubjects,
    WriteSubjects,
    EraseSubjects,
    Decide,
    RunRetention,

    /// <summary>Open incidents, change their facts, compute the blast radius (reads the audit chain).</summary>
    ManageIncidents,

    /// <summary>Read incidents, their deadlines, draft reports and notices.</summary>
    ReadIncidents,

    /// <summary>Enter, verify, invoice, execute, answer and refuse data-subject requests (開示等の請求).</summary>
    HandleRequests,

    /// <summary>Read the request queue, deadlines and history (not the answer files).</summary>
    ReadRequests,

    /// <summary>Find and redact personal information in text (Presidio-compatible analyze/anonymize).</summary>
    Discover,

    /// <summary>Record consent grants and withdrawals in the ledger, issue receipts, record a stop of provision.</summary>
    RecordConsent,

    /// <summary>Read the consent ledger and receipts.</summary>
    ReadConsents,

    /// <summary>Provide personal data to a third party, entrustee or shared-use group; record data received (Art.29, 30).</summary>
    ProvideData,

    /// <summary>Keep the recipient registry: entrustee contracts, supervision records, shared-use members.</summary>
    ManageRecipients,

    /// <summary>Read provision and receipt records, recipients and supervision records.</summary>
    ReadProvisions,

    /// <summary>See the dashboard's operational status: key ring use, subject counts, retention due and sweeps (counts and ids only).</summary>
    ViewOperations,

    /// <summary>Plan and hold internal audits (PDCA, S-63), answer checklists, raise findings, plan and close corrective actions.</summary>
    ManageInternalAudits,

    /// <summary>Read audit plans, checklists, findings, corrective actions, entrustee supervision and the annual management review.</summary>
    ReadInternalAudits,

    /// <summary>Read the organisation (representative, departments, staff, responsibilities), access-review schedule and training status.</summary>
    ReadGovernance,

    /// <summary>Name the management representative and department managers, assign staff, responsibilities and governance settings (S-08).</summary>
    ManageOrganisation,

    /// <summary>See access reviews; start, decide and complete them where the caller is the department's manager or the representative (S-62).</summary>
    ReviewAccess,

    /// <summary>Read access reviews, their schedule, lines and the unmask events behind them (S-62), without taking part.</summary>
    ReadAccessReviews,

    /// <summary>Keep training courses and record completions (S-63).</summary>
    ManageTraining,

    /// <summary>Pseudonymize data, register anonymized datasets, delete pseudonymization keys (仮名加工情報・匿名加工情報, L-25, L-26).</summary>
    ManageDatasets,

    /// <summary>Read the registered pseudonymized and anonymized datasets (items, purposes, measures, key ids).</summary>
    ReadDatasets,

    /// <summary>Check a use of a registered dataset against its purposes and record it (L-25).</summary>
    UseDatasets,
}

public static class RolePermissions
{
    private static readonly Dictionary<string, Permission[]> Map = new(StringComparer.Ordinal)
    {
        [Roles.Admin] = [Permission.Self, Permission.ManageUsers, Permission.ManageApiKeys, Permission.VerifyAudit, Permission.ReadPolicy, Permission.PublishPolicy, Permission.Decide, Permission.Discover, Permission.ViewOperations,
            Permission.ReadGovernance, Permission.ManageOrganisation, Permission.ReviewAccess, Permission.ReadAccessReviews, Permission.ManageTraining],
        // The officer supervises access: sees every key, revokes one at once (an incident), and issues keys for the roles
        // whose work they oversee. Issuing an admin key stays with admins (StaffAccounts.RequireMayGrantAsync).
        [Roles.PrivacyOfficer] = [Permission.Self, Permission.ManageApiKeys, Permission.ReadAudit, Permission.VerifyAudit, Permission.ReadPolicy, Permission.PublishPolicy,
            Permission.ReadSubjects, Permission.WriteSubjects, Permission.EraseSubjects, Permission.Decide, Permission.RunRetention, Permission.ManageIncidents, Permission.ReadIncidents, Permission.Discover,
            Permission.HandleRequests, Permission.ReadRequests,
            Permission.RecordConsent, Permission.ReadConsents, Permission.ProvideData, Permission.ManageRecipients, Permission.ReadProvisions, Permission.ViewOperations,
            Permission.ManageInternalAudits, Permission.ReadInternalAudits,
            Permission.ReadGovernance, Permission.ManageOrganisation, Permission.ReviewAccess, Permission.ReadAccessReviews, Permission.ManageTraining, Permission.ManageDatasets, Permission.ReadDatasets, Permission.UseDatasets],
        [Roles.Operator] = [Permission.Self, Permission.ReadPolicy, Permission.ReadSubjects, Permission.WriteSubjects, Permission.Decide, Permission.Discover,
            Permission.HandleRequests, Permission.ReadRequests, Permission.RecordConsent, Permission.ReadConsents, Permission.ReviewAccess, Permission.ReadAccessReviews],
        [Roles.Auditor] = [Permission.Self, Permission.ReadAudit, Permission.VerifyAudit, Permission.ReadPolicy, Permission.Decide, Permission.ReadIncidents,
            Permission.ReadRequests, Permission.ReadConsents, Permission.ReadProvisions, Permission.ViewOperations,
            Permission.ManageInternalAudits, Permission.ReadInternalAudits,
            Permission.ReadGovernance, Permission.ReviewAccess, Permission.ReadAccessReviews, Permission.ReadDatasets, Permission.UseDatasets],
        // Read-only: the internal auditor's reading permissions and chain verification, without the ones that act (plan and
        // answer internal audits, ask access decisions, take part in access reviews, record a dataset's use).
        [Roles.ExternalAuditor] = [Permission.Self, Permission.ReadAudit, Permission.VerifyAudit, Permission.ReadPolicy, Permission.ReadIncidents,
            Permission.ReadRequests, Permission.ReadConsents, Permission.ReadProvisions, Permission.ViewOperations,
            Permission.ReadInternalAudits, Permission.ReadGovernance, Permission.ReadAccessReviews, Permission.ReadDatasets],
    };

    public static bool Grants(IEnumerable<string> roles, Permission permission) =>
        roles.Any(r => Map.TryGetValue(r, out var ps) && ps.Contains(permission));

    /// <summary>The built-in roles that grant <paramref name="permission"/>, for a refusal that says what would be allowed.</summary>
    public static IReadOnlyList<string> Granting(Permission permission) =>
        Map.Where(kv => kv.Value.Contains(permission)).Select(kv => kv.Key).ToList();
}
