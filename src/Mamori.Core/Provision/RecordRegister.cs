using System.Globalization;
using System.Text;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Incidents;
using Mamori.Policy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Provision;

/// <summary>One entry of a person's consent ledger, as staff read it (ids and scope codes, no personal values).</summary>
public sealed record ConsentHistoryEntry(Guid Id, string Scope, bool Granted, DateTimeOffset At, int PolicyVersion, ConsentMethod Method,
    bool GuardianConsent, bool ForeignInfoShown, Guid? ReceiptId, string? EvidenceRef, string? RecordedBy);

/// <summary>A person's consents and provisions: what holds now, every ledger entry, and the records that list them.</summary>
public sealed record SubjectRegister(Guid SubjectId, string SubjectType, string? ServiceId, bool Erased, bool ProvisionStopped,
    IReadOnlyList<ConsentState> Current, IReadOnlyList<ConsentHistoryEntry> History, IReadOnlyList<ProvisionRecordView>? Provisions);

/// <summary>How many persons' latest ledger entry for a recipient's scope (provision:/foreign:) grants or withdraws it.</summary>
public sealed record RecipientConsentCount(string Scope, int Granted, int Withdrawn);

/// <summary>A recipient's page: the registry entry, the consents given for it, its records (newest first) and their total.</summary>
public sealed record RecipientRegister(RecipientView Recipient, IReadOnlyList<RecipientConsentCount> Consents, IReadOnlyList<ProvisionRecordView> Records,
    int TotalRecords, IReadOnlyList<SupervisionRecord> Supervision);

/// <summary>Which provision records an export holds; every filter is optional.</summary>
public sealed record RecordExportFilter(string? Recipient = null, Guid? Subject = null, DateOnly? From = null, DateOnly? To = null)
{
    public string Scope => Subject is not null ? "subject" : Recipient is not null ? "recipient" : "all";
}

