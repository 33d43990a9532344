using Mamori.Audit;
using Mamori.Auth;
using Mamori.Data;
using Mamori.Policy;
using Mamori.Staff;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// A block of the dashboard that a feature contributes (requests, incidents…). Rendered from real data
/// only, for callers whose role grants <see cref="Needs"/>; ordered by <see cref="Order"/>.
/// </summary>
public interface IDashboardPanel
{
    int Order { get; }

    Permission Needs { get; }

    Task<Html> RenderAsync(HttpContext http, CancellationToken ct);
}

/// <summary>What a privacy officer needs to see at a glance: what is due, and whether the system is sound.</summary>
public static class DashboardPage
{
    public const int RetentionHorizonDays = 30;

    public static void MapDashboard(this WebApplication app)
    {
        app.MapGet("/console", async (HttpContext http) => { return Result(await RenderAsync(http, http.Request.Query["done"])); })
            .RequirePermission(Permission.Self).ExcludeFromDescription();

        app.MapPost("/console/audit/verify", async (HttpContext http, MamoriDbContext db, AuditLog audit) =>
        {
            await FormAsync(http);
            var ct = http.RequestAborted;
            var r = await AuditVerify.VerifyCurrentTenantAsync(db, ct);
            await AuditVerify.RecordAsync(db, audit, r, http.Actor(), ct);
            return Results.Redirect("/console?done=" + (r.Intact ? "verified" : "broken"));
        }).RequirePermission(Permission.VerifyAudit).ExcludeFromDescription();
    }

