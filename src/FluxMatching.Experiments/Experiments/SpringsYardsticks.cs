namespace FluxMatching.Experiments;

using FluxMatching.Metrics;
using FluxMatching.Springs;
using static TorchSharp.torch;

/// <summary>
/// Two yardsticks for exp5's exact W2 at N trajectories (standardized, flattened): two disjoint halves of the data
/// (what a perfect model could reach at this N) and a standard Gaussian against the data (what a field that learned
/// only the per-feature mean and variance would give at best). A model above the Gaussian yardstick has not learned
/// the data.
/// </summary>
/// <param name="N">Trajectories on each side of both W2 values.</param>
/// <param name="DataVsData">Exact W2 between two disjoint halves of the data.</param>
/// <param name="GaussianVsData">Exact W2 between N standard Gaussian draws and N data trajectories.</param>
public sealed record SpringsYardsticks(int N, double DataVsData, double GaussianVsData)
{
    /// <summary>Both yardsticks at N = min(<paramref name="n"/>, half the data set), from a shuffle seeded 1 and
    /// Gaussian draws seeded 2 (CPU generators).</summary>
    /// <param name="data">The training set (≥ 4 trajectories).</param>
    /// <param name="n">Requested evaluation size ≥ 2.</param>
    public static SpringsYardsticks Compute(SpringsDataset data, int n)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (n < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 2.");
        }

        int half = Math.Min(n, data.Count / 2);
        using var scope = NewDisposeScope();
        var flat = data.Normalized.reshape(data.Count, -1).to(CPU);
        var shuffled = flat.index_select(0, randperm(data.Count, generator: new Generator(1, CPU)));
        double dataVsData = ExactW2.Compute(shuffled.narrow(0, 0, half), shuffled.narrow(0, half, half)).W2;
        var gaussian = randn([half, data.Dimension], dtype: flat.dtype, generator: new Generator(2, CPU));
        double gaussianVsData = ExactW2.Compute(gaussian, shuffled.narrow(0, 0, half)).W2;
        return new SpringsYardsticks(half, dataVsData, gaussianVsData);
    }
}
