namespace FluxMatching.Metrics;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Squared maximum mean discrepancy with a multi-scale RBF kernel k(a, b) = (1/H) Σ_h exp(−‖a − b‖²/2h²):
/// MMD² = E k(x, x') + E k(y, y') − 2 E k(x, y). Computed in float64 on the device of the first argument.
/// </summary>
public static class Mmd
{
    /// <summary>MMD² between the samples <paramref name="x"/> [N, D] and <paramref name="y"/> [M, D].</summary>
    /// <param name="x">First sample [N, D] (N ≥ 2), finite.</param>
    /// <param name="y">Second sample [M, D] (M ≥ 2), finite; moved to x's device.</param>
    /// <param name="options">Bandwidths and estimator (null: defaults, unbiased).</param>
    /// <returns>The unbiased (U-statistic) or biased (V-statistic) estimate, as chosen by
    /// <see cref="MmdOptions.Unbiased"/>.</returns>
    public static double Squared(Tensor x, Tensor y, MmdOptions? options = null)
    {
        options ??= new MmdOptions();
        var bandwidths = options.Bandwidths ?? throw new ArgumentNullException("options.Bandwidths");
        if (bandwidths.Count == 0 || bandwidths.Any(h => !double.IsFinite(h) || h <= 0))
        {
            throw new ArgumentException(
                $"options.Bandwidths = [{string.Join(", ", bandwidths)}]; need at least one, each finite and > 0.", nameof(options));
        }

        using var scope = torch.NewDisposeScope();
        var (a, b) = PointClouds.Prepare(x, y, 2, nameof(x), nameof(y));
        var coefficients = bandwidths.Select(h => (-1.0 / (2 * h * h)).ToScalar()).ToArray();
        var mean = (1.0 / bandwidths.Count).ToScalar();
        try
        {
            Tensor Kernel(Tensor sq)
            {
                Tensor? acc = null;
                foreach (var c in coefficients)
                {
                    var term = sq.mul(c).exp_();
                    acc = acc is null ? term : acc.add_(term, Scalars.One);
                }

                return acc!.mul_(mean);
            }

            double n = a.shape[0], m = b.shape[0];
            double sxx = PointClouds.PairwiseSum(a, a, Kernel);
            double syy = PointClouds.PairwiseSum(b, b, Kernel);
            double sxy = PointClouds.PairwiseSum(a, b, Kernel);
            return options.Unbiased
                ? ((sxx - n) / (n * (n - 1))) + ((syy - m) / (m * (m - 1))) - (2 * sxy / (n * m))
                : (sxx / (n * n)) + (syy / (m * m)) - (2 * sxy / (n * m));
        }
        finally
        {
            foreach (var c in coefficients)
            {
                c.Dispose();
            }

            mean.Dispose();
        }
    }
}
