using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Data;
using Mamori.Policy;
using Mamori.Policy.Rendering;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Requests;

/// <summary>What a package contains, by request kind.</summary>
[Flags]
public enum PackageSections
{
    None = 0,
    Fields = 1,
    Purposes = 2,
    Consents = 4,
    ProvisionRecords = 8,
    Destructions = 16,
    Disclosure = Fields | Purposes | Consents | ProvisionRecords | Destructions,
}

/// <summary>A field: <paramref name="Name"/> the policy's Japanese name, <paramref name="NameEn"/> its English one.</summary>
public sealed record PackageField(string Category, string Name, string Value, string? NameEn = null);

/// <summary>
/// A purpose. <paramref name="Retention"/> is the machine form kept for integrators ("P7Y（起算：契約終了日）／法定保存：… P7Y");
/// <paramref name="RetentionText"/> is what the person reads, in the privacy notice's words (「契約終了日から7年…」).
/// </summary>
public sealed record PackagePurpose(string Id, string Name, string? Retention, IReadOnlyList<string> Categories, LocalizedText? RetentionText = null, string? NameEn = null);

/// <summary>
/// A consent. <paramref name="Scope"/> and <paramref name="Method"/> as recorded ("provision:carriers", "WebForm"), for integrators;
/// <paramref name="ScopeName"/> and <paramref name="MethodName"/> as the person reads them (「第三者提供：…」, 「Webフォーム」).
/// </summary>
public sealed record PackageConsent(string Scope, bool Granted, DateTimeOffset At, int PolicyVersion, string Method, bool GuardianConsent,
    LocalizedText? ScopeName = null, LocalizedText? MethodName = null);

/// <summary>A provision record: <paramref name="Categories"/> and <paramref name="Basis"/> as recorded; <paramref name="CategoryNames"/> and <paramref name="BasisName"/> as the person reads them.</summary>
public sealed record PackageProvision(DateTimeOffset At, string Recipient, string Kind, IReadOnlyList<string> Categories, string? Basis,
    LocalizedText? CategoryNames = null, LocalizedText? BasisName = null);

/// <summary>
/// A destruction certificate. <paramref name="Destroyed"/> and <paramref name="Kept"/> as recorded (category ids; "email until
/// 2033-12-06 (…)"); <paramref name="DestroyedNames"/> and <paramref name="KeptText"/> as the person reads them (policy names, days in JST).
/// </summary>
public sealed record PackageDestruction(DateTimeOffset At, string Kind, IReadOnlyList<string> Destroyed, string? Kept,
    LocalizedText? DestroyedNames = null, LocalizedText? KeptText = null, IReadOnlyList<HeldCategory>? KeptItems = null);

public sealed record PackageSubject(
    Guid SubjectId, string SubjectType, string? Service, string Acquisition, DateTimeOffset Since, int PolicyVersion,
    bool UseSuspended, bool ProvisionStopped, bool Erased,
    IReadOnlyList<PackageField> Fields, IReadOnlyList<PackagePurpose> Purposes, IReadOnlyList<PackageConsent> Consents,
    IReadOnlyList<PackageProvision> ProvisionRecords, IReadOnlyList<PackageDestruction> Destructions,
    string? SubjectTypeEn = null, string? ServiceEn = null, string? AcquisitionEn = null, bool DataLost = false);

/// <summary>
/// The answer to a disclosure (and purpose-notification, provision-record, portability) request: every
/// matched subject's data read through access decisions with purpose <c>request-handling</c>, the
/// purposes, the consent history and the provision records. Rendered as JSON (machine-readable), a
/// Japanese HTML document and a PDF (with an English rendering for a request made in English).
/// <paramref name="Notes"/> are "Japanese/ English" lines, kept for integrators; <paramref name="NotesText"/> the same by language.
/// </summary>
public sealed record DisclosurePackage(
    string Format, string Reference, RequestKind Kind, DateTimeOffset GeneratedAt, string GeneratedOnJst,
    string Company, string? CompanyAddress, string? ContactPoint, PackageSections Sections,
    bool ProvisionRecordsAvailable, IReadOnlyList<PackageSubject> Subjects, IReadOnlyList<string> Notes,
    string? CompanyEn = null, string? ContactPointEn = null, IReadOnlyList<LocalizedText>? NotesText = null)
{
    public const string FormatId = "mamori.disclosure/1";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    public int RecordCount => Subjects.Sum(s => s.Fields.Count + s.Consents.Count + s.ProvisionRecords.Count + s.Destructions.Count + s.Purposes.Count);
}