    public static async Task<Html> RenderAsync(HttpContext http, string? done)
    {
        var ct = http.RequestAborted;
        var sp = http.RequestServices;
        var db = sp.GetRequiredService<MamoriDbContext>();
        var c = http.Caller();
        var notice = done switch
        {
            "verified" => T(http, "監査ログのチェーンを検証しました。改ざんは見つかりませんでした。", "The audit chain was verified: no tampering found."),
            "broken" => T(http, "監査ログのチェーンに不整合があります。直ちに調査してください。", "The audit chain is broken. Investigate now."),
            _ => null,
        };

        var panels = new List<Html>();
        foreach (var panel in sp.GetServices<IDashboardPanel>().OrderBy(p => p.Order))
            if (Can(http, panel.Needs)) panels.Add(await panel.RenderAsync(http, ct));

        var policy = await PolicyCard(http, sp.GetRequiredService<PolicyStore>(), ct);
        var auditCard = await AuditCard(http, db, ct);
        Html ops = default;
        if (Can(http, Permission.ViewOperations))
        {
            var keys = await KeysCard(http, sp, ct);
            var model = (await sp.GetRequiredService<PolicyStore>().CurrentAsync(ct))?.Model;
            var types = SubjectTypeNames(http, model);
            var counts = await SubjectsCard(http, db, types, ct);
            var awaiting = await sp.GetRequiredService<RetentionEvents>().AwaitingAsync(ct);
            var retention = await RetentionCard(http, db, sp.GetRequiredService<TimeProvider>(), types, awaiting, model, ct);
            ops = H.F($"{keys}{counts}{retention}");
        }

        var roleLabels = await RoleLabelsAsync(http);
        var title = T(http, "ダッシュボード", "Dashboard");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            <p class="muted">{T(http, "ログイン中", "Signed in as")}: <strong>{c.Email ?? c.Actor.ToString()}</strong> ({roleLabels.Names(c.Roles)})</p>
            {Notice(notice)}
            <div class="cards">
            {Html.Join(panels)}
            {policy}
            {auditCard}
            {ops}
            </div>
            """));
    }

    private static async Task<Html> PolicyCard(HttpContext http, PolicyStore store, CancellationToken ct)
    {
        var current = await store.CurrentAsync(ct);
        var body = current is null
            ? H.F($"""<p class="error">{T(http, "ポリシーが公開されていません。本人データの登録・閲覧はできません。", "No policy is published: subjects can be neither created nor read.")}</p>""")
            : H.F($"""
                <p class="big">{T(http, "第", "Version ")}{current.Version.Number}{T(http, "版", "")}</p>
                <dl><dt>{T(http, "施行日", "Effective")}</dt><dd>{current.Version.EffectiveFrom:yyyy-MM-dd}</dd>
                <dt>{T(http, "内容ハッシュ", "Content hash")}</dt><dd><code>{current.Version.ContentHash[..16]}</code></dd></dl>
                """);
        Html link = Can(http, Permission.ReadPolicy) ? H.F($"""<p><a href="/console/policy">{T(http, "版の一覧と差分", "Versions and changes")}</a></p>""") : default;
        return H.F($"""<section class="card" aria-labelledby="policy-h"><h2 id="policy-h">{T(http, "施行中のポリシー", "Policy in force")}</h2>{body}{link}</section>""");
    }

    private static async Task<Html> AuditCard(HttpContext http, MamoriDbContext db, CancellationToken ct)
    {
        var head = await db.AuditHeads.AsNoTracking().Select(h => (long?)h.LastSequence).FirstOrDefaultAsync(ct) ?? 0;
        var last = await LastVerificationAsync(db, ct);
        Html status = last is null
            ? H.F($"""<p>{T(http, "まだ検証されていません。", "Not verified yet.")}</p>""")
            : last.BrokenAt is not { } at
                ? H.F($"""<p class="ok">✔ {T(http, "最終検証", "Last verified")} {Jst(last.Time)} — {T(http, "改ざんなし", "intact")}</p>""")
                : H.F($"""
                    <p class="error">✖ {T(http, "最終検証", "Last verified")} {Jst(last.Time)} — {T(http, "不整合あり", "broken")}:
                    {T(http, $"#{at} 以降を検証できません（{AuditChainVerifier.ProblemJa(last.Problem)}）。", $"the chain cannot be verified from #{at} on ({last.Problem}).")}
                    {(Can(http, Permission.ReadAudit) ? H.F($"""<a href="/console/audit?before={at + 1}#e{at}">{T(http, $"#{at} を見る", $"Show #{at}")}</a>""") : default)}</p>
                    """);
        Html verify = Can(http, Permission.VerifyAudit)
            ? H.F($"""<form method="post" action="/console/audit/verify">{AntiforgeryField(http)}<button type="submit">{T(http, "今すぐ検証", "Verify now")}</button></form>""")
            : default;
        return H.F($"""
            <section class="card" aria-labelledby="audit-h"><h2 id="audit-h">{T(http, "監査ログ", "Audit chain")}</h2>
            <p class="big">{head:N0} <span class="unit">{T(http, "件", "events")}</span></p>
            {status}{verify}</section>
            """);
    }

    /// <summary>The newest recorded check ("verify now" or <c>mamori audit verify</c>): when it found the chain broken, where and why (kept in the event's target and reason).</summary>
    public sealed record Verification(DateTimeOffset Time, long? BrokenAt, string? Problem);

    public static async Task<Verification?> LastVerificationAsync(MamoriDbContext db, CancellationToken ct)
    {
        var last = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Code == AuditCode.AuditChainVerified || e.Code == AuditCode.AuditChainBroken)
            .OrderByDescending(e => e.Sequence).Select(e => new { e.Code, e.Time, e.TargetId, e.ReasonCode }).FirstOrDefaultAsync(ct);
        if (last is null) return null;
        if (last.Code == AuditCode.AuditChainVerified) return new Verification(last.Time, null, null);
        // Events recorded before the finding was kept say only "broken".
        var problem = last.ReasonCode is null or "broken" ? null : last.ReasonCode.Replace('-', ' ');
        return new Verification(last.Time, long.TryParse(last.TargetId, System.Globalization.CultureInfo.InvariantCulture, out var at) ? at : 0, problem);
    }

    private static async Task<Html> KeysCard(HttpContext http, IServiceProvider sp, CancellationToken ct)
    {
        var provider = sp.GetRequiredService<KeyRingProvider>();
        if (!provider.Exists)
            return H.F($"""<section class="card"><h2>{T(http, "鍵", "Keys")}</h2><p class="error">{T(http, "鍵リングがありません。", "No key ring is configured.")}</p></section>""");
        var ring = provider.Current;
        var usage = await sp.GetRequiredService<VaultMaintenance>().KeyUsageAsync(ct);
        var rows = ring.Keks.Reverse().Select(k => H.F($"""
            <tr><td><code>{k.Id}</code>{(k.Id == ring.Primary.Id ? H.F($" <strong>({T(http, "現行", "primary")})</strong>") : default)}</td>
            <td>{Jst(k.Created)}</td><td class="num">{usage.GetValueOrDefault(k.Id):N0}</td></tr>
            """));
        var unknown = usage.Keys.Where(id => ring.Find(id) is null).ToList();
        Html missing = unknown.Count == 0 ? default
            : H.F($"""<p class="error">{T(http, "鍵リングにない鍵で包まれたデータ鍵があります", "Data keys are wrapped by keys missing from the ring")}: {string.Join(", ", unknown)}</p>""");
        return H.F($"""
            <section class="card wide" aria-labelledby="keys-h"><h2 id="keys-h">{T(http, "鍵リング", "Key ring")}</h2>
            <table><caption class="sr-only">{T(http, "鍵暗号化鍵ごとのデータ鍵の数", "Data keys wrapped by each key-encryption key")}</caption>
            <thead><tr><th scope="col">{T(http, "鍵暗号化鍵", "Key-encryption key")}</th><th scope="col">{T(http, "作成", "Created")}</th><th scope="col">{T(http, "包んでいるデータ鍵", "Data keys wrapped")}</th></tr></thead>
            <tbody>{rows}</tbody></table>{missing}</section>
            """);
    }

    /// <summary>
    /// Subject types by id with their name in the page's language, from the company and every service of the
    /// policy in force; an id the policy no longer declares shows as itself.
    /// </summary>
    internal static Func<string, Html> SubjectTypeNames(HttpContext http, PolicyModel? model)
    {
        var lang = Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (model is not null)
            foreach (var t in model.SubjectTypes.Concat(model.Services.SelectMany(s => s.SubjectTypes)))
                names.TryAdd(t.Id, t.Name.Get(lang));
        return id => names.TryGetValue(id, out var name)
            ? H.F($"""{name} <code class="muted">{id}</code>""")
            : H.F($"<code>{id}</code>");
    }

    private static async Task<Html> SubjectsCard(HttpContext http, MamoriDbContext db, Func<string, Html> typeName, CancellationToken ct)
    {
        // Persons, all time: erased on request or at the end of retention, and those an erasure left with data kept only under a legal
        // hold (erased as far as use goes). The management review counts something else: erasure certificates issued in its period.
        var byType = await db.Set<DataSubject>().AsNoTracking().GroupBy(s => new { s.SubjectType, Erased = s.ErasedAt != null, Held = s.ErasedAt == null && s.ErasedWithHoldAt != null })
            .Select(g => new { g.Key.SubjectType, g.Key.Erased, g.Key.Held, Count = g.Count() }).ToListAsync(ct);
        var inUse = byType.Where(x => !x.Erased && !x.Held).ToList();
        var live = inUse.Sum(x => x.Count);
        var erased = byType.Where(x => x.Erased || x.Held).Sum(x => x.Count);
        var held = byType.Where(x => x.Held).Sum(x => x.Count);
        var rows = inUse.OrderByDescending(x => x.Count).Select(x => H.F($"<tr><td>{typeName(x.SubjectType)}</td><td class=\"num\">{x.Count:N0}</td></tr>"));
        return H.F($"""
            <section class="card" aria-labelledby="subjects-h"><h2 id="subjects-h">{T(http, "本人データ", "Subjects")}</h2>
            <p class="big">{live:N0} <span class="unit">{T(http, "人", "held")}</span></p>
            <p class="muted">{T(http, $"消去済みの本人（請求・保存期間満了による、累計）: {erased:N0}人（うち法定保存のみ残る: {held:N0}人）",
                $"Persons erased (on request or at the end of retention, all time): {erased:N0} ({held:N0} with data kept only under a statutory hold)")}</p>
            <table><thead><tr><th scope="col">{T(http, "本人の種類", "Subject type")}</th><th scope="col">{T(http, "人数", "Count")}</th></tr></thead><tbody>{rows}</tbody></table>
            </section>
            """);
    }

    /// <summary>
    /// The persons whose data is kept because the event their retention counts from (契約終了日, 退職日) is not recorded: until it is,
    /// the sweep never reaches them, so the privacy officer needs to see how many wait and for what.
    /// </summary>
    private static Html AwaitingText(HttpContext http, AwaitingSummary awaiting, PolicyModel? model)
    {
        if (awaiting.Persons == 0) return default;
        var lang = Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
        var items = awaiting.ByEvent.Select(e => H.F($"<li>{HeldCategories.EventName(e.Event, model, lang)} <code class=\"muted\">{e.Event}</code>: {e.Persons:N0}{T(http, "人", "")}</li>"));
        return H.F($"""
            <p><span class="big">{awaiting.Persons:N0}</span> {T(http, "人が起算日の記録待ち（記録されるまで保存期間が始まらず、消去されません）",
                "persons wait for the day their retention counts from (until it is recorded, the period does not start and nothing is destroyed)")}</p>
            <ul>{items}</ul>
            <p class="muted">{T(http, "本人データの検索画面、API（POST /api/subjects/{id}/retention-events）または mamori retention events で記録します。",
                "Record it on the subject's page, with the API (POST /api/subjects/{id}/retention-events) or with mamori retention events.")}</p>
            """);
    }

    private static async Task<Html> RetentionCard(HttpContext http, MamoriDbContext db, TimeProvider clock, Func<string, Html> typeName,
        AwaitingSummary awaiting, PolicyModel? model, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var horizon = now.AddDays(RetentionHorizonDays);
        var due = db.Set<DataSubject>().AsNoTracking().Where(s => s.ErasedAt == null && s.NextExpiry != null && s.NextExpiry <= horizon);
        var dueCount = await due.CountAsync(ct);
        var overdue = await due.CountAsync(s => s.NextExpiry <= now, ct);
        var next = await due.OrderBy(s => s.NextExpiry).Take(5).Select(s => new { s.Id, s.SubjectType, s.NextExpiry }).ToListAsync(ct);
        var sweeps = await db.AuditEvents.AsNoTracking().Where(e => e.Code == AuditCode.RetentionDestroyed)
            .GroupBy(e => e.Time).Select(g => new { Time = g.Key, Count = g.Count() })
            .OrderByDescending(g => g.Time).Take(5).ToListAsync(ct);
        Html subjectLink(Guid id) => Can(http, Permission.ReadSubjects)
            ? H.F($"""<a href="/console/subjects?id={id}"><code>{id.ToString()[..8]}…</code></a>""") : H.F($"<code>{id.ToString()[..8]}…</code>");
        var nextRows = next.Select(s => H.F($"<tr><td>{Jst(s.NextExpiry)}</td><td>{typeName(s.SubjectType)}</td><td>{subjectLink(s.Id)}</td></tr>"));
        var sweepRows = sweeps.Select(s => H.F($"<tr><td>{Jst(s.Time)}</td><td class=\"num\">{s.Count:N0}</td></tr>"));
        return H.F($"""
            <section class="card wide" aria-labelledby="retention-h"><h2 id="retention-h">{T(http, "保存期間", "Retention")}</h2>
            <p><span class="big">{dueCount:N0}</span> {T(http, $"人が{RetentionHorizonDays}日以内に保存期間満了", $"subjects reach the end of retention within {RetentionHorizonDays} days")}
            {(overdue > 0 ? H.F($"""<span class="error">({T(http, "期限超過", "overdue")}: {overdue:N0})</span>""") : default)}</p>
            {AwaitingText(http, awaiting, model)}
            {(next.Count == 0 ? default : H.F($"""
            <table><caption>{T(http, "次に満了するもの", "Next to expire")}</caption><thead><tr><th scope="col">{T(http, "満了", "Expires")}</th><th scope="col">{T(http, "種類", "Type")}</th><th scope="col">ID</th></tr></thead><tbody>{nextRows}</tbody></table>
            """))}
            <h3>{T(http, "直近の消去（保存期間満了）", "Recent retention sweeps")}</h3>
            {(sweeps.Count == 0 ? H.F($"<p class=\"muted\">{T(http, "まだ消去はありません。", "Nothing destroyed yet.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "実行", "Run")}</th><th scope="col">{T(http, "消去した本人", "Subjects destroyed")}</th></tr></thead><tbody>{sweepRows}</tbody></table>
            """))}
            </section>
            """);
    }
}

