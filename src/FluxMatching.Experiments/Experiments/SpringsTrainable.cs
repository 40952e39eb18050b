namespace FluxMatching.Experiments;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Runtime;
using FluxMatching.Springs;
using FluxMatching.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// An exp5 run's pieces as the one training loop sees them (<see cref="ITrainable"/>): the transformer field, its EMA
/// copy, the auxiliary nets of Flux training, and the objective — shuffled epochs of the standardised trajectories,
/// σ log-uniform once per batch, DSM on the raw head or annealed Flux Matching. Every step counts (a skipped
/// non-finite step too, as the reference's loop).
/// </summary>
internal sealed class SpringsTrainable(
    SpringsRunOptions options, SpringsDataset data, Device device, TransformerField trained, TransformerField ema,
    LossNormalizer? normalizer, ExponentialTimeProposal? proposal) : ITrainable, ITrainingObjective, IDisposable
{
    private readonly Generator shuffle = new((ulong)options.Seed, CPU);
    private readonly Generator draws = new((ulong)(options.Seed + 1), device);
    private readonly SigmaSampler sigmas = SigmaSampler.LogUniform(options.SigmaMin, options.SigmaMax);
    private readonly AnnealedFluxLoss flux = new();
    private readonly List<double> losses = [];
    private Tensor? order;
    private int position;

    public TrainableField Field => trained;

    public TrainableField? Ema => ema;

    public int StepsTrained { get; private set; }

    public int SkippedSteps { get; private set; }

    public IReadOnlyList<double> Losses => losses;

    public IReadOnlyList<Parameter> TrainableParameters()
    {
        var trainable = new List<Parameter>(trained.parameters());
        trainable.AddRange(normalizer?.parameters() ?? []);
        trainable.AddRange(proposal?.parameters() ?? []);
        return trainable;
    }

    public ITrainingObjective CreateObjective(TrainerOptions trainerOptions) => this;

    public (Tensor Objective, Tensor Batch) Compute()
    {
        var x = NextBatch().to(options.Dtype, device);
        var sigma = sigmas.Sample(draws, device, options.Dtype);
        if (options.Objective == SpringsObjective.Dsm)
        {
            double s = sigma.ItemAsDouble();
            // the authors' DSM network is given σ² in training (and σ at sampling): SpringsRunOptions.DsmFieldTakesSigmaSquared
            var fieldSigma = options.DsmFieldTakesSigmaSquared ? sigma.pow(Scalars.Two) : sigma;
            return (DsmLoss.EpsilonKde(z => trained.EvaluateRaw(z, fieldSigma), x, s * s, generator: draws).mean(), x);
        }

        return (flux.Compute(trained, x, sigma, normalizer, proposal, generator: draws).Total.mean(), x);
    }

    public void RecordStep(StepOutcome outcome)
    {
        StepsTrained++;
        losses.Add(outcome.Loss);
        if (!outcome.Applied)
        {
            SkippedSteps++;
        }
        else if (options.EmaDecay == 0)
        {
            using var noGrad = no_grad();
            foreach (var (e, p) in ema.parameters().Zip(trained.parameters()))
            {
                e.copy_(p);   // β = 0: the copy is the field (the loop keeps no average then)
            }
        }
    }

    public void EndSession(bool averaged)
    {
    }

    public void SaveCheckpoint(string path) => ema.save(path);

    public void Dispose() => order?.Dispose();

    // The next batch of a shuffled epoch (a new permutation when the last one is used up; the last batch of an epoch
    // holds the remainder). The permutation lives outside every dispose scope.
    private Tensor NextBatch()
    {
        if (order is null || position >= data.Count)
        {
            order?.Dispose();
            order = randperm(data.Count, generator: shuffle).DetachFromDisposeScope();
            position = 0;
        }

        int end = Math.Min(position + options.BatchSize, data.Count);
        using var index = order[position..end];
        position = end;
        return data.Normalized.index_select(0, index);
    }
}