/// <summary>Builds packages from the vault (through decisions), the policy and the ledgers.</summary>
public sealed class DisclosureBuilder(MamoriDbContext db, Subjects subjects, PolicyStore policies, TimeProvider clock, Provision.ProvisionRecords provisionRecords)
{
    /// <summary>
    /// Provision and receipt records (第三者提供記録, Art.29/30, disclosed under Art.33(5)) that list the
    /// subject. Other people on the same record are never named: only the record's own items.
    /// </summary>
    private async Task<IReadOnlyList<PackageProvision>> ProvisionRecordsAsync(Guid subjectId, PolicyModel model, CancellationToken ct)
    {
        var records = await provisionRecords.ForSubjectAsync(subjectId, ct);
        return records.Select(r => new PackageProvision(r.At, r.CounterpartyName, r.Direction, r.Items, r.Basis,
            new LocalizedText(HeldCategories.Names(r.Items, model, NoticeLanguage.Ja), HeldCategories.Names(r.Items, model, NoticeLanguage.En)),
            r.Basis is null ? null : Provision.Provisions.BasisName(r.Basis))).ToList();
    }

    public static PackageSections SectionsFor(RequestKind kind) => kind switch
    {
        RequestKind.Disclosure => PackageSections.Disclosure,
        RequestKind.PurposeNotification => PackageSections.Purposes,
        RequestKind.ProvisionRecords => PackageSections.ProvisionRecords,
        RequestKind.Portability => PackageSections.Fields | PackageSections.Consents,
        _ => PackageSections.None,
    };