/// <summary>
/// Data-subject requests (開示等の請求) on the dashboard: overdue and due-soon counts, open requests by status
/// and the next ones due, linking to the queue. Counts and references only, never requester details.
/// </summary>
public sealed class RequestsPanel(MamoriDbContext db, PolicyStore policies, Microsoft.Extensions.Options.IOptions<Requests.RequestSettings> settings) : IDashboardPanel
{
    public const int NextDueShown = 5;

    private static readonly Requests.RequestStatus[] Open = Requests.DataSubjectRequests.OpenStatuses;

    public int Order => 10;

    public Permission Needs => Permission.ReadRequests;

    public async Task<Html> RenderAsync(HttpContext http, CancellationToken ct)
    {
        var today = policies.TodayJst();
        var soon = today.AddDays(settings.Value.DueSoonDays);
        var open = db.Set<Requests.DataSubjectRequest>().AsNoTracking().Where(r => Open.Contains(r.Status));
        // One pass over the open requests (status, due day) and one for the next due: due days cluster, so few groups.
        var groups = await open.GroupBy(r => new { r.Status, r.DueOn, Unassigned = r.DepartmentId == null })
            .Select(g => new { g.Key.Status, g.Key.DueOn, g.Key.Unassigned, Count = g.Count() }).ToListAsync(ct);
        var byStatus = groups.GroupBy(g => g.Status).Select(g => new { Status = g.Key, Count = g.Sum(x => x.Count) }).ToList();
        var overdue = groups.Where(g => g.DueOn < today).Sum(g => g.Count);
        var dueSoon = groups.Where(g => g.DueOn >= today && g.DueOn <= soon).Sum(g => g.Count);
        var next = await open.Where(r => r.DueOn != null).OrderBy(r => r.DueOn).ThenBy(r => r.ReceivedAt).Take(NextDueShown)
            .Select(r => new { r.Id, r.Reference, r.Kind, r.DueOn }).ToListAsync(ct);
        var total = byStatus.Sum(x => x.Count);
        // What the privacy office still has to route (RequestRouting left it in doubt); only where the company has departments.
        var unassigned = groups.Where(g => g.Unassigned).Sum(g => g.Count);
        var routes = unassigned > 0 && await HasDepartmentsAsync(ct);
        var statusRows = Open.Select(st => H.F($"<tr><td>{StatusName(http, st)}</td><td class=\"num\">{byStatus.FirstOrDefault(x => x.Status == st)?.Count ?? 0:N0}</td></tr>"));
        var nextRows = next.Select(r => H.F($"""
            <tr><td class="{(r.DueOn < today ? "error" : "")}">{r.DueOn!.Value:yyyy-MM-dd}</td><td><a href="/console/requests/{r.Id}">{r.Reference}</a></td><td>{Pages.T(http, Requests.RequestKinds.Name(r.Kind).Ja, Requests.RequestKinds.Name(r.Kind).En)}</td></tr>
            """));
        return H.F($"""
            <section class="card wide" aria-labelledby="requests-h"><h2 id="requests-h">{Pages.T(http, "開示等の請求", "Data-subject requests")}</h2>
            <p><span class="big">{total:N0}</span> {Pages.T(http, "件 対応中", "open")} ·
            <a href="/console/requests?list=overdue" class="{(overdue > 0 ? "error" : "")}">{Pages.T(http, "期限超過", "Overdue")}: {overdue:N0}</a> ·
            <a href="/console/requests?list=due-soon">{Pages.T(http, $"{settings.Value.DueSoonDays}日以内に期限", $"Due within {settings.Value.DueSoonDays} days")}: {dueSoon:N0}</a>{(routes ? H.F($"""
             · <a href="/console/requests?list=open&amp;unassigned=true">{Pages.T(http, "担当部門が未指定", "No department yet")}: {unassigned:N0}</a>
            """) : default)}</p>
            <table><caption class="sr-only">{Pages.T(http, "状態ごとの件数", "Open requests by status")}</caption>
            <thead><tr><th scope="col">{Pages.T(http, "状態", "Status")}</th><th scope="col">{Pages.T(http, "件数", "Count")}</th></tr></thead><tbody>{statusRows}</tbody></table>
            {(next.Count == 0 ? default : H.F($"""
            <table><caption>{Pages.T(http, "期限の近い請求", "Due next")}</caption><thead><tr><th scope="col">{Pages.T(http, "回答期限", "Due")}</th><th scope="col">{Pages.T(http, "受付番号", "Reference")}</th><th scope="col">{Pages.T(http, "種類", "Kind")}</th></tr></thead><tbody>{nextRows}</tbody></table>
            """))}
            <p><a href="/console/requests">{Pages.T(http, "請求の一覧へ", "To the queue")}</a></p>
            </section>
            """);
    }

