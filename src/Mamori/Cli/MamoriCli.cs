using System.CommandLine;
using System.Reflection;

namespace Mamori.Cli;

/// <summary>The `mamori` command tree. Each command lives in its own file and is added here.</summary>
public static class MamoriCli
{
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Mamori (守り): keep a privacy policy's promises and prove it under APPI.")
        {
            CliSupport.Db,
            CliSupport.DataDir,
            CliSupport.Tenant,
        };
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(TenantCommand.Create());
        root.Subcommands.Add(UserCommand.Create());
        root.Subcommands.Add(ApiKeyCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(PolicyCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(RetentionCommand.Create());
        root.Subcommands.Add(IncidentCommand.Create());
        root.Subcommands.Add(ScanCommand.Create());
        root.Subcommands.Add(AnonymizeCommand.Create());
        root.Subcommands.Add(PseudonymizeCommand.Create());
        root.Subcommands.Add(DatasetsCommand.Create());
        root.Subcommands.Add(ProvisionsCommand.Create());
        root.Subcommands.Add(OptOutCommand.Create());
        root.Subcommands.Add(BackupCommand.Create());
        root.Subcommands.Add(RestoreCommand.Create());
        root.Subcommands.Add(ErasuresCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            (stderr ?? Console.Error).WriteLine($"mamori: {parse.Errors[0].Message} (see 'mamori --help')");
            return 2;
        }
        // Our handler, not System.CommandLine's: an unexpected failure is one line without a stack trace.
        var config = new InvocationConfiguration { Output = stdout ?? Console.Out, Error = stderr ?? Console.Error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(config);
        }
        catch (OperationCanceledException)
        {
            await config.Error.WriteLineAsync("mamori: cancelled");
            return 130;
        }
        catch (Exception e)
        {
            await config.Error.WriteLineAsync($"mamori: unexpected failure ({e.GetType().Name}); this is a bug, please report it with the command you ran ({Errors.ErrorCodes.Format(Errors.ErrorCode.UnexpectedCliFailure)})");
            return 70;
        }
    }

    public static string Version =>
        typeof(MamoriCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
