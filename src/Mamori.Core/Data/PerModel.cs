using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Mamori.Data;

/// <summary>
/// A compiled query for each model it runs against. EF binds a compiled query to the model it first ran with,
/// and one process can hold two (the SQLite and PostgreSQL models differ; the test suite runs both side by side).
/// </summary>
public sealed class PerModel<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = new();

    public TQuery For(DbContext db) => _byModel.GetValue(db.Model, _ => compile());
}
