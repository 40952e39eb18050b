namespace FluxMatching.Springs;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// exp5's per-feature standardisation (the authors' experiments/exp5_embed_structure): mean and population standard deviation (ddof 0) of
/// each of the C features over all trajectories and time steps, the std floored at 1e-6; x̃ = (x − mean)/std.
/// </summary>
/// <param name="Mean">Per-feature mean [C].</param>
/// <param name="Std">Per-feature standard deviation [C], ≥ 1e-6.</param>
public sealed record TrajectoryStandardizer(IReadOnlyList<double> Mean, IReadOnlyList<double> Std)
{
    /// <summary>Fits the statistics of trajectories [N, T, C] (computed in float64).</summary>
    /// <param name="trajectories">Trajectories [N, T, C], finite.</param>
    public static TrajectoryStandardizer Fit(Tensor trajectories)
    {
        Validate(trajectories, nameof(trajectories), null);
        using var scope = NewDisposeScope();
        var x = trajectories.detach().to(ScalarType.Float64).cpu();
        var mean = x.mean([0, 1]);
        var std = x.sub(mean).pow(Scalars.Two).mean([0, 1]).sqrt().clamp_min(Scalars.Shared(1e-6));
        return new TrajectoryStandardizer(mean.data<double>().ToArray(), std.data<double>().ToArray());
    }

    /// <summary>(x − mean)/std for x [..., C], in x's dtype and device.</summary>
    /// <param name="x">Trajectories or states [..., C].</param>
    public Tensor Normalize(Tensor x)
    {
        Validate(x, nameof(x), Mean.Count);
        using var scope = NewDisposeScope();
        return x.sub(Row(Mean, x)).div(Row(Std, x)).MoveToOuterDisposeScope();
    }

    /// <summary>x·std + mean for x [..., C], in x's dtype and device.</summary>
    /// <param name="x">Normalised trajectories or states [..., C].</param>
    public Tensor Unnormalize(Tensor x)
    {
        Validate(x, nameof(x), Mean.Count);
        using var scope = NewDisposeScope();
        return x.mul(Row(Std, x)).add(Row(Mean, x), Scalars.One).MoveToOuterDisposeScope();
    }

    private static Tensor Row(IReadOnlyList<double> values, Tensor like) =>
        tensor(values.ToArray(), ScalarType.Float64).to(like.dtype, like.device);

    private static void Validate(Tensor x, string name, int? features)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (features is null && x.dim() != 3)
        {
            throw new ArgumentException($"{name} has shape [{string.Join(", ", x.shape)}]; expected [N, T, C].", name);
        }

        if (features is { } c && (x.dim() < 1 || x.shape[^1] != c))
        {
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", x.shape)}]; the last dimension must be {c}.", name);
        }

        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"{name} has dtype {x.dtype}; allowed: Float32 or Float64.", name);
        }
    }
}
