using FluxMatching.Cli.Commands;

return FluxCli.Run(args);
