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
    public sealed record ReasonResponse(string Code, string Letter, string LawReference, string NameJa, string NameEn);

    public sealed record DecisionResponse(
        bool Reportable, IReadOnlyList<ReasonResponse> Reasons, string? Exemption, IReadOnlyList<string> SetAside, bool NotifyPersons, bool Suspected,
        DateOnly AwareDate, DateOnly? PreliminaryWarn, DateOnly? PreliminaryDue, int? FinalPeriodDays, DateOnly? FinalDue, DateOnly? FinalDueUnrolled,
        string? DeadlineState, DateOnly Today);

    public sealed record BlastRadiusSummary(string ActorKind, string ActorId, DateTimeOffset From, DateTimeOffset To, DateTimeOffset ComputedAt, long EventsRead, long VerifiedEvents);

    public sealed record IncidentResponse(
        Guid Id, string Title, IncidentKind Kind, IncidentCause Cause, DateTimeOffset DiscoveredAt, string DiscoveredAtJst, IReadOnlyList<string> Categories,
        long? PersonsKnown, long? PersonsUpperBound, bool SpecialCare, bool PropertyDamageRisk, bool Suspected, bool EncryptedKeysSafe, bool MyNumber,
        bool PubliclyExposed, string? Summary, string? CauseDetails, string? SecondaryDamage, string? PersonsResponse, string? Publication,
        string? Prevention, string? Measures, string? OtherNotes, string? ContactPoint, Guid? OwnerUserId, IncidentStatus Status,
        DateTimeOffset? PreliminaryReportedAt, DateTimeOffset? FinalReportedAt, DecisionResponse Decision, BlastRadiusSummary? BlastRadius,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    public sealed record TimelineEntryResponse(Guid Id, DateTimeOffset Time, string TimeJst, string Actor, string Kind, string Text);

    public sealed record AddTimelineEntryRequest(string Kind, string Text);

    public sealed record SetStatusRequest(IncidentStatus Status);

    public sealed record BlastRadiusRequest(ActorKindCode ActorKind, string ActorId, DateTimeOffset From, DateTimeOffset To);

    public sealed record BlastRadiusResponse(IncidentResponse Incident, int SubjectCount, IReadOnlyList<string> Categories, long EventsRead, long VerifiedEvents);

    public sealed record SubjectsResponse(Guid IncidentId, int Count, IReadOnlyList<string> SubjectIds);

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
            return TypedResults.Ok(list.Select(v => ToResponse(v, Zone(http))).ToArray());
        }).RequirePermission(Permission.ReadIncidents).WithSummary("List incidents; ?due=soon|overdue for the dashboard, ?status=open.");

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
            var (incident, result) = await incidents.ComputeBlastRadiusAsync(id,
                new BlastRadiusQuery(body.ActorKind, body.ActorId, body.From, body.To), http.Actor(), http.RequestAborted);
            return TypedResults.Ok(new BlastRadiusResponse(ToResponse(incidents.View(incident), Zone(http)), result.Subjects.Count, result.Categories,
                result.EventsRead, result.VerifiedEvents));
        }).RequirePermission(Permission.ManageIncidents)
            .WithSummary("Verify the audit chain, then record the subjects and categories a compromised user or API key read in a window.");

        g.MapGet("/{id:guid}/subjects", async (Guid id, IncidentRegistry incidents, HttpContext http) =>
        {
            await incidents.GetAsync(id, http.RequestAborted);
            var ids = await incidents.SubjectsAsync(id, http.RequestAborted);
            return TypedResults.Ok(new SubjectsResponse(id, ids.Count, ids));
        }).RequirePermission(Permission.ReadIncidents).WithSummary("The affected subjects' ids from the last blast radius.");

        g.MapGet("/{id:guid}/report", async (Guid id, string? kind, string? format, HttpContext http, IncidentRegistry incidents, MamoriDbContext db) =>
        {
            var reportKind = kind switch
            {
                null or "" or "preliminary" => ReportKind.Preliminary,
                "final" => ReportKind.Final,
                _ => throw new MamoriException(ErrorCode.IncidentInvalidDocument, "kind is 'preliminary' or 'final'."),
            };
            var html = Format(format);
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            var report = IncidentDocuments.Report(incident, incidents.Decide(incident.Facts), reportKind, await BusinessAsync(db, http.RequestAborted),
                http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), Zone(http));
            return html ? Results.Content(IncidentDocuments.ReportHtml(report), "text/html; charset=utf-8") : Results.Json(report);
        }).RequirePermission(Permission.ReadIncidents).WithSummary("Draft PPC report (速報/確報) with every item of Rules Art. 8(1), in Japanese: ?kind=preliminary|final&format=json|html.");

        g.MapGet("/{id:guid}/notice", async (Guid id, string? format, HttpContext http, IncidentRegistry incidents, MamoriDbContext db) =>
        {
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            var decision = incidents.Decide(incident.Facts);
            if (!decision.NotifyPersons)
                throw new MamoriException(ErrorCode.IncidentNotReportable, "The incident is not reportable; the law requires no notice to persons.", 409);
            var notice = IncidentDocuments.PersonNotice(incident, decision, await BusinessAsync(db, http.RequestAborted), Zone(http));
            return format switch
            {
                null or "" or "json" => Results.Json(notice),
                "text" => Results.Text(notice.Subject + "\n\n" + notice.Body, "text/plain; charset=utf-8"),
                _ => throw new MamoriException(ErrorCode.IncidentInvalidDocument, "format is 'json' or 'text'."),
            };
        }).RequirePermission(Permission.ReadIncidents).WithSummary("The notice to affected persons (L-11 items), ready for the outbox.");

        g.MapGet("/{id:guid}/announcement", async (Guid id, HttpContext http, IncidentRegistry incidents, MamoriDbContext db) =>
        {
            var incident = await incidents.GetAsync(id, http.RequestAborted);
            var decision = incidents.Decide(incident.Facts);
            if (!decision.NotifyPersons)
                throw new MamoriException(ErrorCode.IncidentNotReportable, "The incident is not reportable; no announcement is required.", 409);
            return Results.Content(IncidentDocuments.AnnouncementHtml(incident, decision, await BusinessAsync(db, http.RequestAborted), Zone(http)), "text/html; charset=utf-8");
        }).RequirePermission(Permission.ReadIncidents).WithSummary("Draft public announcement (HTML) for when notice to each person is impracticable.");
        return api;
    }

    private static bool Format(string? format) => format switch
    {
        null or "" or "json" => false,
        "html" => true,
        _ => throw new MamoriException(ErrorCode.IncidentInvalidDocument, "format is 'json' or 'html'."),
    };

    private static async Task<ReportingBusiness> BusinessAsync(MamoriDbContext db, CancellationToken ct)
    {
        var tenantId = db.CurrentTenantId;
        var name = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        return new ReportingBusiness(name ?? "");
    }

    private static TimeZoneInfo Zone(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<IncidentSettings>>().Value.TimeZone;

    private static string Jst(DateTimeOffset t, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    private static TimelineEntryResponse ToResponse(IncidentTimelineEntry t, TimeZoneInfo zone) => new(t.Id, t.Time, Jst(t.Time, zone), t.Actor, t.Kind, t.Text);

    internal static IncidentResponse ToResponse(IncidentView v, TimeZoneInfo zone)
    {
        var i = v.Incident;
        var d = v.Decision;
        var decision = new DecisionResponse(d.Reportable,
            [.. d.ReasonInfos.Select(r => new ReasonResponse(r.Code, r.Letter, r.LawReference, r.NameJa, r.NameEn))],
            d.Exemption?.Code(), [.. d.SetAside.Select(r => r.Code())], d.NotifyPersons, d.Suspected, i.AwareDate,
            d.Deadlines?.PreliminaryWarn, d.Deadlines?.PreliminaryDue, d.Deadlines?.FinalPeriodDays, d.Deadlines?.FinalDue, d.Deadlines?.FinalDueUnrolled,
            v.State is { } s ? IncidentRegistry.Kebab(s) : null, v.Today);
        var blast = i.BlastComputedAt is { } at && i.CompromisedActorKind is { } kind
            ? new BlastRadiusSummary(IncidentRegistry.Kebab(kind), i.CompromisedActorId!, i.BlastFrom!.Value, i.BlastTo!.Value, at, i.BlastEventsRead ?? 0, i.BlastVerifiedEvents ?? 0)
            : null;
        return new IncidentResponse(i.Id, i.Title, i.Kind, i.Cause, i.DiscoveredAt, Jst(i.DiscoveredAt, zone), i.Categories, i.PersonsKnown, i.PersonsUpperBound,
            i.SpecialCare, i.PropertyDamageRisk, i.Suspected, i.EncryptedKeysSafe, i.MyNumber, i.PubliclyExposed, i.Summary, i.CauseDetails,
            i.SecondaryDamage, i.PersonsResponse, i.Publication, i.Prevention, i.Measures, i.OtherNotes, i.ContactPoint, i.OwnerUserId, i.Status,
            i.PreliminaryReportedAt, i.FinalReportedAt, decision, blast, i.CreatedAt, i.UpdatedAt);
    }
}
