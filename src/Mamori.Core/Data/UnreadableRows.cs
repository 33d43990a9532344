using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Data;

/// <summary>A row a list could not read: its id and the coded column holding a value this version does not know (MAMORI-1114).</summary>
public sealed record UnreadableRow(Guid Id, string Column);

/// <summary>
/// Lists that show the rows they can read. One row whose status, kind or cause a newer version wrote (or someone changed by hand)
/// failed the whole list with MAMORI-1114, hiding every other incident or request and its deadline. A single record's read still
/// refuses with MAMORI-1114; a list leaves the row out and names it, for the page or the API to mark.
/// </summary>
public static class UnreadableRows
{
    /// <summary>
    /// <paramref name="query"/>'s rows, and those it could not read. The query runs once as usual; only when a row fails are the
    /// rows read one by one (by <paramref name="id"/>, in the query's order) to tell the others from it.
    /// </summary>
    public static async Task<(List<T> Rows, List<UnreadableRow> Unreadable)> ToListMarkingUnreadableAsync<T>(
        this IQueryable<T> query, Expression<Func<T, Guid>> id, CancellationToken ct = default)
    {
        try
        {
            return (await query.ToListAsync(ct), []);
        }
        catch (Exception e) when (Unknown(e) is not null)
        {
            // Read one by one below.
        }
        var ids = await query.Select(id).ToListAsync(ct);
        var rows = new List<T>(ids.Count);
        var unreadable = new List<UnreadableRow>();
        var current = new Current();
        // The id travels as a parameter (a captured field), as a closure would: one query plan for every row.
        var match = Expression.Lambda<Func<T, bool>>(
            Expression.Equal(id.Body, Expression.Field(Expression.Constant(current), nameof(Current.Id))), id.Parameters);
        foreach (var one in ids)
        {
            current.Id = one;
            try
            {
                rows.AddRange(await query.Where(match).ToListAsync(ct));
            }
            catch (Exception e) when (Unknown(e) is { } u)
            {
                unreadable.Add(new UnreadableRow(one, u.Column));
            }
        }
        return (rows, unreadable);
    }

    /// <summary>EF reports a converter's refusal directly or wrapped, depending on where in the materializer it failed.</summary>
    private static UnknownStoredValueException? Unknown(Exception e) =>
        e as UnknownStoredValueException ?? e.InnerException as UnknownStoredValueException;

    private sealed class Current
    {
        public Guid Id;
    }
}
