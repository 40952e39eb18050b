namespace FluxMatching.Sampling;

using System.Diagnostics;
using FluxMatching.Fields;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The probability-flow ODE dx/dσ = (x − D(x; σ))/σ (EDM Eq. 3 with σ(t) = t; the authors' exp3
/// <c>adaptive_heun_sample</c>) integrated from σ_max down to σ_min by the embedded Heun–Euler pair with step-size
/// control (rtol, atol), from x₀ = σ_max·N(0, I), without a final denoising step. D is the field's denoiser
/// (<see cref="IDenoiser"/>) or Tweedie's x + σ²·f(x; σ), clamped to [−1, 1] when asked. Every evaluation is counted:
/// NFE = 2 (start slope and first-step selection) + one per trial step + one per accepted step before the last.
/// </summary>
public sealed class AdaptiveOdeSampler
{
    /// <summary>Creates the sampler.</summary>
    /// <param name="options">Settings (null: the authors' exp3 defaults); validated here.</param>
    public AdaptiveOdeSampler(AdaptiveOdeOptions? options = null)
    {
        Options = options ?? new AdaptiveOdeOptions();
        Options.Validate();
    }

    /// <summary>The settings.</summary>
    public AdaptiveOdeOptions Options { get; }

    /// <summary>Runs <paramref name="n"/> trajectories from σ_max·N(0, I) (drawn from <paramref name="generator"/>).</summary>
    /// <param name="field">Noise-conditioned field (a score model of p_σ, or an <see cref="IDenoiser"/>).</param>
    /// <param name="n">Number of samples, ≥ 1.</param>
    /// <param name="generator">Source of the start points (null: the default generator).</param>
    /// <param name="device">Device of the run (null: the field's, <see cref="IVectorField.Device"/>).</param>
    /// <param name="dtype">Float32 or Float64 (null: the field's, <see cref="IVectorField.DType"/>).</param>
    /// <returns>Samples [n, D], trajectory [T, n, D] when recorded, Steps = accepted steps, FunctionEvaluations = NFE.</returns>
    public SampleResult Sample(IVectorField field, int n, Generator? generator = null, Device? device = null,
        ScalarType? dtype = null)
        => SamplerChecks.FromPrior(field, n, Options.SigmaMax, generator, device, dtype, x0 => Sample(field, x0));

    /// <summary>Integrates from given start points (used as they are: not scaled by σ_max). Deterministic.</summary>
    /// <param name="field">Noise-conditioned field.</param>
    /// <param name="initial">Start points [N, D] at σ_max (not modified); the run uses its device and dtype.</param>
    /// <returns>Samples [N, D] at σ_min, trajectory [T, N, D] when recorded (the start and every k accepted steps).</returns>
    public SampleResult Sample(IVectorField field, Tensor initial)
    {
        SamplerChecks.Initial(field, initial);
        var calls = new DenoiserCalls(field, Options.ClampDenoised, "adaptive ODE sampler");
        var clock = Stopwatch.StartNew();
        using var noGrad = no_grad();
        using var run = NewDisposeScope();
        var recorder = new TrajectoryRecorder(Options.RecordEvery);
        var solution = AdaptiveHeunEuler.Integrate(
            (sigma, x) =>
            {
                using var level = tensor(sigma, x.dtype, x.device);
                return calls.Slope(x, level);
            }, initial, Options.SigmaMax, Options.SigmaMin,
            Options.Rtol, Options.Atol, Options.MaxSteps, observe: recorder.Observe);
        var trajectory = recorder.Stack()?.MoveToOuterDisposeScope();
        return new SampleResult(solution.State.MoveToOuterDisposeScope(), trajectory, solution.Accepted, clock.Elapsed)
        {
            FunctionEvaluations = calls.Count,
        };
    }
}
