namespace FluxMatching.Interactive.Magic;

using FluxMatching.Interactive.Session;
using FluxMatching.Models;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

/// <summary>
/// <c>#!flux sample NAME [--n N] [--sampler langevin|reverse-sde] [--steps N] [--step-size X] [--seed N]</c>:
/// samples on a worker thread and shows them against the data with sample-quality metrics.
/// </summary>
internal static class SampleCommand
{
    /// <summary>Runs the subcommand.</summary>
    public static async Task RunAsync(NotebookSession session, FluxArguments args, KernelInvocationContext context)
    {
        var name = args.Positional("NAME")!;
        var model = session.Models.Get(name, args.Prefix);
        var sampler = ModelChoices.ParseSampler(args.Value("--sampler"));
        if (sampler == SamplerKind.ReverseSde && !model.Config.Annealed)
        {
            throw new FluxUsageException($"{args.Prefix}: --sampler reverse-sde needs an annealed model ({name} was made without --annealed). Use --sampler langevin.");
        }

        if (args.Has("--step-size") && (sampler ?? FluxDefaults.SamplerFor(model.Config)) == SamplerKind.ReverseSde)
        {
            throw new FluxUsageException($"{args.Prefix}: --step-size applies to the Langevin sampler only (the reverse SDE's steps follow the σ grid).");
        }

        var request = new SamplingRequest
        {
            N = args.Int("--n", FluxDefaults.Sampling.N, 2, 1_000_000),
            Sampler = sampler,
            Steps = args.Has("--steps") ? args.Int("--steps", 0, 1, 10_000_000) : null,
            StepSize = args.Has("--step-size") ? args.Double("--step-size", 0, v => v > 0 && v < 10, "a number in (0, 10)") : null,
            Seed = args.Long("--seed", FluxDefaults.Sampling.Seed),
        };
        ModelCommands.Require(args.Prefix);
        SampleSet set;
        using (await session.UseAsync(model))
        {
            set = await Task.Run(() => Notebook.Sample(model, request, name), CancellationToken.None);
        }

        KernelInvocationContextExtensions.Display(context, set, HtmlFormatter.MimeType);
    }
}
