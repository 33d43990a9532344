using Mamori.Cli;

return await MamoriCli.RunAsync(args);
