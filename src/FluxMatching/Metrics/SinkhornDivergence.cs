namespace FluxMatching.Metrics;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The debiased Sinkhorn divergence of exp4's mixing regularizer (the authors'
/// experiments/exp4_fast_mixing/application_loss.py): SD(x, y) = W(x, y) − ½W(x, x) − ½W(y, y), clamped at 0, where
/// W = ⟨P, C⟩ = Σ_ij P_ij C_ij, C_ij = ‖x_i − y_j‖² (the full squared distance, not half of it) and P the plan after
/// exactly <see cref="SinkhornOptions.Iterations"/> log-domain Sinkhorn iterations with uniform marginals 1/N, 1/M
/// and kernel log K = −C/ε. P sums to one, so W is the plan's mean squared distance (as ε → 0 it approaches the exact
/// assignment cost W₂², see <see cref="ExactW2"/>). Differentiable: gradients flow through every iteration (no
/// envelope-theorem shortcut), as in the reference. Inputs [N, *S] are flattened to [N, D]; every tensor stays on the
/// inputs' device and dtype.
/// </summary>
public static class SinkhornDivergence
{
    /// <summary>SD(x, y) = W(x, y) − ½W(x, x) − ½W(y, y), clamped at 0; a 0-d tensor with the inputs' graph.</summary>
    /// <param name="x">First set [N, *S].</param>
    /// <param name="y">Second set [M, *S] (same trailing shape, device and dtype).</param>
    /// <param name="options">ε and the iteration count (null: <see cref="SinkhornOptions.Default"/>).</param>
    public static Tensor Compute(Tensor x, Tensor y, SinkhornOptions? options = null)
    {
        options ??= SinkhornOptions.Default;
        options.Validate();
        Check(x, y);
        using var scope = NewDisposeScope();
        var wxy = Cost(x, y, options);
        var wxx = Cost(x, x, options);
        var wyy = Cost(y, y, options);
        var sd = wxy.add(wxx, Scalars.MinusHalf).add(wyy, Scalars.MinusHalf);
        // clamp at 0 as sd·1[sd > 0]: the same value and gradient as clamp_min, whose backward (where) has no meta
        // kernel.
        return sd.mul(sd.gt(Scalars.Zero).to(sd.dtype).detach()).MoveToOuterDisposeScope();
    }

    /// <summary>The entropic transport cost W = ⟨P, C⟩ of the Sinkhorn plan between uniform weights on x and y; 0-d.
    /// </summary>
    /// <param name="x">First set [N, *S].</param>
    /// <param name="y">Second set [M, *S].</param>
    /// <param name="options">ε and the iteration count (null: <see cref="SinkhornOptions.Default"/>).</param>
    public static Tensor TransportCost(Tensor x, Tensor y, SinkhornOptions? options = null)
    {
        options ??= SinkhornOptions.Default;
        options.Validate();
        Check(x, y);
        return Cost(x, y, options);
    }

    /// <summary>The squared-distance matrix C_ij = ‖x_i‖² + ‖y_j‖² − 2 x_i·y_j, [N, M] (the reference's expansion).
    /// </summary>
    /// <param name="x">First set [N, *S].</param>
    /// <param name="y">Second set [M, *S].</param>
    public static Tensor SquaredDistances(Tensor x, Tensor y)
    {
        Check(x, y);
        using var scope = NewDisposeScope();
        var a = x.reshape(x.shape[0], -1);
        var b = y.reshape(y.shape[0], -1);
        var a2 = a.mul(a).sum([1], keepdim: true);
        var b2 = b.mul(b).sum([1], keepdim: true);
        return a2.add(b2.t(), Scalars.One).add(a.matmul(b.t()), Scalars.MinusTwo).MoveToOuterDisposeScope();
    }

    private static Tensor Cost(Tensor x, Tensor y, SinkhornOptions options)
    {
        using var scope = NewDisposeScope();
        using var sc = new Scalars();
        long n = x.shape[0], m = y.shape[0];
        var c = SquaredDistances(x, y);
        var logK = c.mul(sc[-1.0 / options.Epsilon]);
        var logA = full([n], sc[-Math.Log(n)], c.dtype, c.device);
        var logB = full([m], sc[-Math.Log(m)], c.dtype, c.device);
        var f = zeros([n], c.dtype, c.device);
        var g = zeros([m], c.dtype, c.device);
        for (int i = 0; i < options.Iterations; i++)
        {
            f = logA.sub(LogSumExp(logK.add(g.unsqueeze(0), Scalars.One), 1));
            g = logB.sub(LogSumExp(logK.add(f.unsqueeze(1), Scalars.One), 0));
        }

        var plan = f.unsqueeze(1).add(logK, Scalars.One).add(g.unsqueeze(0), Scalars.One).exp();
        return plan.mul(c).sum().MoveToOuterDisposeScope();
    }

    /// <summary>log Σ exp along <paramref name="dim"/> with the (detached) maximum subtracted: libtorch's logsumexp
    /// has no meta kernel, this runs on every device with the same values and gradient.</summary>
    private static Tensor LogSumExp(Tensor a, long dim)
    {
        var m = a.amax([dim], keepdim: true).detach();
        return a.sub(m).exp().sum([dim]).log().add(m.squeeze(dim), Scalars.One);
    }

    private static void Check(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.dim() < 2 || y.dim() < 2 || x.shape[0] < 1 || y.shape[0] < 1)
        {
            throw new ArgumentException($"x [{string.Join(", ", x.shape)}] and y [{string.Join(", ", y.shape)}] must be point sets [N, *S] with N ≥ 1.", nameof(x));
        }

        if (!x.shape.Skip(1).SequenceEqual(y.shape.Skip(1)))
        {
            throw new ArgumentException($"x [{string.Join(", ", x.shape)}] and y [{string.Join(", ", y.shape)}] must share the point shape.", nameof(y));
        }

        if (x.device_type != y.device_type || x.device_index != y.device_index || x.dtype != y.dtype || !x.is_floating_point())
        {
            throw new ArgumentException($"x ({x.dtype}, {x.device}) and y ({y.dtype}, {y.device}) must share one floating dtype and device.", nameof(y));
        }
    }
}
