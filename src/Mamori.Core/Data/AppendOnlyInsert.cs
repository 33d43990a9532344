using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Mamori.Data;

/// <summary>
/// Inserts rows that are never tracked, updated or read back by the change tracker (audit events) inside
/// the caller's transaction, without the change tracker and the per-row SQL generation of <c>SaveChanges</c>
/// (together about as much CPU as the rest of an access decision). How many rows go in one statement is the
/// provider's call (<see cref="IDatabaseProvider.InsertRowsPerStatement"/>); a single-row statement is prepared
/// once and executed per row.
/// Parameters are made by the model's own type mappings (<see cref="RelationalTypeMapping.CreateParameter"/>),
/// value converters included, so a row is stored exactly as <c>SaveChanges</c> would store it on every
/// provider.
/// </summary>
internal static class AppendOnlyInsert
{
    private sealed record Column(string Name, IProperty Property, RelationalTypeMapping Mapping);

    private sealed record Table(string Name, Column[] Columns);

    private static readonly ConditionalWeakTable<IModel, Dictionary<Type, Table>> Tables = new();

    public static async Task InsertAsync<T>(MamoriDbContext db, IDatabaseProvider provider, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("An append-only insert runs inside the caller's transaction.");
        var table = TableOf<T>(db.Model);
        var perChunk = provider.InsertRowsPerStatement(table.Columns.Length);
        if (perChunk == 1)
        {
            await using var single = transaction.Connection!.CreateCommand();
            single.Transaction = transaction;
            single.CommandText = Sql(table, 1);
            for (var r = 0; r < rows.Count; r++)
            {
                single.Parameters.Clear();
                AddRow(single, table, rows[r], 0);
                if (r == 0) await single.PrepareAsync(ct);
                await single.ExecuteNonQueryAsync(ct);
            }
            return;
        }
        for (var start = 0; start < rows.Count; start += perChunk)
        {
            var count = Math.Min(perChunk, rows.Count - start);
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Sql(table, count);
            for (var r = 0; r < count; r++) AddRow(command, table, rows[start + r], r);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static void AddRow<T>(DbCommand command, Table table, T row, int r) where T : class
    {
        for (var c = 0; c < table.Columns.Length; c++)
        {
            var column = table.Columns[c];
            command.Parameters.Add(column.Mapping.CreateParameter(command, $"@p{r * table.Columns.Length + c}",
                column.Property.GetGetter().GetClrValueUsingContainingEntity(row), column.Property.IsNullable));
        }
    }

    private static Table TableOf<T>(IModel model)
    {
        var byType = Tables.GetValue(model, _ => []);
        lock (byType)
        {
            if (byType.TryGetValue(typeof(T), out var known)) return known;
            var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
            var name = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(name, entity.GetSchema());
            var columns = entity.GetProperties()
                .Select(p => new Column(p.GetColumnName(store)!, p, (RelationalTypeMapping)p.GetTypeMapping()))
                .ToArray();
            if (entity.GetSchema() is { } schema) name = $"{schema}\".\"{name}";
            return byType[typeof(T)] = new Table(name, columns);
        }
    }

    private static string Sql(Table table, int rows)
    {
        var sql = new StringBuilder($"INSERT INTO \"{table.Name}\" (")
            .AppendJoin(", ", table.Columns.Select(c => $"\"{c.Name}\""))
            .Append(") VALUES ");
        for (var r = 0; r < rows; r++)
        {
            if (r > 0) sql.Append(", ");
            sql.Append('(');
            for (var c = 0; c < table.Columns.Length; c++)
            {
                if (c > 0) sql.Append(", ");
                sql.Append("@p").Append(r * table.Columns.Length + c);
            }
            sql.Append(')');
        }
        return sql.ToString();
    }
}
