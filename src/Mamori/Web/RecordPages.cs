using System.Globalization;
using Mamori.Access;
using Mamori.Auth;
using Mamori.Consent;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Provision;
using Mamori.Staff;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// Consents and provisions in the console: a person's consent ledger and the provision records that list them,
/// each recipient the policy declares with its consents and records, one record with every Art.29/30 item,
/// and the CSV export of the records the law requires to be kept (L-15, L-16). Server-rendered, no script;
/// every page that shows a person's ledger or a record is audited (<see cref="RecordRegister"/>).
/// </summary>
public static class RecordPages
{
    public static void MapRecordPages(this WebApplication app)
    {
        app.MapGet("/console/consents", (HttpContext http, string? subject) =>
        {
            if (string.IsNullOrEmpty(subject)) return Result(ConsentIndex(http, null));
            return Guid.TryParse(subject.Trim(), out var id)
                ? Results.Redirect($"/console/consents/subjects/{id}")
                : Result(ConsentIndex(http, T(http, "本人 ID の形式が正しくありません。", "That is not a valid subject id.")), 400);
        }).RequirePermission(Permission.ReadConsents).ExcludeFromDescription();

        app.MapGet("/console/consents/subjects/{id:guid}", async (Guid id, HttpContext http, RecordRegister register, PolicyStore policies) =>
        {
            try
            {
                var r = await register.ForSubjectAsync(id, Can(http, Permission.ReadProvisions), http.Actor(), http.RequestAborted);
                return Result(SubjectPage(http, r, Names.Of(http, (await policies.CurrentAsync(http.RequestAborted))?.Model),
                    await ActorNamesAsync(http, r.History.Select(c => c.RecordedBy).OfType<string>())));
            }
            catch (MamoriException e) when (e.Code == ErrorCode.SubjectNotFound)
            {
                return Result(ConsentIndex(http, T(http, "その本人はいません。", "There is no such subject.") + Code(e)), 404);
            }
        }).RequirePermission(Permission.ReadConsents).ExcludeFromDescription();

        app.MapGet("/console/provisions", async (HttpContext http, RecordRegister register, ProvisionRecords records, PolicyStore policies) =>
        {
            var names = Names.Of(http, (await policies.CurrentAsync(http.RequestAborted))?.Model);
            var recipients = await register.RecipientsAsync(http.RequestAborted);
            var newest = await records.ListAsync(20, http.RequestAborted);
            return Result(ProvisionIndex(http, names, recipients, newest, null));
        }).RequirePermission(Permission.ReadProvisions).ExcludeFromDescription();

        app.MapGet("/console/provisions/recipients/{recipient}", async (string recipient, HttpContext http, RecordRegister register, PolicyStore policies) =>
        {
            var names = Names.Of(http, (await policies.CurrentAsync(http.RequestAborted))?.Model);
            try
            {
                if (recipient.Length > 64) throw new MamoriException(ErrorCode.UnknownRecipient, "No such recipient.", 404);
                var r = await register.ForRecipientAsync(recipient, http.Actor(), http.RequestAborted);
                return Result(RecipientPage(http, names, r, await Http.ProvisionEndpoints.AuditFindingsAsync(http, recipient, r.Supervision), policies.TodayJst()));
            }
            catch (MamoriException e) when (e.Code == ErrorCode.UnknownRecipient)
            {
                return Result(NotFound(http, T(http, "その提供先はポリシーにも台帳にもありません。", "Neither the policy nor the registry knows that recipient.") + Code(e)), 404);
            }
        }).RequirePermission(Permission.ReadProvisions).ExcludeFromDescription();

        app.MapGet("/console/provisions/records/{id:guid}", async (Guid id, HttpContext http, RecordRegister register, PolicyStore policies) =>
        {
            var names = Names.Of(http, (await policies.CurrentAsync(http.RequestAborted))?.Model);
            try
            {
                var record = await register.RecordAsync(id, http.Actor(), http.RequestAborted);
                return Result(RecordPage(http, names, record, await ActorNamesAsync(http, [record.RecordedBy])));
            }
            catch (MamoriException e) when (e.Code == ErrorCode.ProvisionRecordNotFound)
            {
                return Result(NotFound(http, T(http, "その記録はありません（保存期間の満了により削除された可能性があります）。",
                    "There is no such record (it may have been deleted at the end of its retention period).") + Code(e)), 404);
            }
        }).RequirePermission(Permission.ReadProvisions).ExcludeFromDescription();

        app.MapGet("/console/provisions/export", async (HttpContext http, RecordRegister register, ProvisionRecords records, PolicyStore policies,
            string? recipient, Guid? subject, string? from, string? to) =>
        {
            try
            {
                var filter = new RecordExportFilter(string.IsNullOrWhiteSpace(recipient) ? null : recipient.Trim(), subject, Day(from, "from"), Day(to, "to"));
                var (csv, _) = await register.ExportCsvAsync(filter, http.Actor(), await CallerNameAsync(http), http.RequestAborted);
                var name = $"provision-records-{filter.Scope}-{policies.TodayJst():yyyyMMdd}.csv";
                return Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", name);
            }
            catch (MamoriException e) when (e.Code == ErrorCode.RecordExportInvalidFilter)
            {
                var names = Names.Of(http, (await policies.CurrentAsync(http.RequestAborted))?.Model);
                // The refusal in the page's language, and the form again with the period typed, to correct it.
                return Result(ProvisionIndex(http, names, await register.RecipientsAsync(http.RequestAborted), await records.ListAsync(20, http.RequestAborted),
                    FormErrors.Text(http, e), new ExportTyped(recipient, from, to)), 400);
            }
        }).RequirePermission(Permission.ReadProvisions).ExcludeFromDescription();
    }

