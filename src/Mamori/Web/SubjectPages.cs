using Mamori.Access;
using Mamori.Audit;
using Mamori.Auth;
using Mamori.Consent;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Staff;
using Mamori.Tenancy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// Finding a person: a purpose is chosen first, then an exact email, phone, My Number (posted, never in a
/// URL) or an id. Every match is read through an access decision, which is audited; values are masked
/// unless the caller's role may see them in clear.
/// </summary>
public static class SubjectPages
{
    public const int MaxMatches = 20;

    public static void MapSubjectPages(this WebApplication app)
    {
        app.MapGet("/console/subjects", async (HttpContext http, Guid? id) => Result(await PageAsync(http, null, id?.ToString(), null, null)))
            .RequirePermission(Permission.ReadSubjects).ExcludeFromDescription();

        app.MapPost("/console/subjects/find", async (HttpContext http, Subjects subjects, MamoriDbContext db) =>
        {
            var form = await FormAsync(http);
            var purpose = form["purpose"].ToString();
            var by = form["by"].ToString();
            var value = form["value"].ToString().Trim();
            var c = http.Caller();
            var ct = http.RequestAborted;
            if (string.IsNullOrEmpty(purpose) || string.IsNullOrEmpty(value))
                return Result(await PageAsync(http, purpose, null, T(http, "利用目的と検索する値を入力してください。", "Choose a purpose and enter a value."), null), 400);
            List<Guid> ids;
            try
            {
                ids = by switch
                {
                    "id" => Guid.TryParse(value, out var g) ? [g] : throw new MamoriException(ErrorCode.InvalidValue, "Not an id.") { Reason = "subject-id" },
                    "email" => [.. await subjects.LookupAsync(LookupKind.Email, value, purpose, c.Roles, c.Actor, ct)],
                    "phone" => [.. await subjects.LookupAsync(LookupKind.Phone, value, purpose, c.Roles, c.Actor, ct)],
                    "mynumber" => [.. await subjects.LookupAsync(LookupKind.MyNumber, value, purpose, c.Roles, c.Actor, ct)],
                    _ => throw new MamoriException(ErrorCode.InvalidValue, "Unknown search.") { Reason = "search" },
                };
            }
            catch (MamoriException e)
            {
                return Result(await PageAsync(http, purpose, null, FormErrors.Text(http, e), null), 400);
            }
            var results = new List<Html>();
            foreach (var id in ids.Take(MaxMatches)) results.Add(await SubjectCardAsync(http, subjects, db, id, purpose));
            Html found = ids.Count == 0
                ? H.F($"""<p role="status">{T(http, "この利用目的で閲覧できる一致はありません。", "No match you may see for this purpose.")}</p>""")
                : H.F($"""<p role="status">{T(http, $"{ids.Count}件見つかりました。閲覧は監査ログに記録されました。", $"{ids.Count} found. Each view was recorded in the audit log.")}</p>{Html.Join(results)}""");
            return Result(await PageAsync(http, purpose, by == "id" ? value : null, null, found, by));
        }).RequirePermission(Permission.ReadSubjects).ExcludeFromDescription();

        app.MapPost("/console/subjects/{id:guid}/link", async (Guid id, HttpContext http, CookieLinks links, IOptions<Requests.RequestSettings> settings) =>
        {
            await FormAsync(http);
            string url;
            try
            {
                url = (await links.IssueAsync(id, http.Actor(), settings.Value.PublicBaseUrl, http.RequestAborted)).Url;
            }
            catch (MamoriException e) when (e.Code == ErrorCode.SubjectNotFound)
            {
                return Result(await PageAsync(http, null, null, T(http, "その本人はいません。", "There is no such subject."), null), 404);
            }
            return Result(await PageAsync(http, null, null, null, H.F($"""
                <section class="secret" role="status"><h2>{T(http, "Cookie 設定用の個人リンク", "Personal cookie-settings link")}</h2>
                <p>{T(http, "本人だけに送ってください（30日間有効）。リンクには本人の ID は含まれず、改ざんできません。", "Send it to the person only (valid 30 days). It does not contain their id and cannot be altered.")}</p>
                <p><label for="link">{T(http, "リンク", "Link")}</label><br><input id="link" type="text" readonly size="80" value="{url}">
                <button type="button" class="secondary" data-copy="link" data-copied="{T(http, "コピーしました", "Copied")}" hidden>{T(http, "コピー", "Copy")}</button></p></section>
                """)));
        }).RequirePermission(Permission.WriteSubjects).ExcludeFromDescription();

        app.MapPost("/console/subjects/{id:guid}/retention-events", async (Guid id, HttpContext http, RetentionEvents events) =>
        {
            var form = await FormAsync(http);
            var ct = http.RequestAborted;
            var reason = form["reason"].ToString().Trim();
            try
            {
                var v = await events.RecordAsync(id, form["event"].ToString(), Http.VaultEndpoints.EventDay(form["date"].ToString().Trim()),
                    reason.Length == 0 ? null : reason, http.Actor(), ct, confirmExpired: form["confirmExpired"] == "yes");
                var lang = Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
                var done = H.F($"""<p class="notice" role="status">{T(http, $"{v.Name.Get(lang)}を記録しました。保存期間はこの日から数えます。",
                    $"Recorded {v.Name.Get(lang)}; the retention period counts from that day.")}</p>""");
                var section = await RetentionEventsAsync(http, events, id);
                return Result(await PageAsync(http, null, id.ToString(), null, H.F($"{done}{section}")));
            }
            catch (MamoriException e)
            {
                var section = e.Code is ErrorCode.SubjectNotFound ? default : await RetentionEventsAsync(http, events, id);
                if (e.Code is ErrorCode.RetentionEventEndsRetention)
                {
                    var confirm = await ConfirmExpiredAsync(http, id, form, e.ReasonArgs);
                    section = H.F($"{confirm}{section}");
                }
                return Result(await PageAsync(http, null, id.ToString(), FormErrors.Text(http, e), section), e.Status);
            }
        }).RequirePermission(Permission.WriteSubjects).ExcludeFromDescription();
    }

