using System.Globalization;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Auth;
using Mamori.Data;
using Mamori.Governance.Organisation;
using Mamori.Incidents;
using Mamori.Policy;
using Mamori.Staff;
using Microsoft.EntityFrameworkCore;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>The audit log, newest first, filtered by actor, subject, code and a JST date range; paged by sequence.</summary>
public static class AuditPages
{
    public const int PageSize = 50;

    public static void MapAuditPages(this WebApplication app)
    {
        app.MapGet("/console/audit", async (HttpContext http, MamoriDbContext db, string? actor, string? subject, string? code,
            string? from, string? to, long? before) =>
        {
            var ct = http.RequestAborted;
            var (q, codeValue, fromDate, toDate) = await FilterAsync(db, actor, subject, code, from, to, ct);
            if (before is { } b) q = q.Where(e => e.Sequence < b);
            var rows = await q.OrderByDescending(e => e.Sequence).Take(PageSize + 1).ToListAsync(ct);
            var page = rows.Take(PageSize).ToList();
            var filters = new Dictionary<string, string?> { ["actor"] = actor, ["subject"] = subject, ["code"] = codeValue?.ToString(), ["from"] = from, ["to"] = to };
            string Query(long? beforeSeq) => "/console/audit?" + string.Join("&amp;", filters.Where(kv => !string.IsNullOrWhiteSpace(kv.Value))
                .Select(kv => kv.Key + "=" + Uri.EscapeDataString(kv.Value!)).Append(beforeSeq is { } x ? "before=" + x.ToString(CultureInfo.InvariantCulture) : null).Where(x => x is not null));
            var canSubjects = Can(http, Permission.ReadSubjects);
            var actorName = await ActorNamesAsync(http, page.Select(e => new Actor(e.ActorKind, e.ActorId).ToString()));
            var names = await PolicyNamesAsync(http);
            // A use under a legal exception shows its written justification (S-20), kept apart from the chain and named by the event.
            var justified = page.Where(e => e.ReasonCode == Access.DecisionReasons.AllowedLegalException && Guid.TryParse(e.TargetId, out _))
                .Select(e => Guid.Parse(e.TargetId!)).ToList();
            var justifications = justified.Count == 0 ? [] : await db.Set<Vault.ExceptionRecord>().AsNoTracking().Where(r => justified.Contains(r.Id))
                .ToDictionaryAsync(r => r.Id.ToString(), ct);
            Html Justification(AuditEvent e)
            {
                if (e.TargetId is null || !justifications.TryGetValue(e.TargetId, out var r)) return default;
                var (ja, en) = Access.LegalExceptions.NameOf(r.Basis);
                return H.F($"""<br><span class="justification">{T(http, ja, en)}：{r.Justification}</span>""");
            }
            Html ActorCell(AuditEvent e)
            {
                var recorded = new Actor(e.ActorKind, e.ActorId).ToString();
                var name = actorName(recorded);
                // The recorded id stays visible: it is what the filter above and the API's blast radius take.
                return name == recorded ? H.F($"<code>{recorded}</code>") : H.F($"{name}<br><code class=\"muted\">{recorded}</code>");
            }
            // The first event the last "verify now" could not verify is marked where it is listed (the dashboard links here).
            var brokenAt = (await DashboardPage.LastVerificationAsync(db, ct))?.BrokenAt;
            Html Mark(AuditEvent e) => e.Sequence == brokenAt
                ? H.F($"""<br><strong class="error">{T(http, "検証できません", "Does not verify")}</strong>""") : default;
            var list = page.Select(e => H.F($"""
                <tr id="e{e.Sequence}"><td class="num">{e.Sequence}{Mark(e)}</td><td>{Jst(e.Time)}</td><td>{CodeCell(http, e.Code)}</td>
                <td>{ActorCell(e)}</td>
                <td>{(e.SubjectId is null ? default : canSubjects && Guid.TryParse(e.SubjectId, out var sid) ? H.F($"""<a href="/console/subjects?id={sid}"><code>{e.SubjectId}</code></a>""") : H.F($"<code>{e.SubjectId}</code>"))}</td>
                <td>{names.PurposeCell(e.Purpose)}</td><td>{names.CategoriesCell(e.Categories)}</td><td class="{(e.Outcome == AuditOutcome.Success ? "" : "error")}">{OutcomeName(http, e.Outcome)}</td><td>{e.ReasonCode}{Justification(e)}</td><td>{e.TargetId}</td></tr>
                """));
            var codes = Enum.GetValues<AuditCode>().Select(x => x == codeValue
                ? H.F($"""<option value="{x.ToString()}" selected>{(int)x} {CodeName(http, x)}</option>""")
                : H.F($"""<option value="{x.ToString()}">{(int)x} {CodeName(http, x)}</option>"""));
            Html older = rows.Count > PageSize ? H.F($"""<a href="{Html.Raw(Query(page[^1].Sequence))}" rel="next">{T(http, "さらに古いイベント →", "Older events →")}</a>""") : default;
            Html newest = before is not null ? H.F($"""<a href="{Html.Raw(Query(null))}">{T(http, "← 最新へ", "← Newest")}</a> """) : default;
            var title = T(http, "監査ログ", "Audit log");
            return Result(Layout(http, title, H.F($"""
                <h1>{title}</h1>
                <p>{T(http, "監査ログは改ざん検出用のハッシュチェーンで、ID とコードだけを記録し、個人データの値は含みません。",
                    "The audit log is a hash chain for tamper detection; it holds ids and codes, never personal values.")}</p>
                <form method="get" action="/console/audit" class="filters">
                  <div><label for="actor">{T(http, "実行者（ID またはメールアドレス）", "Actor (id or sign-in address)")}</label><input id="actor" name="actor" value="{actor ?? ""}" size="38"></div>
                  <div><label for="subject">{T(http, "本人 ID", "Subject id")}</label><input id="subject" name="subject" value="{subject ?? ""}" size="38"></div>
                  <div><label for="code">{T(http, "コード", "Code")}</label><select id="code" name="code"><option value="">{T(http, "すべて", "All")}</option>{codes}</select></div>
                  <div><label for="from">{T(http, "開始日（日本時間）", "From (JST)")}</label><input id="from" name="from" type="date" value="{fromDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? ""}"></div>
                  <div><label for="to">{T(http, "終了日（日本時間）", "To (JST)")}</label><input id="to" name="to" type="date" value="{toDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? ""}"></div>
                  <div><button type="submit">{T(http, "絞り込む", "Filter")}</button></div>
                </form>
                <div class="table-wrap"><table>
                <thead><tr><th scope="col">#</th><th scope="col">{T(http, "日時", "Time")}</th><th scope="col">{T(http, "コード", "Code")}</th><th scope="col">{T(http, "実行者", "Actor")}</th><th scope="col">{T(http, "本人", "Subject")}</th><th scope="col">{T(http, "目的", "Purpose")}</th><th scope="col">{T(http, "項目", "Categories")}</th><th scope="col">{T(http, "結果", "Outcome")}</th><th scope="col">{T(http, "理由", "Reason")}</th><th scope="col">{T(http, "対象", "Target")}</th></tr></thead>
                <tbody>{list}</tbody></table></div>
                {(page.Count == 0 ? H.F($"<p>{T(http, "該当するイベントはありません。", "No events match.")}</p>") : default)}
                <p class="pager">{newest}{older}</p>
                <p><a href="{Html.Raw(Query(null).Replace("/console/audit?", "/console/audit/export?", StringComparison.Ordinal))}" download>{T(http, "この条件のイベントを CSV で出力（監査ログに記録されます）", "Export the events matching these filters as CSV (recorded in the audit log)")}</a></p>
                """)));
        }).RequirePermission(Permission.ReadAudit).ExcludeFromDescription();

        app.MapGet("/console/audit/export", ExportAsync).RequirePermission(Permission.ReadAudit).ExcludeFromDescription();
    }

