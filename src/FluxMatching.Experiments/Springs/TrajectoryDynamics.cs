namespace FluxMatching.Springs;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Does a trajectory obey the springs' equations of motion? For states x [B, T, 4] in physical units: the mean step
/// length ‖x_{t+1} − x_t‖ and the dynamics residual ‖x_{t+1} − RK4(x_t)‖ (0 for simulated trajectories), both averaged
/// over all steps and trajectories.
/// </summary>
public static class TrajectoryDynamics
{
    /// <summary>Standardized samples [B, T·4] or [B, T, 4] back in physical units as float64 [B, T, 4].</summary>
    /// <param name="data">The data set whose standardizer and sequence length apply.</param>
    /// <param name="standardized">Samples in the standardized space of <paramref name="data"/>.</param>
    public static Tensor ToPhysical(SpringsDataset data, Tensor standardized)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(standardized);
        using var scope = NewDisposeScope();
        var shaped = standardized.reshape(-1, data.SequenceLength, 4);
        return data.Standardizer.Unnormalize(shaped).to(ScalarType.Float64).MoveToOuterDisposeScope();
    }

    /// <summary>Mean ‖x_{t+1} − x_t‖ over all steps of x [B, T, 4].</summary>
    /// <param name="x">Trajectories [B, T ≥ 2, 4].</param>
    public static double StepLength(Tensor x)
    {
        Validate(x);
        using var scope = NewDisposeScope();
        return Later(x).sub(Earlier(x)).norm(-1).mean().ItemAsDouble();
    }

    /// <summary>Mean ‖x_{t+1} − RK4(x_t)‖ over all steps of x [B, T, 4] (one step of <paramref name="simulator"/>).</summary>
    /// <param name="x">Trajectories [B, T ≥ 2, 4] in physical units.</param>
    /// <param name="simulator">The dynamics (null: the default springs).</param>
    public static double Residual(Tensor x, SpringSimulator? simulator = null)
    {
        Validate(x);
        simulator ??= new SpringSimulator();
        using var scope = NewDisposeScope();
        return Later(x).sub(simulator.Step(Earlier(x))).norm(-1).mean().ItemAsDouble();
    }

    private static Tensor Later(Tensor x) => x.narrow(1, 1, x.size(1) - 1);

    private static Tensor Earlier(Tensor x) => x.narrow(1, 0, x.size(1) - 1);

    private static void Validate(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 3 || x.size(1) < 2 || x.size(2) != 4)
        {
            throw new ArgumentException($"x must have shape [B, T ≥ 2, 4]; got [{string.Join(", ", x.shape)}].", nameof(x));
        }
    }
}