    private async Task<bool> HasDepartmentsAsync(CancellationToken ct) =>
        (await policies.CurrentAsync(ct))?.Model.PrivacyManagers?.Departments.Count > 0
        || await db.Set<Governance.Organisation.Department>().AsNoTracking().AnyAsync(ct);

    private static string StatusName(HttpContext http, Requests.RequestStatus s) => s switch
    {
        Requests.RequestStatus.Received => Pages.T(http, "受付", "Received"),
        Requests.RequestStatus.Verifying => Pages.T(http, "本人確認中", "Verifying"),
        Requests.RequestStatus.AwaitingDocuments => Pages.T(http, "書類待ち（期限停止）", "Awaiting documents (paused)"),
        Requests.RequestStatus.AwaitingPayment => Pages.T(http, "手数料待ち（期限停止）", "Awaiting payment (paused)"),
        _ => Pages.T(http, "対応中", "In progress"),
    };
}

/// <summary>
/// Incidents on the dashboard: open ones, how many are reportable, and the PPC report deadlines that are
/// overdue or due soon (the same rule as the incident list: preliminary warn day, final warn days), linking
/// to the filtered lists and the next due. Dates in JST; titles and ids only.
/// </summary>
public sealed class IncidentsPanel(Incidents.IncidentRegistry incidents) : IDashboardPanel
{
    public const int NextDueShown = 5;

