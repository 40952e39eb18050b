namespace FluxMatching.Metrics.Images;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// KID (Bińkowski et al., 2018) between two feature sets: the unbiased (U-statistic) MMD² with the cubic polynomial
/// kernel k(a, b) = (aᵀb/D + 1)³,
/// MMD²_u = Σ_{i≠j} k(xᵢ, xⱼ)/(m(m − 1)) + Σ_{i≠j} k(yᵢ, yⱼ)/(m(m − 1)) − 2 Σ_{i,j} k(xᵢ, yⱼ)/m²,
/// averaged over random subset pairs of size m drawn without replacement. Computed in float64 on the device of the
/// first set; every subset draw comes from the caller's generator.
/// </summary>
public static class KernelDistance
{
    /// <summary>KID between feature sets <paramref name="x"/> [N, D] and <paramref name="y"/> [M, D].</summary>
    /// <param name="x">First set [N, D], N ≥ 2, finite.</param>
    /// <param name="y">Second set [M, D], M ≥ 2, finite; moved to x's device.</param>
    /// <param name="options">Subsets and subset size (null: 100 subsets of 1,000, capped at min(N, M)).</param>
    /// <param name="generator">Generator of the subset draws (null: the default generator of x's device); the draws
    /// are made on the generator's device.</param>
    public static KernelDistanceResult Compute(Tensor x, Tensor y, KernelDistanceOptions? options = null,
        Generator? generator = null)
    {
        options ??= new KernelDistanceOptions();
        options.Validate();
        using var scope = NewDisposeScope();
        var (a, b) = PointClouds.Prepare(x, y, 2, nameof(x), nameof(y));
        long n = a.shape[0], m = b.shape[0];
        int size = (int)Math.Min(options.SubsetSize, Math.Min(n, m));
        var drawDevice = generator?.device ?? a.device;
        var estimates = new double[options.Subsets];
        for (int s = 0; s < options.Subsets; s++)
        {
            using var inner = NewDisposeScope();
            var ia = randperm(n, generator: generator, device: drawDevice).narrow(0, 0, size).to(a.device);
            var ib = randperm(m, generator: generator, device: drawDevice).narrow(0, 0, size).to(a.device);
            estimates[s] = UnbiasedMmdSquared(a.index_select(0, ia), b.index_select(0, ib));
        }

        double mean = estimates.Average();
        double sd = estimates.Length > 1
            ? Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / (estimates.Length - 1))
            : 0.0;
        return new KernelDistanceResult(mean, sd, options.Subsets, size);
    }

    /// <summary>The unbiased MMD² with the cubic polynomial kernel between two whole sets [m, D] and [m', D]
    /// (float64, same device; m, m' ≥ 2).</summary>
    /// <param name="x">First set [m, D].</param>
    /// <param name="y">Second set [m', D].</param>
    public static double UnbiasedMmdSquared(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        var (a, b) = PointClouds.Prepare(x, y, 2, nameof(x), nameof(y));
        double n = a.shape[0], m = b.shape[0], d = a.shape[1];
        var kxx = Kernel(a, a, d);
        var kyy = Kernel(b, b, d);
        var kxy = Kernel(a, b, d);
        double sxx = kxx.sum().item<double>() - kxx.diagonal().sum().item<double>();
        double syy = kyy.sum().item<double>() - kyy.diagonal().sum().item<double>();
        double sxy = kxy.sum().item<double>();
        return (sxx / (n * (n - 1))) + (syy / (m * (m - 1))) - (2 * sxy / (n * m));
    }

    /// <summary>k(a, b) = (aᵀb/D + 1)³ for all pairs: [n, m].</summary>
    private static Tensor Kernel(Tensor a, Tensor b, double d)
    {
        using var divisor = d.ToScalar();
        return a.matmul(b.t()).div_(divisor).add_(Scalars.One, Scalars.One).pow_(Scalars.Shared(3));
    }
}
