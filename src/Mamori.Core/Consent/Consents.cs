using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Incidents;
using Mamori.Policy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mamori.Consent;

/// <summary>
/// The configurable figures of consent (appi.md §3), bound from <c>Mamori:Consent</c>.
/// </summary>
public sealed class ConsentSettings
{
    public const string Section = "Mamori:Consent";

    /// <summary>
    /// Below this age (in JST at the moment of consent) a guardian must give or join the consent (L-06, S-13, W-09), for a policy that
    /// states no <c>company.guardianConsentUnderAge</c>: the age the notice promises is the one applied (<see cref="MinorAgeOf"/>).
    /// </summary>
    public int MinorAge { get; set; } = 16;

    /// <summary>The age under which a guardian consents under <paramref name="policy"/>: the one its notice states, else <see cref="MinorAge"/>.</summary>
    public int MinorAgeOf(PolicyModel policy) => policy.Company.GuardianConsentUnderAge ?? MinorAge;
}

/// <summary>Which of the three L-14 items were shown before a foreign-provision consent (Rules 17).</summary>
public sealed record ForeignItemsShown(bool Country, bool System, bool Measures)
{
    public bool All => Country && System && Measures;
}

/// <summary>A grant or withdrawal of one or more scopes, as the person gave it.</summary>
public sealed record RecordConsentRequest(
    IReadOnlyList<string> Scopes,
    bool Granted,
    ConsentMethod Method,
    int? PolicyVersion = null,
    string? EvidenceRef = null,
    bool GuardianConsent = false,
    ForeignItemsShown? ForeignInfoShown = null,
    DateTimeOffset? At = null);

/// <summary>
/// The reference to a consent's evidence (a form submission id, a scan's path in the document store): an id, never the
/// evidence's content. It is stored outside the vault and shown in clear on receipts and the console, so free text such as
/// 「山田太郎 090-… の申込書」 is refused instead of being kept unencrypted.
/// </summary>
public static partial class EvidenceRefs
{
    public const int MaxLength = 200;

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._:/#-]{1,200}$")]
    private static partial System.Text.RegularExpressions.Regex Shape();

    /// <summary>The reference, or null when none was given (an empty string included). Throws MAMORI-4006 when it is not id-shaped.</summary>
    public static string? Check(string? evidenceRef)
    {
        if (string.IsNullOrEmpty(evidenceRef)) return null;
        if (!Shape().IsMatch(evidenceRef))
            throw new MamoriException(ErrorCode.InvalidEvidenceRef,
                $"evidenceRef is the id of the evidence, never its content: ASCII letters, digits and - _ . / : # only, at most {MaxLength} characters (e.g. form-2026-11-0042).")
            { Reason = "evidence-ref" };
        return evidenceRef;
    }
}

/// <summary>What held for one scope at a moment: the latest ledger entry at or before it.</summary>
public sealed record ConsentState(string Scope, bool Granted, DateTimeOffset At, int PolicyVersion, ConsentMethod Method,
    bool GuardianConsent, bool ForeignInfoShown, Guid? ReceiptId, string? EvidenceRef);

/// <summary>One scope on a receipt, described in the words of the policy version shown.</summary>
public sealed record ReceiptScope(string Scope, bool Granted, LocalizedText Description, IReadOnlyList<LocalizedText> Details);

/// <summary>
/// A consent receipt (同意の控え): what was granted or withdrawn, when, how, under which policy version.
/// Ids and policy texts only: no personal values.
/// </summary>
public sealed record ConsentReceipt(Guid Id, Guid SubjectId, DateTimeOffset At, int PolicyVersion, ConsentMethod Method, string? EvidenceRef,
    bool GuardianConsent, bool ForeignInfoShown, LocalizedText? Controller, IReadOnlyList<ReceiptScope> Scopes);