/// <summary>
/// The register staff read in the console: a person's consents and provisions, a recipient's records and
/// consents, one record, and the CSV export of the records Art.29/30 require to be kept (L-15, L-16).
/// Every read is audited and committed before its data is returned (ADR 0001), like the subject pages.
/// </summary>
public sealed class RecordRegister(MamoriDbContext db, AuditLog audit, Consents consents, ProvisionRecords records, RecipientRegistry recipients,
    PolicyStore policies, TimeProvider clock)
{
    /// <summary>The most records a recipient page lists; the export has them all.</summary>
    public const int PageRecords = 200;

    public async Task<SubjectRegister> ForSubjectAsync(Guid subjectId, bool withProvisions, Actor actor, CancellationToken ct = default)
    {
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct)
                      ?? throw new MamoriException(ErrorCode.SubjectNotFound, "There is no such subject.", 404);
        var current = await consents.AtAsync(subjectId, clock.GetUtcNow(), ct);
        var history = await db.Set<ConsentRecord>().AsNoTracking().Where(c => c.SubjectId == subjectId).ToListAsync(ct);
        var entries = history.OrderByDescending(c => c.At).ThenByDescending(c => c.Seq).ThenBy(c => c.Scope, StringComparer.Ordinal)
            .Select(c => new ConsentHistoryEntry(c.Id, c.Scope, c.Granted, c.At, c.PolicyVersion, c.Method, c.GuardianConsent, c.ForeignInfoShown,
                c.ReceiptId, c.EvidenceRef, c.RecordedBy)).ToList();
        var provisions = withProvisions ? await records.ForSubjectAsync(subjectId, ct) : null;
        await AuditedAsync(new AuditEntry(AuditCode.ConsentLedgerViewed, actor, SubjectId: subjectId.ToString(),
            ReasonCode: withProvisions ? "consents+provisions" : "consents"), ct);
        return new SubjectRegister(subject.Id, subject.SubjectType, subject.ServiceId, subject.ErasedAt is not null, subject.ProvisionStopped,
            current, entries, provisions);
    }

    public async Task<IReadOnlyList<RecipientView>> RecipientsAsync(CancellationToken ct = default) => await recipients.ListAsync(ct);

    public async Task<RecipientRegister> ForRecipientAsync(string recipientId, Actor actor, CancellationToken ct = default)
    {
        var recipient = (await recipients.ListAsync(ct)).FirstOrDefault(r => r.Id == recipientId)
                        ?? throw new MamoriException(ErrorCode.UnknownRecipient, "The policy and the registry know no such recipient.", 404);
        var scopes = new[] { ConsentScopes.Provision(recipientId), ConsentScopes.Foreign(recipientId) };
        var ledger = await db.Set<ConsentRecord>().AsNoTracking().Where(c => scopes.Contains(c.Scope))
            .Select(c => new { c.SubjectId, c.Scope, c.Granted, c.At, c.Seq }).ToListAsync(ct);
        var counts = ledger.GroupBy(c => c.Scope, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var latest = g.GroupBy(c => c.SubjectId).Select(s => s.OrderByDescending(c => c.At).ThenByDescending(c => c.Seq).First()).ToList();
            return new RecipientConsentCount(g.Key, latest.Count(c => c.Granted), latest.Count(c => !c.Granted));
        }).ToList();
        var query = db.Set<ProvisionRecord>().AsNoTracking().Where(r => r.CounterpartyId == recipientId);
        var total = await query.CountAsync(ct);
        var views = (await query.OrderByDescending(r => r.At).Take(PageRecords).ToListAsync(ct)).Select(r => ProvisionRecords.View(r, [])).ToList();
        var supervision = await recipients.SupervisionAsync(recipientId, ct);
        await AuditedAsync(new AuditEntry(AuditCode.ProvisionRecordsViewed, actor, TargetId: recipientId, ReasonCode: "recipient",
            Categories: total.ToString(CultureInfo.InvariantCulture)), ct);
        return new RecipientRegister(recipient, counts, views, total, supervision);
    }

    /// <summary>One record with every Art.29/30 item and the subjects it lists (by id).</summary>
    public async Task<ProvisionRecordView> RecordAsync(Guid recordId, Actor actor, CancellationToken ct = default)
    {
        var view = await records.GetAsync(recordId, ct);
        await AuditedAsync(new AuditEntry(AuditCode.ProvisionRecordsViewed, actor, TargetId: recordId.ToString(), ReasonCode: "record",
            Categories: view.SubjectCount.ToString(CultureInfo.InvariantCulture)), ct);
        return view;
    }

    /// <summary>
    /// The records the filter selects, oldest first, as CSV (RFC 4180, UTF-8 with a byte-order mark so
    /// spreadsheet software reads the Japanese names): one line per record with every L-15/L-16 item and the
    /// subjects it lists by id. One audit event names the filter and the number of records.
    /// </summary>
    /// <summary>
    /// The records the filter selects, oldest first, under a heading that makes the file evidence on its own: the company, the
    /// period (JST days) and filter, when (JST) and by whom (<paramref name="generatedBy"/>, as the console names staff) it was
    /// generated, the number of records; then the columns by their Japanese names with the ids the API and the docs use.
    /// </summary>
    public async Task<(string Csv, int Count)> ExportCsvAsync(RecordExportFilter filter, Actor actor, string generatedBy, CancellationToken ct = default)
    {
        if (filter.From is { } f && filter.To is { } t && f > t)
            throw new MamoriException(ErrorCode.RecordExportInvalidFilter, "The export's start day is after its end day.") { Reason = "order" };
        if (filter.Recipient is { Length: > 64 })
            throw new MamoriException(ErrorCode.RecordExportInvalidFilter, "A recipient id is at most 64 characters.") { Reason = "too-long", ReasonArgs = ["recipient", "64"] };
        var query = db.Set<ProvisionRecord>().AsNoTracking();
        if (filter.Recipient is { } r) query = query.Where(x => x.CounterpartyId == r);
        if (filter.Subject is { } s)
        {
            var ids = db.Set<ProvisionRecordSubject>().Where(x => x.SubjectId == s).Select(x => x.RecordId);
            query = query.Where(x => ids.Contains(x.Id));
        }
        if (filter.From is { } from)
        {
            var start = JapanTime.StartOf(from, PolicyStore.Jst);
            query = query.Where(x => x.At >= start);
        }
        if (filter.To is { } to)
        {
            var end = JapanTime.StartOf(to.AddDays(1), PolicyStore.Jst);
            query = query.Where(x => x.At < end);
        }
        var rows = (await query.ToListAsync(ct)).OrderBy(x => x.At).ThenBy(x => x.Id).ToList();
        var subjects = new Dictionary<Guid, List<Guid>>();
        foreach (var chunk in rows.Select(x => x.Id).Chunk(500))
            foreach (var link in await db.Set<ProvisionRecordSubject>().AsNoTracking().Where(x => chunk.Contains(x.RecordId)).ToListAsync(ct))
            {
                if (!subjects.TryGetValue(link.RecordId, out var l)) subjects[link.RecordId] = l = [];
                l.Add(link.SubjectId);
            }

        var tenantId = db.CurrentTenantId;
        var company = (await policies.CurrentAsync(ct))?.Model.Company.LegalName?.Ja
            ?? await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).FirstOrDefaultAsync(ct) ?? "";
        static string Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
        var sb = new StringBuilder();
        void Line(params string[] cells) => sb.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
        sb.Append('\uFEFF');
        Line("第三者提供・受領の記録（個人情報保護法第29条・第30条）", company);
        Line("対象期間（日本時間）", filter.From is null && filter.To is null ? "全期間" : $"{Day(filter.From)}〜{Day(filter.To)}");
        Line("絞り込み", filter.Recipient is { } rf ? "提供先・提供元: " + rf : filter.Subject is { } sf ? "本人 ID: " + sf : "なし");
        Line("出力日時（日本時間）", TimeZoneInfo.ConvertTime(clock.GetUtcNow(), PolicyStore.Jst).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        Line("出力者", generatedBy);
        Line("件数", rows.Count.ToString(CultureInfo.InvariantCulture));
        Line();
        Line([.. Header.Select(h => $"{h.Ja} ({h.Id})")]);
        foreach (var x in rows)
        {
            var listed = subjects.TryGetValue(x.Id, out var l) ? l.Order().Select(g => g.ToString()) : [];
            string[] cells =
            [
                x.Id.ToString(), x.Direction == RecordDirection.Provided ? "provided" : "received", Provisions.Kebab(x.Basis),
                TimeZoneInfo.ConvertTime(x.At, PolicyStore.Jst).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                x.CounterpartyId ?? "", x.CounterpartyName, x.CounterpartyAddress ?? "", x.CounterpartyRepresentative ?? "", x.Country ?? "",
                string.Join(' ', x.Items), x.SubjectCount.ToString(CultureInfo.InvariantCulture), string.Join(' ', listed),
                x.ConsentRef ?? "", x.OptOutFacts ?? "", (LegalExceptions.Parse(x.LegalException) is { } e ? LegalExceptions.Id(e) : x.LegalException ?? ""), x.Justification ?? "", x.AcquisitionHistory ?? "",
                x.ContractRef ?? "", x.ContractAsRecord ? "true" : "false", x.LastProvisionOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                x.PersonRelatedConfirmation ?? "", x.StatutoryRecord ? "true" : "false", x.PolicyVersion.ToString(CultureInfo.InvariantCulture),
                x.KeepThrough.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), x.RecordedBy,
            ];
            sb.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
        }
        await AuditedAsync(new AuditEntry(AuditCode.ProvisionRecordsExported, actor, SubjectId: filter.Subject?.ToString(),
            TargetId: filter.Recipient ?? filter.Subject?.ToString(), ReasonCode: filter.Scope, Categories: rows.Count.ToString(CultureInfo.InvariantCulture)), ct);
        return (sb.ToString(), rows.Count);
    }

    /// <summary>The export's columns, in order, by their Japanese names and ids (documented in docs/consent-provision.md).</summary>
    public static readonly IReadOnlyList<(string Ja, string Id)> Header =
    [
        ("記録ID", "record_id"), ("提供・受領", "direction"), ("根拠", "basis"), ("提供・受領の日時（日本時間）", "at_jst"), ("提供先ID", "recipient_id"),
        ("相手方の氏名・名称", "counterparty_name"), ("相手方の住所", "counterparty_address"), ("相手方の代表者", "counterparty_representative"),
        ("外国の名称", "country"), ("個人データの項目", "items"), ("本人の数", "subject_count"), ("本人ID", "subject_ids"), ("同意の記録", "consent_ref"),
        ("オプトアウトの届出・公表", "opt_out_facts"), ("法令上の例外", "legal_exception"), ("例外の理由", "justification"), ("取得の経緯", "acquisition_history"),
        ("契約書等", "contract_ref"), ("契約書等を記録とする", "contract_as_record"), ("最終提供日", "last_provision_on"),
        ("個人関連情報の確認", "person_related_confirmation"), ("法定の記録", "statutory_record"), ("ポリシーの版", "policy_version"),
        ("保存期限", "keep_through"), ("記録者", "recorded_by"),
    ];

    /// <summary>RFC 4180 quoting, and a leading quote mark on text a spreadsheet would run as a formula.</summary>
    public static string Cell(string v)
    {
        var formula = v.Length > 0 && "=+-@\t\r".Contains(v[0]);
        if (!formula && v.AsSpan().IndexOfAny(",\"\r\n") < 0) return v;
        return "\"" + (formula ? "'" : "") + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private async Task AuditedAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.AppendAsync(db, entry, ct);
        await tx.CommitAsync(ct);
    }
}
