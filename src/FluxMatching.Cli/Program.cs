using System.CommandLine;
using FluxMatching.Cli.Commands;

var root = new RootCommand("flux: train, sample, verify and benchmark Flux Matching models (arXiv 2605.07319).")
{
    TrainCommand.Create(),
    SampleCommand.Create(),
    VerifyReferenceCommand.Create(),
    BenchCommand.Create(),
    VelocityCommand.Create(),
};
return root.Parse(args).Invoke();
