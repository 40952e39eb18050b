namespace FluxMatching.RnaVelocity;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Fits a <see cref="KineticField"/> to Mu/Ms with the <see cref="GeneLocalFluxLoss"/> as the authors' <c>FluxTrainer</c>
/// does: epochs of shuffled batches, Adam, no clipping, no EMA. (The project's <c>Trainer</c> draws fresh batches from
/// a data source each step; this experiment needs epochs over a fixed cell set, hence this small loop.)
/// </summary>
public static class KineticFluxTrainer
{
    /// <summary>Trains and evaluates the field at every cell.</summary>
    /// <param name="mu">Unspliced moments [N, G].</param>
    /// <param name="ms">Spliced moments [N, G].</param>
    /// <param name="options">Settings (null: the authors').</param>
    /// <param name="device">Where to train (null: CPU).</param>
    /// <param name="progress">Receives (epoch, mean loss of the epoch) after each epoch.</param>
    public static KineticFit Fit(double[,] mu, double[,] ms, KineticTrainingOptions? options = null,
        Device? device = null, IProgress<(int Epoch, double Loss)>? progress = null)
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
        TorchRuntime.Configure();   // the per-gene KDE softmax underflows into float32 denormals
        var field = new KineticField(g);
        field.to(device);
        field.to(o.Dtype);
        using var cells = stack([ToTensor(mu), ToTensor(ms)], 2).to(o.Dtype, device);   // [N, G, 2]
        using var adam = optim.Adam(field.parameters(), o.LearningRate);
        using var generator = new Generator((ulong)o.Seed, device);
        using var shuffle = new Generator((ulong)o.Seed + 1);
        var loss = new GeneLocalFluxLoss();
        var losses = new List<double>();
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            double sum = 0;
            int steps = 0;
            using var order = randperm(n, generator: shuffle);
            for (int start = 0; start < n; start += o.Batch)
            {
                int size = Math.Min(o.Batch, n - start);
                if (size < 2)
                {
                    continue;
                }

                using var scope = NewDisposeScope();
                var batch = cells.index_select(0, order.narrow(0, start, size).to(device));
                adam.zero_grad();
                var value = loss.Compute(field, batch, o.Sigma2, generator: generator).Loss;
                value.backward();
                adam.step();
                double v = value.ToDouble();
                losses.Add(v);
                sum += v;
                steps++;
            }

            progress?.Report((epoch, steps > 0 ? sum / steps : double.NaN));
        }

        using var _ = no_grad();
        using var evalScope = NewDisposeScope();
        var kinetics = field.Velocity(cells.select(2, 0), cells.select(2, 1));
        return new KineticFit(field, ToArray(kinetics.Ds, n, g), ToArray(kinetics.Du, n, g),
            Values(field.Beta()), Values(field.Gamma()), losses);
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
