using Mamori.Cli;
using Shouldly;

namespace Mamori.Tests;

public sealed class CliSmokeTests
{
    [Fact]
    public async Task Run_UnknownCommand_ExitsNonZeroWithOneLine()
    {
        var err = new StringWriter();
        var code = await MamoriCli.RunAsync(["no-such-command"], new StringWriter(), err);
        code.ShouldNotBe(0);
        err.ToString().TrimEnd().Split('\n').Length.ShouldBe(1);
    }
}