    public int Order => 20;

    public Permission Needs => Permission.ReadIncidents;

    public async Task<Html> RenderAsync(HttpContext http, CancellationToken ct)
    {
        var open = (await incidents.ListAsync(Incidents.IncidentFilter.Open, ct)).Items;
        var overdue = open.Count(v => v.State == Incidents.DeadlineState.Overdue);
        var soon = open.Count(v => v.State == Incidents.DeadlineState.DueSoon);
        static DateOnly? NextDue(Incidents.IncidentView v) =>
            v.Incident.PreliminaryReportedAt is null ? v.Decision.Deadlines?.PreliminaryDue : v.Incident.FinalReportedAt is null ? v.Decision.Deadlines?.FinalDue : null;
        var next = open.Where(v => v.Decision.Reportable && NextDue(v) is not null).OrderBy(v => NextDue(v)).Take(NextDueShown).ToList();
        var rows = next.Select(v => H.F($"""
            <tr><td class="{(v.State == Incidents.DeadlineState.Overdue ? "error" : "")}">{NextDue(v)!.Value:yyyy-MM-dd}</td><td>{(v.Incident.PreliminaryReportedAt is null ? Pages.T(http, "速報", "Preliminary") : Pages.T(http, "確報", "Final"))}</td>
            <td><a href="/console/incidents/{v.Incident.Id}">{v.Incident.Title}</a></td></tr>
            """));
        return H.F($"""
            <section class="card" aria-labelledby="incidents-h"><h2 id="incidents-h">{Pages.T(http, "インシデント", "Incidents")}</h2>
            <p class="big">{open.Count:N0} <span class="unit">{Pages.T(http, "件 対応中", "open")}</span></p>
            <dl><dt>{Pages.T(http, "報告義務あり", "Reportable")}</dt><dd>{open.Count(v => v.Decision.Reportable):N0}</dd>
            <dt><a href="/console/incidents?list=due-soon">{Pages.T(http, "報告期限間近", "Report due soon")}</a></dt><dd class="{(soon > 0 ? "warning" : "")}">{soon:N0}</dd>
            <dt><a href="/console/incidents?list=overdue">{Pages.T(http, "報告期限超過", "Report overdue")}</a></dt><dd class="{(overdue > 0 ? "error" : "")}">{overdue:N0}</dd></dl>
            {(next.Count == 0 ? default : H.F($"""
            <table><caption>{Pages.T(http, "次の報告期限（日本時間）", "Next report due (JST)")}</caption><thead><tr><th scope="col">{Pages.T(http, "期限", "Due")}</th><th scope="col">{Pages.T(http, "報告", "Report")}</th><th scope="col">{Pages.T(http, "件名", "Title")}</th></tr></thead><tbody>{rows}</tbody></table>
            """))}
            <p><a href="/console/incidents">{Pages.T(http, "インシデントの一覧へ", "To the incidents")}</a></p>
            </section>
            """);
    }
}