    /// <summary>The page's filters as a query; a filter that does not parse is ignored, as on the page.</summary>
    private static async Task<(IQueryable<AuditEvent> Query, AuditCode? Code, DateOnly? From, DateOnly? To)> FilterAsync(MamoriDbContext db,
        string? actor, string? subject, string? code, string? from, string? to, CancellationToken ct)
    {
        var q = db.AuditEvents.AsNoTracking().AsQueryable();
        AuditCode? codeValue = Enum.TryParse<AuditCode>(code, out var cv) && Enum.IsDefined(cv) ? cv : null;
        if (codeValue is { } c) q = q.Where(e => e.Code == c);
        if (!string.IsNullOrWhiteSpace(actor))
        {
            var a = actor.Trim();
            var colon = a.IndexOf(':');
            var id = colon >= 0 ? a[(colon + 1)..] : a;
            // The log shows staff by sign-in address, so the filter takes one too (a staff address, not a data subject's).
            if (a.Contains('@', StringComparison.Ordinal))
            {
                var email = StaffAccounts.NormalizeEmail(a);
                id = (await db.Users.AsNoTracking().Where(u => u.Email == email).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct))?.ToString() ?? a;
            }
            q = q.Where(e => e.ActorId == id);
        }
        if (!string.IsNullOrWhiteSpace(subject)) { var s = subject.Trim(); q = q.Where(e => e.SubjectId == s); }
        var fromDate = ParseDate(from);
        var toDate = ParseDate(to);
        if (fromDate is { } f) { var t = JapanTime.StartOf(f, PolicyStore.Jst); q = q.Where(e => e.Time >= t); }
        if (toDate is { } u) { var t = JapanTime.StartOf(u.AddDays(1), PolicyStore.Jst); q = q.Where(e => e.Time < t); }
        return (q, codeValue, fromDate, toDate);
    }

    /// <summary>
    /// The events the page's filters select, oldest first, as evidence an auditor can read alone: a heading with the company, the
    /// period and filters, when (JST) and by whom it was produced, then Japanese column names with the recorded ids and each
    /// event's hash. The export is recorded in the chain after the last event it holds, so the file never contains its own record.
    /// </summary>
    private static async Task ExportAsync(HttpContext http, MamoriDbContext db, AuditLog audit, TimeProvider clock,
        string? actor, string? subject, string? code, string? from, string? to)
    {
        var ct = http.RequestAborted;
        var (q, codeValue, fromDate, toDate) = await FilterAsync(db, actor, subject, code, from, to, ct);
        var last = await db.AuditEvents.AsNoTracking().MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
        q = q.Where(e => e.Sequence <= last);
        var count = await q.CountAsync(ct);
        var filters = new List<(string Key, string Ja, string En, string Value)>();
        if (!string.IsNullOrWhiteSpace(actor)) filters.Add(("actor", "実行者", "Actor", actor.Trim()));
        if (!string.IsNullOrWhiteSpace(subject)) filters.Add(("subject", "本人 ID", "Subject id", subject.Trim()));
        if (codeValue is { } cv) filters.Add(("code", "コード", "Code", $"{(int)cv} {CodeName(http, cv)}"));
        var subjectId = filters.Any(f => f.Key == "subject") && Guid.TryParse(subject, out var sid) ? sid.ToString() : null;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var keys = filters.Select(f => f.Key).Concat(fromDate is null ? [] : ["from"]).Concat(toDate is null ? [] : ["to"]).ToList();
            await audit.AppendAsync(db, new AuditEntry(AuditCode.AuditLogExported, http.Actor(), SubjectId: subjectId,
                ReasonCode: keys.Count == 0 ? "all" : string.Join(' ', keys), Categories: count.ToString(CultureInfo.InvariantCulture)), ct);
            await tx.CommitAsync(ct);
        }

        var tenantId = db.CurrentTenantId;
        var company = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).FirstOrDefaultAsync(ct) ?? "";
        var policy = await http.RequestServices.GetRequiredService<PolicyStore>().CurrentAsync(ct);
        if (policy?.Model.Company.LegalName is { } legal) company = legal.Get(Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja);
        var names = await PolicyNamesAsync(http);
        var actors = await q.Select(e => new { e.ActorKind, e.ActorId }).Distinct().ToListAsync(ct);
        var actorName = await ActorNamesAsync(http, actors.Select(a => new Actor(a.ActorKind, a.ActorId).ToString()));
        var by = await CallerNameAsync(http);
        string Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
        var period = fromDate is null && toDate is null ? T(http, "全期間", "All time") : $"{Day(fromDate)}〜{Day(toDate)}";

        var name = $"audit-log-{TimeZoneInfo.ConvertTime(clock.GetUtcNow(), PolicyStore.Jst):yyyyMMdd-HHmm}.csv";
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename={name}";
        await using var w = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(true), 1 << 16);
        async Task Line(params string[] cells) => await w.WriteAsync(string.Join(',', cells.Select(Mamori.Provision.RecordRegister.Cell)) + "\r\n");
        await Line(T(http, "監査ログ", "Audit log"), company);
        await Line(T(http, "対象期間（日本時間）", "Period (JST)"), period);
        await Line(T(http, "絞り込み", "Filters"), filters.Count == 0 ? T(http, "なし", "None") : string.Join(T(http, "、", ", "), filters.Select(f => $"{T(http, f.Ja, f.En)}: {f.Value}")));
        await Line(T(http, "出力日時（日本時間）", "Generated (JST)"), Jst(clock.GetUtcNow()));
        await Line(T(http, "出力者", "Generated by"), by);
        await Line(T(http, "件数", "Events"), count.ToString(CultureInfo.InvariantCulture));
        await Line(T(http, "注記", "Note"), T(http, "ID とコードだけを記録し、個人データの値は含みません。ハッシュは mamori audit verify で照合できます。",
            "Ids and codes only, never personal values; the hashes can be checked with mamori audit verify."));
        await Line();
        await Line(T(http, "連番", "Sequence"), T(http, "日時（日本時間）", "Time (JST)"), T(http, "コード", "Code"), T(http, "名称", "Name"),
            T(http, "実行者", "Actor"), T(http, "実行者 ID", "Actor id"), T(http, "本人 ID", "Subject id"), T(http, "利用目的", "Purpose"),
            T(http, "利用目的 ID", "Purpose id"), T(http, "項目", "Categories"), T(http, "項目 ID", "Category ids"), T(http, "結果", "Outcome"),
            T(http, "理由", "Reason"), T(http, "対象", "Target"), T(http, "ハッシュ", "Hash"));
        await foreach (var e in q.OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            var recorded = new Actor(e.ActorKind, e.ActorId).ToString();
            await Line(e.Sequence.ToString(CultureInfo.InvariantCulture),
                TimeZoneInfo.ConvertTime(e.Time, PolicyStore.Jst).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ((int)e.Code).ToString(CultureInfo.InvariantCulture), CodeName(http, e.Code), actorName(recorded), recorded, e.SubjectId ?? "",
                names.PurposeText(e.Purpose), e.Purpose ?? "", names.CategoriesText(e.Categories), e.Categories ?? "", OutcomeName(http, e.Outcome),
                e.ReasonCode ?? "", e.TargetId ?? "", Convert.ToHexStringLower(e.Hash));
        }
    }

    // The first and last days are refused like any other unreadable date: their JST bounds fall outside DateTimeOffset
    // (fuzzing found from=0001-01-01 and to=9999-12-31 as 500s).
    private static DateOnly? ParseDate(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d > DateOnly.MinValue && d < DateOnly.MaxValue ? d : null;

    /// <summary>
    /// Purposes and data categories by their names in the policy in force, in the page's language, with the recorded ids
    /// beside them (the ids are the record, and what an auditor compares with the policy file). The categories column
    /// also carries counts and channel names for some events; a token the policy does not declare keeps its recorded form.
    /// </summary>
    private sealed class PolicyNames(Dictionary<string, string> purposes, PolicyCategories categories, NoticeLanguage lang, string masked)
    {
        public string PurposeText(string? id) => id is not null && purposes.TryGetValue(id, out var name) ? name : "";

        /// <summary>The categories by name for a file; the recorded form stays in its own column.</summary>
        public string CategoriesText(string? recorded)
        {
            if (string.IsNullOrEmpty(recorded)) return "";
            var ids = recorded.Split(',').Select(t => (Id: t.TrimStart(Decision.MaskedMarker), Masked: t.StartsWith(Decision.MaskedMarker))).ToList();
            if (!ids.Any(t => categories.Declares(t.Id))) return "";
            return string.Join(lang == NoticeLanguage.Ja ? "、" : ", ", ids.Select(t => categories.Declares(t.Id) ? categories.Name(t.Id, lang) + (t.Masked ? masked : "") : t.Id));
        }

        public Html PurposeCell(string? id) =>
            id is not null && purposes.TryGetValue(id, out var name) ? H.F($"""{name}<br><code class="muted">{id}</code>""") : H.F($"{id}");

        public Html CategoriesCell(string? recorded)
        {
            if (string.IsNullOrEmpty(recorded)) return default;
            // A field seen masked is recorded with a marker before its id (Decision.MaskedMarker).
            var ids = recorded.Split(',').Select(t => (Id: t.TrimStart(Decision.MaskedMarker), Masked: t.StartsWith(Decision.MaskedMarker))).ToList();
            if (!ids.Any(t => categories.Declares(t.Id))) return H.F($"{recorded}");
            var shown = ids.Select(t => categories.Declares(t.Id) ? categories.Name(t.Id, lang) + (t.Masked ? masked : "") : (t.Masked ? Decision.MaskedMarker + t.Id : t.Id));
            return H.F($"""{string.Join(lang == NoticeLanguage.Ja ? "、" : ", ", shown)}<br><code class="muted">{recorded}</code>""");
        }
    }

    private static async Task<PolicyNames> PolicyNamesAsync(HttpContext http)
    {
        var policy = await http.RequestServices.GetRequiredService<PolicyStore>().CurrentAsync(http.RequestAborted);
        var lang = Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
        var purposes = (policy is null ? Enumerable.Empty<(string Id, LocalizedText Name)>() : Organisation.Purposes(policy.Model)).ToDictionary(x => x.Id, x => x.Name.Get(lang), StringComparer.Ordinal);
        // The built-in purposes no policy declares (request handling, a leak notice, third-party provision), named as the subject page names them.
        foreach (var id in DecisionRules.BuiltInPurposes)
            purposes.TryAdd(id, DecisionRules.BuiltInPurposeName(id)!.Get(lang));
        return new PolicyNames(purposes, PolicyCategories.Of(policy?.Model), lang, T(http, "（マスク表示）", " (masked)"));
    }

    internal static string CodeName(HttpContext http, AuditCode code)
    {
        var (ja, en) = AuditCodeNames.Of(code);
        return T(http, ja, en);
    }

    /// <summary>The code by name in the page's language; the number and the enum name stay beside it, as the API and the docs use them.</summary>
    private static Html CodeCell(HttpContext http, AuditCode code) =>
        H.F($"""<code>{(int)code}</code> {CodeName(http, code)}<br><code class="muted">{code.ToString()}</code>""");

    /// <summary>The outcome by name in the page's language; the filter and the API keep the enum names.</summary>
    internal static string OutcomeName(HttpContext http, AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => T(http, "成功", "Success"),
        AuditOutcome.Denied => T(http, "拒否", "Denied"),
        AuditOutcome.Failed => T(http, "失敗", "Failed"),
        _ => outcome.ToString(),
    };
}