    private static DateOnly? Day(string? s, string field) =>
        string.IsNullOrWhiteSpace(s) ? null
        : DateOnly.TryParseExact(s.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw new MamoriException(ErrorCode.RecordExportInvalidFilter, $"The '{field}' day is yyyy-MM-dd.") { Reason = "date", ReasonArgs = [field] };

    /// <summary>What a refused export asked for, so that its form comes back filled in.</summary>
    private sealed record ExportTyped(string? Recipient, string? From, string? To);

    /// <summary>Names from the policy in force, in the page's language; an id the policy does not know shows as itself.</summary>
    private sealed class Names
    {
        private readonly Dictionary<string, string> _purposes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _recipients = new(StringComparer.Ordinal);
        private PolicyCategories _categories = PolicyCategories.Of(null);
        private NoticeLanguage _lang;
        private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);
        private HttpContext _http = null!;

        public static Names Of(HttpContext http, PolicyModel? model)
        {
            var n = new Names { _http = http };
            if (model is null) return n;
            var lang = Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
            foreach (var p in model.Purposes.Concat(model.Services.SelectMany(s => s.Purposes))) n._purposes.TryAdd(p.Id, p.Name.Get(lang));
            n._categories = PolicyCategories.Of(model);
            n._lang = lang;
            foreach (var t in model.SubjectTypes.Concat(model.Services.SelectMany(s => s.SubjectTypes))) n._types.TryAdd(t.Id, t.Name.Get(lang));
            foreach (var r in RecipientRegistry.Declared(model)) n._recipients.TryAdd(r.Id, r.Name.Get(lang));
            return n;
        }

        public string Recipient(string id, string fallback) => _recipients.GetValueOrDefault(id, fallback);

        public string Category(string id) => _categories.Name(id, _lang);

        public string Type(string id) => _types.GetValueOrDefault(id, id);

        /// <summary>A consent scope in words: the purpose, the recipient, special-care acquisition or a cookie category.</summary>
        public string Scope(string scope)
        {
            static string After(string s, string prefix) => s[prefix.Length..];
            if (scope == ConsentScopes.SpecialCare) return T(_http, "要配慮個人情報の取得", "Acquiring special-care data");
            if (scope.StartsWith(ConsentScopes.PurposePrefix, StringComparison.Ordinal))
                return T(_http, "利用目的: ", "Purpose: ") + _purposes.GetValueOrDefault(After(scope, ConsentScopes.PurposePrefix), After(scope, ConsentScopes.PurposePrefix));
            if (scope.StartsWith(ConsentScopes.ProvisionPrefix, StringComparison.Ordinal))
                return T(_http, "第三者提供: ", "Provision to: ") + Recipient(After(scope, ConsentScopes.ProvisionPrefix), After(scope, ConsentScopes.ProvisionPrefix));
            if (scope.StartsWith(ConsentScopes.ForeignPrefix, StringComparison.Ordinal))
                return T(_http, "外国にある第三者への提供: ", "Provision abroad to: ") + Recipient(After(scope, ConsentScopes.ForeignPrefix), After(scope, ConsentScopes.ForeignPrefix));
            if (scope.StartsWith(ConsentScopes.CookiesPrefix, StringComparison.Ordinal))
                return T(_http, "Cookie・外部送信: ", "Cookies and external transmission: ") + After(scope, ConsentScopes.CookiesPrefix);
            return scope;
        }
    }

