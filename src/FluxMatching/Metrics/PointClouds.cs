namespace FluxMatching.Metrics;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Input checks and blocked pairwise reductions shared by the sample metrics. Metrics work in float64 on the device of
/// their first argument (the second is moved there); pairwise squared distances are formed from direct differences,
/// so d(a, a) is exactly 0.
/// </summary>
internal static class PointClouds
{
    /// <summary>Largest number of elements of one [rows, M, D] difference block.</summary>
    private const long BlockElements = 1L << 23;

    /// <summary>Checks two point sets [N, D], [M, D] (same D, at least <paramref name="minPoints"/> points each,
    /// finite) and returns float64 detached copies on the device of <paramref name="x"/>.</summary>
    public static (Tensor X, Tensor Y) Prepare(Tensor x, Tensor y, int minPoints, string xName, string yName)
    {
        var a = Prepare(x, minPoints, xName);
        if (y is null || y.dim() != 2 || y.shape[1] != x.shape[1])
        {
            throw new ArgumentException(
                $"{yName} has shape [{(y is null ? "null" : string.Join(", ", y.shape))}]; expected [M, {x.shape[1]}] (same D as {xName}).",
                yName);
        }

        var b = Prepare(y, minPoints, yName).to(a.device);
        return (a, b);
    }

    /// <summary>Checks one point set [N, D] and returns a float64 detached copy on its device.</summary>
    public static Tensor Prepare(Tensor x, int minPoints, string name)
    {
        if (x is null)
        {
            throw new ArgumentNullException(name);
        }

        if (x.dim() != 2 || x.shape[0] < minPoints || x.shape[1] < 1)
        {
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", x.shape)}]; expected [N, D] with N ≥ {minPoints} and D ≥ 1.", name);
        }

        if (!x.is_floating_point())
        {
            throw new ArgumentException($"{name} has dtype {x.dtype}; a floating-point tensor is required.", name);
        }

        var a = x.detach().to(ScalarType.Float64);
        if (!torch.isfinite(a).all().item<bool>())
        {
            throw new ArgumentException($"{name} contains NaN or infinite values.", name);
        }

        return a;
    }

    /// <summary>Σ_ij g(‖a_i − b_j‖²) for a [N, D], b [M, D], in row blocks; <paramref name="g"/> maps a block of
    /// squared distances [r, M] to values of the same shape.</summary>
    public static double PairwiseSum(Tensor a, Tensor b, Func<Tensor, Tensor> g)
    {
        long n = a.shape[0], m = b.shape[0], d = a.shape[1];
        long rows = Math.Max(1, BlockElements / Math.Max(1, m * d));
        double total = 0;
        var bb = b.unsqueeze(0);
        for (long start = 0; start < n; start += rows)
        {
            using var scope = torch.NewDisposeScope();
            long stop = Math.Min(n, start + rows);
            var sq = a.narrow(0, start, stop - start).unsqueeze(1).sub(bb).pow(Scalars.Two).sum(-1);
            total += g(sq).sum().item<double>();
        }

        return total;
    }
}
