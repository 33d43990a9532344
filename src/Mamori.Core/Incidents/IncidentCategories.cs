using Mamori.Policy;

namespace Mamori.Incidents;

/// <summary>
/// What the policy in force says about data categories, as incidents need it: which ids it declares (<see cref="Declared"/>, null
/// when none was published yet: nothing to check against), their names, and which are special-care (a ground by itself, Rules
/// Art. 7(i)), My Number (the My Number Act's grounds) or payment-card data (a risk of property damage, Rules Art. 7(ii)). An id the
/// company and a service both declare is flagged when any declaration flags it.
/// </summary>
public sealed class IncidentCategories
{
    private sealed record Flags(bool SpecialCare, bool MyNumber, bool PaymentCard);

    private readonly Dictionary<string, Flags> flags;

    private IncidentCategories(PolicyModel? model)
    {
        Declared = model is null ? null : PolicyCategories.Of(model);
        flags = model is null ? new(StringComparer.Ordinal)
            : model.DataCategories.Concat(model.Services.SelectMany(s => s.DataCategories))
                .GroupBy(c => c.Id, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new Flags(g.Any(c => c.SpecialCare), g.Any(c => c.MyNumber), g.Any(c => c.PaymentCard)), StringComparer.Ordinal);
    }

    public static IncidentCategories Of(PolicyModel? model) => new(model);

    /// <summary>The policy's categories; null when no policy was published yet.</summary>
    public PolicyCategories? Declared { get; }

    /// <summary>
    /// Records which of the incident's categories are special-care, My Number or payment-card data. An id the policy no longer
    /// declares keeps what was recorded for it: it was that kind of data when the incident was assessed.
    /// </summary>
    public void Apply(Incident incident)
    {
        incident.SpecialCareCategories = Flagged(incident, f => f.SpecialCare, incident.SpecialCareCategories);
        incident.MyNumberCategories = Flagged(incident, f => f.MyNumber, incident.MyNumberCategories);
        incident.PaymentCardCategories = Flagged(incident, f => f.PaymentCard, incident.PaymentCardCategories);
    }

    /// <summary>A category's name in Japanese and English; an undeclared id as it is.</summary>
    public (string Ja, string En) Name(string id) =>
        Declared is { } d ? (d.Name(id, NoticeLanguage.Ja), d.Name(id, NoticeLanguage.En)) : (id, id);

    private List<string> Flagged(Incident incident, Func<Flags, bool> flag, List<string> recorded) =>
        [.. incident.Categories.Where(id => flags.TryGetValue(id, out var f) ? flag(f) : recorded.Contains(id))];
}
