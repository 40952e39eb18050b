namespace FluxMatching.RnaVelocity;

using FluxMatching.Fields;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Fits a <see cref="KineticField"/> to Mu/Ms as the authors' <c>FluxTrainer</c> does — epochs of shuffled batches
/// (<see cref="ShuffledEpochBatches"/>), Adam, no clipping, no EMA — through the one training loop
/// (<see cref="Trainer"/> over a <see cref="KineticTrainable"/>, steps = epochs × ⌈N/B⌉), by the gene-local flux loss or
/// the DSM baseline.
/// </summary>
public static class KineticFluxTrainer
{
    /// <summary>Trains and evaluates the field at every cell.</summary>
    /// <param name="mu">Unspliced moments [N, G].</param>
    /// <param name="ms">Spliced moments [N, G].</param>
    /// <param name="options">Settings (null: the authors').</param>
    /// <param name="device">Where to train (null: CPU).</param>
    /// <param name="progress">Receives (epoch, mean loss of the epoch) after each epoch.</param>
    /// <param name="objective">The flux loss (default) or the DSM baseline.</param>
    public static KineticFit Fit(double[,] mu, double[,] ms, KineticTrainingOptions? options = null,
        Device? device = null, IProgress<(int Epoch, double Loss)>? progress = null,
        KineticObjective objective = KineticObjective.Flux)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(ms);
        var o = options ?? new KineticTrainingOptions();
        o.Validate();
        int n = ms.GetLength(0), g = ms.GetLength(1);
        if (mu.GetLength(0) != n || mu.GetLength(1) != g)
        {
            throw new ArgumentException($"mu is [{mu.GetLength(0)}, {mu.GetLength(1)}] but ms is [{n}, {g}].", nameof(mu));
        }

        if (n < 2)
        {
            throw new ArgumentException("At least two cells are needed.", nameof(ms));
        }

        device ??= CPU;
        var field = new KineticField(g);
        field.to(device);
        field.to(o.Dtype);
        using var cells = stack([ToTensor(mu), ToTensor(ms)], 2).to(o.Dtype, device);   // [N, G, 2]
        using var draws = new Generator((ulong)o.Seed, device);
        using var shuffle = new Generator((ulong)o.Seed + 1);
        using var trainable = new KineticTrainable(field, cells, o.Batch, o.Sigma2, objective, shuffle, draws, progress);
        var trainer = new TrainerOptions
        {
            Steps = o.Epochs * trainable.StepsPerEpoch, Batch = o.Batch, LearningRate = o.LearningRate,
            EmaDecay = 0, GradientClipNorm = 0, FusedAdam = false, Seed = o.Seed, Dtype = o.Dtype,
            ProgressEvery = trainable.StepsPerEpoch,
        };
        var result = Trainer.Train(trainable, trainer);
        if (result.Reason != StopReason.Completed)
        {
            throw new InvalidOperationException($"Training of the kinetic field ({objective}) stopped: {result.Message}");
        }

        using var _ = no_grad();
        using var evalScope = NewDisposeScope();
        var kinetics = field.Velocity(cells.select(2, 0), cells.select(2, 1));
        return new KineticFit(field, ToArray(kinetics.Ds, n, g), ToArray(kinetics.Du, n, g),
            Values(field.Beta()), Values(field.Gamma()), [.. trainable.Losses]);
    }

    private static Tensor ToTensor(double[,] a) =>
        tensor(a.Cast<double>().ToArray(), [a.GetLength(0), a.GetLength(1)], ScalarType.Float64);

    private static double[] Values(Tensor t) => t.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();

    private static double[,] ToArray(Tensor t, int n, int g)
    {
        var flat = Values(t.reshape(-1));
        var a = new double[n, g];
        Buffer.BlockCopy(flat, 0, a, 0, flat.Length * sizeof(double));
        return a;
    }
}