    /// <summary>
    /// The same record again with a box to tick: the day ends a retention period already, so recording it destroys the named
    /// categories at the next sweep. The day is shown so a mistyped year is seen before it costs the person's data.
    /// </summary>
    private static async Task<Html> ConfirmExpiredAsync(HttpContext http, Guid id, IFormCollection form, IReadOnlyList<string> categories)
    {
        var day = form["date"].ToString().Trim();
        var model = (await http.RequestServices.GetRequiredService<PolicyStore>().RequireCurrentAsync(http.RequestAborted)).Model;
        var names = PolicyCategories.Of(model).Names(categories, Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja);
        return H.F($"""
            <form method="post" action="/console/subjects/{id}/retention-events" class="stack card" autocomplete="off">
              {AntiforgeryField(http)}
              <input type="hidden" name="event" value="{form["event"].ToString()}">
              <input type="hidden" name="date" value="{day}">
              <input type="hidden" name="reason" value="{form["reason"].ToString().Trim()}">
              <p>{T(http, $"{day} から数えると保存期間が満了する項目", $"Items whose retention ends counted from {day}")}: <strong>{names}</strong></p>
              <label class="check"><input type="checkbox" name="confirmExpired" value="yes" required>
                {T(http, "日付が正しいことを確認しました。次回の廃棄処理でこれらの項目を消去します。", "The day is right. Destroy these items at the next sweep.")}</label>
              <button type="submit">{T(http, "記録して消去を確定する", "Record and confirm the destruction")}</button>
            </form>
            """);
    }

