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
            (stderr ?? Console.Error).WriteLine($"mamori: {UsageProblem(parse)} ({Errors.ErrorCodes.Format(Errors.ErrorCode.InvalidArgument)}; see 'mamori --help')");
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

    /// <summary>
    /// Every usage error on one line, a mistyped command first and by name. System.CommandLine lists "Required command was
    /// not provided." before "Unrecognized command or argument 'polcy'.", which left the typing slip unsaid.
    /// </summary>
    private static string UsageProblem(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var unknown = parse.UnmatchedTokens.FirstOrDefault();
        var messages = new List<string>();
        if (unknown is not null && command.Subcommands.Count > 0 && !unknown.StartsWith('-'))
        {
            var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            var closest = names.Select(n => (Name: n, Distance: Errors.ErrorText.Distance(n, unknown))).OrderBy(x => x.Distance).FirstOrDefault();
            var path = command.Parents.Any() ? $"{command.Name} " : "";
            messages.Add(closest.Name is not null && closest.Distance <= Math.Max(2, unknown.Length / 3)
                ? $"unknown command '{path}{unknown}'; did you mean '{path}{closest.Name}'?"
                : $"unknown command '{path}{unknown}'; commands: {string.Join(", ", names)}");
        }
        // After a mistyped command, the words that followed it are not errors of their own.
        if (messages.Count > 0) return messages[0];
        foreach (var e in parse.Errors)
        {
            var message = e.Message.StartsWith("Required command was not provided", StringComparison.Ordinal) && command.Subcommands.Count > 0
                ? $"'{(command.Parents.Any() ? command.Name : "mamori")}' needs a command: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}."
                : e.Message;
            if (!messages.Contains(message)) messages.Add(message);
        }
        return string.Join(" ", messages);
    }

    public static string Version =>
        typeof(MamoriCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
