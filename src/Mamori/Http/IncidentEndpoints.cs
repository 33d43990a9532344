using Mamori.Auth;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Incidents;
using Mamori.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mamori.Http;

/// <summary>/api/incidents: 漏えい等 records, their reportability and deadlines, blast radius, draft reports and notices.</summary>
public static class IncidentEndpoints
{
    /// <summary>A ground; <c>categories</c> are the incident's data categories that bring it (the policy marks them special-care, My Number or payment-card data).</summary>
    public sealed record ReasonResponse(string Code, string Letter, string LawReference, string NameJa, string NameEn, string LawReferenceEn, IReadOnlyList<string> Categories);

    /// <summary><c>personsAssessed</c>: the number the person thresholds used, the largest of personsKnown, personsUpperBound and personsFromBlastRadius.</summary>
    public sealed record DecisionResponse(
        bool Reportable, IReadOnlyList<ReasonResponse> Reasons, string? Exemption, IReadOnlyList<string> SetAside, bool NotifyPersons, bool Suspected, long PersonsAssessed,
        DateOnly AwareDate, DateOnly? PreliminaryWarn, DateOnly? PreliminaryDue, int? FinalPeriodDays, DateOnly? FinalDue, DateOnly? FinalDueUnrolled,
        string? DeadlineState, DateOnly Today);

    /// <summary>
    /// One computation: a compromised actor (<c>actorKind</c>, <c>actorId</c>, <c>actorName</c> and a key's <c>actorPrefix</c>) and its window, or a
    /// <c>leakedExport</c> (<c>kind:id</c>). <c>persons</c> it found, <c>newPersons</c> of them not found by an earlier one; <c>verifiedEvents</c>
    /// are the audit events checked since the newest checkpoint.
    /// </summary>
    public sealed record BlastRadiusSummary(string? ActorKind, string? ActorId, string? ActorName, string? ActorPrefix, DateTimeOffset? From, DateTimeOffset? To,
        string? LeakedExport, DateTimeOffset ComputedAt, long EventsRead, long VerifiedEvents, long Persons, long NewPersons);