    /// <summary>
    /// The events the person's retention counts from (契約終了日, 退職日): the day recorded, or that it is awaited and the data kept;
    /// with a form to record or correct one for staff who may write subjects.
    /// </summary>
    private static async Task<Html> RetentionEventsAsync(HttpContext http, RetentionEvents events, Guid id)
    {
        IReadOnlyList<RetentionEventView> list;
        try { list = await events.ListAsync(id, http.RequestAborted); }
        catch (MamoriException) { return default; }
        if (list.Count == 0) return default;
        var lang = Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
        var actorName = await ActorNamesAsync(http, list.Select(v => v.RecordedBy).OfType<string>());
        var rows = list.Select(v => H.F($"""
            <tr><th scope="row">{v.Name.Get(lang)} <code class="muted">{v.Event}</code></th>
            <td>{(v.OccurredOn is { } d ? H.F($"{d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}") : H.F($"<strong>{T(http, "未記録（記録されるまで保存を続けます）", "not recorded (kept until it is)")}</strong>"))}</td>
            <td class="muted">{(v.RecordedAt is { } at ? H.F($"{Jst(at)} {actorName(v.RecordedBy!)}{(v.CorrectionReason is { } r ? H.F($" ({T(http, "訂正", "corrected")}: {r})") : default)}") : default)}</td></tr>
            """));
        var options = list.Select(v => H.F($"""<option value="{v.Event}">{v.Name.Get(lang)}</option>"""));
        Html form = Can(http, Permission.WriteSubjects)
            ? H.F($"""
                <form method="post" action="/console/subjects/{id}/retention-events" class="stack" autocomplete="off">
                  {AntiforgeryField(http)}
                  <label for="event-{id}">{T(http, "起算日", "Event")}</label>
                  <select id="event-{id}" name="event" required>{options}</select>
                  <label for="date-{id}">{T(http, "日付（日本時間）", "Day (Japan)")}</label>
                  <input id="date-{id}" name="date" type="date" required>
                  <label for="reason-{id}">{T(http, "訂正の理由（記録済みの日付を訂正する場合）", "Reason (when correcting a recorded day)")}</label>
                  <input id="reason-{id}" name="reason" maxlength="40" pattern="[a-z0-9][a-z0-9\-]*" spellcheck="false">
                  <button type="submit">{T(http, "記録する", "Record")}</button>
                </form>
                """)
            : default;
        return H.F($"""
            <section aria-labelledby="events-{id}"><h3 id="events-{id}">{T(http, "保存期間の起算日", "When the retention starts")}</h3>
            <table><thead><tr><th scope="col">{T(http, "起算日", "Event")}</th><th scope="col">{T(http, "日付", "Day")}</th><th scope="col">{T(http, "記録", "Recorded")}</th></tr></thead><tbody>{rows}</tbody></table>
            {form}</section>
            """);
    }

