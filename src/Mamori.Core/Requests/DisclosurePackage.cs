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

public sealed record PackageField(string Category, string Name, string Value);

/// <summary>
/// A purpose. <paramref name="Retention"/> is the machine form kept for integrators ("P7Y（起算：契約終了日）／法定保存：… P7Y");
/// <paramref name="RetentionText"/> is what the person reads, in the privacy notice's words (「契約終了日から7年…」).
/// </summary>
public sealed record PackagePurpose(string Id, string Name, string? Retention, IReadOnlyList<string> Categories, LocalizedText? RetentionText = null);

public sealed record PackageConsent(string Scope, bool Granted, DateTimeOffset At, int PolicyVersion, string Method, bool GuardianConsent);

public sealed record PackageProvision(DateTimeOffset At, string Recipient, string Kind, IReadOnlyList<string> Categories, string? Basis);

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
    IReadOnlyList<PackageProvision> ProvisionRecords, IReadOnlyList<PackageDestruction> Destructions);

/// <summary>
/// The answer to a disclosure (and purpose-notification, provision-record, portability) request: every
/// matched subject's data read through access decisions with purpose <c>request-handling</c>, the
/// purposes, the consent history and the provision records. Rendered as JSON (machine-readable), a
/// Japanese HTML document and a PDF.
/// </summary>
public sealed record DisclosurePackage(
    string Format, string Reference, RequestKind Kind, DateTimeOffset GeneratedAt, string GeneratedOnJst,
    string Company, string? CompanyAddress, string? ContactPoint, PackageSections Sections,
    bool ProvisionRecordsAvailable, IReadOnlyList<PackageSubject> Subjects, IReadOnlyList<string> Notes)
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
    internal async Task<(bool Available, IReadOnlyList<PackageProvision> Records)> ProvisionRecordsAsync(Guid subjectId, CancellationToken ct)
    {
        var records = await provisionRecords.ForSubjectAsync(subjectId, ct);
        return (true, records.Select(r => new PackageProvision(r.At, r.CounterpartyName, r.Direction, r.Items, r.Basis)).ToList());
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
        var provisionAvailable = false;
        foreach (var id in subjectIds)
        {
            var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            if (subject is null) continue;
            var scope = PolicyScopes.For(model, subject.ServiceId);
            var categories = scope.DataCategories.ToDictionary(c => c.Id, StringComparer.Ordinal);
            var fields = new List<PackageField>();
            var erased = subject.WrappedKey is null;
            if (sections.HasFlag(PackageSections.Fields) && !erased)
            {
                // The person is entitled to their own data unmasked (Art.33): the read runs under the built-in
                // purpose with the designated viewers' roles, and is recorded like every other decision.
                var read = await subjects.ReadAsync(new DecisionRequest(id, DecisionRules.RequestHandling, null, viewerRoles, RequireUnmasked: false), actor, ct);
                foreach (var (category, value) in read.Values.OrderBy(v => v.Key, StringComparer.Ordinal))
                    fields.Add(new PackageField(category, categories.TryGetValue(category, out var c) ? c.Name.Ja : category, value));
            }
            var purposes = new List<PackagePurpose>();
            if (sections.HasFlag(PackageSections.Purposes))
                foreach (var p in scope.Purposes.Where(p => subject.PurposesShown.Contains(p.Id)))
                    purposes.Add(new PackagePurpose(p.Id, p.Name.Ja, p.Retention is null ? null : Retention(p.Retention), p.Categories,
                        p.Retention is null ? null : new LocalizedText(NoticePhrases.Retention(p.Retention, NoticeLanguage.Ja), NoticePhrases.Retention(p.Retention, NoticeLanguage.En))));
            var consents = new List<PackageConsent>();
            if (sections.HasFlag(PackageSections.Consents))
                consents = (await db.Set<ConsentRecord>().AsNoTracking().Where(c => c.SubjectId == id).ToListAsync(ct))
                    .OrderBy(c => c.At).ThenBy(c => c.Id)
                    .Select(c => new PackageConsent(c.Scope, c.Granted, c.At, c.PolicyVersion, c.Method.ToString(), c.GuardianConsent)).ToList();
            IReadOnlyList<PackageProvision> provisions = [];
            if (sections.HasFlag(PackageSections.ProvisionRecords))
            {
                var (available, records) = await ProvisionRecordsAsync(id, ct);
                provisionAvailable |= available;
                provisions = records;
            }
            var destructions = new List<PackageDestruction>();
            if (sections.HasFlag(PackageSections.Destructions))
                destructions = (await db.Set<DestructionCertificate>().AsNoTracking().Where(c => c.SubjectId == id).ToListAsync(ct))
                    .OrderBy(c => c.DestroyedAt)
                    .Select(c => Destruction(c, model)).ToList();
            var type = scope.SubjectTypes.FirstOrDefault(t => t.Id == subject.SubjectType)?.Name.Ja ?? subject.SubjectType;
            var service = subject.ServiceId is null ? null : model.FindService(subject.ServiceId)?.Name.Ja ?? subject.ServiceId;
            var acquisition = scope.AcquisitionMethods.FirstOrDefault(a => a.Id == subject.AcquisitionMethod)?.Name.Ja ?? subject.AcquisitionMethod;
            list.Add(new PackageSubject(id, type, service, acquisition, subject.CreatedAt, subject.PolicyVersion, subject.UseSuspended, subject.ProvisionStopped,
                erased, fields, purposes, consents, provisions, destructions));
        }
        var now = clock.GetUtcNow();
        var notes = new List<string>();
        if (sections.HasFlag(PackageSections.ProvisionRecords) && !provisionAvailable)
            notes.Add("第三者提供記録：この環境では第三者提供記録の台帳が未導入のため、記録はありません。/ Provision records: this installation has no provision ledger yet, so none are listed.");
        if (list.Count == 0)
            notes.Add("当社は、ご請求に係る保有個人データを保有しておりません。/ We hold no retained personal data about you.");
        return new DisclosurePackage(DisclosurePackage.FormatId, reference, kind, now, RequestClock.Day(now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            model.Company?.LegalName?.Ja ?? "", model.Company?.Address?.Ja, model.Contact?.Name?.Ja, sections, provisionAvailable, list, notes);
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
            Localized(lang => destroyed.Length == 0 ? null : HeldCategories.Names(destroyed, model, lang)),
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

/// <summary>The readable Japanese document (HTML) of a package: standalone, no script.</summary>
public static class DisclosureHtml
{
    private static string E(string? s) => System.Net.WebUtility.HtmlEncode(s ?? "");

    private static string Jst(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, RequestClock.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Title(RequestKind kind) => kind switch
    {
        RequestKind.PurposeNotification => "利用目的の通知書",
        RequestKind.ProvisionRecords => "第三者提供記録の開示書",
        RequestKind.Portability => "保有個人データの移行用データ",
        _ => "保有個人データ開示書",
    };

    public static string Render(DisclosurePackage p)
    {
        var sb = new StringBuilder(4096 + p.RecordCount * 160);
        sb.Append("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(Title(p.Kind))).Append(' ').Append(E(p.Reference)).Append("</title>\n");
        sb.Append("<style>body{font-family:'IPAGothic','Noto Sans CJK JP',sans-serif;max-width:60rem;margin:2rem auto;line-height:1.6;padding:0 1rem}")
          .Append("table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}")
          .Append("th{background:#eee}h2{border-bottom:2px solid #333;margin-top:2rem}.meta{color:#333}</style>\n</head>\n<body>\n");
        sb.Append("<h1>").Append(E(Title(p.Kind))).Append("</h1>\n<p class=\"meta\">受付番号 ").Append(E(p.Reference)).Append("／作成日 ").Append(E(p.GeneratedOnJst))
          .Append("／").Append(E(p.Company)).Append("</p>\n");
        sb.Append("<p>個人情報の保護に関する法律に基づくご請求について、当社が保有する保有個人データを以下のとおりお知らせします。</p>\n");
        foreach (var note in p.Notes) sb.Append("<p class=\"note\">").Append(E(note)).Append("</p>\n");
        var n = 0;
        foreach (var s in p.Subjects)
        {
            n++;
            sb.Append("<h2>").Append(n).Append(". ").Append(E(s.SubjectType)).Append(s.Service is null ? "" : "（" + E(s.Service) + "）").Append("</h2>\n");
            sb.Append("<table><tr><th>取得方法</th><td>").Append(E(s.Acquisition)).Append("</td></tr><tr><th>取得日</th><td>").Append(E(Jst(s.Since)))
              .Append("</td></tr><tr><th>状態</th><td>").Append(s.Erased ? "消去済み" : s.UseSuspended ? "利用停止中" : "利用中")
              .Append(s.ProvisionStopped ? "・第三者提供停止中" : "").Append("</td></tr></table>\n");
            if (p.Sections.HasFlag(PackageSections.Fields))
            {
                sb.Append("<h3>保有個人データ</h3>\n<table><tr><th>項目</th><th>内容</th></tr>\n");
                foreach (var f in s.Fields) sb.Append("<tr><td>").Append(E(f.Name)).Append("</td><td>").Append(E(f.Value)).Append("</td></tr>\n");
                if (s.Fields.Count == 0) sb.Append("<tr><td colspan=\"2\">なし</td></tr>\n");
                sb.Append("</table>\n");
            }
            if (p.Sections.HasFlag(PackageSections.Purposes))
            {
                sb.Append("<h3>利用目的</h3>\n<table><tr><th>利用目的</th><th>保存期間</th></tr>\n");
                foreach (var x in s.Purposes) sb.Append("<tr><td>").Append(E(x.Name)).Append("</td><td>").Append(E(x.RetentionText?.Ja ?? "—")).Append("</td></tr>\n");
                sb.Append("</table>\n");
            }
            if (p.Sections.HasFlag(PackageSections.Consents))
            {
                sb.Append("<h3>同意の履歴</h3>\n<table><tr><th>日時</th><th>対象</th><th>内容</th><th>方法</th></tr>\n");
                foreach (var c in s.Consents)
                    sb.Append("<tr><td>").Append(E(Jst(c.At))).Append("</td><td>").Append(E(c.Scope)).Append("</td><td>").Append(c.Granted ? "同意" : "撤回")
                      .Append("</td><td>").Append(E(c.Method)).Append("</td></tr>\n");
                if (s.Consents.Count == 0) sb.Append("<tr><td colspan=\"4\">なし</td></tr>\n");
                sb.Append("</table>\n");
            }
            if (p.Sections.HasFlag(PackageSections.ProvisionRecords))
            {
                sb.Append("<h3>第三者提供記録</h3>\n<table><tr><th>日時</th><th>提供先</th><th>項目</th><th>根拠</th></tr>\n");
                foreach (var r in s.ProvisionRecords)
                    sb.Append("<tr><td>").Append(E(Jst(r.At))).Append("</td><td>").Append(E(r.Recipient)).Append("</td><td>").Append(E(string.Join("、", r.Categories)))
                      .Append("</td><td>").Append(E(r.Basis)).Append("</td></tr>\n");
                if (s.ProvisionRecords.Count == 0) sb.Append("<tr><td colspan=\"4\">なし</td></tr>\n");
                sb.Append("</table>\n");
            }
            if (p.Sections.HasFlag(PackageSections.Destructions) && s.Destructions.Count > 0)
            {
                sb.Append("<h3>消去の記録</h3>\n<table><tr><th>日時</th><th>消去した項目</th><th>法令により保存している項目</th></tr>\n");
                foreach (var d in s.Destructions)
                    sb.Append("<tr><td>").Append(E(Jst(d.At))).Append("</td><td>").Append(E(d.DestroyedNames?.Ja ?? "—")).Append("</td><td>").Append(E(d.KeptText?.Ja ?? "—")).Append("</td></tr>\n");
                sb.Append("</table>\n");
            }
        }
        if (p.ContactPoint is not null) sb.Append("<p>お問合せ先：").Append(E(p.ContactPoint)).Append("</p>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>The same content as plain lines for the PDF writer: (style, text).</summary>
    public static IEnumerable<(PdfLineStyle Style, string Text)> Lines(DisclosurePackage p)
    {
        yield return (PdfLineStyle.Title, Title(p.Kind));
        yield return (PdfLineStyle.Meta, $"受付番号 {p.Reference}　作成日 {p.GeneratedOnJst}　{p.Company}");
        yield return (PdfLineStyle.Body, "個人情報の保護に関する法律に基づくご請求について、当社が保有する保有個人データを以下のとおりお知らせします。");
        foreach (var note in p.Notes) yield return (PdfLineStyle.Body, note);
        var n = 0;
        foreach (var s in p.Subjects)
        {
            n++;
            yield return (PdfLineStyle.Heading, $"{n}. {s.SubjectType}{(s.Service is null ? "" : "（" + s.Service + "）")}");
            yield return (PdfLineStyle.Body, $"取得方法：{s.Acquisition}　取得日：{Jst(s.Since)}　状態：{(s.Erased ? "消去済み" : s.UseSuspended ? "利用停止中" : "利用中")}{(s.ProvisionStopped ? "・第三者提供停止中" : "")}");
            if (p.Sections.HasFlag(PackageSections.Fields))
            {
                yield return (PdfLineStyle.Subheading, "保有個人データ");
                foreach (var f in s.Fields) yield return (PdfLineStyle.Body, $"{f.Name}：{f.Value}");
                if (s.Fields.Count == 0) yield return (PdfLineStyle.Body, "なし");
            }
            if (p.Sections.HasFlag(PackageSections.Purposes))
            {
                yield return (PdfLineStyle.Subheading, "利用目的");
                foreach (var x in s.Purposes) yield return (PdfLineStyle.Body, $"・{x.Name}（保存期間：{x.RetentionText?.Ja ?? "—"}）");
            }
            if (p.Sections.HasFlag(PackageSections.Consents))
            {
                yield return (PdfLineStyle.Subheading, "同意の履歴");
                foreach (var c in s.Consents) yield return (PdfLineStyle.Body, $"{Jst(c.At)}　{c.Scope}　{(c.Granted ? "同意" : "撤回")}　{c.Method}");
                if (s.Consents.Count == 0) yield return (PdfLineStyle.Body, "なし");
            }
            if (p.Sections.HasFlag(PackageSections.ProvisionRecords))
            {
                yield return (PdfLineStyle.Subheading, "第三者提供記録");
                foreach (var r in s.ProvisionRecords) yield return (PdfLineStyle.Body, $"{Jst(r.At)}　{r.Recipient}　{string.Join("、", r.Categories)}　{r.Basis}");
                if (s.ProvisionRecords.Count == 0) yield return (PdfLineStyle.Body, "なし");
            }
            if (p.Sections.HasFlag(PackageSections.Destructions) && s.Destructions.Count > 0)
            {
                yield return (PdfLineStyle.Subheading, "消去の記録");
                foreach (var d in s.Destructions) yield return (PdfLineStyle.Body, $"{Jst(d.At)}　消去：{d.DestroyedNames?.Ja ?? "—"}　保存：{d.KeptText?.Ja ?? "—"}");
            }
        }
        if (p.ContactPoint is not null) yield return (PdfLineStyle.Body, "お問合せ先：" + p.ContactPoint);
    }
}
