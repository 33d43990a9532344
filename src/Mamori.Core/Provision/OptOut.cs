using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Provision;

/// <summary>
/// Stopping opt-out provision at the person's request (Art.27(2), S-32): the stop takes effect at once,
/// for the very next provision. The person identifies themselves by e-mail or phone, matched through the
/// vault's blind index; the answer never says whether anything matched (no enumeration).
/// </summary>
public sealed class OptOutStops(MamoriDbContext db, AuditLog audit, KeyRingProvider keys, TimeProvider clock)
{
    /// <summary>Stops provision for every subject whose e-mail or phone matches. Returns nothing the person may see.</summary>
    public async Task RequestAsync(LookupKind kind, string value, string channel, CancellationToken ct = default)
    {
        if (kind is not (LookupKind.Email or LookupKind.Phone))
            throw new MamoriException(ErrorCode.InvalidOptOutStop, "Identify yourself by e-mail address or phone number.");
        if (value.Length > 254) throw new MamoriException(ErrorCode.InvalidOptOutStop, "The value is too long.");
        var normalized = BlindIndex.Normalize(kind, value);
        var hash = BlindIndex.Compute(keys.Current.BlindIndexKey, db.CurrentTenantId, kind, normalized);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ids = await db.Set<SubjectLookup>().Where(l => l.Kind == kind && l.Hash == hash).Select(l => l.SubjectId).Distinct().OrderBy(id => id).Take(100).ToListAsync(ct);
        // Tracked, not ExecuteUpdate: the rows are written after the audit append has locked the chain head, the order
        // every other audited change keeps (see StopSubjectAsync).
        var subjects = ids.Count == 0 ? [] : await db.Set<DataSubject>().Where(s => ids.Contains(s.Id)).ToListAsync(ct);
        foreach (var subject in subjects) subject.ProvisionStopped = true;
        var request = new ProvisionStopRequest { Id = Guid.CreateVersion7(now), At = now, Channel = channel, Stopped = subjects.Count };
        db.Add(request);
        var entries = ids.Select(id => new AuditEntry(AuditCode.ProvisionStopRequested, Actor.Anonymous, SubjectId: id.ToString(), TargetId: request.Id.ToString(), ReasonCode: channel)).ToList();
        if (entries.Count == 0) entries.Add(new AuditEntry(AuditCode.ProvisionStopRequested, Actor.Anonymous, TargetId: request.Id.ToString(), ReasonCode: channel));
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Staff record a stop for a known subject (a request by letter or at the desk).</summary>
    public async Task StopSubjectAsync(Guid subjectId, Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The subject's row is written by the audit append after it has locked the chain head, as a correction or an
        // erasure does. Updating it first (ExecuteUpdate) locked the two in the other order: on PostgreSQL a stop and a
        // correction of the same person at the same moment could deadlock (the fuzzer's one 500 on provision-stop).
        var subject = await db.Set<DataSubject>().FirstOrDefaultAsync(s => s.Id == subjectId, ct)
                      ?? throw new MamoriException(ErrorCode.SubjectNotFound, "There is no such subject.", 404);
        subject.ProvisionStopped = true;
        var request = new ProvisionStopRequest { Id = Guid.CreateVersion7(now), At = now, Channel = "staff", Stopped = 1 };
        db.Add(request);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.ProvisionStopRequested, actor, SubjectId: subjectId.ToString(), TargetId: request.Id.ToString(), ReasonCode: "staff"), ct);
        await tx.CommitAsync(ct);
    }
}

/// <summary>The L-13 items of one opt-out notice, as filed with the PPC (Rules 11).</summary>
public sealed record OptOutNotice(
    string? Service,
    LocalizedText? BusinessName,
    LocalizedText? BusinessAddress,
    LocalizedText? Representative,
    LocalizedText? ProvisionPurpose,
    IReadOnlyList<LocalizedText> Items,
    LocalizedText? ItemsNote,
    IReadOnlyList<LocalizedText> AcquisitionMethods,
    IReadOnlyList<string> DeliveryMethods,
    LocalizedText? Recipients,
    LocalizedText? StopOnRequest,
    LocalizedText? RequestMethod,
    LocalizedText? UpdateMethod,
    DateOnly? StartDate,
    DateOnly? PpcNotifiedOn,
    IReadOnlyList<string> Missing);

public static class OptOutNotices
{
    /// <summary>Every opt-out notice the policy declares (company-wide and per service), with the items still missing.</summary>
    public static IReadOnlyList<OptOutNotice> From(PolicyModel model)
    {
        var result = new List<OptOutNotice>();
        if (model.OptOut is { } company) result.Add(Build(model, model, null, company));
        foreach (var s in model.Services.Where(s => s.OptOut is not null))
            result.Add(Build(model, model.Resolve(s.Id), s.Id, s.OptOut!));
        return result;
    }

    private static OptOutNotice Build(PolicyModel model, IPolicyScope scope, string? service, OptOutProvision o)
    {
        var purpose = o.Purpose is null ? null : scope.Purposes.FirstOrDefault(p => p.Id == o.Purpose)?.Name;
        var items = o.Categories.Select(c => scope.DataCategories.FirstOrDefault(d => d.Id == c)?.Name ?? new LocalizedText(c)).ToList();
        var acquisition = o.AcquisitionMethods.Select(a => scope.AcquisitionMethods.FirstOrDefault(m => m.Id == a)?.Name ?? new LocalizedText(a)).ToList();
        var delivery = o.DeliveryMethods.Select(d => d switch
        {
            DeliveryMethod.Paper => "paper",
            DeliveryMethod.ElectronicTransmission => "electronic-transmission",
            DeliveryMethod.ExternalMedia => "external-media",
            _ => "server-access",
        }).ToList();
        var c = model.Company;
        var missing = new List<string>();
        if (c.LegalName is null) missing.Add("(1) name");
        if (c.Address is null) missing.Add("(1) address");
        if (c.Representative is null) missing.Add("(1) representative");
        if (purpose is null) missing.Add("(2) provision as a purpose");
        if (items.Count == 0) missing.Add("(3) items");
        if (acquisition.Count == 0) missing.Add("(4) how acquired");
        if (delivery.Count == 0) missing.Add("(5) method of provision");
        if (o.StopOnRequest is null) missing.Add("(6) stop on request");
        if (o.RequestMethod is null) missing.Add("(7) how requests are taken");
        if (o.UpdateMethod is null) missing.Add("(8) update method");
        if (o.StartDate is null) missing.Add("(9) start date");
        return new OptOutNotice(service, c.LegalName, c.Address, c.Representative, purpose, items, o.ItemsNote, acquisition, delivery, o.Recipients,
            o.StopOnRequest, o.RequestMethod, o.UpdateMethod, o.StartDate, o.PpcNotifiedOn, missing);
    }
}
