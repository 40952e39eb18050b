namespace FluxMatching.Sampling;

using System.Diagnostics;
using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The VE predictor–corrector sampler (Song et al. 2021, Alg. 2; the authors' exp4 <c>pc_sample</c>) over the
/// log-spaced grid σ_i = exp(ln σ_max + i/N·(ln σ_min − ln σ_max)), i = 0..N, from x₀ = σ_max·N(0, I), with the score
/// s(x; σ) = (D(x; σ) − x)/σ²:
/// predictor (reverse-SDE Euler–Maruyama) x ← x + (σ_i² − σ_{i+1}²)·s(x; σ_i) + √(σ_i² − σ_{i+1}²)·ξ (no noise on the
/// last step); corrector (one Langevin step at σ_{i+1}, skipped after the last predictor step)
/// x ← x + ε·s + √(2ε)·z with ε = 2 (r·mean‖z‖ / (mean‖s‖ + 10⁻⁸))² over the batch; then one final denoise
/// x ← D(x; σ_min). NFE = 2N. D is the field's denoiser or Tweedie's x + σ²·f, clamped to [−1, 1] when asked.
/// </summary>
public sealed class PredictorCorrectorSampler
{
    /// <summary>Creates the sampler.</summary>
    /// <param name="options">Settings (null: the authors' exp4 defaults); validated here.</param>
    public PredictorCorrectorSampler(PredictorCorrectorOptions? options = null)
    {
        Options = options ?? new PredictorCorrectorOptions();
        Options.Validate();
    }

    /// <summary>The settings.</summary>
    public PredictorCorrectorOptions Options { get; }

    /// <summary>Denoiser evaluations of one run: 2N.</summary>
    public int FunctionEvaluations => 2 * Options.Steps;

    /// <summary>The grid σ_0 = σ_max, …, σ_N = σ_min (N + 1 values, log-spaced, float64).</summary>
    public double[] SigmaSchedule() => SamplerChecks.LogSpaced(Options.SigmaMax, Options.SigmaMin, Options.Steps);

    /// <summary>Runs <paramref name="n"/> chains from σ_max·N(0, I) (drawn from <paramref name="generator"/>).</summary>
    /// <param name="field">Noise-conditioned field (a score model of p_σ, or an <see cref="IDenoiser"/>).</param>
    /// <param name="n">Number of samples, ≥ 1.</param>
    /// <param name="generator">Source of the start points and of every ξ and z (null: the default generator).</param>
    /// <param name="device">Device of the run (null: the field's, <see cref="IVectorField.Device"/>).</param>
    /// <param name="dtype">Float32 or Float64 (null: the field's, <see cref="IVectorField.DType"/>).</param>
    /// <returns>Samples [n, D], trajectory [T, n, D] when recorded, Steps = N, FunctionEvaluations = 2N.</returns>
    public SampleResult Sample(IVectorField field, int n, Generator? generator = null, Device? device = null,
        ScalarType? dtype = null)
        => SamplerChecks.FromPrior(field, n, Options.SigmaMax, generator, device, dtype, x0 => Sample(field, x0, generator));

    /// <summary>Runs the chains from given start points (used as they are: not scaled by σ_max).</summary>
    /// <param name="field">Noise-conditioned field.</param>
    /// <param name="initial">Start points [N, D] at σ_max (not modified); the run uses its device and dtype.</param>
    /// <param name="generator">Source of every ξ and z (null: the default generator).</param>
    /// <returns>Samples [N, D] (after the final denoise), trajectory [T, N, D] when recorded (the start and the state
    /// after every k predictor–corrector steps; the last frame is the denoised sample).</returns>
    public SampleResult Sample(IVectorField field, Tensor initial, Generator? generator = null)
    {
        SamplerChecks.Initial(field, initial);
        var calls = new DenoiserCalls(field, Options.ClampDenoised, "predictor–corrector sampler");
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
            bool last = i == steps - 1;
            using (var stepScope = NewDisposeScope())
            {
                double current = sigmas[i], following = sigmas[i + 1];
                double drop = (current * current) - (following * following);
                using var variance = drop.ToScalar();
                next = x.add(Score(calls, x, current), variance);
                if (!last)
                {
                    using var noise = Math.Sqrt(drop).ToScalar();
                    next.add_(RandomDraws.Randn(x.shape, x.dtype, x.device, generator), noise);
                    next = Correct(next, Score(calls, next, following), generator);
                }

                next.MoveToOuterDisposeScope();
            }

            x.Dispose();
            x = next;
            if (!last)
            {
                recorder.Observe(i + 1, x, isLast: false);
            }
        }

        using (var finalScope = NewDisposeScope())
        {
            var denoised = calls.Denoise(x, tensor(sigmas[steps], x.dtype, x.device)).MoveToOuterDisposeScope();
            x.Dispose();
            x = denoised;
        }

        recorder.Observe(steps, x, isLast: true);
        var trajectory = recorder.Stack()?.MoveToOuterDisposeScope();
        return new SampleResult(x.MoveToOuterDisposeScope(), trajectory, steps, clock.Elapsed) { FunctionEvaluations = calls.Count };
    }

    /// <summary>s(x; σ) = (D(x; σ) − x)/σ² [N, D].</summary>
    private static Tensor Score(DenoiserCalls calls, Tensor x, double sigma)
    {
        var s = tensor(sigma, x.dtype, x.device);
        return calls.Denoise(x, s).sub_(x).div_(s.pow(Scalars.Two));
    }

    /// <summary>One Langevin corrector step x + ε·s + √(2ε)·z with the batch-mean step ε (the authors'
    /// <c>_langevin_corrector_step</c>); ε stays a device tensor (no host read).</summary>
    private Tensor Correct(Tensor x, Tensor score, Generator? generator)
    {
        var z = RandomDraws.Randn(x.shape, x.dtype, x.device, generator);
        var scoreNorm = score.reshape(score.size(0), -1).norm(1, p: 2).mean();
        var noiseNorm = z.reshape(z.size(0), -1).norm(1, p: 2).mean();
        var epsilon = noiseNorm.mul(Scalars.Shared(Options.Snr)).div_(scoreNorm.add_(Scalars.Shared(1e-8), Scalars.One)).pow_(Scalars.Two).mul_(Scalars.Two);
        return x.add(score.mul(epsilon), Scalars.One).add_(z.mul(epsilon.mul(Scalars.Two).sqrt_()), Scalars.One);
    }
}