    private static string Method(HttpContext http, ConsentMethod m) => T(http, ConsentMethods.Name(m).Ja, ConsentMethods.Name(m).Get(NoticeLanguage.En));

    private static string Kind(HttpContext http, string kind) => kind switch
    {
        "third-party" => T(http, "第三者", "Third party"),
        "foreign" => T(http, "外国にある第三者", "Third party abroad"),
        "entrustee" => T(http, "委託先", "Entrustee"),
        "shared-use" => T(http, "共同利用", "Shared use"),
        "opt-out" => T(http, "オプトアウトによる提供先", "Opt-out recipient"),
        _ => T(http, "事業承継先", "Successor"),
    };

    internal static string Basis(HttpContext http, string basis) => T(http, Provisions.BasisName(basis).Ja, Provisions.BasisName(basis).Get(NoticeLanguage.En));

    private static string Direction(HttpContext http, string d) => d == "provided" ? T(http, "提供（法29条）", "Provided (Art.29)") : T(http, "受領（法30条）", "Received (Art.30)");

    /// <summary>The refusal's code after its sentence, as every other console error shows it (「… (MAMORI-4034)」).</summary>
    private static string Code(MamoriException e) => $" ({ErrorCodes.Format(e.Code)})";

    private static Html NotFound(HttpContext http, string message) =>
        Layout(http, T(http, "見つかりません", "Not found"), H.F($"<h1>{T(http, "見つかりません", "Not found")}</h1>{Error(message)}"));

    private static Html SubNav(HttpContext http) => H.F($"""
        <nav aria-label="{T(http, "同意・提供の記録", "Consents and provisions")}"><ul>
        <li><a href="/console/consents">{T(http, "本人ごとの同意", "Consents by person")}</a></li>
        {(Can(http, Permission.ReadProvisions) ? H.F($"""<li><a href="/console/provisions">{T(http, "提供先ごとの記録", "Records by recipient")}</a></li>""") : default)}
        </ul></nav>
        """);