/// <summary>
/// The consent ledger's use cases: record grants and withdrawals (append-only), answer "what held at
/// time T", issue receipts. Access decisions read the same ledger through <see cref="ConsentLedger"/>.
/// </summary>
public sealed class Consents(MamoriDbContext db, AuditLog audit, PolicyStore policies, KeyRingProvider keys, TimeProvider clock, IOptions<ConsentSettings> settings,
    RetentionEvents retentionEvents)
{
    public const int MaxScopes = 50;

    public async Task<ConsentReceipt> RecordAsync(Guid subjectId, RecordConsentRequest request, Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var at = Micros(request.At ?? now);
        if (at > now) throw new MamoriException(ErrorCode.ConsentTimeInFuture, "A consent cannot be recorded for a time in the future.");
        var scopes = request.Scopes.Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0 || scopes.Count > MaxScopes)
            throw new MamoriException(ErrorCode.InvalidConsentScope, $"Name between 1 and {MaxScopes} scopes.");
        var evidenceRef = EvidenceRefs.Check(request.EvidenceRef);

        var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct)
                      ?? throw new MamoriException(ErrorCode.SubjectNotFound, "There is no such subject.", 404);
        if (subject.WrappedKey is null) throw new MamoriException(ErrorCode.SubjectErased, "The subject's data was erased.", 410);

        var shown = request.PolicyVersion is { } n
            ? await policies.GetAsync(n, ct) ?? throw new MamoriException(ErrorCode.UnknownPolicyVersion, $"There is no policy version {n}.")
            : await policies.RequireCurrentAsync(ct);
        var scope = Access.PolicyScopes.For(shown.Model, subject.ServiceId);
        foreach (var s in scopes) Describe(scope, s);

        if (request.Granted)
        {
            // Which category holds the date of birth is a fact of the vault, so the policy in force says it, whatever version was shown.
            var current = request.PolicyVersion is null ? shown : await policies.RequireCurrentAsync(ct);
            var born = await HeldBirthDateAsync(subject, Access.PolicyScopes.For(current.Model, subject.ServiceId), JapanTime.DayOf(now, PolicyStore.Jst), ct);
            // The age the notice shown to the person promised, not a server setting that may say otherwise.
            CheckGrant(scope, shown.Version.Number, scopes, born, at, settings.Value.MinorAgeOf(shown.Model), request.GuardianConsent);
            CheckForeign(scope, shown.Version.Number, scopes, request.ForeignInfoShown);
        }

        var last = await db.Set<ConsentRecord>().AsNoTracking().Where(c => c.SubjectId == subjectId && scopes.Contains(c.Scope))
            .GroupBy(c => c.Scope).Select(g => new { g.Key, Seq = g.Max(c => c.Seq) }).ToDictionaryAsync(x => x.Key, x => x.Seq, ct);
        var receiptId = Guid.NewGuid();
        var foreignShown = request.ForeignInfoShown is { All: true };
        var rows = scopes.Select(s => new ConsentRecord
        {
            Id = Guid.CreateVersion7(now), SubjectId = subjectId, Scope = s, Granted = request.Granted, At = at,
            PolicyVersion = shown.Version.Number, Method = request.Method, EvidenceRef = evidenceRef,
            GuardianConsent = request.GuardianConsent, ForeignInfoShown = foreignShown && s.StartsWith(ConsentScopes.ForeignPrefix, StringComparison.Ordinal),
            RecordedBy = actor.ToString(), ReceiptId = receiptId, Seq = last.TryGetValue(s, out var seq) ? seq + 1 : 1,
        }).ToList();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.AddRange(rows);
        await audit.AppendManyAsync(db, GrantEvents(rows, actor), ct);
        // A withdrawn opt-in is an event retention may count from, observed here rather than left for staff to record.
        await retentionEvents.ObserveConsentAsync(subjectId, scopes, actor, ct);
        await tx.CommitAsync(ct);
        return Receipt(rows, subject, shown);
    }

    /// <summary>One ConsentGranted or ConsentWithdrawn event per ledger row: the receipt as target, the scope as reason code.</summary>
    public static IReadOnlyList<AuditEntry> GrantEvents(IReadOnlyList<ConsentRecord> rows, Actor actor) =>
        rows.Select(r => new AuditEntry(r.Granted ? AuditCode.ConsentGranted : AuditCode.ConsentWithdrawn, actor,
            SubjectId: r.SubjectId.ToString(), TargetId: r.ReceiptId?.ToString(), ReasonCode: r.Scope.Length <= 64 ? r.Scope : r.Scope[..64],
            Purpose: r.Scope.StartsWith(ConsentScopes.PurposePrefix, StringComparison.Ordinal) && r.Scope.Length - 8 <= 64 ? r.Scope[8..] : null)).ToList();

    /// <summary>
    /// The rules every grant meets, at acquisition or later: each scope is one the policy shown declares (MAMORI-4000), a purpose
    /// asks for consent in it (MAMORI-4007: a receipt for a consent the company never asks for misleads the person), and a person
    /// under <paramref name="minorAge"/> on the day of consent in Japan consents with their guardian (MAMORI-4001; L-06, W-09).
    /// </summary>
    public static void CheckGrant(IPolicyScope scope, int policyVersion, IReadOnlyList<string> scopes, DateOnly? born, DateTimeOffset at, int minorAge, bool guardianConsent)
    {
        foreach (var s in scopes)
        {
            Describe(scope, s);
            if (s.StartsWith(ConsentScopes.PurposePrefix, StringComparison.Ordinal) && scope.Purposes.First(p => p.Id == s[ConsentScopes.PurposePrefix.Length..]) is { ConsentRequired: false } p)
                throw new MamoriException(ErrorCode.ConsentNotRequired,
                    $"Purpose '{p.Id}' does not ask for consent in policy version {policyVersion}: there is nothing to consent to (the purpose shown is enough, Art.21).");
        }
        if (born is { } b && AgeOn(b, JapanTime.DayOf(at, PolicyStore.Jst)) < minorAge && !guardianConsent)
            throw new MamoriException(ErrorCode.GuardianConsentRequired,
                $"The person is under {minorAge} on the day of consent: record the guardian's consent (guardianConsent).");
    }

    /// <summary>
    /// A grant of a foreign-provision scope needs the three items (the country, its protection system, the recipient's measures)
    /// shown first, and the policy shown must state them (MAMORI-4002; Art.28(2), L-14), wherever the consent is recorded.
    /// </summary>
    public static void CheckForeign(IPolicyScope scope, int policyVersion, IReadOnlyList<string> scopes, ForeignItemsShown? shown)
    {
        foreach (var s in scopes.Where(s => s.StartsWith(ConsentScopes.ForeignPrefix, StringComparison.Ordinal)))
        {
            var recipient = scope.Recipients.Foreign.First(f => f.Id == s[ConsentScopes.ForeignPrefix.Length..]);
            if (shown is not { All: true })
                throw new MamoriException(ErrorCode.ForeignInfoNotShown,
                    $"Consent to '{s}' needs the country, its protection system and the recipient's measures shown first (foreignInfoShown) (Art.28(2)).");
            if (recipient.Country is null || recipient.CountrySystem is null || recipient.RecipientMeasures is null)
                throw new MamoriException(ErrorCode.ForeignInfoNotShown,
                    $"Policy version {policyVersion} does not state the country, its system and the measures of '{recipient.Id}', so they cannot have been shown.");
        }
    }

    /// <summary>
    /// The youngest date of birth the vault holds for the person in a category flagged <c>birthDate</c>, else the one an earlier
    /// version kept beside the subject (<see cref="DataSubject.SealedBirthDate"/>), or null when it holds none. A value stored before
    /// the flag existed that is no date is refused (MAMORI-3003): the age cannot be told until it is corrected.
    /// </summary>
    private async Task<DateOnly?> HeldBirthDateAsync(DataSubject subject, IPolicyScope current, DateOnly today, CancellationToken ct)
    {
        var categories = BirthDates.Categories(current).ToList();
        var rows = categories.Count == 0 ? []
            : await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == subject.Id && categories.Contains(f.Category)).ToListAsync(ct);
        if (rows.Count == 0 && subject.SealedBirthDate is null) return null;
        var dataKey = VaultCrypto.Unwrap(keys.Current, subject.TenantId, subject.Id, subject.WrappedKey!);
        try
        {
            return rows.Count > 0
                ? rows.Max(r => BirthDates.Parse(r.Category, VaultCrypto.DecryptField(dataKey, subject.TenantId, subject.Id, r.Category, r.Ciphertext), today))
                : BirthDates.Parse(BirthDates.SealedField, VaultCrypto.DecryptField(dataKey, subject.TenantId, subject.Id, BirthDates.SealedField, subject.SealedBirthDate!), today);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>What held for each scope the person ever consented to or withdrew, at <paramref name="at"/>.</summary>
    public async Task<IReadOnlyList<ConsentState>> AtAsync(Guid subjectId, DateTimeOffset at, CancellationToken ct = default)
    {
        if (!await db.Set<DataSubject>().AnyAsync(s => s.Id == subjectId, ct))
            throw new MamoriException(ErrorCode.SubjectNotFound, "There is no such subject.", 404);
        var rows = await db.Set<ConsentRecord>().AsNoTracking().Where(c => c.SubjectId == subjectId && c.At <= at).ToListAsync(ct);
        return rows.GroupBy(r => r.Scope, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(r => r.At).ThenByDescending(r => r.Seq).ThenByDescending(r => r.Id).First())
            .OrderBy(r => r.Scope, StringComparer.Ordinal)
            .Select(r => new ConsentState(r.Scope, r.Granted, r.At, r.PolicyVersion, r.Method, r.GuardianConsent, r.ForeignInfoShown, r.ReceiptId, r.EvidenceRef))
            .ToList();
    }

    /// <summary>The receipt issued with a grant or withdrawal.</summary>
    public async Task<ConsentReceipt> ReceiptAsync(Guid receiptId, CancellationToken ct = default)
    {
        var rows = await db.Set<ConsentRecord>().AsNoTracking().Where(c => c.ReceiptId == receiptId).OrderBy(c => c.Scope).ToListAsync(ct);
        if (rows.Count == 0) throw new MamoriException(ErrorCode.ConsentReceiptNotFound, "There is no such consent receipt.", 404);
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == rows[0].SubjectId, ct);
        var shown = await policies.GetAsync(rows[0].PolicyVersion, ct)
                    ?? throw new MamoriException(ErrorCode.UnknownPolicyVersion, $"There is no policy version {rows[0].PolicyVersion}.");
        return Receipt(rows, subject, shown);
    }

    private static ConsentReceipt Receipt(List<ConsentRecord> rows, DataSubject subject, PublishedPolicy shown)
    {
        var scope = Access.PolicyScopes.For(shown.Model, subject.ServiceId);
        var first = rows[0];
        return new ConsentReceipt(first.ReceiptId ?? first.Id, first.SubjectId, first.At, first.PolicyVersion, first.Method, first.EvidenceRef,
            first.GuardianConsent, rows.Any(r => r.ForeignInfoShown), shown.Model.Company.LegalName,
            rows.Select(r =>
            {
                var (description, details) = Describe(scope, r.Scope);
                return new ReceiptScope(r.Scope, r.Granted, description, details);
            }).ToList());
    }

    /// <summary>Checks a scope against the policy and describes it in the policy's words; throws for an unknown scope.</summary>
    public static (LocalizedText Description, IReadOnlyList<LocalizedText> Details) Describe(IPolicyScope scope, string s)
    {
        MamoriException Unknown(string why) => new(ErrorCode.InvalidConsentScope, $"Scope '{(s.Length <= 80 ? s : s[..80])}': {why}");
        if (s == ConsentScopes.SpecialCare)
            return (new LocalizedText("要配慮個人情報の取得", "Acquisition of special-care personal information"), []);
        var colon = s.IndexOf(':');
        if (colon <= 0) throw Unknown("use purpose:<id>, special-care, provision:<recipient>, foreign:<recipient> or cookies:<category>.");
        var id = s[(colon + 1)..];
        switch (s[..(colon + 1)])
        {
            case ConsentScopes.PurposePrefix:
                var purpose = scope.Purposes.FirstOrDefault(p => p.Id == id) ?? throw Unknown("the policy declares no such purpose.");
                return (new LocalizedText("利用目的：" + purpose.Name.Ja, "Purpose: " + purpose.Name.Get(NoticeLanguage.En)), []);
            case ConsentScopes.ProvisionPrefix:
                var name = scope.Recipients.ThirdParties.FirstOrDefault(t => t.Id == id)?.Name ?? scope.Recipients.Foreign.FirstOrDefault(f => f.Id == id)?.Name
                           ?? throw Unknown("the policy declares no such third party.");
                var third = scope.Recipients.ThirdParties.FirstOrDefault(t => t.Id == id);
                return (new LocalizedText("第三者提供：" + name.Ja, "Provision to a third party: " + name.Get(NoticeLanguage.En)),
                    third?.Purpose is { } tp ? [new LocalizedText("提供の目的：" + tp.Ja, "Purpose: " + tp.Get(NoticeLanguage.En))] : []);
            case ConsentScopes.ForeignPrefix:
                var f = scope.Recipients.Foreign.FirstOrDefault(x => x.Id == id) ?? throw Unknown("the policy declares no such foreign recipient.");
                var details = new List<LocalizedText>();
                if (f.Country is { } c) details.Add(new LocalizedText("国名：" + c.Name.Ja, "Country: " + c.Name.Get(NoticeLanguage.En)));
                if (f.CountrySystem is { } cs) details.Add(new LocalizedText("当該国の個人情報保護制度：" + cs.Ja, "Its personal information protection system: " + cs.Get(NoticeLanguage.En)));
                if (f.RecipientMeasures is { } m) details.Add(new LocalizedText("提供先の講ずる措置：" + m.Ja, "The recipient's measures: " + m.Get(NoticeLanguage.En)));
                return (new LocalizedText("外国にある第三者への提供：" + f.Name.Ja, "Provision to a third party in a foreign country: " + f.Name.Get(NoticeLanguage.En)), details);
            case ConsentScopes.CookiesPrefix:
                if (!Enum.TryParse<TagCategory>(id, ignoreCase: true, out var category) || !id.All(char.IsAsciiLetterLower))
                    throw Unknown("the cookie categories are essential, functional, analytics and advertising.");
                var (ja, en) = ConsentScopes.CookieCategoryName(category);
                var tags = scope.ExternalTags.Where(t => t.Category == category)
                    .Select(t => new LocalizedText($"{t.Name.Ja}（{t.Recipient.Ja}）：{t.InformationSent.Ja}", $"{t.Name.Get(NoticeLanguage.En)} ({t.Recipient.Get(NoticeLanguage.En)}): {t.InformationSent.Get(NoticeLanguage.En)}")).ToList();
                return (new LocalizedText($"Cookie・外部送信（{ja}）", $"Cookies and tags ({en})"), tags);
            default:
                throw Unknown("use purpose:<id>, special-care, provision:<recipient>, foreign:<recipient> or cookies:<category>.");
        }
    }

    /// <summary>Full years from <paramref name="born"/> to <paramref name="on"/>.</summary>
    public static int AgeOn(DateOnly born, DateOnly on)
    {
        var age = on.Year - born.Year;
        return on < born.AddYears(age) ? age - 1 : age;
    }

    /// <summary>Truncates to microseconds, the precision every provider stores.</summary>
    public static DateTimeOffset Micros(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);
}
