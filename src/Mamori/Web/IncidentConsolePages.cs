using System.Globalization;
using Mamori.Audit;
using Mamori.Auth;
using Mamori.Errors;
using Mamori.Http;
using Mamori.Incidents;
using Mamori.Staff;
using Microsoft.Extensions.Options;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// Staff side of incidents (漏えい等): the list with report deadlines, facts, the reportability decision with its
/// reasons and law references, due dates in JST, the blast radius (compromised actor or leaked export), the
/// timeline, the draft PPC reports, the notice to persons and the public announcement. Plain forms: works without script.
/// </summary>
public static class IncidentConsolePages
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void MapIncidentConsolePages(this WebApplication app)
    {
        app.MapGet("/console/incidents", async (HttpContext http, string? list, IncidentRegistry incidents) =>
        {
            var filter = list switch { "due-soon" => IncidentFilter.DueSoon, "overdue" => IncidentFilter.Overdue, "all" => IncidentFilter.All, _ => IncidentFilter.Open };
            var found = await incidents.ListAsync(filter, http.RequestAborted);
            Http.UnreadableReport.Mark(http, found.Unreadable);
            return Result(ListPage(http, filter, found));
        }).RequirePermission(Permission.ReadIncidents).ExcludeFromDescription();

        app.MapGet("/console/incidents/new", async (HttpContext http, TimeProvider clock) => Result(FactsPage(http, await DeclaredCategoriesAsync(http), null, null, clock.GetUtcNow())))
            .RequirePermission(Permission.ManageIncidents).ExcludeFromDescription();

        app.MapPost("/console/incidents/new", async (HttpContext http, IncidentRegistry incidents, TimeProvider clock) =>
        {
            var form = await FormAsync(http);
            try
            {
                var incident = await incidents.CreateAsync(Input(form), http.Actor(), http.RequestAborted);
                return Results.Redirect($"/console/incidents/{incident.Id}?done=created");
            }
            catch (MamoriException e)
            {
                return Result(FactsPage(http, await DeclaredCategoriesAsync(http), null, e, clock.GetUtcNow(), form), Status(e));
            }
        }).RequirePermission(Permission.ManageIncidents).ExcludeFromDescription();

        app.MapGet("/console/incidents/{id:guid}", async (HttpContext http, Guid id, string? done, IncidentRegistry incidents) =>
            Result(await DetailAsync(http, incidents, id, done, null)))
            .RequirePermission(Permission.ReadIncidents).ExcludeFromDescription();

        app.MapGet("/console/incidents/{id:guid}/edit", async (HttpContext http, Guid id, IncidentRegistry incidents, TimeProvider clock) =>
            Result(FactsPage(http, await DeclaredCategoriesAsync(http), await incidents.GetAsync(id, http.RequestAborted), null, clock.GetUtcNow())))
            .RequirePermission(Permission.ManageIncidents).ExcludeFromDescription();

        app.MapPost("/console/incidents/{id:guid}/edit", async (HttpContext http, Guid id, IncidentRegistry incidents, TimeProvider clock) =>
        {
            var form = await FormAsync(http);
            try
            {
                await incidents.UpdateFactsAsync(id, Input(form), http.Actor(), http.RequestAborted);
                return Results.Redirect($"/console/incidents/{id}?done=facts");
            }
            catch (MamoriException e) when (e.Code != ErrorCode.NotFound)
            {
                return Result(FactsPage(http, await DeclaredCategoriesAsync(http), await incidents.GetAsync(id, http.RequestAborted), e, clock.GetUtcNow(), form), Status(e));
            }
        }).RequirePermission(Permission.ManageIncidents).ExcludeFromDescription();

        app.MapPost("/console/incidents/{id:guid}/timeline", (HttpContext http, Guid id, IncidentRegistry incidents) => ActAsync(http, id, incidents, async form =>
        {
            await incidents.AddTimelineEntryAsync(id, form["kind"].ToString(), form["text"].ToString(), http.Actor(), http.RequestAborted);
            return "timeline";
        })).RequirePermission(Permission.ManageIncidents).ExcludeFromDescription();

        app.MapPost("/console/incidents/{id:guid}/status", (HttpContext http, Guid id, IncidentRegistry incidents) => ActAsync(http, id, incidents, async form =>
        {
            var status = form["status"].ToString() switch
            {
                "preliminary-reported" => IncidentStatus.PreliminaryReported,
                "final-reported" => IncidentStatus.FinalReported,
                "closed" => IncidentStatus.Closed,
                "open" => IncidentStatus.Open,
                _ => throw new MamoriException(ErrorCode.IncidentInvalidStatus, "Unknown status."),
            };
            await incidents.SetStatusAsync(id, status, http.Actor(), http.RequestAborted);
            return "status";
        })).RequirePermission(Permission.ManageIncidents).ExcludeFromDescription();

        app.MapPost("/console/incidents/{id:guid}/blast-radius", (HttpContext http, Guid id, IncidentRegistry incidents) => ActAsync(http, id, incidents, async form =>
        {
            // The key or user chosen from the tenant's list (ActorOption); nothing chosen is refused as an empty id.
            var (kind, actorId) = form["actor"].ToString().Split(':', 2) switch
            {
                ["user", var i] => (ActorKindCode.User, i),
                ["api-key", var i] => (ActorKindCode.ApiKey, i),
                _ => (ActorKindCode.ApiKey, ""),
            };
            var from = LocalJst(form["from"].ToString(), "from");
            var to = LocalJst(form["to"].ToString(), "to");
            await incidents.ComputeBlastRadiusAsync(id, new BlastRadiusQuery(kind, actorId, from, to), http.Actor(), http.RequestAborted);
            return "blast-radius";
        })).RequirePermission(Permission.ManageIncidents).ExcludeFromDescription();

        app.MapPost("/console/incidents/{id:guid}/blast-radius/export", (HttpContext http, Guid id, IncidentRegistry incidents) => ActAsync(http, id, incidents, async form =>
        {
            ExportQuery query;
            if (form.Files.GetFile("file") is { Length: > 0 } file)
            {
                if (file.Length > MaxLeakedFileBytes)
                    throw new MamoriException(ErrorCode.IncidentInvalidExport, $"The file is larger than {MaxLeakedFileBytes / 1_000_000} MB; give its SHA-256 instead (sha256sum FILE).")
                    {
                        Reason = "too-large", ReasonArgs = [(MaxLeakedFileBytes / 1_000_000).ToString(Inv)],
                    };
                await using var stream = file.OpenReadStream();
                query = new ExportQuery(Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, http.RequestAborted)));
            }
            else if (form["sha256"].ToString() is { Length: > 0 } sha) query = new ExportQuery(sha);
            else query = new ExportQuery(null, form["exportKind"].ToString(), form["exportId"].ToString());
            await incidents.ComputeExportBlastRadiusAsync(id, query, http.Actor(), http.RequestAborted);
            return "export-blast-radius";
        })).RequirePermission(Permission.ManageIncidents).ExcludeFromDescription()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxLeakedFileBytes + 1_000_000));

        app.MapPost("/console/incidents/{id:guid}/notices", (HttpContext http, Guid id, IncidentRegistry incidents, IncidentNotices notices) => ActAsync(http, id, incidents, async _ =>
        {
            var run = await notices.QueueAsync(id, http.Actor(), http.RequestAborted);
            return $"notices&queued={run.Queued}&unreachable={run.Unreachable}";
        })).RequirePermission(Permission.ManageIncidents).ExcludeFromDescription();

        app.MapGet("/console/incidents/{id:guid}/report", async (HttpContext http, Guid id, string? kind, IncidentRegistry incidents, IncidentNotices notices, TimeProvider clock,
            IOptions<IncidentSettings> settings) =>
        {
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            var decision = incidents.Decide(incident.Facts);
            if (!decision.Reportable) return Result(NotReportablePage(http, incident), 409);
            var report = IncidentDocuments.Report(incident, decision, IncidentEndpoints.ReportKindOf(kind), await notices.BusinessAsync(http.RequestAborted),
                clock.GetUtcNow(), settings.Value.TimeZone);
            return Result(ReportPage(http, incident, report));
        }).RequirePermission(Permission.ReadIncidents).ExcludeFromDescription();

        app.MapGet("/console/incidents/{id:guid}/report.pdf", async (HttpContext http, Guid id, string? kind, IncidentRegistry incidents, IncidentNotices notices, TimeProvider clock,
            IOptions<IncidentSettings> settings) =>
        {
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            var decision = incidents.Decide(incident.Facts);
            if (!decision.Reportable) return Result(NotReportablePage(http, incident), 409);
            var report = IncidentDocuments.Report(incident, decision, IncidentEndpoints.ReportKindOf(kind), await notices.BusinessAsync(http.RequestAborted),
                clock.GetUtcNow(), settings.Value.TimeZone);
            return PdfOrPage(http, incident, IncidentDocuments.ReportLines(report), report.TitleJa, $"incident-{id}-{report.Kind}-report.pdf");
        }).RequirePermission(Permission.ReadIncidents).ExcludeFromDescription();

        app.MapGet("/console/incidents/{id:guid}/notice", async (HttpContext http, Guid id, IncidentRegistry incidents, IncidentNotices notices) =>
        {
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            if (!incidents.Decide(incident.Facts).NotifyPersons) return Result(NotReportablePage(http, incident), 409);
            return Result(NoticePage(http, incident, await notices.NoticeAsync(incident, http.RequestAborted)));
        }).RequirePermission(Permission.ReadIncidents).ExcludeFromDescription();

        app.MapGet("/console/incidents/{id:guid}/notice.pdf", async (HttpContext http, Guid id, IncidentRegistry incidents, IncidentNotices notices) =>
        {
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            if (!incidents.Decide(incident.Facts).NotifyPersons) return Result(NotReportablePage(http, incident), 409);
            var notice = await notices.NoticeAsync(incident, http.RequestAborted);
            return PdfOrPage(http, incident, IncidentDocuments.NoticeLines(notice), notice.Subject, $"incident-{id}-notice.pdf");
        }).RequirePermission(Permission.ReadIncidents).ExcludeFromDescription();

        app.MapGet("/console/incidents/{id:guid}/announcement", async (HttpContext http, Guid id, IncidentRegistry incidents, IncidentNotices notices) =>
        {
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            if (!incidents.Decide(incident.Facts).NotifyPersons) return Result(NotReportablePage(http, incident), 409);
            return Result(AnnouncementPage(http, incident, await notices.NoticeAsync(incident, http.RequestAborted)));
        }).RequirePermission(Permission.ReadIncidents).ExcludeFromDescription();
    }

    public const long MaxLeakedFileBytes = 100_000_000;

    private static int Status(MamoriException e) => e.Status is >= 400 and < 500 ? e.Status : 400;

    /// <summary>Runs one action from the detail page: redirect back with a short status key, or the page again with the error.</summary>
    private static async Task<IResult> ActAsync(HttpContext http, Guid id, IncidentRegistry incidents, Func<IFormCollection, Task<string>> action)
    {
        var form = await FormAsync(http);
        try
        {
            var done = await action(form);
            return Results.Redirect($"/console/incidents/{id}?done={done}");
        }
        catch (MamoriException e) when (e.Code != ErrorCode.NotFound)
        {
            return Result(await DetailAsync(http, incidents, id, null, e), Status(e));
        }
    }

    /// <summary>A <c>datetime-local</c> value read as Japan time.</summary>
    private static DateTimeOffset LocalJst(string value, string name)
    {
        if (!DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd"], Inv, DateTimeStyles.None, out var local))
            throw new MamoriException(name == "discoveredAt" ? ErrorCode.IncidentInvalidDate : ErrorCode.IncidentInvalidWindow,
                $"'{name}' is a date and time (Japan time), e.g. 2026-04-01T09:00.") { Reason = "format" };
        return new DateTimeOffset(local, TimeSpan.FromHours(9));
    }

    private static IncidentInput Input(IFormCollection f)
    {
        string? Text(string name) => f[name].ToString() is { Length: > 0 } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        long? Number(string name) => Text(name) is { } v
            ? long.TryParse(v.Replace(",", "", StringComparison.Ordinal), NumberStyles.Integer, Inv, out var n) ? n
                : throw new MamoriException(ErrorCode.IncidentInvalidFacts, $"{name} is a whole number.") { Reason = "number", ReasonArgs = [name] }
            : null;
        bool Flag(string name) => f[name].ToString() is "on" or "true";
        var kind = f["kind"].ToString() switch { "loss" => IncidentKind.Loss, "damage" => IncidentKind.Damage, _ => IncidentKind.Leak };
        var cause = IncidentTriage.ParseCause(f["cause"].ToString());
        return new IncidentInput
        {
            Title = f["title"].ToString(),
            Kind = kind,
            Cause = cause,
            DiscoveredAt = LocalJst(f["discoveredAt"].ToString(), "discoveredAt"),
            Categories = PostedCategories(f),
            PersonsKnown = Number("personsKnown"),
            PersonsUpperBound = Number("personsUpperBound"),
            SpecialCare = Flag("specialCare"),
            PropertyDamageRisk = Flag("propertyDamageRisk"),
            Suspected = Flag("suspected"),
            EncryptedKeysSafe = Flag("encryptedKeysSafe"),
            MyNumber = Flag("myNumber"),
            PubliclyExposed = Flag("publiclyExposed"),
            Summary = Text("summary"),
            CauseDetails = Text("causeDetails"),
            SecondaryDamage = Text("secondaryDamage"),
            PersonsResponse = Text("personsResponse"),
            Publication = Text("publication"),
            Prevention = Text("prevention"),
            Measures = Text("measures"),
            OtherNotes = Text("otherNotes"),
            ContactPoint = Text("contactPoint"),
        };
    }

    /// <summary>
    /// The category ids a form posted: one per ticked checkbox (<c>categories</c>, repeated), each also read as a list
    /// (「email, name」, as the API and older forms send it).
    /// </summary>
    private static List<string> PostedCategories(IFormCollection f) =>
        [.. f["categories"].SelectMany(v => (v ?? "").Split([',', '、', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)];

    /// <summary>The data categories the policy in force declares (company and services), by name in the page's language, in the policy's order.</summary>
    private static async Task<IReadOnlyList<(string Id, string Name)>> DeclaredCategoriesAsync(HttpContext http)
    {
        var policy = await http.RequestServices.GetRequiredService<Policy.PolicyStore>().CurrentAsync(http.RequestAborted);
        var lang = Lang(http) == "en" ? Policy.NoticeLanguage.En : Policy.NoticeLanguage.Ja;
        return [.. Policy.PolicyCategories.Of(policy?.Model).All.Select(c => (c.Id, c.Name.Get(lang)))];
    }

    // ------------------------------------------------------------------ names

    private static string CauseName(HttpContext http, IncidentCause c) => c switch
    {
        IncidentCause.UnauthorizedAccess => T(http, "不正アクセス", "Unauthorized access"),
        IncidentCause.InsiderTheft => T(http, "内部不正（持ち出し）", "Insider theft"),
        IncidentCause.Misdelivery => T(http, "誤送付・誤送信", "Misdelivery"),
        IncidentCause.Loss => T(http, "紛失", "Loss"),
        _ => T(http, "その他", "Other"),
    };

    private static string KindName(HttpContext http, IncidentKind k) => k switch
    {
        IncidentKind.Loss => T(http, "滅失", "Loss"),
        IncidentKind.Damage => T(http, "毀損", "Damage"),
        _ => T(http, "漏えい", "Leak"),
    };

    private static string StatusName(HttpContext http, IncidentStatus s) => Name(http, IncidentTexts.StatusName(s));

    private static string Name(HttpContext http, (string Ja, string En) n) => T(http, n.Ja, n.En);

    private static Html State(HttpContext http, Incidents.DeadlineState? s) => s switch
    {
        Incidents.DeadlineState.Overdue => H.F($"""<span class="badge error">{T(http, "期限超過", "Overdue")}</span>"""),
        Incidents.DeadlineState.DueSoon => H.F($"""<span class="badge warning">{T(http, "期限間近", "Due soon")}</span>"""),
        Incidents.DeadlineState.Done => H.F($"""<span class="badge done">{T(http, "報告済み", "Reported")}</span>"""),
        Incidents.DeadlineState.OnTrack => H.F($"""<span class="badge">{T(http, "期限内", "On track")}</span>"""),
        _ => H.F($"<span class=\"muted\">—</span>"),
    };

    private static string Day(DateOnly? d) => d is { } x ? x.ToString("yyyy-MM-dd", Inv) : "—";

    // ------------------------------------------------------------------ pages

    private static Html ListPage(HttpContext http, IncidentFilter filter, IncidentList found)
    {
        var list = found.Items;
        Html Tab(string id, string ja, string en, IncidentFilter f) => filter == f
            ? H.F($"""<li><a href="/console/incidents?list={id}" aria-current="page">{T(http, ja, en)}</a></li>""")
            : H.F($"""<li><a href="/console/incidents?list={id}">{T(http, ja, en)}</a></li>""");
        Html Row(IncidentView v) => H.F($"""
            <tr><td><a href="/console/incidents/{v.Incident.Id}">{v.Incident.Title}</a></td><td>{KindName(http, v.Incident.Kind)} / {CauseName(http, v.Incident.Cause)}</td>
            <td>{Day(v.Incident.AwareDate)}</td><td>{(v.Decision.Reportable ? T(http, "あり", "Yes") : T(http, "なし", "No"))}</td>
            <td>{Day(v.Decision.Deadlines?.PreliminaryDue)}</td><td>{Day(v.Decision.Deadlines?.FinalDue)}</td><td>{State(http, v.State)}</td><td>{StatusName(http, v.Incident.Status)}</td></tr>
            """);
        Html create = Can(http, Permission.ManageIncidents) ? H.F($"""<p><a href="/console/incidents/new">{T(http, "インシデントを登録する", "Record an incident")}</a></p>""") : default;
        return Layout(http, T(http, "インシデント", "Incidents"), H.F($"""
            <h1>{T(http, "インシデント（漏えい等）", "Incidents (leaks, losses, damage)")}</h1>
            {create}
            <nav aria-label="{T(http, "絞り込み", "Filter")}"><ul class="filters">{Tab("open", "対応中", "Open", IncidentFilter.Open)}{Tab("due-soon", "報告期限間近", "Report due soon", IncidentFilter.DueSoon)}{Tab("overdue", "報告期限超過", "Report overdue", IncidentFilter.Overdue)}{Tab("all", "すべて", "All", IncidentFilter.All)}</ul></nav>
            <div class="table-wrap"><table><caption class="sr-only">{T(http, "インシデントの一覧（日付は日本時間）", "Incidents (dates in Japan time)")}</caption>
            <thead><tr><th scope="col">{T(http, "件名", "Title")}</th><th scope="col">{T(http, "種類・原因", "Kind / cause")}</th><th scope="col">{T(http, "認識日", "Aware on")}</th>
            <th scope="col">{T(http, "報告義務", "Reportable")}</th><th scope="col">{T(http, "速報期限", "Preliminary due")}</th><th scope="col">{T(http, "確報期限", "Final due")}</th>
            <th scope="col">{T(http, "期限の状態", "Deadline")}</th><th scope="col">{T(http, "状況", "Status")}</th></tr></thead>
            <tbody>{list.Select(Row)}{UnreadableRows(http, found.Unreadable, 8)}</tbody></table></div>
            {(list.Count + found.Unreadable.Count == 0 ? H.F($"<p>{T(http, "該当するインシデントはありません。", "No incidents.")}</p>") : default)}
            <p class="muted">{T(http, "日付はすべて日本時間（JST）です。", "All dates are Japan time (JST).")}</p>
            """));
    }

    private static Html FactsPage(HttpContext http, IReadOnlyList<(string Id, string Name)> declared, Incident? i, MamoriException? error, DateTimeOffset now,
        IFormCollection? posted = null)
    {
        string V(string name, string? current) => posted is not null ? posted[name].ToString() : current ?? "";
        bool C(string name, bool current) => posted is not null ? posted[name].ToString() is "on" or "true" : current;
        Html Check(string name, bool value, string ja, string en) => value
            ? H.F($"""<label class="check"><input type="checkbox" name="{name}" id="{name}" checked> {T(http, ja, en)}</label>""")
            : H.F($"""<label class="check"><input type="checkbox" name="{name}" id="{name}"> {T(http, ja, en)}</label>""");
        Html Option(string value, string label, string current) => value == current
            ? H.F($"""<option value="{value}" selected>{label}</option>""")
            : H.F($"""<option value="{value}">{label}</option>""");
        Html Area(string name, string ja, string en, string? value, int rows = 3) => H.F($"""
            <label for="{name}">{T(http, ja, en)}</label><textarea id="{name}" name="{name}" rows="{rows}" maxlength="20000">{V(name, value)}</textarea>
            """);
        var discovered = Jst(i?.DiscoveredAt ?? now).Replace(' ', 'T');
        var kind = V("kind", i is null ? "leak" : IncidentRegistry.Kebab(i.Kind));
        var cause = V("cause", i?.Cause.Code() ?? "unauthorized-access");
        var action = i is null ? "/console/incidents/new" : $"/console/incidents/{i.Id}/edit";
        var title = i is null ? T(http, "インシデントの登録", "Record an incident") : T(http, "事実の編集", "Edit the facts");
        Html err = error is null ? default : Error(FormErrors.Text(http, error));
        // The policy's categories by name with the id beside it; ids already on the incident (or just posted) that the policy no longer
        // declares stay as choices, ticked, by id, so saving the form never drops them.
        var ticked = posted is not null ? PostedCategories(posted) : i?.Categories ?? [];
        var choices = declared.Select(c => (c.Id, Name: (string?)c.Name))
            .Concat(ticked.Where(t => !declared.Any(c => c.Id == t)).Select(t => (Id: t, Name: (string?)null))).ToList();
        Html Checked(bool on) => on ? Html.Raw(" checked") : default;
        Html Category((string Id, string? Name) c) => c.Name is { } name
            ? H.F($"""<label class="check"><input type="checkbox" name="categories" value="{c.Id}"{Checked(ticked.Contains(c.Id))}> {name} <code class="muted">{c.Id}</code></label>""")
            : H.F($"""<label class="check"><input type="checkbox" name="categories" value="{c.Id}"{Checked(ticked.Contains(c.Id))}> <code>{c.Id}</code> <span class="muted">{T(http, "（現在のポリシーにない項目）", "(not in the policy in force)")}</span></label>""");
        Html categories = H.F($"""
            <fieldset id="categories"><legend>{T(http, "データ項目（漏えい等が発生し、又は発生したおそれがある個人データの項目）", "Data categories involved")}</legend>
            {(choices.Count == 0 ? H.F($"""<p class="muted">{T(http, "公開中のポリシーにデータ項目がありません。ポリシーを公開すると選べます。", "The policy in force declares no data categories; publish a policy to choose them.")}</p>""") : default)}
            {Html.Join(choices.Select(Category))}
            </fieldset>
            """);
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {err}
            <p class="muted">{T(http, "事実を保存すると、報告義務の有無と期限が再計算されます。本文は監査ログに入りません。", "Saving recomputes reportability and the due dates. Texts stay out of the audit log.")}</p>
            <form method="post" action="{action}" class="stack wide">
              {AntiforgeryField(http)}
              <label for="title">{T(http, "件名（社内用）", "Title (internal)")}</label><input id="title" name="title" required maxlength="200" value="{V("title", i?.Title)}">
              <label for="kind">{T(http, "事態", "What happened")}</label>
              <select id="kind" name="kind">{Option("leak", T(http, "漏えい", "Leak"), kind)}{Option("loss", T(http, "滅失", "Loss"), kind)}{Option("damage", T(http, "毀損", "Damage"), kind)}</select>
              <label for="cause">{T(http, "原因", "Cause")}</label>
              <select id="cause" name="cause">{Enum.GetValues<IncidentCause>().Select(c => Option(c.Code(), CauseName(http, c), cause))}</select>
              <label for="discoveredAt">{T(http, "認識した日時（日本時間）", "Became aware (Japan time)")}</label>
              <input id="discoveredAt" name="discoveredAt" type="datetime-local" required value="{V("discoveredAt", discovered)}">
              {categories}
              <label for="personsKnown">{T(http, "確認済みの本人の数", "Persons established")}</label>
              <input id="personsKnown" name="personsKnown" inputmode="numeric" value="{V("personsKnown", i?.PersonsKnown?.ToString(Inv))}">
              <label for="personsUpperBound">{T(http, "本人の数の上限（調査中の場合）", "Upper bound while unknown")}</label>
              <input id="personsUpperBound" name="personsUpperBound" inputmode="numeric" value="{V("personsUpperBound", i?.PersonsUpperBound?.ToString(Inv))}">
              <fieldset><legend>{T(http, "事実", "Facts")}</legend>
              <p class="muted">{T(http, "ポリシーで要配慮個人情報・個人番号・クレジットカード情報とされたデータ項目は、選ぶだけで判定に入ります。ここでは、それ以外のデータについて該当するものを選んでください。",
                  "Categories the policy marks special-care, My Number or payment-card data count by themselves; tick these for other data they apply to.")}</p>
              {Check("specialCare", C("specialCare", i?.SpecialCare ?? false), "要配慮個人情報を含む", "Special-care data involved")}
              {Check("propertyDamageRisk", C("propertyDamageRisk", i?.PropertyDamageRisk ?? false), "財産的被害のおそれ（カード番号等）", "Risk of property damage (card numbers…)")}
              {Check("suspected", C("suspected", i?.Suspected ?? false), "おそれの段階（確定していない）", "Suspected, not confirmed")}
              {Check("encryptedKeysSafe", C("encryptedKeysSafe", i?.EncryptedKeysSafe ?? false), "高度な暗号化済みで鍵は安全", "Advanced encryption, key safe")}
              {Check("myNumber", C("myNumber", i?.MyNumber ?? false), "個人番号（マイナンバー）を含む", "My Number data involved")}
              {Check("publiclyExposed", C("publiclyExposed", i?.PubliclyExposed ?? false), "不特定多数に公開された", "Exposed to the public")}
              </fieldset>
              {Area("summary", "(1) 概要", "(1) Summary", i?.Summary, 4)}
              {Area("causeDetails", "(4) 原因の詳細", "(4) Cause in detail", i?.CauseDetails)}
              {Area("secondaryDamage", "(5) 二次被害又はそのおそれ", "(5) Secondary damage or its risk", i?.SecondaryDamage)}
              {Area("personsResponse", "(6) 本人への対応", "(6) Response to the persons", i?.PersonsResponse)}
              {Area("publication", "(7) 公表の実施状況", "(7) Publication", i?.Publication)}
              {Area("prevention", "(8) 再発防止策", "(8) Prevention of recurrence", i?.Prevention)}
              {Area("measures", "講じた措置（封じ込め）", "Measures taken (containment)", i?.Measures)}
              {Area("otherNotes", "(9) その他", "(9) Other", i?.OtherNotes)}
              <label for="contactPoint">{T(http, "お問い合わせ窓口（空欄ならポリシーの窓口）", "Inquiry desk (blank: the policy's contact)")}</label>
              <textarea id="contactPoint" name="contactPoint" rows="2" maxlength="1000">{V("contactPoint", i?.ContactPoint)}</textarea>
              <button type="submit">{T(http, "保存する", "Save")}</button>
            </form>
            {(i is null ? default : H.F($"""<p><a href="/console/incidents/{i.Id}">{T(http, "詳細へ戻る", "Back to the incident")}</a></p>"""))}
            """));
    }

    private static string DoneText(HttpContext http, string? done) => done switch
    {
        "created" => T(http, "インシデントを登録しました。", "The incident was recorded."),
        "facts" => T(http, "事実を保存し、判定を再計算しました。", "Facts saved; the decision was recomputed."),
        "timeline" => T(http, "経過を記録しました。", "Timeline entry added."),
        "status" => T(http, "状況を更新しました。", "Status updated."),
        "blast-radius" => T(http, "監査ログを検証し、影響範囲を算定しました。", "Audit chain verified; blast radius computed."),
        "export-blast-radius" => T(http, "監査ログを検証し、漏えいしたエクスポートの内容を特定しました。", "Audit chain verified; the leaked export's contents were traced."),
        "notices" => T(http, "本人への通知を送信キューに入れました。", "Notices to the persons were queued."),
        _ => "",
    };

    private static async Task<Html> DetailAsync(HttpContext http, IncidentRegistry incidents, Guid id, string? done, MamoriException? error)
    {
        var ct = http.RequestAborted;
        var incident = await incidents.GetAsync(id, ct);
        var v = incidents.View(incident);
        var d = v.Decision;
        var manage = Can(http, Permission.ManageIncidents);
        var timeline = await incidents.TimelineAsync(id, ct);
        var actorName = await ActorNamesAsync(http, timeline.Select(t => t.Actor));
        var categories = await CategoryNamesAsync(http);
        var subjects = await incidents.SubjectsAsync(id, ct);
        var notified = await incidents.NotifiedCountAsync(id, ct);
        // Without an SMTP host the notices only go to files: "notified" would claim persons were told (Art.26(2)).
        var sends = http.RequestServices.GetRequiredService<Notifications.IMailSink>().Sends;
        var pending = subjects.Count - notified;
        Html err = FormErrors.Block(http, error);
        // A refused form keeps what was typed into it.
        string? Typed(string form, string field, string? current = null) => Pages.Typed(http, $"/console/incidents/{id}/{form}", field, current);
        Html Selected(bool on) => on ? Html.Raw(" selected") : default;
        var doneText = DoneText(http, done);
        if (done == "notices")
            doneText += " " + T(http, $"キュー: {http.Request.Query["queued"]}件、メールアドレスなし: {http.Request.Query["unreachable"]}件（書面で通知するか公表してください）。",
                $"Queued: {http.Request.Query["queued"]}; no email address: {http.Request.Query["unreachable"]} (send a letter or publish the announcement).");
        Html notice = Notice(doneText.Length == 0 ? null : doneText);

        var facts = incident.Facts;
        // A ground a policy category brings names it: staff see why 健康診断結果 made the incident reportable.
        string Via(IReadOnlyList<string> ids) => ids.Count == 0 ? "" : T(http, $"（データ項目: {categories(ids)}）", $" (categories: {categories(ids)})");
        Html reasons = d.Reasons.Count == 0 ? H.F($"<p>{T(http, "報告対象となる事由はありません。", "No reportable ground applies.")}</p>") : H.F($"""
            <table><caption>{T(http, "報告対象となる事由", "Grounds")}</caption><thead><tr><th scope="col">{T(http, "区分", "Case")}</th><th scope="col">{T(http, "事由", "Ground")}</th><th scope="col">{T(http, "根拠", "Law")}</th></tr></thead>
            <tbody>{d.ReasonInfos.Select(r => H.F($"<tr><td>{r.Letter}</td><td>{T(http, r.NameJa, r.NameEn)}{Via(facts.CategoriesFor(r.Reason))}</td><td>{T(http, r.LawReference, r.LawReferenceEn)}</td></tr>"))}</tbody></table>
            """);
        Html exemption = d.Exemption is null ? default : H.F($"""
            <p class="notice">{T(http, "高度な暗号化により報告対象外（規則7条1号括弧書き）。除外された事由", "Exempt: advanced encryption with the key safe (Rules 7(i)). Grounds set aside")}: {string.Join(T(http, "、", "; "), d.SetAside.Select(IncidentTriage.Describe).Select(r => $"{r.Letter} {T(http, r.NameJa, r.NameEn)}"))}</p>
            """);
        Html deadlines = d.Deadlines is not { } dl ? default : H.F($"""
            <dl>
              <dt>{T(http, "認識日（1日目）", "Aware on (day 1)")}</dt><dd>{Day(dl.AwareDate)}</dd>
              <dt>{T(http, "速報 注意日 / 期限（目安 3〜5日）", "Preliminary report: warn / due (about 3-5 days)")}</dt><dd>{Day(dl.PreliminaryWarn)} / <strong>{Day(dl.PreliminaryDue)}</strong>{(incident.PreliminaryReportedAt is { } p ? H.F($" — {T(http, "報告済み", "sent")} {Jst(p)}") : default)}</dd>
              <dt>{T(http, "確報 期限", "Final report due")} ({dl.FinalPeriodDays}{T(http, "日", " days")})</dt><dd><strong>{Day(dl.FinalDue)}</strong>{(dl.FinalRolled ? H.F($" ({T(http, "閉庁日のため繰下げ。本来", "rolled past closed days from")} {Day(dl.FinalDueUnrolled)})") : default)}{(incident.FinalReportedAt is { } f ? H.F($" — {T(http, "報告済み", "sent")} {Jst(f)}") : default)}</dd>
              <dt>{T(http, $"期限の状態（本日 {Day(v.Today)}）", $"Deadline state (today {Day(v.Today)})")}</dt><dd>{State(http, v.State)}</dd>
            </dl>
            """);
        Html Computation(IncidentBlastRadius r) => H.F($"""
            <tr><td>{T(http, r.Source.Ja, r.Source.En)}</td><td>{(r.From is { } f && r.To is { } t ? $"{Jst(f)} – {Jst(t)}" : "—")}</td><td class="num">{r.Persons:N0}</td><td class="num">{r.NewPersons:N0}</td>
            <td>{Jst(r.ComputedAt)} — {T(http, $"監査ログ検証済み（{IncidentTexts.Checked(r.VerifiedEvents).Ja}）", $"audit chain verified ({IncidentTexts.Checked(r.VerifiedEvents).En})")}</td></tr>
            """);
        Html blast = incident.BlastRadii.Count == 0 ? H.F($"<p>{T(http, "まだ算定していません。", "Not computed yet.")}</p>") : H.F($"""
            <div class="table-wrap"><table><caption>{T(http, "算定の記録（影響を受けた本人は、すべての算定で特定した本人を合わせたものです）", "Computations (the affected persons are those all of them found together)")}</caption>
            <thead><tr><th scope="col">{T(http, "対象", "Source")}</th><th scope="col">{T(http, "期間（日本時間）", "Window (Japan time)")}</th><th scope="col">{T(http, "本人", "Persons")}</th>
            <th scope="col">{T(http, "うち新たに", "New")}</th><th scope="col">{T(http, "算定日時", "Computed")}</th></tr></thead>
            <tbody>{incident.BlastRadii.Select(Computation)}</tbody></table></div>
            <dl>
              <dt>{T(http, "影響を受けた本人", "Affected persons")}</dt><dd class="big">{subjects.Count:N0}</dd>
              <dt>{(sends ? T(http, "通知済み", "Notified") : T(http, "通知文をファイルに出力済み（SMTP 未設定のため未送信）", "Notice written to a file (not sent: no SMTP host)"))}</dt><dd>{notified:N0}</dd>
              <dt>{T(http, "データ項目", "Categories")}</dt><dd>{categories(incident.Categories)}</dd>
            </dl>
            {(subjects.Count == 0 ? default : H.F($"""<details><summary>{T(http, "本人ID（最初の100件）", "Subject ids (first 100)")}</summary><ul>{subjects.Take(100).Select(s => H.F($"<li><code>{s}</code></li>"))}</ul></details>"""))}
            """);
        var now = Jst(http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).Replace(' ', 'T');
        var weekAgo = Jst(http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-7)).Replace(' ', 'T');
        // The tenant's keys (revoked ones too: a stolen key is revoked first) and users, by name and prefix: staff never see a key's id.
        var choices = manage ? await CompromisedActors.ListAsync(http.RequestServices.GetRequiredService<Data.MamoriDbContext>(), ct) : [];
        var chosen = Typed("blast-radius", "actor");
        Html ActorOption(CompromisedActor a)
        {
            var value = $"{(a.Kind == ActorKindCode.User ? "user" : "api-key")}:{a.Id}";
            var label = a.Kind == ActorKindCode.ApiKey ? $"{a.Name}（{a.Prefix}）" : a.Name;
            var ended = !a.Ended ? "" : a.Kind == ActorKindCode.ApiKey
                ? $" — {T(http, "失効", "revoked")} {Jst(a.EndedAt)}"
                : $" — {T(http, "無効", "disabled")}";
            return H.F($"""<option value="{value}"{Selected(chosen == value)}>{label}{ended}</option>""");
        }
        Html ActorGroup(ActorKindCode kind, string ja, string en) => choices.Any(a => a.Kind == kind)
            ? H.F($"""<optgroup label="{T(http, ja, en)}">{Html.Join(choices.Where(a => a.Kind == kind).Select(ActorOption))}</optgroup>""")
            : default;
        Html blastForms = !manage ? default : H.F($"""
            <h3>{T(http, "漏えいした認証情報から算定", "From a compromised user or API key")}</h3>
            <form method="post" action="/console/incidents/{id}/blast-radius" class="stack">
              {AntiforgeryField(http)}
              <label for="actor">{T(http, "対象のAPIキー・利用者", "The API key or user")}</label>
              <select id="actor" name="actor" required aria-describedby="actor-hint"><option value="">{T(http, "選んでください", "Choose")}</option>{ActorGroup(ActorKindCode.ApiKey, "APIキー", "API keys")}{ActorGroup(ActorKindCode.User, "利用者", "Users")}</select>
              <p id="actor-hint" class="muted">{T(http, "失効したAPIキー・無効にした利用者も選べます。", "Revoked keys and disabled users can be chosen too.")}</p>
              <label for="from">{T(http, "開始（日本時間）", "From (Japan time)")}</label><input id="from" name="from" type="datetime-local" required value="{Typed("blast-radius", "from", weekAgo)}">
              <label for="to">{T(http, "終了（日本時間）", "To (Japan time)")}</label><input id="to" name="to" type="datetime-local" required value="{Typed("blast-radius", "to", now)}">
              <button type="submit">{T(http, "監査ログを検証して算定する", "Verify the audit chain and compute")}</button>
            </form>
            <h3>{T(http, "漏えいしたエクスポートから算定", "From a leaked export")}</h3>
            <p class="muted">{T(http, "Mamoriが作成したファイル（第三者提供のCSV、開示の回答）そのもの、そのSHA-256、または種類とIDを指定します。ファイルは保存されません。", "Give the file Mamori produced (provision CSV, disclosure answer), its SHA-256, or its kind and id. The file is not stored.")}</p>
            <form method="post" action="/console/incidents/{id}/blast-radius/export" class="stack" enctype="multipart/form-data">
              {AntiforgeryField(http)}
              <label for="file">{T(http, "ファイル", "File")}</label><input id="file" name="file" type="file">
              <label for="sha256">{T(http, "またはSHA-256", "or its SHA-256")}</label><input id="sha256" name="sha256" maxlength="64" minlength="64" value="{Typed("blast-radius/export", "sha256")}">
              <label for="exportKind">{T(http, "または種類", "or the kind")}</label>
              <select id="exportKind" name="exportKind"><option value="provision">{T(http, "第三者提供", "Provision")}</option><option value="disclosure"{Selected(Typed("blast-radius/export", "exportKind") == "disclosure")}>{T(http, "開示の回答", "Disclosure answer")}</option></select>
              <label for="exportId">{T(http, "とID（提供記録ID・請求ID）", "and id (provision record id, request id)")}</label><input id="exportId" name="exportId" maxlength="64" value="{Typed("blast-radius/export", "exportId")}">
              <button type="submit">{T(http, "監査ログを検証して特定する", "Verify the audit chain and trace")}</button>
            </form>
            """);
        Html documents = !d.Reportable ? H.F($"<p>{T(http, "報告義務がないため、報告書・通知は不要です。", "Not reportable: no report or notice is required.")}</p>") : H.F($"""
            <ul>
              <li><a href="/console/incidents/{id}/report?kind=preliminary">{T(http, "速報（下書き）", "Preliminary report (draft)")}</a> · <a href="/console/incidents/{id}/report.pdf?kind=preliminary">PDF</a></li>
              <li><a href="/console/incidents/{id}/report?kind=final">{T(http, "確報（下書き）", "Final report (draft)")}</a> · <a href="/console/incidents/{id}/report.pdf?kind=final">PDF</a></li>
              <li><a href="/console/incidents/{id}/notice">{T(http, "本人への通知", "Notice to the persons")}</a> · <a href="/console/incidents/{id}/notice.pdf">{T(http, "PDF（郵送用）", "PDF (for letters)")}</a></li>
              <li><a href="/console/incidents/{id}/announcement">{T(http, "公表文（本人への通知が困難な場合）", "Public announcement (where notice is impracticable)")}</a></li>
            </ul>
            {(!manage || subjects.Count == 0 ? default : pending == 0 ? H.F($"<p>{T(http, "影響を受けた本人全員に通知済みです。", "Every affected person has been notified.")}</p>") : H.F($"""
            <form method="post" action="/console/incidents/{id}/notices" class="stack" data-confirm="{(sends
                ? T(http, $"未通知の本人 {pending:N0} 人に通知メールを送信します（メールアドレスのない本人を除く）。送信は取り消せません。よろしいですか？",
                    $"Send the breach notice by email to the {pending:N0} persons not yet notified (those with an address)? This cannot be undone.")
                : T(http, $"未通知の本人 {pending:N0} 人宛ての通知をファイルに出力します（SMTP 未設定のためメールは送信されません）。よろしいですか？",
                    $"Write the notice for the {pending:N0} persons not yet notified to files (no SMTP host is set, so no email is sent)?"))}">{AntiforgeryField(http)}
            <p>{(sends
                ? T(http, $"未通知の本人 {pending:N0} 人に、保管中のメールアドレスへ通知を送ります（送信キュー経由）。", $"Send the notice to the {pending:N0} persons not yet notified, at their stored email addresses (through the outbox).")
                : T(http, $"未通知の本人 {pending:N0} 人宛ての通知を、保管中のメールアドレス宛てのファイルとして出力します。SMTP が設定されていないため、メールは送信されません。", $"Write the notice for the {pending:N0} persons not yet notified as files addressed to their stored email addresses. No SMTP host is set, so no email is sent."))}</p>
            <button type="submit">{T(http, "本人へ通知する", "Notify the persons")}</button></form>
            """))}
            """);
        // Recording a report or closing cannot be taken back: each form says what it records before it is sent.
        Html StatusButton(string value, string ja, string en, (string Ja, string En)? confirm = null) => confirm is { } c ? H.F($"""
            <form method="post" action="/console/incidents/{id}/status" class="inline" data-confirm="{T(http, c.Ja, c.En)}">{AntiforgeryField(http)}<input type="hidden" name="status" value="{value}"><button type="submit" class="secondary">{T(http, ja, en)}</button></form>
            """) : H.F($"""
            <form method="post" action="/console/incidents/{id}/status" class="inline">{AntiforgeryField(http)}<input type="hidden" name="status" value="{value}"><button type="submit" class="secondary">{T(http, ja, en)}</button></form>
            """);
        (string Ja, string En) Sent(string ja, string en) => (
            $"個人情報保護委員会に{ja}を提出したことを記録します。提出日時は記録した時点の日時になり、後から変更できません。よろしいですか？",
            $"Record that the {en} was sent to the PPC? The time recorded is the time you confirm, and it cannot be changed later.");
        var finalOpen = d.Reportable && incident.FinalReportedAt is null;
        var missing = finalOpen ? IncidentDocuments.MissingForFinal(incident, d, http.RequestServices.GetRequiredService<IOptions<IncidentSettings>>().Value.TimeZone) : [];
        var closeConfirm = (Ja: "このインシデントを終了します。終了すると事実を変更できなくなります（再開はできます）。よろしいですか？",
            En: "Close this incident? Its facts can no longer be changed (it can be reopened).");
        if (finalOpen) closeConfirm = ("確報の提出がまだ記録されていません。" + closeConfirm.Ja, "The final report is not recorded as sent yet. " + closeConfirm.En);
        // The final report is recorded only once every item is written and the preliminary report is on record (SetStatusAsync): say what is missing instead.
        Html finalBlocked = !finalOpen ? default
            : missing.Count > 0 ? H.F($"""<p class="muted">{T(http, $"確報の提出を記録するには、次の事項を記入してください: {string.Join("、", missing.Select(k => IncidentDocuments.MissingName(k).Ja))}。",
                $"To record the final report as sent, fill in: {string.Join("; ", missing.Select(k => IncidentDocuments.MissingName(k).En))}.")} <a href="/console/incidents/{id}/edit">{T(http, "事実を編集する", "Edit the facts")}</a></p>""")
            : incident.PreliminaryReportedAt is null ? H.F($"""<p class="muted">{T(http, "確報の提出は、速報の提出を記録してから記録できます（1回の報告で兼ねた場合も両方を記録します）。", "The final report can be recorded once the preliminary report is (where one report served as both, record both).")}</p>""")
            : default;
        Html status = !manage ? default : H.F($"""
            <div class="buttons">
            {(d.Reportable && incident.PreliminaryReportedAt is null ? StatusButton("preliminary-reported", "速報を提出した", "Preliminary report sent", Sent("速報", "preliminary report")) : default)}
            {(finalOpen && missing.Count == 0 && incident.PreliminaryReportedAt is not null ? StatusButton("final-reported", "確報を提出した", "Final report sent", Sent("確報", "final report")) : default)}
            {(incident.Status != IncidentStatus.Closed ? StatusButton("closed", "終了する", "Close", closeConfirm) : StatusButton("open", "再開する", "Reopen"))}
            </div>
            {finalBlocked}
            """);
        Html timelineForm = !manage ? default : H.F($"""
            <form method="post" action="/console/incidents/{id}/timeline" class="stack">
              {AntiforgeryField(http)}
              <label for="tl-kind">{T(http, "種類", "Kind")}</label>
              <select id="tl-kind" name="kind">{Html.Join(new[] { "note", "measure", "contact", "finding" }.Select(k => H.F($"<option value=\"{k}\"{Selected(Typed("timeline", "kind") == k)}>{Name(http, IncidentTexts.TimelineKindName(k))}</option>")))}</select>
              <label for="tl-text">{T(http, "内容", "Text")}</label><textarea id="tl-text" name="text" rows="3" required maxlength="20000">{TextareaValue(Typed("timeline", "text"))}</textarea>
              <button type="submit">{T(http, "記録する", "Add")}</button>
            </form>
            """);
        return Layout(http, incident.Title, H.F($"""
            <h1>{incident.Title}</h1>
            {notice}{err}
            <dl>
              <dt>{T(http, "状況", "Status")}</dt><dd>{StatusName(http, incident.Status)}</dd>
              <dt>{T(http, "事態・原因", "Kind / cause")}</dt><dd>{KindName(http, incident.Kind)} / {CauseName(http, incident.Cause)}</dd>
              <dt>{T(http, "認識した日時", "Became aware")}</dt><dd>{Jst(incident.DiscoveredAt)} JST</dd>
              <dt>{T(http, "本人の数（確認済み）", "Persons (established)")}</dt><dd>{(incident.PersonsKnown?.ToString("N0", Inv) ?? T(http, "調査中", "to be determined"))}{(incident.PersonsUpperBound is { } ub ? $" ({T(http, "上限", "upper bound")} {ub.ToString("N0", Inv)})" : "")}</dd>
              {(incident.BlastPersons is not { } found ? default : H.F($"""<dt>{T(http, "本人の数（影響範囲の算定）", "Persons (blast radius)")}</dt><dd>{found.ToString("N0", Inv)} — {T(http, $"判定には多い方の {facts.PersonsForThreshold.ToString("N0", Inv)} 人を用います", $"the decision uses the larger, {facts.PersonsForThreshold.ToString("N0", Inv)}")}</dd>"""))}
              <dt>{T(http, "データ項目", "Categories")}</dt><dd>{categories(incident.Categories)}</dd>
              <dt>{T(http, "事実", "Facts")}</dt><dd>{string.Join(", ", new[] { (facts.InvolvesSpecialCare, T(http, "要配慮", "special care") + Via(facts.SpecialCareCategories)),
                  (facts.InvolvesPropertyDamageRisk, T(http, "財産的被害のおそれ", "property damage risk") + Via(facts.PaymentCardCategories)),
                  (incident.Suspected, T(http, "おそれ", "suspected")), (incident.EncryptedKeysSafe, T(http, "暗号化・鍵安全", "encrypted, key safe")),
                  (facts.InvolvesMyNumber, T(http, "個人番号", "My Number") + Via(facts.MyNumberCategories)),
                  (incident.PubliclyExposed, T(http, "公開", "publicly exposed")) }.Where(x => x.Item1).Select(x => x.Item2))}</dd>
            </dl>
            {(manage ? H.F($"""<p><a href="/console/incidents/{id}/edit">{T(http, "事実を編集する", "Edit the facts")}</a></p>""") : default)}
            {status}
            <section aria-labelledby="decision-h"><h2 id="decision-h">{T(http, "報告義務の判定（法26条）", "Reportability (APPI Art.26)")}</h2>
            <p class="big">{(d.Reportable ? T(http, "個人情報保護委員会への報告・本人への通知が必要です", "Report to the PPC and notice to the persons required") : T(http, "報告義務はありません", "Not reportable"))}</p>
            {reasons}{exemption}{deadlines}
            <p class="muted">{T(http, "日付は日本時間。期間は認識した日を1日目として数えます。", "Dates in Japan time; periods count the day of awareness as day 1.")}</p></section>
            <section aria-labelledby="blast-h"><h2 id="blast-h">{T(http, "影響範囲（監査ログから）", "Blast radius (from the audit chain)")}</h2>{blast}{blastForms}</section>
            <section aria-labelledby="docs-h"><h2 id="docs-h">{T(http, "報告書・通知", "Reports and notices")}</h2>{documents}</section>
            <section aria-labelledby="tl-h"><h2 id="tl-h">{T(http, "経過", "Timeline")}</h2>
            <ol>{timeline.Select(t => H.F($"<li><time datetime=\"{t.Time.ToString("O", Inv)}\">{Jst(t.Time)}</time> [{Name(http, IncidentTexts.TimelineKindName(t.Kind))}] <span class=\"pre\">{T(http, t.Text, t.TextEn ?? t.Text)}</span> <span class=\"muted\" title=\"{t.Actor}\">{actorName(t.Actor)}</span></li>"))}</ol>
            {timelineForm}</section>
            <p><a href="/console/incidents">{T(http, "一覧へ", "To the list")}</a></p>
            """));
    }

    private static Html ReportPage(HttpContext http, Incident incident, PpcReport r) => Layout(http, r.TitleJa, H.F($"""
        <p class="warning">下書き（個人情報保護委員会への提出前に内容を確認してください） / Draft</p>
        <h1 lang="ja">{r.TitleJa}</h1>
        <p lang="en">{r.TitleEn}</p>
        <table lang="ja"><tbody>
        <tr><th scope="row">報告者（事業者名）</th><td>{r.Business.Name}</td></tr>
        <tr><th scope="row">住所</th><td>{r.Business.Address ?? IncidentDocuments.Unstated}</td></tr>
        <tr><th scope="row">代表者</th><td>{r.Business.Representative ?? IncidentDocuments.Unstated}</td></tr>
        <tr><th scope="row">事案を認識した日</th><td>{IncidentDocuments.JaDate(r.AwareDate)}</td></tr>
        {(r.PreliminaryDue is { } p ? H.F($"<tr><th scope=\"row\">速報の期限（目安）</th><td>{IncidentDocuments.JaDate(p)}</td></tr>") : default)}
        {(r.FinalDue is { } f ? H.F($"<tr><th scope=\"row\">確報の期限</th><td>{IncidentDocuments.JaDate(f)}</td></tr>") : default)}
        <tr><th scope="row">作成日時</th><td>{r.GeneratedAt.ToString("yyyy年M月d日 HH:mm", CultureInfo.GetCultureInfo("ja-JP"))}（日本時間）</td></tr>
        </tbody></table>
        <h2 lang="ja">報告事項（個人情報保護法施行規則8条1項）</h2>
        <table lang="ja"><tbody>
        {r.Items.Select(item => H.F($"""<tr><th scope="row">({item.Number}) {item.TitleJa}<br><small lang="en">{item.TitleEn}</small></th><td class="pre">{item.Content}</td></tr>"""))}
        </tbody></table>
        {(r.Missing.Count > 0 ? H.F($"""
            <p class="warning">確報に必要な未記入の事項 / Items still missing</p>
            <ul class="warning" lang="ja">{IncidentDocuments.MissingNames(r).Select(m => H.F($"""<li>{m.Ja} <small lang="en">{m.En}</small></li>"""))}</ul>
            {(Can(http, Permission.ManageIncidents) ? H.F($"""<p><a href="/console/incidents/{incident.Id}/edit">{T(http, "事実を編集して記入する", "Fill them in: edit the facts")}</a></p>""") : default)}
            """) : default)}
        <p><a href="/console/incidents/{incident.Id}/report.pdf?kind={r.Kind}">PDF</a> · <a href="/api/incidents/{incident.Id}/report?kind={r.Kind}&amp;format=json">JSON</a> · <a href="/console/incidents/{incident.Id}">{T(http, "インシデントへ戻る", "Back to the incident")}</a></p>
        """));

    private static Html NoticePage(HttpContext http, Incident incident, NoticeMessage n) => Layout(http, T(http, "本人への通知", "Notice to the persons"), H.F($"""
        <h1>{T(http, "本人への通知（法26条2項）", "Notice to the persons (APPI Art.26(2))")}</h1>
        <p class="muted">{T(http, "送信キューに入る内容そのものです。項目: 概要、個人データの項目、原因、二次被害又はそのおそれ、その他、お問い合わせ窓口。", "Exactly what the outbox sends. Items: summary, data items, cause, secondary damage or its risk, other matters, inquiry desk.")}</p>
        <h2>{T(http, "件名", "Subject")}</h2><p>{n.Subject}</p>
        <h2>{T(http, "本文", "Body")}</h2><div class="pre" lang="ja">{n.Body}</div>
        <p><a href="/console/incidents/{incident.Id}/notice.pdf">{T(http, "PDF（郵送用）", "PDF (for letters)")}</a> · <a href="/console/incidents/{incident.Id}">{T(http, "インシデントへ戻る", "Back to the incident")}</a></p>
        """));

    private static Html AnnouncementPage(HttpContext http, Incident incident, NoticeMessage n)
    {
        // The same items as the notice; only the heading and the opening change (L-11: where notice is impracticable).
        var body = n.Body.Split("----\n")[0];
        var lines = body.Split('\n').ToList();
        var opening = lines.Count > 2 ? lines[2] : "";
        var rest = string.Join('\n', lines.Skip(3)).Trim();
        return Layout(http, T(http, "公表文（下書き）", "Public announcement (draft)"), H.F($"""
            <p class="warning">{T(http, "下書き：本人への個別の通知が困難な場合に、ウェブサイト等で公表し問い合わせ窓口を設けます。", "Draft: where notice to each person is impracticable, publish this and keep the inquiry desk open.")}</p>
            <article lang="ja">
            <h1>{lines[0]}</h1>
            <p>{opening.Replace("ご迷惑とご心配", "関係する皆様に個別にご連絡することが困難なため、本ページにてお知らせいたします。ご迷惑とご心配", StringComparison.Ordinal)}</p>
            <div class="pre">{rest}</div>
            </article>
            <p><a href="/api/incidents/{incident.Id}/announcement">{T(http, "HTMLファイル（ウェブ掲載用）", "HTML file (for the website)")}</a> · <a href="/console/incidents/{incident.Id}">{T(http, "インシデントへ戻る", "Back to the incident")}</a></p>
            """));
    }

    private static Html NotReportablePage(HttpContext http, Incident incident) => Layout(http, T(http, "報告義務なし", "Not reportable"), H.F($"""
        <h1>{T(http, "報告義務はありません", "Not reportable")}</h1>
        <p>{T(http, "このインシデントは報告対象ではないため、報告書・通知は作成しません。", "This incident is not reportable, so there is no report or notice to draft.")} ({ErrorCodes.Format(ErrorCode.IncidentNotReportable)})</p>
        <p><a href="/console/incidents/{incident.Id}">{T(http, "インシデントへ戻る", "Back to the incident")}</a></p>
        """));

    private static IResult PdfOrPage(HttpContext http, Incident incident, IEnumerable<(Requests.PdfLineStyle, string)> lines, string title, string fileName)
    {
        var font = http.RequestServices.GetRequiredService<IOptions<Requests.RequestSettings>>().Value.PdfFont;
        var pdf = Requests.DisclosurePdf.Render(lines, title, font);
        if (pdf.Bytes is not null) return Results.File(pdf.Bytes, "application/pdf", fileName);
        return Result(Layout(http, "PDF", H.F($"""
            <h1>{T(http, "PDFを作成できません", "The PDF cannot be produced")}</h1>
            {Error($"{pdf.Problem} ({ErrorCodes.Format(ErrorCode.IncidentPdfUnavailable)})")}
            <p><a href="/console/incidents/{incident.Id}">{T(http, "インシデントへ戻る", "Back to the incident")}</a></p>
            """)), 503);
    }
}
