namespace FluxMatching.RnaVelocity;

using FluxMatching.Fields;
using FluxMatching.Data;
using FluxMatching.Losses;
using FluxMatching.Runtime;
using FluxMatching.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// The RNA-velocity experiment's pieces as the one training loop sees them (<see cref="ITrainable"/>): a
/// <see cref="KineticField"/> (no EMA copy), and an objective over epochs of shuffled cell batches
/// (<see cref="ShuffledEpochBatches"/>): the gene-local flux loss (<see cref="GeneLocalFluxLoss"/>, the authors'
/// <c>FluxTrainer</c>) or the ε-DSM baseline (<see cref="KineticObjective.Dsm"/>).
/// </summary>
public sealed class KineticTrainable : ITrainable, ITrainingObjective, IDisposable
{
    private readonly ShuffledEpochBatches batches;
    private readonly Generator draws;
    private readonly double sigma2;
    private readonly KineticObjective objective;
    private readonly GeneLocalFluxLoss flux = new();
    private readonly List<double> losses = [];
    private readonly IProgress<(int Epoch, double Loss)>? progress;
    private double epochSum;
    private int epochSteps;

    /// <summary>Wraps a field, its cells and its generators.</summary>
    /// <param name="field">The kinetic field (trained in place), on the cells' device and dtype.</param>
    /// <param name="cells">Cells [N, G, 2] (u, s per gene). Not owned.</param>
    /// <param name="batch">Cells per batch B ≥ 2 (the last batch of an epoch holds the remainder).</param>
    /// <param name="sigma2">σ² of the flux loss's kernel and anchor noise, and of the DSM noise (&gt; 0).</param>
    /// <param name="objective">Flux (the paper) or DSM (the baseline).</param>
    /// <param name="shuffle">Generator of the epochs' permutations (CPU). Not owned.</param>
    /// <param name="draws">Generator of the loss's draws, on the cells' device. Not owned.</param>
    /// <param name="progress">Receives (epoch, mean loss of the epoch) after each epoch.</param>
    public KineticTrainable(KineticField field, Tensor cells, int batch, double sigma2, KineticObjective objective,
        Generator shuffle, Generator draws, IProgress<(int Epoch, double Loss)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(draws);
        if (cells.dim() != 3 || cells.size(1) != field.Genes || cells.size(2) != 2)
        {
            throw new ArgumentException(
                $"cells must be [N, {field.Genes}, 2], got [{string.Join(", ", cells.shape)}].", nameof(cells));
        }

        if (batch < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be ≥ 2.");
        }

        if (!(sigma2 > 0) || !double.IsFinite(sigma2))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma2), sigma2, "sigma2 must be finite and > 0.");
        }

        if (!Enum.IsDefined(objective))
        {
            throw new ArgumentOutOfRangeException(nameof(objective), objective, "objective must be Flux or Dsm.");
        }

        Kinetic = field;
        batches = new ShuffledEpochBatches(cells, batch, shuffle);
        this.draws = draws;
        this.sigma2 = sigma2;
        this.objective = objective;
        this.progress = progress;
    }

    /// <summary>The trained kinetic field.</summary>
    public KineticField Kinetic { get; }

    /// <summary>Optimizer steps per epoch, ⌈N/B⌉.</summary>
    public int StepsPerEpoch => batches.BatchesPerEpoch;

    /// <summary>The objective of every step so far.</summary>
    public IReadOnlyList<double> Losses => losses;

    /// <inheritdoc />
    public TrainableField Field => Kinetic;

    /// <inheritdoc />
    public TrainableField? Ema => null;

    /// <inheritdoc />
    public int StepsTrained { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> TrainableParameters() => [.. Kinetic.parameters()];

    /// <inheritdoc />
    public ITrainingObjective CreateObjective(TrainerOptions options) => this;

    /// <inheritdoc />
    public IReadOnlyList<Generator> Generators => [];

    /// <summary>The next shuffled batch [b, G, 2] and its objective: the gene-local flux loss, or
    /// σ²·mean_b Σ_{g,(u,s)} (f(x + σε) + ε/σ)² (ε-DSM of the field onto the noise direction, per gene).</summary>
    public (Tensor Objective, Tensor Batch) Compute()
    {
        var batch = batches.Next();
        if (objective == KineticObjective.Flux)
        {
            return (flux.Compute(Kinetic, batch, sigma2, generator: draws).Loss, batch);
        }

        // DsmLoss.EpsilonPlain's regression scaled by σ² (same minimizer, an O(1) loss), written out here because the
        // last batch of an epoch may hold one cell
        double sigma = Math.Sqrt(sigma2);
        var eps = RandomDraws.Randn(batch.shape, batch.dtype, batch.device, draws);
        using var s = sigma.ToScalar();
        var residual = Kinetic.Evaluate(batch.add(eps.mul(s), Scalars.One)).mul(s).add(eps, Scalars.One);   // σ·f(x + σε) + ε
        return (residual.pow(Scalars.Two).sum([1, 2]).mean(), batch);
    }

    /// <inheritdoc />
    public void RecordStep(StepOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        StepsTrained++;
        losses.Add(outcome.Loss);
        epochSum += outcome.Loss;
        epochSteps++;
        if (batches.EpochEnded)
        {
            progress?.Report((batches.Epoch, epochSum / epochSteps));
            epochSum = 0;
            epochSteps = 0;
        }
    }

    /// <inheritdoc />
    public void EndSession(bool averaged)
    {
    }

    /// <inheritdoc />
    public void SaveCheckpoint(string path) => Kinetic.save(path);

    /// <summary>Releases the batch stream's permutation.</summary>
    public void Dispose() => batches.Dispose();
}
