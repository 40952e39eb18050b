namespace FluxMatching.Interactive.Magic;

using FluxMatching.Interactive.Session;
using FluxMatching.Models;
using Microsoft.DotNet.Interactive;

/// <summary>
/// <c>#!flux train NAME [--steps N] [--batch N] [--lr X] [--seed N]</c>: trains on a worker thread with a live display;
/// interrupting the kernel cancels after the current step and keeps the model.
/// </summary>
internal static class TrainCommand
{
    /// <summary>Runs the subcommand.</summary>
    public static async Task RunAsync(NotebookSession session, FluxArguments args, KernelInvocationContext context)
    {
        var name = args.Positional("NAME")!;
        var model = session.Models.Get(name, args.Prefix);
        var defaults = FluxDefaults.TrainingFor(model.Config);   // the exp3 preset for a U-Net, as flux train
        var options = defaults with
        {
            Steps = args.Int("--steps", defaults.Steps, 1, 100_000_000),
            Batch = args.Int("--batch", defaults.Batch, 2, 1_000_000),
            LearningRate = args.Double("--lr", defaults.LearningRate, v => v > 0 && v <= 10, "a number in (0, 10]"),
            Seed = args.Long("--seed", defaults.Seed),
        };
        options = StructureArgument.Apply(options, args, ModelRegistry.FindCSharpKernel(session.Root));
        options.Validate();
        ModelCommands.Require(args.Prefix);
        // Held until the last step is done, also when the cell is interrupted (the kernel then stops waiting for
        // this handler, which finishes the current step and releases the model).
        using (await session.UseAsync(model))
        {
            var monitor = new TrainingMonitor(context, name, model, options.Steps);
            var token = context.CancellationToken;
            var result = await Task.Run(() => Notebook.TrainHere(model, options, monitor, token), CancellationToken.None);
            monitor.Complete(result);
        }
    }
}