    private static Html ConsentIndex(HttpContext http, string? error)
    {
        var title = T(http, "同意の記録", "Consent ledger");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {SubNav(http)}
            <p>{T(http, "本人の ID を入力すると、同意・撤回の履歴と現在の状態、その本人が記載された第三者提供の記録を表示します。表示は監査ログに記録されます。本人の ID は「本人データ」の検索で確認できます。",
                "Enter a subject id to see their consent grants and withdrawals, what holds now, and the provision records that list them. Each view is recorded in the audit log. Find the id with the subject search.")}</p>
            {Error(error)}
            <form method="get" action="/console/consents" class="stack">
              <label for="subject">{T(http, "本人 ID", "Subject id")}</label>
              <input id="subject" name="subject" required maxlength="36" spellcheck="false" autocomplete="off">
              <button type="submit">{T(http, "表示", "Show")}</button>
            </form>
            """));
    }

    private static Html Yes(HttpContext http, bool b) => b ? H.F($"{T(http, "あり", "yes")}") : H.F($"{T(http, "—", "—")}");

    private static Html SubjectPage(HttpContext http, SubjectRegister r, Names names, Func<string, string> actorName)
    {
        var title = T(http, "本人の同意と提供記録", "A person's consents and provisions");
        var current = r.Current.Select(c => H.F($"""
            <tr><td>{names.Scope(c.Scope)} <code class="muted">{c.Scope}</code></td>
            <td>{(c.Granted ? H.F($"""<span class="badge clear">{T(http, "同意", "granted")}</span>""") : H.F($"""<span class="badge">{T(http, "撤回", "withdrawn")}</span>"""))}</td>
            <td>{Jst(c.At)}</td><td>{T(http, "第", "v")}{c.PolicyVersion}{T(http, "版", "")}</td><td>{Method(http, c.Method)}</td>
            <td>{(c.ReceiptId is { } rid ? H.F($"""<a href="{(Lang(http) == "en" ? "/en" : "")}/consent/receipts/{rid}">{T(http, "控え", "receipt")}</a>""") : default)}</td></tr>
            """));
        var history = r.History.Select(c => H.F($"""
            <tr><td>{Jst(c.At)}</td><td>{(c.Granted ? T(http, "同意", "Granted") : T(http, "撤回", "Withdrawn"))}</td><td>{names.Scope(c.Scope)}</td>
            <td>{T(http, "第", "v")}{c.PolicyVersion}{T(http, "版", "")}</td><td>{Method(http, c.Method)}</td><td>{Yes(http, c.GuardianConsent)}</td><td>{Yes(http, c.ForeignInfoShown)}</td>
            <td>{c.EvidenceRef}</td><td>{(c.RecordedBy is { } by ? actorName(by) : "")}</td></tr>
            """));
        Html provisions = r.Provisions is null ? default : H.F($"""
            <section aria-labelledby="prov-h"><h2 id="prov-h">{T(http, "この本人が記載された提供・受領の記録", "Provision and receipt records that list this person")}</h2>
            {(r.Provisions.Count == 0 ? H.F($"<p>{T(http, "記録はありません。", "No records.")}</p>") : RecordTable(http, names, r.Provisions))}
            <p><a href="/console/provisions/export?subject={r.SubjectId}" download>{T(http, "この本人の記録を CSV で出力", "Export this person's records as CSV")}</a></p>
            </section>
            """);
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {SubNav(http)}
            <p role="status">{T(http, "この表示は監査ログに記録されました。", "This view was recorded in the audit log.")}</p>
            <dl>
              <dt>{T(http, "本人 ID", "Subject id")}</dt><dd><code>{r.SubjectId}</code></dd>
              <dt>{T(http, "本人の種類", "Subject type")}</dt><dd>{names.Type(r.SubjectType)} <code class="muted">{r.SubjectType}</code></dd>
              <dt>{T(http, "サービス", "Service")}</dt><dd>{r.ServiceId ?? T(http, "全社", "company-wide")}</dd>
              <dt>{T(http, "第三者提供", "Third-party provision")}</dt><dd>{(r.ProvisionStopped ? H.F($"""<strong class="error">{T(http, "停止中（本人の求め）", "Stopped at the person's request")}</strong>""") : H.F($"{T(http, "停止の求めなし", "Not stopped")}"))}</dd>
              {(r.Erased ? H.F($"""<dt>{T(http, "状態", "State")}</dt><dd><strong class="error">{T(http, "消去済み", "Erased")}</strong></dd>""") : default)}
            </dl>
            <section aria-labelledby="now-h"><h2 id="now-h">{T(http, "現在の同意", "What holds now")}</h2>
            {(r.Current.Count == 0 ? H.F($"<p>{T(http, "同意・撤回の記録はありません。", "No consent has been recorded.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "対象", "Scope")}</th><th scope="col">{T(http, "状態", "State")}</th><th scope="col">{T(http, "日時（日本時間）", "When (JST)")}</th>
            <th scope="col">{T(http, "提示したポリシー", "Policy shown")}</th><th scope="col">{T(http, "方法", "Method")}</th><th scope="col">{T(http, "控え", "Receipt")}</th></tr></thead>
            <tbody>{current}</tbody></table>
            """))}
            </section>
            <section aria-labelledby="hist-h"><h2 id="hist-h">{T(http, "同意・撤回の履歴", "Ledger entries")}</h2>
            {(r.History.Count == 0 ? default : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "日時（日本時間）", "When (JST)")}</th><th scope="col">{T(http, "内容", "Action")}</th><th scope="col">{T(http, "対象", "Scope")}</th>
            <th scope="col">{T(http, "提示したポリシー", "Policy shown")}</th><th scope="col">{T(http, "方法", "Method")}</th><th scope="col">{T(http, "法定代理人", "Guardian")}</th>
            <th scope="col">{T(http, "外国の情報提供", "Foreign info shown")}</th><th scope="col">{T(http, "証跡", "Evidence")}</th><th scope="col">{T(http, "記録者", "Recorded by")}</th></tr></thead>
            <tbody>{history}</tbody></table>
            """))}
            </section>
            {provisions}
            """));
    }

    private static Html RecordTable(HttpContext http, Names names, IEnumerable<ProvisionRecordView> records) => H.F($"""
        <table><thead><tr><th scope="col">{T(http, "日時（日本時間）", "When (JST)")}</th><th scope="col">{T(http, "区分", "Direction")}</th><th scope="col">{T(http, "根拠", "Basis")}</th>
        <th scope="col">{T(http, "提供先・提供元", "Counterparty")}</th><th scope="col">{T(http, "項目", "Items")}</th><th scope="col">{T(http, "人数", "Persons")}</th>
        <th scope="col">{T(http, "保存期限", "Kept through")}</th></tr></thead>
        <tbody>{records.Select(x => H.F($"""
            <tr><td><a href="/console/provisions/records/{x.Id}">{Jst(x.At)}</a></td><td>{Direction(http, x.Direction)}</td><td>{Basis(http, x.Basis)}</td>
            <td>{(x.RecipientId is { } rid ? names.Recipient(rid, x.CounterpartyName) : x.CounterpartyName)}</td>
            <td>{string.Join(T(http, "、", ", "), x.Items.Select(i => x.Direction == "provided" ? names.Category(i) : i))}</td>
            <td class="num">{x.SubjectCount:N0}</td><td>{x.KeepThrough:yyyy-MM-dd}</td></tr>
            """))}</tbody></table>
        """);

    private static Html ExportForm(HttpContext http, string? recipient, string? from = null, string? to = null) => H.F($"""
        <form method="get" action="/console/provisions/export" class="stack">
          {(string.IsNullOrWhiteSpace(recipient) ? default : H.F($"""<input type="hidden" name="recipient" value="{recipient}">"""))}
          <fieldset><legend>{T(http, "期間（日本時間、任意）", "Period (JST, optional)")}</legend>
          <label for="from">{T(http, "開始日", "From")}</label><input id="from" name="from" type="date" value="{from}">
          <label for="to">{T(http, "終了日", "To")}</label><input id="to" name="to" type="date" value="{to}">
          </fieldset>
          <button type="submit">{T(http, "CSV で出力", "Export CSV")}</button>
        </form>
        """);

    private static Html ProvisionIndex(HttpContext http, Names names, IReadOnlyList<RecipientView> recipients, IReadOnlyList<ProvisionRecordView> newest, string? error,
        ExportTyped? typed = null)
    {
        var title = T(http, "第三者提供の記録", "Provision records");
        var rows = recipients.Select(r => H.F($"""
            <tr><td><a href="/console/provisions/recipients/{r.Id}">{names.Recipient(r.Id, r.Name)}</a> <code class="muted">{r.Id}</code></td>
            <td>{Kind(http, r.Kind)}</td><td>{string.Join(T(http, "、", ", "), r.Categories.Select(names.Category))}</td>
            <td>{(r.DeclaredInPolicy ? T(http, "ポリシー", "policy") : T(http, "台帳のみ", "registry only"))}</td>
            <td>{(r.LastSupervision is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—")}</td></tr>
            """));
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {SubNav(http)}
            {Error(error)}
            <section aria-labelledby="recipients-h"><h2 id="recipients-h">{T(http, "提供先（ポリシーと台帳）", "Recipients (policy and registry)")}</h2>
            <table><thead><tr><th scope="col">{T(http, "提供先", "Recipient")}</th><th scope="col">{T(http, "区分", "Kind")}</th><th scope="col">{T(http, "提供する項目", "Items")}</th>
            <th scope="col">{T(http, "出典", "Declared in")}</th><th scope="col">{T(http, "最終監督", "Last supervision")}</th></tr></thead><tbody>{rows}</tbody></table>
            </section>
            <section aria-labelledby="export-h"><h2 id="export-h">{T(http, "記録の出力（法29条・30条、保存期間中のすべて）", "Export records (Art.29/30, all still kept)")}</h2>
            <p>{T(http, "提供・受領の記録を、法が求める項目（年月日、提供先・提供元の氏名等、本人、項目、同意・オプトアウト・取得経緯等）とともに CSV で出力します。出力は監査ログに記録されます。",
                "Exports provision and receipt records with the items the law requires (date, counterparty, persons, items, consent, opt-out or acquisition facts) as CSV. The export is recorded in the audit log.")}</p>
            {ExportForm(http, typed?.Recipient, typed?.From, typed?.To)}
            </section>
            <section aria-labelledby="newest-h"><h2 id="newest-h">{T(http, "最新の記録", "Newest records")}</h2>
            {(newest.Count == 0 ? H.F($"<p>{T(http, "記録はありません。", "No records.")}</p>") : RecordTable(http, names, newest))}
            </section>
            """));
    }

    /// <summary>
    /// An entrustee's contract as the provision check reads it, saying whether it comes from the registry or the policy and
    /// whether it allows an entrustment today; any other recipient's contract as the registry records it.
    /// </summary>
    private static Html ContractCell(HttpContext http, RecipientView v, DateOnly today)
    {
        var p = v.Profile;
        if (v.Contract is not { } c)
            return H.F($"""{p?.ContractRef ?? "—"} {(p?.ContractStart is { } cs ? $"{cs:yyyy-MM-dd}" : "")}{(p?.ContractEnd is { } ce ? $" – {ce:yyyy-MM-dd}" : "")}""");
        string Mark(bool b) => b ? "✔" : "✖";
        var source = c.Source == ContractSource.Registry ? T(http, "台帳", "Registry") : T(http, "ポリシー（台帳に登録なし）", "Policy (not in the registry)");
        // The separator is markup: interpolated text would encode "·" as &#183;.
        static Html Joined(IEnumerable<string> parts) => Html.Join(parts.Select((x, i) => i == 0 ? H.F($"{x}") : H.F($" · {x}")));
        var clauses = Joined(new[]
        {
            $"{T(http, "秘密保持", "Confidentiality")} {Mark(c.Confidentiality)}",
            $"{T(http, "監査", "Audit rights")} {Mark(c.AuditRights)}",
            $"{T(http, "再委託は許諾制", "Re-entrustment only with permission")} {Mark(c.ReEntrustmentLimited)}",
        });
        var terms = new List<string>();
        if (c.Reference is { } reference) terms.Add($"{T(http, "参照番号", "Reference")} {reference}");
        if (c.SignedOn is { } signed) terms.Add($"{T(http, "契約日", "Signed on")} {signed:yyyy-MM-dd}");
        var term = (c.Start, c.End) switch
        {
            ({ } s, { } e) => $"{s:yyyy-MM-dd} – {e:yyyy-MM-dd}",
            ({ } s, null) => T(http, $"{s:yyyy-MM-dd}から", $"from {s:yyyy-MM-dd}"),
            (null, { } e) => T(http, $"{e:yyyy-MM-dd}まで", $"until {e:yyyy-MM-dd}"),
            _ => null,
        };
        if (term is not null) terms.Add($"{T(http, "契約期間", "Term")} {term}");
        var verdict = c.Sufficient(today)
            ? H.F($"""<span class="ok">{T(http, "委託による提供はこの契約で確認します。秘密保持と監査の条項があり、有効です。", "Entrustment is checked against this contract: it has confidentiality and audit clauses and is in force.")}</span>""")
            : H.F($"""<strong class="error">{T(http, "委託による提供はこの契約で確認します。秘密保持と監査の条項のある有効な契約ではないため、委託による提供はできません。",
                "Entrustment is checked against this contract: without confidentiality and audit clauses in force, nothing is provided by entrustment.")}</strong>""");
        return H.F($"""{T(http, "出典", "Source")}: {source} — {clauses}{(terms.Count == 0 ? default : H.F($" — {Joined(terms)}"))}<br>{verdict}""");
    }

    private static string SupervisionKindName(HttpContext http, SupervisionKind k) => k switch
    {
        SupervisionKind.OnSiteAudit => T(http, "実地監査", "On-site audit"),
        SupervisionKind.RemoteAudit => T(http, "リモート監査", "Remote audit"),
        SupervisionKind.Questionnaire => T(http, "書面調査（質問票）", "Questionnaire"),
        _ => T(http, "報告書の確認", "Report review"),
    };

    /// <summary>
    /// One supervision. One an entrustee audit wrote links to the audit and lists its findings (所見) and their corrective actions (措置) as they
    /// stand now; <paramref name="findings"/> is null when the reader may not read audits.
    /// </summary>
    private static Html SupervisionRow(HttpContext http, SupervisionRecord s, ILookup<Guid?, Governance.InternalAudits.FindingView>? findings)
    {
        var next = s.NextDue is { } n ? n.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";
        if (s.AuditRunId is not { } run || findings is null)
            return H.F($"<tr><td>{s.HeldOn:yyyy-MM-dd}</td><td>{SupervisionKindName(http, s.Kind)}</td><td>{s.Findings}</td><td>{s.Actions ?? "—"}</td><td>{next}</td></tr>");
        var list = findings[run].ToList();
        var found = Html.Join(list.Select(f => H.F($"""
            <li><a href="/console/governance/findings/{f.Finding.Id}">{GovernanceAuditPages.SeverityName(http, f.Finding.Severity)}: {f.Finding.Description}</a></li>
            """)));
        var actions = list.SelectMany(f => f.Actions).ToList();
        string Detail(Governance.InternalAudits.CorrectiveAction a)
        {
            var (due, status) = (a.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), GovernanceAuditPages.ActionStatusName(http, a.Status));
            return T(http, $"（{a.Owner}、期限 {due}、{status}）", $" ({a.Owner}, due {due}, {status})");
        }
        Html done = actions.Count > 0
            ? H.F($"""<ul>{Html.Join(actions.Select(a => H.F($"<li>{a.Description}{Detail(a)}</li>")))}</ul>""")
            : list.Count > 0 ? H.F($"""<span class="error">{T(http, "是正処置は未登録です。", "No corrective action yet.")}</span>""") : H.F($"—");
        return H.F($"""
            <tr><td>{s.HeldOn:yyyy-MM-dd}</td><td>{SupervisionKindName(http, s.Kind)}<br><a href="{GovernanceAuditPages.Base}/runs/{run}">{T(http, "監査の記録", "The audit")}</a></td>
            <td>{s.Findings}{(list.Count == 0 ? default : H.F($"<ul>{found}</ul>"))}</td><td>{done}</td><td>{next}</td></tr>
            """);
    }

    private static Html RecipientPage(HttpContext http, Names names, RecipientRegister r, ILookup<Guid?, Governance.InternalAudits.FindingView>? findings, DateOnly today)
    {
        var v = r.Recipient;
        var title = names.Recipient(v.Id, v.Name);
        var p = v.Profile;
        var consents = r.Consents.Select(c => H.F($"""<tr><td>{names.Scope(c.Scope)} <code class="muted">{c.Scope}</code></td><td class="num">{c.Granted:N0}</td><td class="num">{c.Withdrawn:N0}</td></tr>"""));
        var supervision = r.Supervision.Select(s => SupervisionRow(http, s, findings));
        return Layout(http, title, H.F($"""
            <h1>{title} <code class="muted">{v.Id}</code></h1>
            {SubNav(http)}
            <dl>
              <dt>{T(http, "区分", "Kind")}</dt><dd>{Kind(http, v.Kind)}</dd>
              <dt>{T(http, "提供する項目", "Items")}</dt><dd>{string.Join(T(http, "、", ", "), v.Categories.Select(names.Category))}</dd>
              <dt>{T(http, "名称（台帳）", "Name (registry)")}</dt><dd>{p?.Name ?? "—"}</dd>
              <dt>{T(http, "住所", "Address")}</dt><dd>{p?.Address ?? "—"}</dd>
              <dt>{T(http, "代表者", "Representative")}</dt><dd>{p?.Representative ?? "—"}</dd>
              <dt>{T(http, "契約", "Contract")}</dt><dd>{ContractCell(http, v, today)}</dd>
            </dl>
            <section aria-labelledby="rc-h"><h2 id="rc-h">{T(http, "この提供先への提供に対する同意", "Consents to provision to this recipient")}</h2>
            {(r.Consents.Count == 0 ? H.F($"<p>{T(http, "同意・撤回の記録はありません。", "No consent has been recorded.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "対象", "Scope")}</th><th scope="col">{T(http, "現在同意している人数", "Persons granting now")}</th><th scope="col">{T(http, "撤回した人数", "Persons who withdrew")}</th></tr></thead><tbody>{consents}</tbody></table>
            """))}
            </section>
            <section aria-labelledby="rr-h"><h2 id="rr-h">{T(http, "提供の記録", "Provision records")} ({r.TotalRecords:N0})</h2>
            <p role="status">{T(http, "この表示は監査ログに記録されました。", "This view was recorded in the audit log.")}
            {(r.TotalRecords > r.Records.Count ? T(http, $"新しい順に{r.Records.Count}件を表示しています。すべては CSV で出力できます。", $"Showing the newest {r.Records.Count}; the export has them all.") : "")}</p>
            {(r.Records.Count == 0 ? H.F($"<p>{T(http, "記録はありません。", "No records.")}</p>") : RecordTable(http, names, r.Records))}
            {ExportForm(http, v.Id)}
            </section>
            {(r.Supervision.Count == 0 ? default : H.F($"""
            <section aria-labelledby="sv-h"><h2 id="sv-h">{T(http, "監督の記録", "Supervision")}</h2>
            <table><thead><tr><th scope="col">{T(http, "実施日", "Held on")}</th><th scope="col">{T(http, "方法", "Kind")}</th><th scope="col">{T(http, "所見", "Findings")}</th><th scope="col">{T(http, "措置", "Actions")}</th><th scope="col">{T(http, "次回", "Next due")}</th></tr></thead><tbody>{supervision}</tbody></table>
            </section>
            """))}
            """));
    }

    private static Html RecordPage(HttpContext http, Names names, ProvisionRecordView x, Func<string, string> actorName)
    {
        var title = T(http, "提供・受領の記録", "Provision record");
        Html Row(string ja, string en, string? value) => value is null or "" ? default : H.F($"<dt>{T(http, ja, en)}</dt><dd>{value}</dd>");
        var subjects = Can(http, Permission.ReadConsents)
            ? x.Subjects.Take(500).Select(s => H.F($"""<li><a href="/console/consents/subjects/{s}"><code>{s}</code></a></li>"""))
            : x.Subjects.Take(500).Select(s => H.F($"<li><code>{s}</code></li>"));
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {SubNav(http)}
            <p role="status">{T(http, "この表示は監査ログに記録されました。", "This view was recorded in the audit log.")}</p>
            <dl>
              {Row("記録番号", "Record", x.Id.ToString())}
              {Row("区分", "Direction", Direction(http, x.Direction))}
              {Row("根拠", "Basis", Basis(http, x.Basis))}
              {Row("提供・受領の日時（日本時間）", "When (JST)", Jst(x.At))}
              {Row("提供先 ID", "Recipient id", x.RecipientId)}
              {Row("提供先・提供元の名称", "Counterparty", x.CounterpartyName)}
              {Row("住所", "Address", x.CounterpartyAddress)}
              {Row("代表者", "Representative", x.CounterpartyRepresentative)}
              {Row("国", "Country", x.Country)}
              {Row("項目", "Items", string.Join(T(http, "、", ", "), x.Items.Select(i => x.Direction == "provided" ? names.Category(i) : i)))}
              {Row("本人の数", "Persons", x.SubjectCount.ToString("N0", CultureInfo.InvariantCulture))}
              {Row("同意の確認", "Consent", x.ConsentRef)}
              {Row("オプトアウトの届出等", "Opt-out facts", x.OptOutFacts)}
              {Row("例外の種類", "Legal exception", LegalExceptions.Parse(x.LegalException) is { } exception ? T(http, LegalExceptions.Name(exception).Ja, LegalExceptions.Name(exception).En) : x.LegalException)}
              {Row("理由", "Justification", x.Justification)}
              {Row("取得の経緯", "How the provider obtained it", x.AcquisitionHistory)}
              {Row("契約書等（記録に代える）", "Contract serving as the record", x.ContractRef)}
              {Row("最終提供日", "Last provision", x.LastProvisionOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}
              {Row("個人関連情報の同意の確認", "Person-related information check", x.PersonRelatedConfirmation)}
              {Row("法定の記録", "Required by law", x.StatutoryRecord ? T(http, "はい", "yes") : T(http, "いいえ（任意に保存）", "no (kept voluntarily)"))}
              {Row("ポリシーの版", "Policy version", x.PolicyVersion.ToString(CultureInfo.InvariantCulture))}
              {Row("保存期限", "Kept through", x.KeepThrough.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}
              {Row("記録者", "Recorded by", actorName(x.RecordedBy))}
            </dl>
            <h2>{T(http, "記載された本人", "Persons listed")}</h2>
            <ul>{subjects}</ul>
            {(x.Subjects.Count > 500 ? H.F($"<p>{T(http, "先頭の500人を表示しています。すべては CSV で出力できます。", "Showing the first 500; the export lists them all.")}</p>") : default)}
            """));
    }
}
