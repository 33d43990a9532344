using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Cli;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Backbone;

public sealed class CliTests(PostgresCluster cluster)
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MamoriCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Run_UnknownCommand_ExitsNonZeroWithOneLine()
    {
        var (code, _, err) = await RunAsync("no-such-command");
        code.ShouldNotBe(0);
        err.TrimEnd().Split('\n').Length.ShouldBe(1);
        err.ShouldStartWith("mamori: ");
    }

    [Fact]
    public async Task Run_Version_PrintsVersion()
    {
        var (code, stdout, _) = await RunAsync("--version");
        code.ShouldBe(0);
        stdout.ShouldStartWith("0.");
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("migrate")]
    [InlineData("user", "add")]
    [InlineData("apikey", "create")]
    [InlineData("audit", "verify")]
    public async Task Run_Help_DescribesCommand(params string[] command)
    {
        var (code, stdout, _) = await RunAsync([.. command, "--help"]);
        code.ShouldBe(0);
        stdout.ShouldContain("Usage:");
    }

    [Fact]
    public async Task Run_BadConnectionString_OneLineWithCode()
    {
        var (code, _, err) = await RunAsync("migrate", "--db", "mysql:whatever");
        code.ShouldBe(1);
        err.Trim().ShouldBe("mamori: Unknown database kind 'mysql': use sqlite:PATH or postgres:CONNECTION-STRING. (MAMORI-1300)");
    }

    [Fact]
    public async Task Run_UnreachablePostgres_OneLineNamingServerAndPort()
    {
        // Regression: "the database failed: NpgsqlException (MAMORI-1301)" said neither where nor what.
        var (code, _, err) = await RunAsync("migrate", "--db", "postgres:Host=127.0.0.1;Port=1;Username=x;Timeout=2");
        code.ShouldBe(1);
        err.Trim().ShouldBe("mamori: Cannot connect to PostgreSQL at 127.0.0.1:1 (connection refused): is PostgreSQL running there, on that port? Give the port as Port= in --db or PGPORT. (MAMORI-1301)");
    }

    [Fact]
    public async Task Run_PostgresRefusesPassword_NamesUserNeverPassword()
    {
        // Regression: "the database failed: PostgresException, SQLSTATE 28P01".
        using var server = RefusingPostgres.Start(PostgresErrorCodes.InvalidPassword);
        var (code, _, err) = await RunAsync("audit", "verify", "--db", $"postgres:Host=127.0.0.1;Port={server.Port};Username=mamori;Password=hunter2-secret;Database=mamori;Pooling=false");
        code.ShouldBe(1);
        err.Trim().ShouldBe($"mamori: PostgreSQL at 127.0.0.1:{server.Port} refused user mamori: password authentication failed. Check Password= in --db, PGPASSWORD or ~/.pgpass. (MAMORI-1301)");
    }

    [Fact]
    public async Task Run_PostgresDatabaseMissing_SaysSoInsteadOfMigrate()
    {
        // Regression: a mistyped database name was "not up to date; run 'mamori migrate' first".
        var cs = new NpgsqlConnectionStringBuilder(await cluster.CreateEmptyDatabaseAsync(TestContext.Current.CancellationToken)) { Database = "absent_" + Guid.NewGuid().ToString("N")[..8] };
        var (code, _, err) = await RunAsync("audit", "verify", "--db", "postgres:" + cs.ConnectionString);
        code.ShouldBe(1);
        err.Trim().ShouldBe($"mamori: There is no database {cs.Database} on PostgreSQL at 127.0.0.1:{cs.Port} (user postgres): create it (createdb -h 127.0.0.1 -p {cs.Port} -O postgres {cs.Database}), then run 'mamori migrate'. (MAMORI-1305)");
    }

    [Fact]
    public async Task Migrate_PostgresDatabaseMissingAndRoleMayNotCreateIt_SaysCreateIt()
    {
        // An application role without CREATEDB: EF's attempt to create the database failed as "SQLSTATE 42501".
        var admin = new NpgsqlConnectionStringBuilder(await cluster.CreateEmptyDatabaseAsync(TestContext.Current.CancellationToken));
        var role = "app_" + Guid.NewGuid().ToString("N")[..8];
        await using (var c = new NpgsqlConnection(admin.ConnectionString))
        {
            await c.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE ROLE {role} LOGIN", c);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        var cs = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Username = role, Database = role + "_db" };
        var (code, _, err) = await RunAsync("migrate", "--db", "postgres:" + cs.ConnectionString);
        code.ShouldBe(1);
        err.Trim().ShouldBe($"mamori: There is no database {role}_db on PostgreSQL at 127.0.0.1:{cs.Port}, and user {role} may not create it: create it as a role that may (createdb -h 127.0.0.1 -p {cs.Port} -O {role} {role}_db), then run 'mamori migrate' again. (MAMORI-1305)");
    }

    /// <summary>Answers every PostgreSQL start-up with an error of the given SQLSTATE, as a server refusing a password does.</summary>
    private sealed class RefusingPostgres : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static RefusingPostgres Start(string sqlState)
        {
            var server = new RefusingPostgres();
            server._listener.Start();
            _ = server.ServeAsync(sqlState);
            return server;
        }

        private async Task ServeAsync(string sqlState)
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    while (true)
                    {
                        var header = new byte[8];
                        await stream.ReadExactlyAsync(header, _stop.Token);
                        var length = BinaryPrimitives.ReadInt32BigEndian(header);
                        if (length > 8) await stream.ReadExactlyAsync(new byte[length - 8], _stop.Token);
                        // SSLRequest or GSSENCRequest: "not here", and the client goes on in plain text.
                        if (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)) is 80877103 or 80877104)
                        {
                            await stream.WriteAsync("N"u8.ToArray(), _stop.Token);
                            continue;
                        }
                        var fields = System.Text.Encoding.UTF8.GetBytes($"SFATAL\0VFATAL\0C{sqlState}\0Mrefused\0\0");
                        var message = new byte[5 + fields.Length];
                        message[0] = (byte)'E';
                        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + fields.Length);
                        fields.CopyTo(message, 5);
                        await stream.WriteAsync(message, _stop.Token);
                        break;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // stopped, or the client hung up
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task Run_FileIsNotADatabase_OneLineWithSqliteCode()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "m.db"), new string('x', 4096), TestContext.Current.CancellationToken);
        var (code, _, err) = await RunAsync("audit", "verify", "--db", $"sqlite:{dir}/m.db", "--data-dir", dir);
        code.ShouldBe(1);
        err.Trim().ShouldBe("mamori: the database failed: SqliteException, SQLite error 26 (MAMORI-1301)"); // SQLITE_NOTADB
    }

    [Fact]
    public async Task PolicyPublish_DirectoryMissing_OneSentenceWithoutUselessAdvice()
    {
        // Regression (walkthrough 4, L10): "…Policy directory not found.; run 'mamori policy check /missing'": double
        // punctuation, and checking a directory that does not exist tells nothing more.
        var dir = Directory.CreateTempSubdirectory().FullName;
        var db = $"sqlite:{dir}/m.db";
        (await RunAsync("migrate", "--db", db)).Code.ShouldBe(0);
        (await RunAsync("tenant", "add", "--slug", "acme", "--name", "Acme", "--db", db, "--data-dir", dir)).Code.ShouldBe(0);
        var missing = Path.Combine(dir, "no-such-policy");
        var (code, _, err) = await RunAsync("policy", "publish", missing, "--effective", "2026-12-01", "--db", db, "--data-dir", dir);
        code.ShouldNotBe(0);
        err.Trim().ShouldBe($"mamori: The policy has 1 error(s), the first: {missing}:1:1: MAMORI-2000 Policy directory not found. (MAMORI-2190)");
    }

    [Fact]
    public async Task Run_UnmigratedDatabase_TellsToMigrate()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        (await RunAsync("migrate", "--db", $"sqlite:{dir}/m.db")).Code.ShouldBe(0);
        await using (var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir}/m.db;Pooling=false"))
        {
            await sqlite.OpenAsync(TestContext.Current.CancellationToken);
            await using var forget = sqlite.CreateCommand();
            // As if this build brought a migration the database has not had yet.
            forget.CommandText = "DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = (SELECT MAX(\"MigrationId\") FROM \"__EFMigrationsHistory\")";
            await forget.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        var (code, _, err) = await RunAsync("user", "list", "--db", $"sqlite:{dir}/m.db");
        code.ShouldBe(1);
        err.ShouldContain("mamori migrate");
        err.ShouldContain("MAMORI-1304");
    }

    [Fact]
    public async Task Run_NoDatabaseAtDataDir_SaysSoAndCreatesNothing()
    {
        // Regression: a mistyped --data-dir was created and reported as an out-of-date schema ("run 'mamori migrate'").
        var dir = Path.Combine(Path.GetTempPath(), "mamori-missing-" + Guid.NewGuid().ToString("N"));
        var (code, _, err) = await RunAsync("audit", "verify", "--data-dir", dir);
        code.ShouldBe(1);
        err.Trim().ShouldBe($"mamori: There is no Mamori database at {Path.Combine(dir, "mamori.db")}; check --data-dir or --db ('mamori migrate' creates a new one). (MAMORI-1305)");
        Directory.Exists(dir).ShouldBeFalse();
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("WAL")]
    public async Task Run_OtherApplicationsSqliteFile_SaysNotMamoriAndChangesNothing(string journal)
    {
        // Regression: a rollback-journal SQLite file of another application gave "the database failed: SqliteException,
        // SQLite error 8" (EF's read-only existence check tried to switch it to WAL); a WAL one was "not up to date; run
        // 'mamori migrate'", which would have added Mamori's tables into it.
        var dir = Path.Combine(Path.GetTempPath(), "mamori-foreign-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "mamori.db");
        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await c.OpenAsync(TestContext.Current.CancellationToken);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"PRAGMA journal_mode={journal}; CREATE TABLE orders(id INTEGER PRIMARY KEY, total INTEGER);";
            await cmd.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        foreach (var command in new[] { new[] { "audit", "verify" }, ["user", "list"] })
        {
            var (code, _, err) = await RunAsync([.. command, "--data-dir", dir]);
            code.ShouldBe(1);
            err.Trim().ShouldBe($"mamori: {file} is not a Mamori database; check --data-dir or --db. (MAMORI-1305)");
        }
        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False"))
        {
            await c.OpenAsync(TestContext.Current.CancellationToken);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'";
            (await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken)).ShouldBe("orders");
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Serve_NoKeysForNewInstallation_NamesInitWithItsDataDir()
    {
        // Regression: "Create them with 'mamori keys init'" put the keys in ./mamori-data, and the server, started with
        // --data-dir, kept refusing with the same message.
        var dir = Path.Combine(Path.GetTempPath(), "mamori-nokeys-" + Guid.NewGuid().ToString("N"));
        var (code, _, err) = await RunAsync("serve", "--data-dir", dir, "--urls", "http://127.0.0.1:0");
        code.ShouldBe(1);
        err.Trim().ShouldBe($"mamori: No vault keys at {dir}/keys.json: the server will not start without them. Create them with 'mamori keys init --data-dir {dir}' and back them up apart from the database. (MAMORI-3000)");
        Directory.Exists(dir).ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Serve_NoKeysForDatabaseWithData_AsksForItsKeysNotNewOnes(string provider)
    {
        // Regression: the advice to create keys, followed for a restored database, made a key ring that cannot read it.
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var owned = app;
        await SmsUserAsync(app, tenant, NewPerson());
        var elsewhere = Path.Combine(Path.GetTempPath(), "mamori-nokeys-" + Guid.NewGuid().ToString("N"));
        var (code, _, err) = await RunAsync("serve", "--db", app.Database.CliValue, "--data-dir", elsewhere, "--urls", "http://127.0.0.1:0");
        code.ShouldBe(1);
        err.Trim().ShouldBe($"mamori: No vault keys at {elsewhere}/keys.json, and the database already holds data sealed under a key ring: the server will not start. {KeyRingOptions.NameExistingKeys} New keys could not read this data. (MAMORI-3000)");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Serve_KeyRingOlderThanDatabase_RefusesNamingTheMissingKey(string provider)
    {
        // Regression (UX report 6, H2): a server started with the key ring from before a rotation served, answered 500 for
        // every re-wrapped person and wrapped new people's data keys with the retired key no other server held.
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var owned = app;
        await SmsUserAsync(app, tenant, NewPerson());
        var inUse = app.App.Services.GetRequiredService<KeyRingProvider>().Current.Primary.Id;
        var outdated = Directory.CreateTempSubdirectory().FullName;
        KeyRing.Generate(TimeProvider.System).Save(Path.Combine(outdated, "keys.json"));
        var (code, _, err) = await RunAsync("serve", "--db", app.Database.CliValue, "--data-dir", outdated, "--urls", "http://127.0.0.1:0");
        code.ShouldBe(1);
        err.ShouldStartWith($"mamori: The key ring in {outdated}/keys.json lacks {inUse} (1 data keys), which the database uses");
        err.ShouldContain("The server will not start.");
        err.Trim().ShouldEndWith("(MAMORI-3000)");
        var (statusCode, status, _) = await RunAsync("keys", "status", "--db", app.Database.CliValue, "--data-dir", outdated);
        statusCode.ShouldBe(0);
        status.ShouldContain($"{inUse}\t-\tMISSING from {outdated}/keys.json\t1 data keys (unreadable here)");
    }

    [Fact]
    public async Task EnsureFormKey_ServersStartingTogether_ShareOneKey()
    {
        // Regression (UX report 6, H1): two servers started together on a fresh PostgreSQL database each created their own
        // first form-token key, so a form shown by one was refused by the other (MAMORI-1012) until a day later.
        var app = await TestApp.StartAsync(Providers.Postgres, cluster);
        await using var owned = app;
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Mamori.Data.MamoriDbContext>();
        await db.DataProtectionKeys.ExecuteDeleteAsync(Ct);
        // Each start on its own database connection, as separate processes do.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => ServeCommand.EnsureFormKeyAsync(app.App.Services, Ct), Ct)));
        (await db.DataProtectionKeys.CountAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task ErasuresReapply_NoKeys_WritesNoLedgerAndAsksForTheDatabasesKeys()
    {
        // Regression: run without --data-dir as docs/backup.md showed, it first wrote a ledger into ./mamori-data, then
        // advised 'mamori keys init', which during a restore makes keys that cannot read the restored data.
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var owned = app;
        var id = await SmsUserAsync(app, tenant, NewPerson());
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));
        var elsewhere = Directory.CreateTempSubdirectory().FullName;
        var (code, _, err) = await RunAsync("erasures", "reapply", "--db", app.Database.CliValue, "--data-dir", elsewhere);
        code.ShouldBe(1);
        err.Trim().ShouldBe($"mamori: No vault keys: {elsewhere}/keys.json does not exist. {KeyRingOptions.NameExistingKeys} (MAMORI-3000)");
        Directory.EnumerateFileSystemEntries(elsewhere).ShouldBeEmpty();
    }

    [Fact]
    public async Task KeysInit_NewDataDir_ErasureLedgerCreatedSoTheDocumentedKeyBackupWorks()
    {
        // Regression: erasures.jsonl appeared only with the first erasure, so the key backup docs/backup.md describes (copy
        // keys.json and erasures.jsonl) failed on every installation that had not erased anyone yet.
        if (OperatingSystem.IsWindows()) return;
        var root = Directory.CreateTempSubdirectory().FullName;
        var dir = Path.Combine(root, "data");
        (await RunAsync("keys", "init", "--data-dir", dir)).Code.ShouldBe(0);
        var ledger = Path.Combine(dir, "erasures.jsonl");
        (await File.ReadAllTextAsync(ledger, Ct)).ShouldBeEmpty();
        File.GetUnixFileMode(ledger).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // The documented commands, run as written with this installation's directories.
        var doc = await File.ReadAllTextAsync(Path.Combine(ServerTests.RepoRoot(), "docs", "backup.md"), Ct);
        var block = doc[doc.IndexOf("install -d -m 700", StringComparison.Ordinal)..];
        var script = block[..block.IndexOf("```", StringComparison.Ordinal)].Replace("/srv/mamori", dir, StringComparison.Ordinal)
            .Replace("/safe", Path.Combine(root, "safe"), StringComparison.Ordinal);
        var bash = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardError = true, ArgumentList = { "-euc", script } };
        using (var p = System.Diagnostics.Process.Start(bash)!)
        {
            var err = await p.StandardError.ReadToEndAsync(Ct);
            await p.WaitForExitAsync(Ct);
            p.ExitCode.ShouldBe(0, err);
        }
        var copy = Directory.GetDirectories(Path.Combine(root, "safe")).ShouldHaveSingleItem();
        Directory.GetFiles(copy).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["erasures.jsonl", "keys.json"]);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task KeysInitAndMigrate_NewDataDir_DirectoryAndDatabaseFilesOwnerOnly()
    {
        // Regression: under umask 022 the data directory was 755 and mamori.db, -wal and -shm 644 (password and API-key
        // hashes, consent ledger, audit chain readable by any local account), while keys.json and backups were 600.
        if (OperatingSystem.IsWindows()) return;
        var dir = Path.Combine(Path.GetTempPath(), "mamori-perm-" + Guid.NewGuid().ToString("N"), "data");
        (await RunAsync("keys", "init", "--data-dir", dir)).Code.ShouldBe(0);
        (await RunAsync("migrate", "--data-dir", dir)).Code.ShouldBe(0);
        File.GetUnixFileMode(dir).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var db = Path.Combine(dir, "mamori.db");
        File.GetUnixFileMode(db).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // The server's connections keep the WAL files while it runs; SQLite creates them with the database file's mode.
        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await c.OpenAsync(TestContext.Current.CancellationToken);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=WAL; SELECT count(*) FROM sqlite_master;";
            await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken);
            File.GetUnixFileMode(db + "-wal").ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(db + "-shm").ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
    }

    [Fact]
    public async Task KeysStatus_KeyFileReadableByOthers_WarnsAndShowsJapanTime()
    {
        // Regression: a keys.json made 644 was used without a word, and key times were UTC where the console shows JST.
        var dir = Directory.CreateTempSubdirectory().FullName;
        (await RunAsync("keys", "init", "--data-dir", dir)).Code.ShouldBe(0);
        (await RunAsync("migrate", "--data-dir", dir)).Code.ShouldBe(0);
        var file = Path.Combine(dir, "keys.json");
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var (code, stdout, err) = await RunAsync("keys", "status", "--data-dir", dir);
        code.ShouldBe(0, err);
        err.Trim().ShouldBe($"mamori: WARNING: {file} can be read by other users (mode 644); run 'chmod 600 {file}'.");
        stdout.ShouldMatch(@"^k1-\d{8}-[0-9a-f]{6}\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST\tprimary\t0 data keys");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (await RunAsync("keys", "status", "--data-dir", dir)).Err.ShouldBeEmpty();
    }

    [Fact]
    public async Task TenantAdd_SecondCompany_SaysWhatItMeansForPublicPages()
    {
        // Regression: 'tenant add' for a second company said only "Created tenant"; at the next restart the first company's
        // notice and every sign-in answered a JSON 404 asking for an undocumented setting.
        var dir = Directory.CreateTempSubdirectory().FullName;
        (await RunAsync("migrate", "--data-dir", dir)).Code.ShouldBe(0);
        var first = await RunAsync("tenant", "add", "--slug", "sakura", "--name", "Sakura", "--data-dir", dir);
        first.Code.ShouldBe(0, first.Err);
        first.Out.ShouldContain("Next: mamori policy publish POLICY-DIR --effective YYYY-MM-DD, then mamori user add --email EMAIL --role admin.");
        var second = await RunAsync("tenant", "add", "--slug", "sakura-sol", "--name", "Sakura Sol", "--data-dir", dir);
        second.Code.ShouldBe(0, second.Err);
        second.Out.ShouldContain("Its staff sign in at /login on any server.");
        second.Out.ShouldContain("without --tenant it stays sakura. Serve sakura-sol's with 'mamori serve --tenant sakura-sol' on its own address.");
    }

    [Fact]
    public async Task Serve_TenantThatDoesNotExist_RefusesToStartInOneLine()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        (await RunAsync("keys", "init", "--data-dir", dir)).Code.ShouldBe(0);
        (await RunAsync("migrate", "--data-dir", dir)).Code.ShouldBe(0);
        (await RunAsync("tenant", "add", "--slug", "sakura", "--name", "Sakura", "--data-dir", dir)).Code.ShouldBe(0);
        var (code, _, err) = await RunAsync("serve", "--data-dir", dir, "--tenant", "sakura-sl", "--urls", "http://127.0.0.1:0");
        code.ShouldBe(1);
        err.Trim().ShouldBe("mamori: --tenant (or Mamori:DefaultTenant) names 'sakura-sl', which is not a tenant here; tenants: sakura. (MAMORI-1302)");
    }

    [Theory]
    // Regression: each printed "Required command was not provided.", which hid the typing slip.
    [InlineData("polcy check x", "unknown command 'polcy'; did you mean 'policy'?")]
    [InlineData("audit verfy", "unknown command 'audit verfy'; did you mean 'audit verify'?")]
    [InlineData("policy", "'policy' needs a command: check, render, publish.")]
    [InlineData("policy render x --lang fr", "--lang must be ja or en, not 'fr'.")]
    public async Task Run_UsageError_OneLineNamingTheSlipWithCode(string args, string message)
    {
        var (code, _, err) = await RunAsync(args.Split(' '));
        code.ShouldBe(2);
        err.Trim().ShouldBe($"mamori: {message} (MAMORI-1303; see 'mamori --help')");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task UserAndApiKeyCommands_FullCycle_WorkAndAudit(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, cluster, TestContext.Current.CancellationToken);
        var dbArg = db.CliValue;
        (await RunAsync("migrate", "--db", dbArg)).Code.ShouldBe(0);
        (await RunAsync("user", "add", "--email", "x@example.com", "--role", "admin", "--db", dbArg)).Err.ShouldContain("MAMORI-1302");
        (await RunAsync("tenant", "add", "--slug", "acme", "--name", "Acme", "--db", dbArg)).Code.ShouldBe(0);

        var add = await RunAsync("user", "add", "--email", "Officer@Example.com", "--role", "privacy-officer", "--json", "--db", dbArg);
        add.Code.ShouldBe(0, add.Err);
        var user = JsonDocument.Parse(add.Out).RootElement;
        user.GetProperty("email").GetString().ShouldBe("officer@example.com");
        user.GetProperty("password").GetString()!.Length.ShouldBe(20);

        (await RunAsync("user", "add", "--email", "officer@example.com", "--role", "admin", "--db", dbArg)).Err.ShouldContain("MAMORI-1110");
        (await RunAsync("user", "add", "--email", "y@example.com", "--role", "root", "--db", dbArg)).Err.ShouldContain("MAMORI-1109");

        // A key takes one built-in role; --help says how the policy's roles go beside it (UX review 4, H2).
        (await RunAsync("apikey", "create", "--name", "two", "--role", "operator", "--role", "auditor", "--db", dbArg)).Err.ShouldContain("one built-in role");
        (await RunAsync("apikey", "create", "--help")).Out.ShouldContain("--role operator --role sms-manager");
        (await RunAsync("user", "add", "--help")).Out.ShouldContain("--role operator --role sms-manager");
        var key = await RunAsync("apikey", "create", "--name", "crm", "--role", "operator", "--expires", "30", "--json", "--db", dbArg);
        key.Code.ShouldBe(0, key.Err);
        var secret = JsonDocument.Parse(key.Out).RootElement.GetProperty("key").GetString()!;
        secret.ShouldStartWith("mk_");
        var list = await RunAsync("apikey", "list", "--db", dbArg);
        list.Out.ShouldContain("crm");
        list.Out.ShouldNotContain(secret);
        (await RunAsync("apikey", "revoke", "crm", "--db", dbArg)).Code.ShouldBe(0);
        (await RunAsync("apikey", "list", "--db", dbArg)).Out.ShouldContain("revoked");

        (await RunAsync("user", "disable", "--email", "officer@example.com", "--db", dbArg)).Code.ShouldBe(0);
        (await RunAsync("user", "list", "--db", dbArg)).Out.ShouldContain("disabled");

        var verify = await RunAsync("audit", "verify", "--json", "--db", dbArg);
        verify.Code.ShouldBe(0, verify.Err);
        var v = JsonDocument.Parse(verify.Out).RootElement;
        v.GetProperty("intact").GetBoolean().ShouldBeTrue();
        v.GetProperty("events").GetInt64().ShouldBe(5); // tenant, user, key created, key revoked, user disabled
    }

    /// <summary>Regression: the sweeps and the other commands that go through the tenants went through all of them whatever --tenant said.</summary>
    [Theory]
    [InlineData("retention sweep --dry-run", "beta: 0 fields of 0 subjects have expired (dry run: nothing destroyed).")]
    [InlineData("provisions sweep --dry-run", "beta: 0 records are past their retention (dry run: nothing deleted).")]
    [InlineData("erasures reapply --json", "{\"ledgerLinesAdded\":0,\"subjectsReshredded\":0}")]
    [InlineData("keys rotate", "re-wrapped 0 data keys")]
    [InlineData("audit checkpoint", "beta\t1\t")]
    [InlineData("audit verify", "beta: intact, 1 events")]
    [InlineData("user list", "")]
    public async Task PerTenantCommands_Tenant_OnlyThatTenantAndUnknownRefused(string command, string output)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateAsync(Providers.Sqlite, cluster, ct, empty: true);
        string[] env = ["--db", db.CliValue, "--data-dir", db.DataDir];
        (await RunAsync(["migrate", .. env])).Code.ShouldBe(0);
        (await RunAsync(["keys", "init", .. env])).Code.ShouldBe(0);
        (await RunAsync(["tenant", "add", "--slug", "alpha", "--name", "Alpha", .. env])).Code.ShouldBe(0);
        (await RunAsync(["tenant", "add", "--slug", "beta", "--name", "Beta", .. env])).Code.ShouldBe(0);
        var args = command.Split(' ');

        var one = await RunAsync([.. args, "--tenant", "beta", .. env]);
        one.Code.ShouldBe(0, one.Err);
        one.Out.ShouldContain(output);
        one.Out.ShouldNotContain("alpha");

        var keys = await File.ReadAllBytesAsync(Path.Combine(db.DataDir, "keys.json"), ct);
        var unknown = await RunAsync([.. args, "--tenant", "gamma", .. env]);
        (await File.ReadAllBytesAsync(Path.Combine(db.DataDir, "keys.json"), ct)).ShouldBe(keys);
        unknown.Code.ShouldBe(1);
        unknown.Err.Trim().ShouldBe("mamori: --tenant names 'gamma', which is not a tenant here; tenants: alpha, beta. (MAMORI-1302)");
        unknown.Out.ShouldBeEmpty();
    }

    /// <summary>Regression: keys init and keys retire changed the installation's key ring, and no company's audit chain said so.</summary>
    [Fact]
    public async Task KeysInitAndRetire_Tenants_RecordedInEveryChain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateAsync(Providers.Sqlite, cluster, ct, empty: true);
        string[] env = ["--db", db.CliValue, "--data-dir", db.DataDir];
        // A first start creates the keys before the database: there is no chain yet, and keys init does not create the database.
        (await RunAsync(["keys", "init", .. env])).Code.ShouldBe(0);
        File.Exists(db.SqlitePath).ShouldBeFalse();
        (await RunAsync(["migrate", .. env])).Code.ShouldBe(0);
        (await RunAsync(["tenant", "add", "--slug", "alpha", "--name", "Alpha", .. env])).Code.ShouldBe(0);
        (await RunAsync(["tenant", "add", "--slug", "beta", "--name", "Beta", .. env])).Code.ShouldBe(0);
        string Primary() => KeyRing.Parse(File.ReadAllText(Path.Combine(db.DataDir, "keys.json")), "test").Primary.Id;
        var old = Primary();
        (await RunAsync(["keys", "rotate", .. env])).Code.ShouldBe(0);
        var retired = await RunAsync(["keys", "retire", old, "--tenant", "beta", .. env]);
        retired.Code.ShouldBe(0, retired.Err);
        // A ring lost and created anew on an installation that has data: the most important change of all to have on record.
        File.Delete(Path.Combine(db.DataDir, "keys.json"));
        (await RunAsync(["keys", "init", .. env])).Code.ShouldBe(0);
        var created = Primary();

        var services = new ServiceCollection();
        services.AddLogging();
        Mamori.Hosting.MamoriServices.AddMamoriCore(services, db.Settings);
        await using var provider = services.BuildServiceProvider();
        foreach (var slug in new[] { "alpha", "beta" })
        {
            await using var scope = provider.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<Mamori.Data.MamoriDbContext>();
            var tenant = await scope.ServiceProvider.GetRequiredService<Mamori.Tenancy.Tenants>().UseAsync(slug, ct);
            var events = context.AuditEvents.Where(e => e.TenantId == tenant.Id).OrderBy(e => e.Sequence).AsEnumerable()
                .Select(e => (e.Code, e.TargetId, e.ActorKind)).ToList();
            events.ShouldBe([(AuditCode.TenantCreated, tenant.Id.ToString(), ActorKind.Cli), (AuditCode.KeyRetired, old, ActorKind.Cli),
                (AuditCode.KeyRingCreated, created, ActorKind.Cli)], customMessage: slug);
        }
        (await RunAsync(["audit", "verify", .. env])).Code.ShouldBe(0);
    }

    /// <summary>
    /// An auditor notes each chain's head (sequence and hash) to compare with a later check; verify printed only a count. And the
    /// dashboard's "last verified" ignored a check made on the command line: it is now recorded in the chain as "verify now" is.
    /// </summary>
    [Fact]
    public async Task AuditVerify_Tenants_PrintsEachHeadAndRecordsTheCheckForTheDashboard()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateAsync(Providers.Sqlite, cluster, ct, empty: true);
        string[] env = ["--db", db.CliValue, "--data-dir", db.DataDir];
        (await RunAsync(["migrate", .. env])).Code.ShouldBe(0);
        (await RunAsync(["keys", "init", .. env])).Code.ShouldBe(0);
        (await RunAsync(["tenant", "add", "--slug", "alpha", "--name", "Alpha", .. env])).Code.ShouldBe(0);
        (await RunAsync(["tenant", "add", "--slug", "beta", "--name", "Beta", .. env])).Code.ShouldBe(0);

        var services = new ServiceCollection();
        services.AddLogging();
        Mamori.Hosting.MamoriServices.AddMamoriCore(services, db.Settings);
        await using var provider = services.BuildServiceProvider();
        async Task<T> InTenant<T>(string slug, Func<Mamori.Data.MamoriDbContext, Task<T>> work)
        {
            await using var scope = provider.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Mamori.Tenancy.Tenants>().UseAsync(slug, ct);
            return await work(scope.ServiceProvider.GetRequiredService<Mamori.Data.MamoriDbContext>());
        }
        Task<(long Sequence, string Hash)> Head(string slug) => InTenant(slug, async c =>
        {
            var h = await c.AuditHeads.AsNoTracking().SingleAsync(ct);
            return (h.LastSequence, Convert.ToHexStringLower(h.LastHash));
        });
        (await InTenant("alpha", c => Mamori.Web.DashboardPage.LastVerificationAsync(c, ct))).ShouldBeNull();

        var before = new Dictionary<string, (long Sequence, string Hash)> { ["alpha"] = await Head("alpha"), ["beta"] = await Head("beta") };
        var json = await RunAsync(["audit", "verify", "--json", .. env]);
        json.Code.ShouldBe(0, json.Err);
        var tenants = JsonDocument.Parse(json.Out).RootElement.GetProperty("tenants").EnumerateArray().ToList();
        tenants.Select(t => t.GetProperty("tenant").GetString()).ShouldBe(["alpha", "beta"]);
        foreach (var t in tenants)
        {
            var head = before[t.GetProperty("tenant").GetString()!];
            t.GetProperty("headSequence").GetInt64().ShouldBe(head.Sequence);
            t.GetProperty("headHash").GetString().ShouldBe(head.Hash);
            head.Hash.Length.ShouldBe(64);
        }

        // Recorded in each chain, as the operating-system account at the terminal, so the dashboard shows it.
        foreach (var slug in new[] { "alpha", "beta" })
        {
            var last = await InTenant(slug, c => c.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync(ct));
            (last.Code, last.ActorKind, last.TargetId, last.ReasonCode).ShouldBe((AuditCode.AuditChainVerified, ActorKind.Cli, before[slug].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), "intact"));
            var shown = await InTenant(slug, c => Mamori.Web.DashboardPage.LastVerificationAsync(c, ct));
            shown.ShouldNotBeNull();
            shown.BrokenAt.ShouldBeNull();
        }

        // The text says the head too; the check itself is now part of the chain it names.
        var now = await Head("alpha");
        now.Sequence.ShouldBe(before["alpha"].Sequence + 1);
        var text = await RunAsync(["audit", "verify", "--tenant", "alpha", .. env]);
        text.Code.ShouldBe(0, text.Err);
        text.Out.Trim().ShouldBe($"alpha: intact, {now.Sequence} events; head #{now.Sequence} {now.Hash}");
    }

    /// <summary>The sweeps go through every tenant and name each as audit verify does, by slug: 「acme: 0 records …」, not its id.</summary>
    [Fact]
    public async Task Sweeps_DryRun_NameEachTenantBySlug()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await TestDatabase.CreateAsync(Providers.Sqlite, cluster, ct, empty: true);
        string[] env = ["--db", db.CliValue, "--data-dir", db.DataDir];
        (await RunAsync(["migrate", .. env])).Code.ShouldBe(0);
        (await RunAsync(["keys", "init", .. env])).Code.ShouldBe(0);
        (await RunAsync(["tenant", "add", "--slug", "acme", "--name", "Acme", .. env])).Code.ShouldBe(0);

        var retention = await RunAsync(["retention", "sweep", "--dry-run", .. env]);
        retention.Code.ShouldBe(0, retention.Err);
        retention.Out.Trim().ShouldBe("acme: 0 fields of 0 subjects have expired (dry run: nothing destroyed).");
        var provisions = await RunAsync(["provisions", "sweep", "--dry-run", .. env]);
        provisions.Code.ShouldBe(0, provisions.Err);
        provisions.Out.Trim().ShouldBe("acme: 0 records are past their retention (dry run: nothing deleted).");

        var json = JsonDocument.Parse((await RunAsync(["provisions", "sweep", "--dry-run", "--json", .. env])).Out).RootElement.EnumerateArray().Single();
        json.GetProperty("tenant").GetString().ShouldBe("acme");
        json.GetProperty("tenantId").GetGuid().ShouldNotBe(Guid.Empty);
        json = JsonDocument.Parse((await RunAsync(["retention", "sweep", "--dry-run", "--json", .. env])).Out).RootElement.EnumerateArray().Single();
        json.GetProperty("tenant").GetString().ShouldBe("acme");
        json.GetProperty("tenantId").GetGuid().ShouldNotBe(Guid.Empty);
    }
}
