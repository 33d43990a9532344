using System.CommandLine;
using System.Reflection;

namespace Mamori.Cli;

/// <summary>The `mamori` command tree. Each command lives in its own file and is added here.</summary>
public static class MamoriCli
{
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Mamori (守り): keep a privacy policy's promises and prove it under APPI.");
        root.Subcommands.Add(AnonymizeCommand.Create());
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
        var config = new InvocationConfiguration { Output = stdout ?? Console.Out, Error = stderr ?? Console.Error };
        return await parse.InvokeAsync(config);
    }

    public static string Version =>
        typeof(MamoriCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