    private static async Task<Html> SubjectCardAsync(HttpContext http, Subjects subjects, MamoriDbContext db, Guid id, string purpose)
    {
        var c = http.Caller();
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, http.RequestAborted);
        var lang = Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
        var policy = await http.RequestServices.GetRequiredService<PolicyStore>().CurrentAsync(http.RequestAborted);
        var scope = policy is null ? null : Access.PolicyScopes.For(policy.Model, subject?.ServiceId);
        var typeName = subject is null ? null : scope?.SubjectTypes.FirstOrDefault(t => t.Id == subject.SubjectType)?.Name.Get(lang);
        // The service by its name in the policy, with the id staff type elsewhere beside it; an id the policy no longer declares keeps its recorded form.
        var serviceName = subject?.ServiceId is { } sid ? policy?.Model.Services.FirstOrDefault(x => x.Id == sid)?.Name.Get(lang) : null;
        Html Service() => subject?.ServiceId is not { } serviceId ? H.F($"{T(http, "全社", "company")}")
            : serviceName is null ? H.F($"{serviceId}") : H.F($"{serviceName} <code class=\"muted\">{serviceId}</code>");
        Html body;
        try
        {
            var r = await subjects.ReadAsync(new DecisionRequest(id, purpose, null, c.Roles), c.Actor, http.RequestAborted);
            // The read succeeded, so a policy is in force.
            var names = scope!.DataCategories.ToDictionary(x => x.Id, x => x.Name.Get(lang), StringComparer.Ordinal);
            var rows = r.Values.Select(kv => H.F($"""
                <tr><th scope="row">{names.GetValueOrDefault(kv.Key, kv.Key)} <code class="muted">{kv.Key}</code></th><td class="value">{kv.Value}</td>
                <td>{(r.Masked.GetValueOrDefault(kv.Key) ? H.F($"<span class=\"badge\">{T(http, "マスク", "masked")}</span>") : H.F($"<span class=\"badge clear\">{T(http, "表示", "clear")}</span>"))}</td></tr>
                """));
            body = H.F($"""
                <table><thead><tr><th scope="col">{T(http, "項目", "Category")}</th><th scope="col">{T(http, "値", "Value")}</th><th scope="col">{T(http, "表示", "Shown")}</th></tr></thead><tbody>{rows}</tbody></table>
                """);
        }
        catch (MamoriException e)
        {
            body = H.F($"""<p class="error">{T(http, "閲覧できません", "Not allowed")}: {FormErrors.Text(http, e)}</p>""");
        }
        // Erased with categories kept only for a law: say so, and what is kept until when under which law, before anything else.
        Html held = default;
        if (subject is { ErasedAt: null, ErasedWithHoldAt: not null })
        {
            var kept = await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == id)
                .Select(f => new { f.Category, f.HeldUntil, f.RetainUntil, f.HoldBasis, f.AwaitingEvents }).ToListAsync(http.RequestAborted);
            var text = HeldCategories.Text([.. kept.Select(f => new HeldCategory(f.Category, f.HeldUntil ?? f.RetainUntil, f.HoldBasis)
                { Awaiting = f.HeldUntil is null && f.RetainUntil is null ? f.AwaitingEvents : null })], policy?.Model, lang);
            held = H.F($"""<p class="notice">{T(http, "法令により保存を続ける項目（保存期間の満了後に消去します）：", "Kept as the law requires (erased when the period ends): ")}{text ?? "—"}</p>""");
        }
        Html link = Can(http, Permission.WriteSubjects) && subject is { ErasedAt: null, ErasedWithHoldAt: null }
            ? H.F($"""<form method="post" action="/console/subjects/{id}/link" class="inline">{AntiforgeryField(http)}<button type="submit" class="secondary">{T(http, "Cookie 設定用リンクを発行", "Issue a cookie-settings link")}</button></form>""")
            : default;
        Html records = Can(http, Permission.ReadConsents)
            ? H.F($"""<p><a href="/console/consents/subjects/{id}">{T(http, "同意・提供の記録", "Consents and provision records")}</a></p>""")
            : default;
        var events = subject is { ErasedAt: null } ? await RetentionEventsAsync(http, http.RequestServices.GetRequiredService<RetentionEvents>(), id) : default;
        return H.F($"""
            <article class="card subject" aria-label="{T(http, "本人", "Subject")} {id}">
            <h2><code>{id}</code></h2>
            <p class="muted">{T(http, "種類", "Type")}: {(typeName is null ? H.F($"{subject?.SubjectType ?? "—"}") : H.F($"{typeName} <code class=\"muted\">{subject!.SubjectType}</code>"))} · {T(http, "サービス", "Service")}: {Service()} · {T(http, "登録", "Created")}: {Jst(subject?.CreatedAt)}
            {(subject?.GuardianConsent == true ? H.F($" · {T(http, "法定代理人の同意を得て取得", "Acquired with a guardian's consent")}{(subject.GuardianEvidenceRef is { } evidence ? H.F($" (<code>{evidence}</code>)") : default)}") : default)}
            {(subject?.UseSuspended == true ? H.F($" · <strong class=\"error\">{T(http, "利用停止中", "Use suspended")}</strong>") : default)}
            {(subject?.ErasedAt is { } erased ? H.F($" · <strong class=\"error\">{T(http, "消去済み", "Erased")} {Jst(erased)}</strong>")
                : subject?.ErasedWithHoldAt is { } requested ? H.F($" · <strong class=\"error\">{T(http, "消去請求済み（法定保存のみ）", "Erased on request (statutory retention only)")} {Jst(requested)}</strong>")
                : default)}</p>
            {held}{body}{events}{records}{link}
            </article>
            """);
    }

    /// <summary>Every purpose a staff member may state: the company's, each service's, and request handling.</summary>
    private static List<(string Id, string Label)> Purposes(HttpContext http, PolicyModel? model)
    {
        var lang = Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
        var list = new List<(string, string)> { (DecisionRules.RequestHandling, DecisionRules.BuiltInPurposeName(DecisionRules.RequestHandling)!.Get(lang) + $" ({DecisionRules.RequestHandling})") };
        if (model is null) return list;
        var seen = new HashSet<string>(StringComparer.Ordinal) { DecisionRules.RequestHandling };
        foreach (var p in model.Purposes.Concat(model.Services.SelectMany(s => s.Purposes)))
            if (seen.Add(p.Id)) list.Add((p.Id, $"{p.Name.Get(lang)} ({p.Id})"));
        return list;
    }

    private static async Task<Html> PageAsync(HttpContext http, string? purpose, string? id, string? error, Html? results, string? by = null)
    {
        var current = await http.RequestServices.GetRequiredService<PolicyStore>().CurrentAsync(http.RequestAborted);
        var options = Purposes(http, current?.Model).Select(p => p.Id == purpose
            ? H.F($"""<option value="{p.Id}" selected>{p.Label}</option>""")
            : H.F($"""<option value="{p.Id}">{p.Label}</option>"""));
        // Only the identifiers the policy holds (a company without My Number is not offered 個人番号).
        var held = (current?.Model is { } m ? m.DataCategories.Concat(m.Services.SelectMany(s => s.DataCategories)) : [])
            .Select(BlindIndex.KindOf).OfType<LookupKind>().ToHashSet();
        var kinds = new (string Value, LookupKind Kind, string Ja, string En)[]
        {
            ("email", LookupKind.Email, "メールアドレス", "Email"), ("phone", LookupKind.Phone, "電話番号", "Phone"), ("mynumber", LookupKind.MyNumber, "個人番号", "My Number"),
        }.Where(k => held.Contains(k.Kind)).ToList();
        by = id is not null ? "id" : kinds.Any(k => k.Value == by) ? by : kinds.Count > 0 ? kinds[0].Value : "id";
        Html radio(string value, string ja, string en, bool check) => check
            ? H.F($"""<label class="check"><input type="radio" name="by" value="{value}" checked> {T(http, ja, en)}</label>""")
            : H.F($"""<label class="check"><input type="radio" name="by" value="{value}"> {T(http, ja, en)}</label>""");
        var title = T(http, "本人データの検索", "Find a subject");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            <p>{T(http, "まず利用目的を選びます。閲覧はすべて利用目的とともに監査ログに記録され、役割で許された項目以外はマスクされます。",
                "Choose the purpose first. Every view is recorded in the audit log with its purpose; values are masked unless your role may see them.")}</p>
            {Error(error)}
            <form method="post" action="/console/subjects/find" class="stack wide" autocomplete="off">
              {AntiforgeryField(http)}
              <label for="purpose">{T(http, "利用目的", "Purpose")}</label>
              <select id="purpose" name="purpose" required><option value="">{T(http, "— 選択してください —", "— choose —")}</option>{options}</select>
              <fieldset><legend>{T(http, "検索する項目（完全一致）", "Search by (exact match)")}</legend>
              {kinds.Select(k => radio(k.Value, k.Ja, k.En, by == k.Value))}{radio("id", "ID", "Id", by == "id")}
              </fieldset>
              <label for="value">{T(http, "値", "Value")}</label>
              <input id="value" name="value" required maxlength="254" spellcheck="false" value="{id ?? ""}">
              <button type="submit">{T(http, "検索", "Search")}</button>
            </form>
            {results.GetValueOrDefault()}
            """));
    }
}
