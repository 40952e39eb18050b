namespace FluxMatching.Metrics;

using FluxMatching.Data;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Sliced 2-Wasserstein distance: SW₂² = E_θ W₂²(θ·X, θ·Y) over directions θ uniform on the unit sphere, estimated
/// with L random directions; each 1-D W₂² is exact (sorted projections; for unequal sizes the two empirical quantile
/// functions are compared on the union of their breakpoints). Computed in float64 on the device of the first argument.
/// </summary>
public static class SlicedWasserstein
{
    /// <summary>L unit directions [L, D] (normalised N(0, I) draws, float64), drawn from <paramref name="generator"/>.</summary>
    /// <param name="count">Number of directions L, ≥ 1.</param>
    /// <param name="dimension">Dimension D, ≥ 1.</param>
    /// <param name="generator">Source of the draws (null: default generator).</param>
    /// <param name="device">Device of the result (null: CPU).</param>
    public static Tensor RandomDirections(int count, int dimension, Generator? generator = null, Device? device = null)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The number of directions must be ≥ 1.");
        }

        if (dimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be ≥ 1.");
        }

        using var scope = torch.NewDisposeScope();
        var g = RandomDraws.Randn([count, dimension], ScalarType.Float64, device ?? torch.CPU, generator);
        return g.div(g.norm(1, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>SW₂² between <paramref name="x"/> [N, D] and <paramref name="y"/> [M, D] with
    /// <paramref name="projections"/> random directions.</summary>
    /// <param name="x">First sample [N, D], finite.</param>
    /// <param name="y">Second sample [M, D], finite; moved to x's device.</param>
    /// <param name="projections">Number of directions L (default 256), ≥ 1.</param>
    /// <param name="generator">Source of the directions (null: default generator).</param>
    public static double Squared(Tensor x, Tensor y, int projections = 256, Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var dimension = x is null ? throw new ArgumentNullException(nameof(x)) : (int)x.shape[^1];
        var directions = RandomDirections(projections, dimension, generator, x.device);
        return Squared(x, y, directions);
    }

    /// <summary>SW₂² with given directions: mean over the rows θ of <paramref name="directions"/> of W₂²(θ·X, θ·Y).</summary>
    /// <param name="x">First sample [N, D], finite.</param>
    /// <param name="y">Second sample [M, D], finite; moved to x's device.</param>
    /// <param name="directions">Directions [L, D] (used as given, not re-normalised).</param>
    public static double Squared(Tensor x, Tensor y, Tensor directions)
    {
        using var scope = torch.NewDisposeScope();
        var (a, b) = PointClouds.Prepare(x, y, 1, nameof(x), nameof(y));
        var theta = PointClouds.Prepare(directions, 1, nameof(directions));
        if (theta.shape[1] != a.shape[1])
        {
            throw new ArgumentException(
                $"directions has shape [{string.Join(", ", theta.shape)}]; expected [L, {a.shape[1]}].", nameof(directions));
        }

        theta = theta.to(a.device);
        var (px, _) = theta.matmul(a.t()).sort(1);          // [L, N], each row sorted (contiguous)
        var (py, _) = theta.matmul(b.t()).sort(1);          // [L, M]
        long n = px.shape[1], m = py.shape[1], l = theta.shape[0];
        if (n == m)
        {
            return px.sub(py).pow(Scalars.Two).sum().item<double>() / (n * l);
        }

        // Quantile functions F⁻¹(u) = px[:, ⌈un⌉ − 1], G⁻¹(u) = py[:, ⌈um⌉ − 1] are piecewise constant; integrate their squared
        // difference exactly over the union of the breakpoints {i/n} ∪ {j/m}.
        using var sc = new Scalars();
        var opts = (ScalarType.Float64, a.device);
        var u = torch.cat([TorchOps.Arange(1, n + 1, opts.Float64, opts.device).div(sc[n]),
            TorchOps.Arange(1, m + 1, opts.Float64, opts.device).div(sc[m])]).sort().Values;
        var w = u.diff(prepend: torch.zeros(1, opts.Float64, opts.device));
        var mid = u.sub(w.div(Scalars.Two));
        var ix = mid.mul(sc[n]).floor().clamp(Scalars.Zero, sc[n - 1]).to(ScalarType.Int64);
        var iy = mid.mul(sc[m]).floor().clamp(Scalars.Zero, sc[m - 1]).to(ScalarType.Int64);
        var gap = px.index_select(1, ix).sub(py.index_select(1, iy)).pow(Scalars.Two);   // [L, n + m]
        return gap.mul(w).sum().item<double>() / l;
    }
}
