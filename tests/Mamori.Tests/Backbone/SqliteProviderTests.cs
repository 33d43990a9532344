using Mamori.Data;
using Mamori.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Backbone;

public sealed class SqliteProviderTests
{
    // SQLite connections are created without EF's decimal functions (PlainSqliteRelationalConnection): a decimal
    // property would make EF translate comparisons and sums to ef_compare/ef_sum, which would then not exist.
    [Fact]
    public void Model_EveryEntity_HasNoDecimalProperty()
    {
        var options = new DbContextOptionsBuilder<MamoriDbContext>();
        new SqliteDatabaseProvider().Configure(options, Path.Combine(Path.GetTempPath(), $"mamori-model-{Guid.NewGuid():N}.db"));
        using var db = new MamoriDbContext(options.Options);

        var decimals = db.Model.GetEntityTypes()
            .SelectMany(t => t.GetProperties().Select(p => (Entity: t.ClrType.Name, Property: p)))
            .Where(x => (Nullable.GetUnderlyingType(x.Property.ClrType) ?? x.Property.ClrType) == typeof(decimal))
            .Select(x => $"{x.Entity}.{x.Property.Name}")
            .ToList();

        decimals.ShouldBeEmpty();
        db.Model.GetEntityTypes().Count().ShouldBeGreaterThan(10); // the model was really built
    }
}
