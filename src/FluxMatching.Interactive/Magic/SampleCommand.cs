namespace FluxMatching.Interactive.Magic;

using FluxMatching.Interactive.Session;
using FluxMatching.Models;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

/// <summary>
/// <c>#!flux sample NAME [--n N] [--sampler langevin|reverse-sde|heun|pc|ode] [--steps N] [--step-size X] [--seed N]</c>:
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
        var kind = sampler ?? FluxDefaults.SamplerFor(model.Config);
        if (kind != SamplerKind.Langevin && !model.Config.Annealed)
        {
            throw new FluxUsageException($"{args.Prefix}: --sampler {ModelChoices.Name(kind)} needs an annealed model ({name} was made without --annealed). Use --sampler langevin.");
        }

        if (args.Has("--step-size") && kind != SamplerKind.Langevin)
        {
            throw new FluxUsageException($"{args.Prefix}: --step-size applies to the Langevin sampler only (the {ModelChoices.Name(kind)} sampler's steps follow its σ grid).");
        }

        if (args.Has("--steps") && kind == SamplerKind.ProbabilityFlowOde)
        {
            throw new FluxUsageException($"{args.Prefix}: --steps does not apply to --sampler ode (its steps follow its tolerances).");
        }

        var request = new SamplingRequest
        {
            N = args.Int("--n", FluxDefaults.Sampling.N, 2, 1_000_000),
            Sampler = sampler,
            Steps = args.Has("--steps") ? args.Int("--steps", 0, kind == SamplerKind.Heun ? 2 : 1, 10_000_000) : null,
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
