namespace FluxMatching.Data;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Per-coordinate standardization z = (x − μ) / s with μ the mean and s the population standard deviation of the
/// training points (s = 1 for a constant coordinate). Models train on z; samples are mapped back by x = μ + s z.
/// </summary>
/// <param name="Mean">μ, length D.</param>
/// <param name="Scale">s &gt; 0, length D.</param>
public sealed record Standardization(double[] Mean, double[] Scale)
{
    /// <summary>Fits μ and s to points [N, D] (N ≥ 2).</summary>
    public static Standardization Fit(Tensor points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.dim() != 2 || points.shape[0] < 2)
        {
            throw new ArgumentException($"points must have shape [N, D] with N ≥ 2; got [{string.Join(", ", points.shape)}].", nameof(points));
        }

        using var scope = torch.NewDisposeScope();
        var x = points.detach().to(ScalarType.Float64);
        var mean = x.mean([0L]).cpu().data<double>().ToArray();
        var std = x.std([0L], unbiased: false).cpu().data<double>().ToArray();
        var scale = std.Select(s => s > 1e-12 && double.IsFinite(s) ? s : 1.0).ToArray();
        return new Standardization(mean, scale);
    }

    /// <summary>Data dimension D.</summary>
    public int Dimension => Mean.Length;

    /// <summary>z = (x − μ) / s for x [B, D] on any device; same device and dtype.</summary>
    public Tensor Apply(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var (mean, scale) = Parameters(x);
        return x.sub(mean).div(scale).MoveToOuterDisposeScope();
    }

    /// <summary>x = μ + s z for z [B, D] (or [T, B, D]) on any device; same device and dtype.</summary>
    public Tensor Invert(Tensor z)
    {
        using var scope = torch.NewDisposeScope();
        var (mean, scale) = Parameters(z);
        return z.mul(scale).add(mean, Scalars.One).MoveToOuterDisposeScope();
    }

    private (Tensor Mean, Tensor Scale) Parameters(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        if (like.dim() < 1 || like.shape[^1] != Dimension)
        {
            throw new ArgumentException($"expected points with last dimension {Dimension}; got [{string.Join(", ", like.shape)}].", nameof(like));
        }

        return (torch.tensor(Mean, like.dtype, like.device), torch.tensor(Scale, like.dtype, like.device));
    }
}
