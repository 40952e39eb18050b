namespace FluxMatching.Sampling;

using System.Diagnostics;
using FluxMatching.Data;
using FluxMatching.Fields;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Unadjusted Langevin (ULA) with the field as drift, x ← x + ½ε f(x) + √ε ξ, ξ ~ N(0, I) — the discretisation of
/// dX = ½f dt + dW, which has the same stationary law as the paper's dX = f dt + √2 dW (Eq. 1). This is the authors'
/// quickstart sampler (ε = 0.01, 2,000 steps, chains from N(0, I)). Runs under no_grad, one dispose scope per step.
/// </summary>
public sealed class LangevinSampler
{
    /// <summary>Creates the sampler.</summary>
    /// <param name="options">Settings (null: defaults); validated here.</param>
    public LangevinSampler(LangevinOptions? options = null)
    {
        Options = options ?? new LangevinOptions();
        Options.Validate();
    }

    /// <summary>The settings.</summary>
    public LangevinOptions Options { get; }

    /// <summary>Runs <paramref name="n"/> chains started from N(0, I) (drawn from <paramref name="generator"/>).</summary>
    /// <param name="field">Drift f.</param>
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
        var x0 = RandomDraws.Randn([n, field.Dimension], type, device ?? field.Device, generator);
        var result = Sample(field, x0, generator);
        result.Samples.MoveToOuterDisposeScope();
        result.Trajectory?.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>Runs the chains from given start points.</summary>
    /// <param name="field">Drift f (a noise-conditioned field gets <see cref="LangevinOptions.Sigma"/>).</param>
    /// <param name="initial">Start points [N, D] (not modified); the chains run on its device and dtype.</param>
    /// <param name="generator">Source of every ξ (null: default generator of the device).</param>
    /// <returns>Samples [N, D], trajectory [T, N, D] when recorded (frames at step 0, every k, and the last).</returns>
    public SampleResult Sample(IVectorField field, Tensor initial, Generator? generator = null)
    {
        SamplerChecks.Initial(field, initial);
        if (field.IsNoiseConditioned && Options.Sigma is null)
        {
            throw new ArgumentException("The field is noise-conditioned: set LangevinOptions.Sigma.", nameof(field));
        }

        var clock = Stopwatch.StartNew();
        using var noGrad = torch.no_grad();
        using var halfEps = (0.5 * Options.StepSize).ToScalar();
        using var sqrtEps = Math.Sqrt(Options.StepSize).ToScalar();
        using var run = torch.NewDisposeScope();
        var x = initial.detach().clone().contiguous();
        var sigma = Options.Sigma is double s && field.IsNoiseConditioned ? torch.tensor(s, x.dtype, x.device) : null;
        var shape = x.shape;
        if (ParallelChains.Applicable(field, x, Options.RecordEvery))
        {
            // A fused sampler drift on the CPU: one block of chains per thread (or the fused pass), the same draws.
            double? sigmaValue = sigma is null ? null : Options.Sigma;
            double a = 0.5 * Options.StepSize, b = Math.Sqrt(Options.StepSize);
            ParallelChains.Run(FieldCapabilities.SamplerDrift(field, x)!, x, Options.Steps, _ => sigmaValue, _ => a, _ => b, generator);
            return new SampleResult(x.MoveToOuterDisposeScope(), null, Options.Steps, clock.Elapsed) { FunctionEvaluations = Options.Steps };
        }

        var recorder = new TrajectoryRecorder(Options.RecordEvery);
        recorder.Observe(0, x, isLast: false);
        for (int step = 1; step <= Options.Steps; step++)
        {
            Tensor next;
            using (var stepScope = torch.NewDisposeScope())
            {
                var f = FieldCapabilities.Drift(field, x, sigma);
                if (step == 1)
                {
                    SamplerChecks.Drift(f, x);
                }

                var xi = RandomDraws.Randn(shape, x.dtype, x.device, generator);
                next = x.add(f, halfEps).add_(xi, sqrtEps).MoveToOuterDisposeScope();
            }

            x.Dispose();
            x = next;
            recorder.Observe(step, x, isLast: step == Options.Steps);
        }

        var trajectory = recorder.Stack()?.MoveToOuterDisposeScope();
        return new SampleResult(x.MoveToOuterDisposeScope(), trajectory, Options.Steps, clock.Elapsed) { FunctionEvaluations = Options.Steps };
    }
}
