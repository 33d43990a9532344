using Mamori.Data;
using Mamori.Data.Postgres;
using Mamori.Data.Sqlite;
using Mamori.Errors;
using Microsoft.Extensions.Configuration;

namespace Mamori.Hosting;

/// <summary>
/// Where Mamori keeps its data. Resolved in this order: command-line option, environment
/// (<c>MAMORI_DB</c>, <c>MAMORI_DATA_DIR</c>), <c>appsettings.json</c> (<c>Mamori:Database</c>,
/// <c>Mamori:DataDir</c>), then the default <c>sqlite:&lt;data-dir&gt;/mamori.db</c>.
/// </summary>
public sealed record MamoriSettings(string DataDir, DatabaseTarget Database)
{
    public const string DefaultDataDir = "mamori-data";

    public static MamoriSettings Resolve(string? dbOption, string? dataDirOption, IConfiguration? configuration = null)
    {
        configuration ??= LoadConfiguration();
        var dataDir = Path.GetFullPath(FirstNonEmpty(dataDirOption, Environment.GetEnvironmentVariable("MAMORI_DATA_DIR"),
            configuration["Mamori:DataDir"]) ?? DefaultDataDir);
        var db = FirstNonEmpty(dbOption, Environment.GetEnvironmentVariable("MAMORI_DB"), configuration["Mamori:Database"])
                 ?? $"sqlite:{Path.Combine(dataDir, "mamori.db")}";
        return new MamoriSettings(dataDir, DatabaseTarget.Parse(db));
    }

    public IDatabaseProvider Provider => ProviderFor(Database);

    public static IDatabaseProvider ProviderFor(DatabaseTarget target) => target.Provider switch
    {
        "sqlite" => new SqliteDatabaseProvider(),
        "postgres" => new PostgresDatabaseProvider(),
        _ => throw new MamoriException(ErrorCode.InvalidConnectionString, $"Unknown database kind '{target.Provider}'."),
    };

    public static IConfiguration LoadConfiguration() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables("MAMORI__")
        .Build();

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
