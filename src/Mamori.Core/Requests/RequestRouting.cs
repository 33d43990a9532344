using Mamori.Governance.Organisation;
using Mamori.Policy;

namespace Mamori.Requests;

/// <summary>A department chosen for a new request, and the rule that chose it.</summary>
public sealed record RequestRoute(string DepartmentId, DepartmentRoute Rule, IReadOnlyList<string> Items);

/// <summary>
/// Routes a new request to the department that handles it (担当部門), from who answers for what on the organisation page. Only
/// where the answer is not in doubt: a request that several departments could handle, or none, stays unnamed for the privacy
/// office to route by hand, rather than sitting in the wrong department's queue.
/// <list type="number">
/// <item>A request about a service goes to the one department answering for any of that service's purposes or data categories.</item>
/// <item>Otherwise a request naming data categories (the items to correct, or to anonymise) goes to the one department answering
/// for any of them.</item>
/// </list>
/// Items nobody answers for yet, and departments that no longer exist, do not count.
/// </summary>
public static class RequestRouting
{
    public static RequestRoute? Route(PolicyModel model, IReadOnlyCollection<DataResponsibility> responsibilities, IReadOnlySet<string> departments,
        string? serviceId, RequesterDetails details)
    {
        if (responsibilities.Count == 0) return null;
        if (serviceId is not null && model.FindService(serviceId) is { } service)
        {
            var items = service.Purposes.Select(p => (ResponsibilityKind.Purpose, p.Id))
                .Concat(service.DataCategories.Select(c => (ResponsibilityKind.Category, c.Id)));
            if (OnlyDepartment(items) is { } byService) return new RequestRoute(byService, DepartmentRoute.Service, [serviceId]);
        }
        var declared = PolicyCategories.Of(model);
        var named = (details.Categories ?? []).Concat(details.Corrections?.Keys ?? []).Where(declared.Declares).Distinct(StringComparer.Ordinal).ToList();
        return OnlyDepartment(named.Select(c => (ResponsibilityKind.Category, c))) is { } byCategory
            ? new RequestRoute(byCategory, DepartmentRoute.Categories, named)
            : null;

        string? OnlyDepartment(IEnumerable<(ResponsibilityKind Kind, string Id)> items)
        {
            var found = items.Select(i => responsibilities.FirstOrDefault(r => r.Kind == i.Kind && r.ItemId == i.Id)?.DepartmentId)
                .Where(d => d is not null && departments.Contains(d)).Distinct(StringComparer.Ordinal).Take(2).ToList();
            return found.Count == 1 ? found[0] : null;
        }
    }
}