    public async Task<DisclosurePackage> BuildAsync(string reference, RequestKind kind, IReadOnlyList<Guid> subjectIds, Actor actor, CancellationToken ct = default)
    {
        var current = await policies.RequireCurrentAsync(ct);
        var model = current.Model;
        var sections = SectionsFor(kind);
        var viewerRoles = ViewerRoles(model);
        var list = new List<PackageSubject>();
        var withheldBy = new Dictionary<string, (Purpose Purpose, List<string> Categories)>(StringComparer.Ordinal);
        foreach (var id in subjectIds)
        {
            var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            if (subject is null) continue;
            var scope = PolicyScopes.For(model, subject.ServiceId);
            var categories = scope.DataCategories.ToDictionary(c => c.Id, StringComparer.Ordinal);
            var shown = PolicyScopes.Shown(scope, subject.PurposesShown);
            var withheld = Withheld(shown);
            if (sections.HasFlag(PackageSections.Fields) || sections.HasFlag(PackageSections.Purposes))
                foreach (var p in shown.Where(p => !p.Disclosable))
                {
                    if (!withheldBy.TryGetValue(p.Id, out var entry)) withheldBy[p.Id] = entry = (p, []);
                    // In the purpose's order, as the privacy notice lists them.
                    entry.Categories.AddRange(p.Categories.Where(c => withheld.Contains(c) && !entry.Categories.Contains(c)));
                }
            var fields = new List<PackageField>();
            var erased = subject.WrappedKey is null;
            var lost = erased && await VaultMaintenance.LostAsync(db, id, ct) is not null;
            if (sections.HasFlag(PackageSections.Fields) && !erased)
            {
                // The person is entitled to their own data unmasked (Art.33): the read runs under the built-in
                // purpose with the designated viewers' roles, and is recorded like every other decision.
                var read = await subjects.ReadAsync(new DecisionRequest(id, DecisionRules.RequestHandling, null, viewerRoles, RequireUnmasked: false), actor, ct);
                foreach (var (category, value) in read.Values.Where(v => !withheld.Contains(v.Key)).OrderBy(v => v.Key, StringComparer.Ordinal))
                    fields.Add(categories.TryGetValue(category, out var c)
                        ? new PackageField(category, c.Name.Ja, value, c.Name.Get(NoticeLanguage.En))
                        : new PackageField(category, category, value, category));
                // A date of birth an earlier version kept beside the fields (sealed by the upgrade) is the person's data too.
                if (subjects.SealedBirthDate(subject) is { } born && !scope.DataCategories.Any(c => c.BirthDate && withheld.Contains(c.Id)))
                    fields.Add(new PackageField(BirthDates.ApiField, "生年月日", born, "Date of birth"));
            }
            var purposes = new List<PackagePurpose>();
            if (sections.HasFlag(PackageSections.Purposes))
                foreach (var p in shown.Where(p => p.Disclosable))
                    purposes.Add(new PackagePurpose(p.Id, p.Name.Ja, p.Retention is null ? null : Retention(p.Retention), p.Categories,
                        p.Retention is null ? null : new LocalizedText(NoticePhrases.Retention(p.Retention, NoticeLanguage.Ja), NoticePhrases.Retention(p.Retention, NoticeLanguage.En)),
                        p.Name.Get(NoticeLanguage.En)));
            var consents = new List<PackageConsent>();
            if (sections.HasFlag(PackageSections.Consents))
                consents = (await db.Set<ConsentRecord>().AsNoTracking().Where(c => c.SubjectId == id).ToListAsync(ct))
                    .OrderBy(c => c.At).ThenBy(c => c.Id)
                    .Select(c => new PackageConsent(c.Scope, c.Granted, c.At, c.PolicyVersion, c.Method.ToString(), c.GuardianConsent,
                        ConsentScopes.Name(c.Scope, model), ConsentMethods.Name(c.Method))).ToList();
            var provisions = sections.HasFlag(PackageSections.ProvisionRecords) ? await ProvisionRecordsAsync(id, model, ct) : [];
            var destructions = new List<PackageDestruction>();
            if (sections.HasFlag(PackageSections.Destructions))
                destructions = (await db.Set<DestructionCertificate>().AsNoTracking().Where(c => c.SubjectId == id).ToListAsync(ct))
                    .OrderBy(c => c.DestroyedAt)
                    .Select(c => Destruction(c, model)).ToList();
            var type = scope.SubjectTypes.FirstOrDefault(t => t.Id == subject.SubjectType)?.Name ?? new LocalizedText(subject.SubjectType);
            var service = subject.ServiceId is null ? null : model.FindService(subject.ServiceId)?.Name ?? new LocalizedText(subject.ServiceId);
            var acquisition = scope.AcquisitionMethods.FirstOrDefault(a => a.Id == subject.AcquisitionMethod)?.Name ?? new LocalizedText(subject.AcquisitionMethod);
            list.Add(new PackageSubject(id, type.Ja, service?.Ja, acquisition.Ja, subject.CreatedAt, subject.PolicyVersion, subject.UseSuspended, subject.ProvisionStopped,
                erased, fields, purposes, consents, provisions, destructions, type.Get(NoticeLanguage.En), service?.Get(NoticeLanguage.En), acquisition.Get(NoticeLanguage.En), lost));
        }
        var now = clock.GetUtcNow();
        var notes = new List<LocalizedText>();
        if (list.Count == 0)
            notes.Add(new LocalizedText("当社は、ご請求に係る保有個人データを保有しておりません。", "We hold no retained personal data about you."));
        foreach (var (purpose, withheld) in withheldBy.Values.OrderBy(w => w.Purpose.Id, StringComparer.Ordinal))
        {
            var items = withheld.Count == 0 ? null : new LocalizedText(PolicyCategories.Of(model).Names(withheld, NoticeLanguage.Ja), PolicyCategories.Of(model).Names(withheld, NoticeLanguage.En));
            notes.Add(new LocalizedText(
                $"利用目的「{purpose.Name.Ja}」のために取り扱う個人情報{(items is null ? "" : $"（{items.Ja}）")}は、プライバシーポリシーに記載のとおり開示等の対象ではないため、この書面に含めていません。",
                $"Personal data handled for the purpose \"{purpose.Name.Get(NoticeLanguage.En)}\"{(items is null ? "" : $" ({items.En})")} is not subject to requests for disclosure, as the privacy notice states, and is not included here."));
        }
        return new DisclosurePackage(DisclosurePackage.FormatId, reference, kind, now, RequestClock.Day(now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            model.Company?.LegalName?.Ja ?? "", model.Company?.Address?.Ja, model.Contact?.Name?.Ja, sections, sections.HasFlag(PackageSections.ProvisionRecords), list,
            [.. notes.Select(n => n.Ja + "/ " + n.En)], model.Company?.LegalName?.Get(NoticeLanguage.En), model.Contact?.Name?.Get(NoticeLanguage.En), notes);
    }

    /// <summary>
    /// The categories held only for purposes the privacy notice names as outside requests for disclosure (<c>disclosable: false</c>,
    /// S-07: data a client entrusted to the company is the client's to disclose): used by a non-disclosable purpose the person's
    /// data was acquired for, and by none of the disclosable ones. A category a disclosable purpose also uses is disclosed.
    /// </summary>
    internal static HashSet<string> Withheld(IReadOnlyList<Purpose> shown)
    {
        var disclosable = shown.Where(p => p.Disclosable).SelectMany(p => p.Categories).ToHashSet(StringComparer.Ordinal);
        return shown.Where(p => !p.Disclosable).SelectMany(p => p.Categories).Where(c => !disclosable.Contains(c)).ToHashSet(StringComparer.Ordinal);
    }

    internal static string[] ViewerRoles(PolicyModel model) =>
        [.. model.DataCategories.SelectMany(c => c.Viewers)
            .Concat(model.Services.SelectMany(s => s.DataCategories.SelectMany(c => c.Viewers)))
            .Concat(model.MyNumber?.DesignatedRoles ?? [])
            .Distinct(StringComparer.Ordinal)];

    private static PackageDestruction Destruction(DestructionCertificate c, PolicyModel model)
    {
        var destroyed = c.Destroyed.Split(',', StringSplitOptions.RemoveEmptyEntries);
        LocalizedText? Localized(Func<NoticeLanguage, string?> text) => text(NoticeLanguage.Ja) is { } ja ? new LocalizedText(ja, text(NoticeLanguage.En)) : null;
        return new PackageDestruction(c.DestroyedAt, c.Kind.ToString(), destroyed, c.Kept,
            Localized(lang => destroyed.Length == 0 ? null : PolicyCategories.Of(model).Names(destroyed, lang)),
            Localized(lang => HeldCategories.Text(c, model, lang)), HeldCategories.Of(c));
    }

    /// <summary>The machine form of a retention rule in the JSON answer, unchanged for integrators; people read <see cref="NoticePhrases.Retention"/>.</summary>
    private static string Retention(Retention r)
    {
        var s = r.Period.ToString();
        if (r.From is not null) s += "（起算：" + r.From.Ja + "）";
        if (r.LegalHold is not null) s += "／法定保存：" + r.LegalHold.Law.Ja + " " + r.LegalHold.Period;
        return s;
    }
}

/// <summary>
/// The readable document (HTML, and lines for the PDF) of a package: standalone, no script. Japanese, which prevails; for a
/// request made in English an English rendering follows it, saying that the Japanese text prevails (as the privacy notice does).
/// </summary>
public static class DisclosureHtml
{
    private static string E(string? s) => System.Net.WebUtility.HtmlEncode(s ?? "");

