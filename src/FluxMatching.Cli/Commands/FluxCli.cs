namespace FluxMatching.Cli.Commands;

using System.CommandLine;

/// <summary>The `flux` command tree: train, sample, verify-reference, bench.</summary>
internal static class FluxCli
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Root() => new("flux: train, sample, verify and benchmark Flux Matching models (arXiv 2605.07319).")
    {
        TrainCommand.Create(),
        SampleCommand.Create(),
        VerifyReferenceCommand.Create(),
        BenchCommand.Create(),
    };

    /// <summary>Parses and runs a command line; returns the exit code (0 success, 2 a usage error printed as one line).</summary>
    /// <param name="args">The arguments after `flux`.</param>
    public static int Run(string[] args) => Root().Parse(args).Invoke();
}
