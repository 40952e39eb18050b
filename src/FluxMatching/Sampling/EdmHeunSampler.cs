namespace FluxMatching.Sampling;

using System.Diagnostics;
using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The EDM sampler (Karras et al. 2022, Algorithm 2; the authors' exp3 <c>edm_sample</c>): Heun's method on the
/// probability-flow ODE dx/dσ = (x − D(x; σ))/σ over the ρ-schedule σ_0 = σ_max, …, σ_{N−1} = σ_min, σ_N = 0,
/// from x₀ = σ_max·N(0, I). Step i: optionally churn σ̂ = σ_i(1 + γ_i), x̂ = x + √(σ̂² − σ_i²)·S_noise·ξ with
/// γ_i = min(S_churn/N, √2 − 1) when S_min ≤ σ_i ≤ S_max; Euler x' = x̂ + (σ_{i+1} − σ̂)·d(x̂, σ̂); and, unless σ_{i+1} = 0,
/// the trapezoidal correction x' = x̂ + (σ_{i+1} − σ̂)·½(d(x̂, σ̂) + d(x', σ_{i+1})). NFE = 2N − 1.
/// D is the field's denoiser (<see cref="IDenoiser"/>) or Tweedie's x + σ²·f(x; σ), clamped to [−1, 1] when
/// <see cref="EdmHeunOptions.ClampDenoised"/> is set. The schedule is computed in float64 on the host; the state stays
/// on the caller's device and dtype (the authors integrate in float64).
/// </summary>
public sealed class EdmHeunSampler
{
    /// <summary>Creates the sampler.</summary>
    /// <param name="options">Settings (null: the authors' exp3 defaults); validated here.</param>
    public EdmHeunSampler(EdmHeunOptions? options = null)
    {
        Options = options ?? new EdmHeunOptions();
        Options.Validate();
    }

    /// <summary>The settings.</summary>
    public EdmHeunOptions Options { get; }

    /// <summary>Denoiser evaluations of one run: 2N − 1.</summary>
    public int FunctionEvaluations => (2 * Options.Steps) - 1;

    /// <summary>The noise levels σ_0 = σ_max, …, σ_{N−1} = σ_min, σ_N = 0 [N + 1] (EDM Eq. 5, the authors'
    /// <c>sample_schedule</c>), in float64.</summary>
    public double[] SigmaSchedule()
    {
        int n = Options.Steps;
        double rho = Options.Rho, hi = Math.Pow(Options.SigmaMax, 1 / rho), lo = Math.Pow(Options.SigmaMin, 1 / rho);
        var sigmas = new double[n + 1];
        for (int i = 0; i < n; i++)
        {
            sigmas[i] = Math.Pow(hi + ((double)i / (n - 1) * (lo - hi)), rho);
        }

        sigmas[0] = Options.SigmaMax;
        sigmas[n - 1] = Options.SigmaMin;
        return sigmas;
    }

    /// <summary>The churn γ_i of step i: min(S_churn/N, √2 − 1) when S_min ≤ σ_i ≤ S_max, else 0.</summary>
    /// <param name="sigma">σ_i.</param>
    public double Gamma(double sigma) =>
        Options.SChurn > 0 && sigma >= Options.SMin && sigma <= Options.SMax
            ? Math.Min(Options.SChurn / Options.Steps, Math.Sqrt(2) - 1)
            : 0.0;

    /// <summary>Runs <paramref name="n"/> trajectories from σ_max·N(0, I) (drawn from <paramref name="generator"/>).</summary>
    /// <param name="field">Noise-conditioned field (a score model of p_σ, or an <see cref="IDenoiser"/>).</param>
    /// <param name="n">Number of samples, ≥ 1.</param>
    /// <param name="generator">Source of the start points and of the churn noise (null: the default generator).</param>
    /// <param name="device">Device of the run (null: the field's, <see cref="IVectorField.Device"/>).</param>
    /// <param name="dtype">Float32 or Float64 (null: the field's, <see cref="IVectorField.DType"/>).</param>
    /// <returns>Samples [n, D], trajectory [T, n, D] when recorded, Steps = N, FunctionEvaluations = 2N − 1.</returns>
    public SampleResult Sample(IVectorField field, int n, Generator? generator = null, Device? device = null,
        ScalarType? dtype = null)
        => SamplerChecks.FromPrior(field, n, Options.SigmaMax, generator, device, dtype, x0 => Sample(field, x0, generator));

    /// <summary>Integrates from given start points (used as they are: not scaled by σ_max).</summary>
    /// <param name="field">Noise-conditioned field.</param>
    /// <param name="initial">Start points [N, D] at σ_max (not modified); the run uses its device and dtype.</param>
    /// <param name="generator">Source of the churn noise ξ (null: the default generator; unused when S_churn = 0).</param>
    /// <returns>Samples [N, D], trajectory [T, N, D] when recorded (the start and the state after every k steps).</returns>
    public SampleResult Sample(IVectorField field, Tensor initial, Generator? generator = null)
    {
        SamplerChecks.Initial(field, initial);
        var calls = new DenoiserCalls(field, Options.ClampDenoised, "EDM Heun sampler");
        var clock = Stopwatch.StartNew();
        var sigmas = SigmaSchedule();
        int steps = Options.Steps;
        using var noGrad = no_grad();
        using var run = NewDisposeScope();
        var x = initial.detach().clone();
        var recorder = new TrajectoryRecorder(Options.RecordEvery);
        recorder.Observe(0, x, isLast: false);
        for (int i = 0; i < steps; i++)
        {
            Tensor next;
            using (var stepScope = NewDisposeScope())
            {
                double current = sigmas[i], following = sigmas[i + 1];
                double raised = current * (1 + Gamma(current));
                var xHat = x;
                if (raised > current)
                {
                    using var churn = (Math.Sqrt((raised * raised) - (current * current)) * Options.SNoise).ToScalar();
                    xHat = x.add(RandomDraws.Randn(x.shape, x.dtype, x.device, generator), churn);
                }

                using var h = (following - raised).ToScalar();
                var slope = calls.Slope(xHat, tensor(raised, x.dtype, x.device));
                next = xHat.add(slope, h);
                if (following > 0)
                {
                    // Heun's correction with the slope at the Euler end point (EDM Alg. 2, lines 9–11).
                    var corrected = calls.Slope(next, tensor(following, x.dtype, x.device));
                    using var half = (0.5 * (following - raised)).ToScalar();
                    next = xHat.add(slope.add_(corrected, Scalars.One), half);
                }

                next.MoveToOuterDisposeScope();
            }

            x.Dispose();
            x = next;
            recorder.Observe(i + 1, x, isLast: i + 1 == steps);
        }

        var trajectory = recorder.Stack()?.MoveToOuterDisposeScope();
        return new SampleResult(x.MoveToOuterDisposeScope(), trajectory, steps, clock.Elapsed) { FunctionEvaluations = calls.Count };
    }
}