    private static string Jst(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, RequestClock.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Title(RequestKind kind) => Title(kind, NoticeLanguage.Ja);

    private static string Title(RequestKind kind, NoticeLanguage lang) => kind switch
    {
        RequestKind.PurposeNotification => L(lang, "利用目的の通知書", "Notice of the purposes of use"),
        RequestKind.ProvisionRecords => L(lang, "第三者提供記録の開示書", "Disclosure of third-party provision records"),
        RequestKind.Portability => L(lang, "保有個人データの移行用データ", "Retained personal data for transfer"),
        _ => L(lang, "保有個人データ開示書", "Disclosure of retained personal data"),
    };

    private static string L(NoticeLanguage lang, string ja, string en) => lang == NoticeLanguage.En ? en : ja;

    private static string T(LocalizedText? text, NoticeLanguage lang) => text?.Get(lang) ?? "—";

    private const string EnglishHeading = "English rendering";

    private const string Prevails = "This English rendering is provided for convenience only. The Japanese text above is authoritative: if the two differ, the Japanese text prevails.";

    /// <param name="english">The request was made in English: add the English rendering after the Japanese.</param>
    public static string Render(DisclosurePackage p, bool english = false)
    {
        var sb = new StringBuilder(4096 + p.RecordCount * (english ? 320 : 160));
        // The viewport line: people open the package on a phone, where a page without it is laid out at desktop width.
        sb.Append("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>").Append(E(Title(p.Kind))).Append(' ').Append(E(p.Reference)).Append("</title>\n");
        sb.Append("<style>body{font-family:'IPAGothic','Noto Sans CJK JP',sans-serif;max-width:60rem;margin:2rem auto;line-height:1.6;padding:0 1rem}")
          .Append("table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}")
          .Append("th{background:#eee}h2{border-bottom:2px solid #333;margin-top:2rem}.meta{color:#333}</style>\n</head>\n<body>\n");
        Body(sb, p, NoticeLanguage.Ja);
        if (english)
        {
            sb.Append("<section lang=\"en\">\n<hr>\n<p class=\"meta\"><strong>").Append(EnglishHeading).Append("</strong></p>\n<p class=\"note\">").Append(E(Prevails)).Append("</p>\n");
            Body(sb, p, NoticeLanguage.En);
            sb.Append("</section>\n");
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void Body(StringBuilder sb, DisclosurePackage p, NoticeLanguage lang)
    {
        var en = lang == NoticeLanguage.En;
        string Sub(string ja, string? english) => en ? english ?? ja : ja;
        sb.Append("<h1>").Append(E(Title(p.Kind, lang))).Append("</h1>\n<p class=\"meta\">").Append(L(lang, "受付番号 ", "Reference ")).Append(E(p.Reference))
          .Append(L(lang, "／作成日 ", " / Prepared on ")).Append(E(p.GeneratedOnJst)).Append(L(lang, "／", " / ")).Append(E(Sub(p.Company, p.CompanyEn))).Append("</p>\n");
        sb.Append("<p>").Append(E(Intro(lang))).Append("</p>\n");
        foreach (var note in Notes(p, lang)) sb.Append("<p class=\"note\">").Append(E(note)).Append("</p>\n");
        var n = 0;
        foreach (var s in p.Subjects)
        {
            n++;
            var service = Sub(s.Service ?? "", s.ServiceEn);
            sb.Append("<h2>").Append(n).Append(". ").Append(E(Sub(s.SubjectType, s.SubjectTypeEn))).Append(s.Service is null ? "" : L(lang, "（" + E(service) + "）", " (" + E(service) + ")")).Append("</h2>\n");
            sb.Append("<table><tr><th>").Append(L(lang, "取得方法", "Acquired by")).Append("</th><td>").Append(E(Sub(s.Acquisition, s.AcquisitionEn)))
              .Append("</td></tr><tr><th>").Append(L(lang, "取得日", "Acquired on (JST)")).Append("</th><td>").Append(E(Jst(s.Since)))
              .Append("</td></tr><tr><th>").Append(L(lang, "状態", "Status")).Append("</th><td>").Append(E(State(s, lang))).Append("</td></tr></table>\n");
            if (p.Sections.HasFlag(PackageSections.Fields))
            {
                sb.Append("<h3>").Append(L(lang, "保有個人データ", "Retained personal data")).Append("</h3>\n<table><tr><th>").Append(L(lang, "項目", "Item"))
                  .Append("</th><th>").Append(L(lang, "内容", "Content")).Append("</th></tr>\n");
                foreach (var f in s.Fields) sb.Append("<tr><td>").Append(E(Sub(f.Name, f.NameEn))).Append("</td><td>").Append(E(f.Value)).Append("</td></tr>\n");
                if (s.Fields.Count == 0) sb.Append("<tr><td colspan=\"2\">").Append(None(lang)).Append("</td></tr>\n");
                sb.Append("</table>\n");
            }
            if (p.Sections.HasFlag(PackageSections.Purposes))
            {
                sb.Append("<h3>").Append(L(lang, "利用目的", "Purposes of use")).Append("</h3>\n<table><tr><th>").Append(L(lang, "利用目的", "Purpose"))
                  .Append("</th><th>").Append(L(lang, "保存期間", "Retention")).Append("</th></tr>\n");
                foreach (var x in s.Purposes) sb.Append("<tr><td>").Append(E(Sub(x.Name, x.NameEn))).Append("</td><td>").Append(E(T(x.RetentionText, lang))).Append("</td></tr>\n");
                sb.Append("</table>\n");
            }
            if (p.Sections.HasFlag(PackageSections.Consents))
            {
                sb.Append("<h3>").Append(L(lang, "同意の履歴", "Consent history")).Append("</h3>\n<table><tr><th>").Append(L(lang, "日時", "Date and time (JST)"))
                  .Append("</th><th>").Append(L(lang, "対象", "Consent to")).Append("</th><th>").Append(L(lang, "内容", "Given or withdrawn"))
                  .Append("</th><th>").Append(L(lang, "方法", "Method")).Append("</th></tr>\n");
                foreach (var c in s.Consents)
                    sb.Append("<tr><td>").Append(E(Jst(c.At))).Append("</td><td>").Append(E(ScopeName(c, lang))).Append("</td><td>").Append(Granted(c, lang))
                      .Append("</td><td>").Append(E(MethodName(c, lang))).Append("</td></tr>\n");
                if (s.Consents.Count == 0) sb.Append("<tr><td colspan=\"4\">").Append(None(lang)).Append("</td></tr>\n");
                sb.Append("</table>\n");
            }
            if (p.Sections.HasFlag(PackageSections.ProvisionRecords))
            {
                sb.Append("<h3>").Append(L(lang, "第三者提供記録", "Third-party provision records")).Append("</h3>\n<table><tr><th>").Append(L(lang, "日時", "Date and time (JST)"))
                  .Append("</th><th>").Append(L(lang, "提供先", "Recipient")).Append("</th><th>").Append(L(lang, "項目", "Items")).Append("</th><th>").Append(L(lang, "根拠", "Basis")).Append("</th></tr>\n");
                foreach (var r in s.ProvisionRecords)
                    sb.Append("<tr><td>").Append(E(Jst(r.At))).Append("</td><td>").Append(E(r.Recipient)).Append("</td><td>").Append(E(Categories(r, lang)))
                      .Append("</td><td>").Append(E(BasisName(r, lang))).Append("</td></tr>\n");
                if (s.ProvisionRecords.Count == 0) sb.Append("<tr><td colspan=\"4\">").Append(None(lang)).Append("</td></tr>\n");
                sb.Append("</table>\n");
            }
            if (p.Sections.HasFlag(PackageSections.Destructions) && s.Destructions.Count > 0)
            {
                sb.Append("<h3>").Append(L(lang, "消去の記録", "Erasure records")).Append("</h3>\n<table><tr><th>").Append(L(lang, "日時", "Date and time (JST)"))
                  .Append("</th><th>").Append(L(lang, "消去した項目", "Erased")).Append("</th><th>").Append(L(lang, "保存を続けている項目", "Still kept")).Append("</th></tr>\n");
                foreach (var d in s.Destructions)
                    sb.Append("<tr><td>").Append(E(Jst(d.At))).Append("</td><td>").Append(E(T(d.DestroyedNames, lang))).Append("</td><td>").Append(E(T(d.KeptText, lang))).Append("</td></tr>\n");
                sb.Append("</table>\n");
            }
        }
        if (Contact(p, lang) is { } contact) sb.Append("<p>").Append(E(contact)).Append("</p>\n");
    }

    private static string Intro(NoticeLanguage lang) => L(lang,
        "個人情報の保護に関する法律に基づくご請求について、当社が保有する保有個人データを以下のとおりお知らせします。",
        "In answer to your request under the Act on the Protection of Personal Information, we set out below the retained personal data we hold about you.");

    private static IEnumerable<string> Notes(DisclosurePackage p, NoticeLanguage lang) =>
        p.NotesText?.Select(n => n.Get(lang)) ?? (lang == NoticeLanguage.Ja ? p.Notes : []);

    private static string None(NoticeLanguage lang) => L(lang, "なし", "None");

    private static string State(PackageSubject s, NoticeLanguage lang) =>
        (s.DataLost ? L(lang, "暗号鍵の紛失により消失（復元できません）", "Lost with its encryption key (cannot be restored)")
            : s.Erased ? L(lang, "消去済み", "Erased") : s.UseSuspended ? L(lang, "利用停止中", "Use suspended") : L(lang, "利用中", "In use"))
        + (s.ProvisionStopped ? L(lang, "・第三者提供停止中", "; provision to third parties stopped") : "");

    private static string Granted(PackageConsent c, NoticeLanguage lang) => c.Granted ? L(lang, "同意", "Given") : L(lang, "撤回", "Withdrawn");

    private static string ScopeName(PackageConsent c, NoticeLanguage lang) => c.ScopeName?.Get(lang) ?? c.Scope;

    private static string MethodName(PackageConsent c, NoticeLanguage lang) => c.MethodName?.Get(lang) ?? c.Method;

    private static string Categories(PackageProvision r, NoticeLanguage lang) => r.CategoryNames?.Get(lang) ?? string.Join(L(lang, "、", ", "), r.Categories);

    private static string BasisName(PackageProvision r, NoticeLanguage lang) => r.BasisName?.Get(lang) ?? r.Basis ?? "";

    private static string? Contact(DisclosurePackage p, NoticeLanguage lang) =>
        p.ContactPoint is null ? null : L(lang, "お問合せ先：" + p.ContactPoint, "Contact: " + (p.ContactPointEn ?? p.ContactPoint));

    /// <summary>The same content as plain lines for the PDF writer: (style, text).</summary>
    /// <param name="english">The request was made in English: add the English rendering after the Japanese.</param>
    public static IEnumerable<(PdfLineStyle Style, string Text)> Lines(DisclosurePackage p, bool english = false)
    {
        foreach (var line in Lines(p, NoticeLanguage.Ja)) yield return line;
        if (!english) yield break;
        yield return (PdfLineStyle.Heading, EnglishHeading);
        yield return (PdfLineStyle.Body, Prevails);
        foreach (var line in Lines(p, NoticeLanguage.En)) yield return line;
    }

    private static IEnumerable<(PdfLineStyle Style, string Text)> Lines(DisclosurePackage p, NoticeLanguage lang)
    {
        var en = lang == NoticeLanguage.En;
        string Sub(string ja, string? english) => en ? english ?? ja : ja;
        var gap = L(lang, "　", "  ");
        yield return (PdfLineStyle.Title, Title(p.Kind, lang));
        yield return (PdfLineStyle.Meta, L(lang, $"受付番号 {p.Reference}　作成日 {p.GeneratedOnJst}　{p.Company}", $"Reference {p.Reference}  Prepared on {p.GeneratedOnJst}  {Sub(p.Company, p.CompanyEn)}"));
        yield return (PdfLineStyle.Body, Intro(lang));
        foreach (var note in Notes(p, lang)) yield return (PdfLineStyle.Body, note);
        var n = 0;
        foreach (var s in p.Subjects)
        {
            n++;
            var service = s.Service is null ? "" : L(lang, "（" + s.Service + "）", " (" + Sub(s.Service, s.ServiceEn) + ")");
            yield return (PdfLineStyle.Heading, $"{n}. {Sub(s.SubjectType, s.SubjectTypeEn)}{service}");
            yield return (PdfLineStyle.Body, L(lang, $"取得方法：{s.Acquisition}　取得日：{Jst(s.Since)}　状態：{State(s, lang)}",
                $"Acquired by: {Sub(s.Acquisition, s.AcquisitionEn)}  Acquired on: {Jst(s.Since)} (JST)  Status: {State(s, lang)}"));
            if (p.Sections.HasFlag(PackageSections.Fields))
            {
                yield return (PdfLineStyle.Subheading, L(lang, "保有個人データ", "Retained personal data"));
                foreach (var f in s.Fields) yield return (PdfLineStyle.Body, $"{Sub(f.Name, f.NameEn)}{L(lang, "：", ": ")}{f.Value}");
                if (s.Fields.Count == 0) yield return (PdfLineStyle.Body, None(lang));
            }
            if (p.Sections.HasFlag(PackageSections.Purposes))
            {
                yield return (PdfLineStyle.Subheading, L(lang, "利用目的", "Purposes of use"));
                foreach (var x in s.Purposes)
                    yield return (PdfLineStyle.Body, L(lang, $"・{x.Name}（保存期間：{T(x.RetentionText, lang)}）", $"- {Sub(x.Name, x.NameEn)} (retention: {T(x.RetentionText, lang)})"));
            }
            if (p.Sections.HasFlag(PackageSections.Consents))
            {
                yield return (PdfLineStyle.Subheading, L(lang, "同意の履歴", "Consent history (JST)"));
                foreach (var c in s.Consents) yield return (PdfLineStyle.Body, $"{Jst(c.At)}{gap}{ScopeName(c, lang)}{gap}{Granted(c, lang)}{gap}{MethodName(c, lang)}");
                if (s.Consents.Count == 0) yield return (PdfLineStyle.Body, None(lang));
            }
            if (p.Sections.HasFlag(PackageSections.ProvisionRecords))
            {
                yield return (PdfLineStyle.Subheading, L(lang, "第三者提供記録", "Third-party provision records (JST)"));
                foreach (var r in s.ProvisionRecords) yield return (PdfLineStyle.Body, $"{Jst(r.At)}{gap}{r.Recipient}{gap}{Categories(r, lang)}{gap}{BasisName(r, lang)}");
                if (s.ProvisionRecords.Count == 0) yield return (PdfLineStyle.Body, None(lang));
            }
            if (p.Sections.HasFlag(PackageSections.Destructions) && s.Destructions.Count > 0)
            {
                yield return (PdfLineStyle.Subheading, L(lang, "消去の記録", "Erasure records (JST)"));
                foreach (var d in s.Destructions)
                    yield return (PdfLineStyle.Body, L(lang, $"{Jst(d.At)}　消去：{T(d.DestroyedNames, lang)}　保存：{T(d.KeptText, lang)}",
                        $"{Jst(d.At)}  Erased: {T(d.DestroyedNames, lang)}  Kept: {T(d.KeptText, lang)}"));
            }
        }
        if (Contact(p, lang) is { } contact) yield return (PdfLineStyle.Body, contact);
    }
}
