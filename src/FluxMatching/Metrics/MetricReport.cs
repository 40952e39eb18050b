namespace FluxMatching.Metrics;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>Sample-quality metrics of generated samples against reference samples.</summary>
/// <param name="Mmd2">Multi-scale RBF MMD² (<see cref="Mmd"/>; unbiased unless the options say otherwise).</param>
/// <param name="EnergyDistance">Energy distance (V-statistic, <see cref="Metrics.EnergyDistance"/>).</param>
/// <param name="SlicedW2">Sliced W₂ = √SW₂² (<see cref="SlicedWasserstein"/>).</param>
/// <param name="ExactW2">Exact W₂ (<see cref="Metrics.ExactW2"/>), or null when the sizes differ or exceed the limit.</param>
/// <param name="SampleCount">Number of generated samples N.</param>
/// <param name="ReferenceCount">Number of reference samples M.</param>
public sealed record MetricReport(double Mmd2, double EnergyDistance, double SlicedW2, double? ExactW2, int SampleCount, int ReferenceCount)
{
    /// <summary>Computes every metric between <paramref name="samples"/> [N, D] and <paramref name="reference"/> [M, D].</summary>
    /// <param name="samples">Generated samples [N, D] (N ≥ 2), finite.</param>
    /// <param name="reference">Reference samples [M, D] (M ≥ 2), finite.</param>
    /// <param name="options">Settings (null: defaults).</param>
    /// <param name="generator">Source of the sliced-W₂ directions (null: default generator).</param>
    public static MetricReport Compute(Tensor samples, Tensor reference, MetricOptions? options = null, Generator? generator = null)
    {
        options ??= new MetricOptions();
        if (options.SlicedProjections < 1)
        {
            throw new ArgumentOutOfRangeException("options.SlicedProjections", options.SlicedProjections, "Must be ≥ 1.");
        }

        if (options.ExactW2MaxPoints < 0)
        {
            throw new ArgumentOutOfRangeException("options.ExactW2MaxPoints", options.ExactW2MaxPoints, "Must be ≥ 0 (0 disables exact W2).");
        }

        using var scope = torch.NewDisposeScope();
        var (a, b) = PointClouds.Prepare(samples, reference, 2, nameof(samples), nameof(reference));
        double mmd2 = Mmd.Squared(a, b, options.Mmd);
        double energy = Metrics.EnergyDistance.Compute(a, b);
        double sliced = Math.Sqrt(Math.Max(0, SlicedWasserstein.Squared(a, b, options.SlicedProjections, generator)));
        int n = (int)a.shape[0], m = (int)b.shape[0];
        double? exact = n == m && n <= options.ExactW2MaxPoints ? Metrics.ExactW2.Compute(a, b, options.ExactW2MaxPoints).W2 : null;
        return new MetricReport(mmd2, energy, sliced, exact, n, m);
    }
}
