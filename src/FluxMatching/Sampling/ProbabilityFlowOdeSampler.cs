namespace FluxMatching.Sampling;

using System.Diagnostics;
using FluxMatching.Data;
using FluxMatching.Fields;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The variance-exploding probability-flow ODE by explicit Euler (exp5's <c>reverse_ve_sample</c> in the authors'
/// experiments/exp5_embed_structure): σ(t) = σ_min (σ_max/σ_min)^t, g²(t) = 2 ln(σ_max/σ_min) σ(t)², dx/dt = −½ g²(t) s(x, σ(t)), on the
/// grid t_j = linspace(1, TimeEnd, Steps), from x₀ = σ_max·N(0, I):
/// x ← x − ½ g²(t_j) s(x, σ(t_j)) (t_{j+1} − t_j). Deterministic after the start draw; NFE = Steps − 1 (511 by default);
/// it stops at σ(TimeEnd) ≈ 0.0020213 without a denoising step. The field must be noise-conditioned (a score model
/// s(x, σ) of p_σ). The schedule is computed in float64 (the reference uses a float32 <c>linspace</c>).
/// </summary>
public sealed class ProbabilityFlowOdeSampler
{
    /// <summary>Creates the sampler.</summary>
    /// <param name="options">Settings (null: exp5's defaults); validated here.</param>
    public ProbabilityFlowOdeSampler(ProbabilityFlowOdeOptions? options = null)
    {
        Options = options ?? new ProbabilityFlowOdeOptions();
        Options.Validate();
    }

    /// <summary>The settings.</summary>
    public ProbabilityFlowOdeOptions Options { get; }

    /// <summary>Number of field evaluations of one run: Steps − 1.</summary>
    public int FunctionEvaluations => Options.Steps - 1;

    /// <summary>ln(σ_max/σ_min) (10.596634733096073 for 80/0.002).</summary>
    public double LogSigmaRatio => Math.Log(Options.SigmaMax / Options.SigmaMin);

    /// <summary>The time grid t_j = 1 + j (TimeEnd − 1)/(Steps − 1), j = 0..Steps−1 (last = TimeEnd exactly).</summary>
    public double[] TimeGrid()
    {
        int n = Options.Steps;
        var t = new double[n];
        double step = (Options.TimeEnd - 1.0) / (n - 1);
        for (int j = 0; j < n; j++)
        {
            t[j] = 1.0 + (j * step);
        }

        t[n - 1] = Options.TimeEnd;
        return t;
    }

    /// <summary>σ(t) = σ_min (σ_max/σ_min)^t.</summary>
    /// <param name="t">Time in [0, 1].</param>
    public double Sigma(double t) => Options.SigmaMin * Math.Exp(t * LogSigmaRatio);

    /// <summary>σ(t_j) on the time grid [Steps].</summary>
    public double[] SigmaSchedule() => TimeGrid().Select(Sigma).ToArray();

    /// <summary>Runs <paramref name="n"/> trajectories started from σ_max·N(0, I) (drawn from <paramref name="generator"/>).</summary>
    /// <param name="field">Noise-conditioned score field s(x, σ).</param>
    /// <param name="n">Number of samples ≥ 1.</param>
    /// <param name="generator">Source of the start points (null: the default generator).</param>
    /// <param name="device">Device of the chains (null: the field's, <see cref="IVectorField.Device"/>).</param>
    /// <param name="dtype">Float32 or Float64 (null: the field's, <see cref="IVectorField.DType"/>).</param>
    /// <returns>Samples [n, D], trajectory [T, n, D] when recorded.</returns>
    public SampleResult Sample(IVectorField field, int n, Generator? generator = null, Device? device = null,
        ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        var type = dtype ?? field.DType;
        SamplerChecks.Count(n, type);
        using var scope = NewDisposeScope();
        using var sigmaMax = Options.SigmaMax.ToScalar();
        var x0 = RandomDraws.Randn([n, field.Dimension], type, device ?? field.Device, generator).mul_(sigmaMax);
        var result = Sample(field, x0);
        result.Samples.MoveToOuterDisposeScope();
        result.Trajectory?.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>Integrates the ODE from given start points (used as they are).</summary>
    /// <param name="field">Noise-conditioned score field; receives σ(t_j) as a 0-d tensor.</param>
    /// <param name="initial">Start points [N, D] (not modified); the run uses its device and dtype.</param>
    /// <returns>Samples [N, D] and, when recorded, the trajectory [T, N, D]; Steps = NFE.</returns>
    public SampleResult Sample(IVectorField field, Tensor initial)
    {
        SamplerChecks.Initial(field, initial);
        if (!field.IsNoiseConditioned)
        {
            throw new ArgumentException(
                "The probability-flow ODE needs a noise-conditioned score field (IsNoiseConditioned = true).", nameof(field));
        }

        var clock = Stopwatch.StartNew();
        var times = TimeGrid();
        int steps = times.Length - 1;
        var sigmas = times.Select(Sigma).ToArray();
        var factor = new Scalar[steps];
        try
        {
            for (int j = 0; j < steps; j++)
            {
                // −½ g² Δt = −ln(σ_max/σ_min) σ² (t_{j+1} − t_j) > 0: the coefficient of the score.
                factor[j] = (-LogSigmaRatio * sigmas[j] * sigmas[j] * (times[j + 1] - times[j])).ToScalar();
            }

            using var noGrad = no_grad();
            using var run = NewDisposeScope();
            var x = initial.detach().clone();
            var sigmaGrid = tensor(sigmas, x.dtype, x.device);
            var recorder = new TrajectoryRecorder(Options.RecordEvery);
            recorder.Observe(0, x, isLast: false);
            for (int j = 0; j < steps; j++)
            {
                Tensor next;
                using (var stepScope = NewDisposeScope())
                {
                    var s = field.Evaluate(x, sigmaGrid[j]);
                    if (j == 0)
                    {
                        SamplerChecks.Drift(s, x);
                    }

                    next = x.add(s, factor[j]).MoveToOuterDisposeScope();
                }

                x.Dispose();
                x = next;
                recorder.Observe(j + 1, x, isLast: j + 1 == steps);
            }

            var trajectory = recorder.Stack()?.MoveToOuterDisposeScope();
            return new SampleResult(x.MoveToOuterDisposeScope(), trajectory, steps, clock.Elapsed) { FunctionEvaluations = steps };
        }
        finally
        {
            foreach (var f in factor)
            {
                f?.Dispose();
            }
        }
    }
}