    /// <summary>
    /// <c>personsKnown</c> and <c>personsUpperBound</c> are what staff entered; <c>personsFromBlastRadius</c> the persons every blast radius together
    /// found (the union, <c>GET …/subjects</c>), kept beside them (a blast radius never lowers staff's count); <c>blastRadii</c> the computations, oldest first.
    /// </summary>
    public sealed record IncidentResponse(
        Guid Id, string Title, IncidentKind Kind, IncidentCause Cause, DateTimeOffset DiscoveredAt, string DiscoveredAtJst, IReadOnlyList<string> Categories,
        long? PersonsKnown, long? PersonsUpperBound, long? PersonsFromBlastRadius, bool SpecialCare, bool PropertyDamageRisk, bool Suspected, bool EncryptedKeysSafe, bool MyNumber,
        bool PubliclyExposed, string? Summary, string? CauseDetails, string? SecondaryDamage, string? PersonsResponse, string? Publication,
        string? Prevention, string? Measures, string? OtherNotes, string? ContactPoint, Guid? OwnerUserId, IncidentStatus Status,
        DateTimeOffset? PreliminaryReportedAt, DateTimeOffset? FinalReportedAt, DecisionResponse Decision, IReadOnlyList<BlastRadiusSummary> BlastRadii,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    /// <summary><c>text</c> is Japanese for entries Mamori wrote (<c>textEn</c> their English rendering), and as written for people's entries.</summary>
    public sealed record TimelineEntryResponse(Guid Id, DateTimeOffset Time, string TimeJst, string Actor, string Kind, string Text, string? TextEn);

    public sealed record AddTimelineEntryRequest(string Kind, string Text);

    public sealed record SetStatusRequest(IncidentStatus Status);

    public sealed record BlastRadiusRequest(ActorKindCode ActorKind, string ActorId, DateTimeOffset From, DateTimeOffset To);

    public sealed record BlastRadiusResponse(IncidentResponse Incident, int SubjectCount, IReadOnlyList<string> Categories, long EventsRead, long VerifiedEvents);

    public sealed record SubjectsResponse(Guid IncidentId, int Count, IReadOnlyList<string> SubjectIds);

    /// <summary>A leaked export: the file's SHA-256 (hex), or the export's kind (<c>provision</c>, <c>disclosure</c>) and id.</summary>
    public sealed record ExportBlastRadiusRequest(string? Sha256 = null, string? ExportKind = null, string? ExportId = null);

    public sealed record ExportBlastRadiusResponse(IncidentResponse Incident, string ExportKind, string ExportId, IReadOnlyList<string> Formats, int SubjectCount,
        IReadOnlyList<string> Categories, long FirstSequence, long LastSequence, long VerifiedEvents);

    public sealed record NoticeRunResponse(int Queued, int AlreadyNotified, int Unreachable, int Total, bool AnnouncementAdvised);

    public static RouteGroupBuilder MapIncidents(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/incidents").WithTags("Incidents");

        g.MapPost("/", async (IncidentInput body, HttpContext http, IncidentRegistry incidents) =>
        {
            var incident = await incidents.CreateAsync(body, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/incidents/{incident.Id}", ToResponse(incidents.View(incident), Zone(http)));
        }).RequirePermission(Permission.ManageIncidents).WithSummary("Open an incident; the reportability decision and due dates come back.");

        g.MapGet("/", async (IncidentRegistry incidents, HttpContext http, string? due, string? status) =>
        {
            var filter = (due, status) switch
            {
                (null or "", null or "" or "all") => IncidentFilter.All,
                (null or "", "open") => IncidentFilter.Open,
                ("soon", _) => IncidentFilter.DueSoon,
                ("overdue", _) => IncidentFilter.Overdue,
                _ => throw MamoriException.Invalid("due is 'soon' or 'overdue'; status is 'open' or 'all'."),
            };
            var list = await incidents.ListAsync(filter, http.RequestAborted);
            UnreadableReport.Mark(http, list.Unreadable);
            return TypedResults.Ok(list.Items.Select(v => ToResponse(v, Zone(http))).ToArray());
        }).RequirePermission(Permission.ReadIncidents)
            .WithSummary("List incidents; ?due=soon|overdue for the dashboard, ?status=open. An incident this version cannot read is left out and named in the Mamori-Unreadable header (MAMORI-1114).");

        g.MapGet("/{id:guid}", async (Guid id, IncidentRegistry incidents, HttpContext http) =>
            TypedResults.Ok(ToResponse(incidents.View(await incidents.GetAsync(id, http.RequestAborted)), Zone(http))))
            .RequirePermission(Permission.ReadIncidents).WithSummary("One incident with its decision and deadlines (JST).");

        g.MapPut("/{id:guid}", async (Guid id, IncidentInput body, HttpContext http, IncidentRegistry incidents) =>
        {
            var incident = await incidents.UpdateFactsAsync(id, body, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(incidents.View(incident), Zone(http)));
        }).RequirePermission(Permission.ManageIncidents).WithSummary("Replace the facts; reportability and due dates are recomputed.");

        g.MapPost("/{id:guid}/status", async (Guid id, SetStatusRequest body, HttpContext http, IncidentRegistry incidents) =>
        {
            var incident = await incidents.SetStatusAsync(id, body.Status, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(incidents.View(incident), Zone(http)));
        }).RequirePermission(Permission.ManageIncidents).WithSummary("Record the preliminary or final report as sent, or close the incident.");

        g.MapGet("/{id:guid}/timeline", async (Guid id, IncidentRegistry incidents, HttpContext http) =>
        {
            await incidents.GetAsync(id, http.RequestAborted);
            var zone = Zone(http);
            return TypedResults.Ok((await incidents.TimelineAsync(id, http.RequestAborted)).Select(t => ToResponse(t, zone)).ToArray());
        }).RequirePermission(Permission.ReadIncidents).WithSummary("The incident's timeline, oldest first.");

        g.MapPost("/{id:guid}/timeline", async (Guid id, AddTimelineEntryRequest body, HttpContext http, IncidentRegistry incidents) =>
        {
            var entry = await incidents.AddTimelineEntryAsync(id, body.Kind, body.Text, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/incidents/{id}/timeline", ToResponse(entry, Zone(http)));
        }).RequirePermission(Permission.ManageIncidents).WithSummary("Add a timeline entry (note, measure, contact…).");

        g.MapPost("/{id:guid}/blast-radius", async (Guid id, BlastRadiusRequest body, HttpContext http, IncidentRegistry incidents) =>
        {
            var (incident, result, _) = await incidents.ComputeBlastRadiusAsync(id,
                new BlastRadiusQuery(body.ActorKind, body.ActorId, body.From, body.To), http.Actor(), http.RequestAborted);
            return TypedResults.Ok(new BlastRadiusResponse(ToResponse(incidents.View(incident), Zone(http)), result.Subjects.Count, result.Categories,
                result.EventsRead, result.VerifiedEvents));
        }).RequirePermission(Permission.ManageIncidents)
            .WithSummary("Verify the audit chain, then record the subjects and categories a compromised user or API key read in a window. " +
                         "actorId: a key's id or prefix (mk_xxxx_), a user's id or sign-in address; one the tenant does not have is refused (MAMORI-6012).");

        g.MapPost("/{id:guid}/blast-radius/export", async (Guid id, ExportBlastRadiusRequest body, HttpContext http, IncidentRegistry incidents) =>
        {
            var (incident, c) = await incidents.ComputeExportBlastRadiusAsync(id, new ExportQuery(body.Sha256, body.ExportKind, body.ExportId), http.Actor(), http.RequestAborted);
            return TypedResults.Ok(new ExportBlastRadiusResponse(ToResponse(incidents.View(incident), Zone(http)), c.ExportKind, c.ExportId, c.Formats,
                c.Subjects.Count, c.Categories, c.FirstSequence, c.LastSequence, c.VerifiedEvents));
        }).RequirePermission(Permission.ManageIncidents)
            .WithSummary("Verify the audit chain, then record who and which categories a leaked export file contained (by its SHA-256, or by export kind and id).");

        g.MapPost("/{id:guid}/notices", async (Guid id, HttpContext http, IncidentNotices notices) =>
        {
            var run = await notices.QueueAsync(id, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(new NoticeRunResponse(run.Queued, run.AlreadyNotified, run.Unreachable, run.Total, run.AnnouncementAdvised));
        }).RequirePermission(Permission.ManageIncidents)
            .WithSummary("Queue the notice to every affected person not yet notified (email from the vault) through the outbox.");

        g.MapGet("/{id:guid}/subjects", async (Guid id, IncidentRegistry incidents, HttpContext http) =>
        {
            await incidents.GetAsync(id, http.RequestAborted);
            var ids = await incidents.SubjectsAsync(id, http.RequestAborted);
            return TypedResults.Ok(new SubjectsResponse(id, ids.Count, ids));
        }).RequirePermission(Permission.ReadIncidents).WithSummary("The affected subjects' ids: every blast radius of the incident together.");

        g.MapGet("/{id:guid}/report", async (Guid id, string? kind, string? format, HttpContext http, IncidentRegistry incidents, IncidentNotices notices) =>
        {
            var reportKind = ReportKindOf(kind);
            var f = format is null or "" ? "json" : format;
            if (f is not ("json" or "html" or "pdf")) throw new MamoriException(ErrorCode.IncidentInvalidDocument, "format is 'json', 'html' or 'pdf'.");
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            var report = IncidentDocuments.Report(incident, incidents.Decide(incident.Facts), reportKind, await notices.BusinessAsync(http.RequestAborted),
                http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), Zone(http));
            return f switch
            {
                "html" => Results.Content(IncidentDocuments.ReportHtml(report), "text/html; charset=utf-8"),
                "pdf" => Pdf(http, IncidentDocuments.ReportLines(report), report.TitleJa, $"incident-{id}-{report.Kind}-report.pdf"),
                _ => Results.Json(report),
            };
        }).RequirePermission(Permission.ReadIncidents).WithSummary("Draft PPC report (速報/確報) with every item of Rules Art. 8(1), in Japanese: ?kind=preliminary|final&format=json|html|pdf.");

        g.MapGet("/{id:guid}/notice", async (Guid id, string? format, HttpContext http, IncidentRegistry incidents, IncidentNotices notices) =>
        {
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            var notice = await notices.NoticeAsync(incident, http.RequestAborted);
            return format switch
            {
                null or "" or "json" => Results.Json(notice),
                "text" => Results.Text(notice.Subject + "\n\n" + notice.Body, "text/plain; charset=utf-8"),
                "pdf" => Pdf(http, IncidentDocuments.NoticeLines(notice), notice.Subject, $"incident-{id}-notice.pdf"),
                _ => throw new MamoriException(ErrorCode.IncidentInvalidDocument, "format is 'json', 'text' or 'pdf'."),
            };
        }).RequirePermission(Permission.ReadIncidents).WithSummary("The notice to affected persons (Art.26(2), Rules Art.10), as queued in the outbox; PDF for letters.");

        g.MapGet("/{id:guid}/announcement", async (Guid id, HttpContext http, IncidentRegistry incidents, IncidentNotices notices) =>
        {
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            var decision = incidents.Decide(incident.Facts);
            if (!decision.NotifyPersons)
                throw new MamoriException(ErrorCode.IncidentNotReportable, "The incident is not reportable; no announcement is required.", 409);
            return Results.Content(IncidentDocuments.AnnouncementHtml(incident, decision, await notices.BusinessAsync(http.RequestAborted), Zone(http)), "text/html; charset=utf-8");
        }).RequirePermission(Permission.ReadIncidents).WithSummary("Draft public announcement (HTML) for when notice to each person is impracticable.");
        return api;
    }

    internal static ReportKind ReportKindOf(string? kind) => kind switch
    {
        null or "" or "preliminary" => ReportKind.Preliminary,
        "final" => ReportKind.Final,
        _ => throw new MamoriException(ErrorCode.IncidentInvalidDocument, "kind is 'preliminary' or 'final'."),
    };

    /// <summary>Renders lines with the requests feature's PDF writer (Japanese TrueType font, subset); 503 without a font.</summary>
    internal static IResult Pdf(HttpContext http, IEnumerable<(Requests.PdfLineStyle Style, string Text)> lines, string title, string fileName)
    {
        var font = http.RequestServices.GetRequiredService<IOptions<Requests.RequestSettings>>().Value.PdfFont;
        var pdf = Requests.DisclosurePdf.Render(lines, title, font);
        if (pdf.Bytes is null) throw new MamoriException(ErrorCode.IncidentPdfUnavailable, pdf.Problem ?? "The PDF could not be produced.", 503);
        return Results.File(pdf.Bytes, "application/pdf", fileName);
    }

    private static TimeZoneInfo Zone(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<IncidentSettings>>().Value.TimeZone;

    private static string Jst(DateTimeOffset t, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    private static TimelineEntryResponse ToResponse(IncidentTimelineEntry t, TimeZoneInfo zone) => new(t.Id, t.Time, Jst(t.Time, zone), t.Actor, t.Kind, t.Text, t.TextEn);

    internal static IncidentResponse ToResponse(IncidentView v, TimeZoneInfo zone)
    {
        var i = v.Incident;
        var d = v.Decision;
        var facts = i.Facts;
        var decision = new DecisionResponse(d.Reportable,
            [.. d.ReasonInfos.Select(r => new ReasonResponse(r.Code, r.Letter, r.LawReference, r.NameJa, r.NameEn, r.LawReferenceEn, facts.CategoriesFor(r.Reason)))],
            d.Exemption?.Code(), [.. d.SetAside.Select(r => r.Code())], d.NotifyPersons, d.Suspected, facts.PersonsForThreshold, i.AwareDate,
            d.Deadlines?.PreliminaryWarn, d.Deadlines?.PreliminaryDue, d.Deadlines?.FinalPeriodDays, d.Deadlines?.FinalDue, d.Deadlines?.FinalDueUnrolled,
            v.State is { } s ? IncidentRegistry.Kebab(s) : null, v.Today);
        var blast = i.BlastRadii.Select(r => new BlastRadiusSummary(r.ActorKind is { } kind ? IncidentRegistry.Kebab(kind) : null, r.ActorId, r.ActorName, r.ActorPrefix,
            r.From, r.To, r.LeakedExport, r.ComputedAt, r.EventsRead, r.VerifiedEvents, r.Persons, r.NewPersons)).ToList();
        return new IncidentResponse(i.Id, i.Title, i.Kind, i.Cause, i.DiscoveredAt, Jst(i.DiscoveredAt, zone), i.Categories, i.PersonsKnown, i.PersonsUpperBound, i.BlastPersons,
            i.SpecialCare, i.PropertyDamageRisk, i.Suspected, i.EncryptedKeysSafe, i.MyNumber, i.PubliclyExposed, i.Summary, i.CauseDetails,
            i.SecondaryDamage, i.PersonsResponse, i.Publication, i.Prevention, i.Measures, i.OtherNotes, i.ContactPoint, i.OwnerUserId, i.Status,
            i.PreliminaryReportedAt, i.FinalReportedAt, decision, blast, i.CreatedAt, i.UpdatedAt);
    }
}
