using Mamori.Access;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Notifications;
using Mamori.Policy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mamori.Incidents;

/// <summary>What one run of the notices did: queued, already sent before, and persons with no email address.</summary>
public sealed record NoticeRun(int Queued, int AlreadyNotified, int Unreachable, int Total)
{
    /// <summary>Some persons cannot be told by email: a letter (the notice PDF) or the public announcement is needed (L-11).</summary>
    public bool AnnouncementAdvised => Unreachable > 0;
}

/// <summary>
/// Sends the notice to persons (APPI 26(2), L-11: items (1), (2), (4), (5), (9) and the inquiry desk)
/// to every affected subject of a reportable incident through the outbox. Each address is read from
/// the vault through an access decision with the built-in purpose <see cref="DecisionRules.IncidentNotice"/>
/// (so every read is audited); the messages, the "notified" marks, a timeline entry and the audit event
/// commit together. Persons already notified are skipped, so a run can be repeated after a new blast radius: it tells only the
/// persons that computation added.
/// </summary>
public sealed class IncidentNotices(MamoriDbContext db, AuditLog audit, Subjects subjects, PolicyStore policies, Outbox outbox,
    IncidentRegistry incidents, IMailSink mail, IOptions<IncidentSettings> options, TimeProvider clock)
{
    public const string Template = "incident-notice";

    public async Task<ReportingBusiness> BusinessAsync(CancellationToken ct = default)
    {
        var tenantId = db.CurrentTenantId;
        var name = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        var current = await policies.CurrentAsync(ct);
        return ReportingBusiness.FromPolicy(current?.Model, name ?? "");
    }

    public async Task<NoticeMessage> NoticeAsync(Incident incident, CancellationToken ct = default)
    {
        var decision = incidents.Decide(incident.Facts);
        if (!decision.NotifyPersons)
            throw new MamoriException(ErrorCode.IncidentNotReportable, "The incident is not reportable; the law requires no notice to persons.", 409) { Reason = "notice" };
        return IncidentDocuments.PersonNotice(incident, decision, await BusinessAsync(ct), options.Value.TimeZone);
    }

    public async Task<NoticeRun> QueueAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        // Refused before any address is read for an incident that needs no notice; decided again on the committed incident below.
        await NoticeAsync(await incidents.GetAsync(id, ct), ct);
        var rows = await db.IncidentSubjects.AsNoTracking().Where(s => s.IncidentId == id).ToListAsync(ct);
        if (rows.Count == 0)
            throw new MamoriException(ErrorCode.IncidentNoAffectedSubjects,
                "No affected persons are recorded yet: compute the blast radius (of an actor or a leaked export) first.", 409);
        var current = await policies.RequireCurrentAsync(ct);
        var pending = rows.Where(r => r.NotifiedAt is null).ToList();

        // Addresses first (each read is its own audited decision), then one transaction for the messages.
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in pending)
        {
            if (!Guid.TryParse(row.SubjectId, out var subjectId)) continue;
            var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct);
            if (subject?.WrappedKey is null) continue;
            var scope = PolicyScopes.For(current.Model, subject.ServiceId);
            var emailCategories = scope.DataCategories.Where(c => BlindIndex.KindOf(c) == LookupKind.Email).Select(c => c.Id).ToList();
            var stored = await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == subjectId && emailCategories.Contains(f.Category))
                .Select(f => f.Category).OrderBy(c => c).ToListAsync(ct);
            if (stored.Count == 0) continue;
            try
            {
                var read = await subjects.ReadAsync(new DecisionRequest(subjectId, DecisionRules.IncidentNotice, stored, []), actor, ct);
                var to = read.Values.Where(kv => !read.Masked.GetValueOrDefault(kv.Key) && kv.Value.Contains('@')).Select(kv => kv.Value.Trim()).FirstOrDefault();
                if (to is not null) addresses[row.SubjectId] = to;
            }
            catch (MamoriException)
            {
                // Denied (e.g. erased meanwhile): counted as unreachable.
            }
        }

        var now = clock.GetUtcNow();
        // The incident is read again under the chain head's lock, as every change of it is: its facts may have changed since
        // the read above (another staff member, another server), and the notice is written from what is committed, or refused
        // when the incident no longer needs one.
        var (tx, incident) = await incidents.BeginChangeAsync(id, ct);
        await using var _ = tx;
        var notice = await NoticeAsync(incident, ct);
        var queued = 0;
        var toldMeanwhile = 0;
        foreach (var (subjectId, to) in addresses)
        {
            // A person is told once per incident: the mark is claimed only while still unset, so a run that overlaps this one
            // (a second click, another server) waits for it and then finds the person notified.
            var claimed = await db.IncidentSubjects.Where(s => s.IncidentId == id && s.SubjectId == subjectId && s.NotifiedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.NotifiedAt, now), ct);
            if (claimed == 0)
            {
                toldMeanwhile++;
                continue;
            }
            outbox.Enqueue(Template, notice.Subject, to, notice.Body, "incident:" + id);
            queued++;
        }
        var already = rows.Count - pending.Count + toldMeanwhile;
        var unreachable = pending.Count - queued - toldMeanwhile;
        incident.UpdatedAt = now;
        var text = IncidentTexts.NoticesQueued(queued, already, unreachable, mail.Sends);
        db.IncidentTimeline.Add(new IncidentTimelineEntry
        {
            Id = Guid.CreateVersion7(now), IncidentId = id, Time = now, Actor = actor.ToString(), Kind = "notice",
            Text = text.Ja, TextEn = text.En,
        });
        await audit.AppendAsync(db, new AuditEntry(AuditCode.IncidentNoticesQueued, actor, TargetId: id.ToString(), ReasonCode: $"queued-{queued}-unreachable-{unreachable}"), ct);
        await tx.CommitAsync(ct);
        return new NoticeRun(queued, already, unreachable, rows.Count);
    }
}
