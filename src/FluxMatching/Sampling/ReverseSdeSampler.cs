namespace FluxMatching.Sampling;

using System.Diagnostics;
using FluxMatching.Data;
using FluxMatching.Fields;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The annealed reverse-time VE SDE by Euler–Maruyama (annealed quickstart notebook, paper §3.6): on the log-spaced
/// grid σ_i = σ_max·(σ_min/σ_max)^{i/N}, i = 0..N, from x₀ = σ_max·N(0, I),
/// x ← x + (σ_i² − σ_{i+1}²)·f(x, σ_i) + √(σ_i² − σ_{i+1}²)·ξ, with no final denoising step.
/// The field must be noise-conditioned (a generative field of p_σ for every σ). Runs under no_grad, one dispose scope
/// per step, with the per-step Scalars created once before the loop.
/// </summary>
public sealed class ReverseSdeSampler
{
    /// <summary>Creates the sampler.</summary>
    /// <param name="options">Settings (null: defaults); validated here.</param>
    public ReverseSdeSampler(ReverseSdeOptions? options = null)
    {
        Options = options ?? new ReverseSdeOptions();
        Options.Validate();
    }

    /// <summary>The settings.</summary>
    public ReverseSdeOptions Options { get; }

    /// <summary>The σ grid σ_0 = σ_max, …, σ_N = σ_min (N + 1 values, geometric, computed in float64).</summary>
    public double[] SigmaSchedule() => SamplerChecks.LogSpaced(Options.SigmaMax, Options.SigmaMin, Options.Steps);

    /// <summary>Runs <paramref name="n"/> chains started from σ_max·N(0, I) (drawn from <paramref name="generator"/>).</summary>
    /// <param name="field">Noise-conditioned drift f(x, σ).</param>
    /// <param name="n">Number of chains, ≥ 1.</param>
    /// <param name="generator">Source of the start points and of every ξ (null: default generator).</param>
    /// <param name="device">Device of the chains (null: the field's, <see cref="IVectorField.Device"/>).</param>
    /// <param name="dtype">Float32 or Float64 (null: the field's, <see cref="IVectorField.DType"/>).</param>
    /// <returns>Samples [n, D], trajectory [T, n, D] when recorded.</returns>
    public SampleResult Sample(IVectorField field, int n, Generator? generator = null, Device? device = null,
        ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        var type = dtype ?? field.DType;
        SamplerChecks.Count(n, type);
        using var scope = torch.NewDisposeScope();
        using var sigmaMax = Options.SigmaMax.ToScalar();
        var x0 = RandomDraws.Randn([n, field.Dimension], type, device ?? field.Device, generator).mul_(sigmaMax);
        var result = Sample(field, x0, generator);
        result.Samples.MoveToOuterDisposeScope();
        result.Trajectory?.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>Runs the chains from given start points (used as they are: not scaled by σ_max).</summary>
    /// <param name="field">Noise-conditioned drift f(x, σ); it receives σ_i as a 0-d tensor.</param>
    /// <param name="initial">Start points [N, D] (not modified); the chains run on its device and dtype.</param>
    /// <param name="generator">Source of every ξ (null: default generator of the device).</param>
    /// <returns>Samples [N, D], trajectory [T, N, D] when recorded (frames at step 0, every k, and the last).</returns>
    public SampleResult Sample(IVectorField field, Tensor initial, Generator? generator = null)
    {
        SamplerChecks.Initial(field, initial);
        if (!field.IsNoiseConditioned)
        {
            throw new ArgumentException(
                "The reverse SDE needs a noise-conditioned field (IsNoiseConditioned = true); use LangevinSampler otherwise.",
                nameof(field));
        }

        var clock = Stopwatch.StartNew();
        int steps = Options.Steps;
        var sigmas = SigmaSchedule();
        var variance = new Scalar[steps];
        var noiseScale = new Scalar[steps];
        var drops = new double[steps];   // σ_i² − σ_{i+1}²
        try
        {
            for (int i = 0; i < steps; i++)
            {
                double dv = drops[i] = (sigmas[i] * sigmas[i]) - (sigmas[i + 1] * sigmas[i + 1]);
                variance[i] = dv.ToScalar();
                noiseScale[i] = Math.Sqrt(dv).ToScalar();
            }

            using var noGrad = torch.no_grad();
            using var run = torch.NewDisposeScope();
            var x = initial.detach().clone().contiguous();
            var sigmaGrid = torch.tensor(sigmas, x.dtype, x.device);
            var shape = x.shape;
            if (ParallelChains.Applicable(field, x, Options.RecordEvery))
            {
                // A fused sampler drift on the CPU: one block of chains per thread (or the fused pass), the same draws.
                ParallelChains.Run(FieldCapabilities.SamplerDrift(field, x)!, x, steps, i => sigmas[i], i => drops[i], i => Math.Sqrt(drops[i]),
                    generator);
                return new SampleResult(x.MoveToOuterDisposeScope(), null, steps, clock.Elapsed) { FunctionEvaluations = steps };
            }

            var recorder = new TrajectoryRecorder(Options.RecordEvery);
            recorder.Observe(0, x, isLast: false);
            for (int i = 0; i < steps; i++)
            {
                Tensor next;
                using (var stepScope = torch.NewDisposeScope())
                {
                    var f = FieldCapabilities.Drift(field, x, sigmaGrid[i]);
                    if (i == 0)
                    {
                        SamplerChecks.Drift(f, x);
                    }

                    var xi = RandomDraws.Randn(shape, x.dtype, x.device, generator);
                    next = x.add(f, variance[i]).add_(xi, noiseScale[i]).MoveToOuterDisposeScope();
                }

                x.Dispose();
                x = next;
                recorder.Observe(i + 1, x, isLast: i + 1 == steps);
            }

            var trajectory = recorder.Stack()?.MoveToOuterDisposeScope();
            return new SampleResult(x.MoveToOuterDisposeScope(), trajectory, steps, clock.Elapsed) { FunctionEvaluations = steps };
        }
        finally
        {
            foreach (var s in variance.Concat(noiseScale))
            {
                s?.Dispose();
            }
        }
    }
}
