namespace FluxMatching.Experiments;

using FluxMatching.Fields;
using FluxMatching.Sampling;
using static TorchSharp.torch;

/// <summary>
/// Settings of one exp5 run (<see cref="SpringsRun"/>). The defaults are the reference's <c>train.py</c> settings
/// (the authors' experiments/exp5_embed_structure) except the field sizes, which default to the small CPU configuration of
/// <see cref="TransformerFieldConfig"/>; use <see cref="TransformerFieldConfig.Paper"/> for hidden 512, depth 12, 8 heads.
/// </summary>
public sealed record SpringsRunOptions
{
    /// <summary>DSM or annealed Flux Matching (default Flux).</summary>
    public SpringsObjective Objective { get; init; } = SpringsObjective.Flux;

    /// <summary>Field sizes; its <see cref="TransformerFieldConfig.Causal"/> switches the causal mask (default: the
    /// small CPU sizes, no mask). SequenceLength and Features must match the data.</summary>
    public TransformerFieldConfig Field { get; init; } = new();

    /// <summary>Optimizer steps (default 10,000; ≥ 0).</summary>
    public int Steps { get; init; } = 10_000;

    /// <summary>Batch size of the shuffled epochs, the last batch of an epoch may be smaller (default 256, hard-coded
    /// in the reference; ≥ 2 because the KDE needs a reference set).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam learning rate (default 3e-4).</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Global gradient-norm clip (default 1.0; 0 turns it off).</summary>
    public double GradientClipNorm { get; init; } = 1.0;

    /// <summary>EMA decay β of the sampling copy, ema ← β·ema + (1 − β)·θ every step, no warm-up (default 0.99).</summary>
    public double EmaDecay { get; init; } = 0.99;

    /// <summary>Smallest σ of the log-uniform training noise (default 0.002).</summary>
    public double SigmaMin { get; init; } = 0.002;

    /// <summary>Largest σ of the log-uniform training noise (default 80).</summary>
    public double SigmaMax { get; init; } = 80.0;

    /// <summary>DSM only: the noise level the field is given during training. False (default): σ, the level the
    /// probability-flow ODE gives it at sampling, so training and sampling condition the field alike. True: σ², the
    /// authors' setting (their <c>train.py</c> passes σ² to <c>dsm_loss_epsilon</c>, which calls the model with it,
    /// while their sampler calls it with σ).</summary>
    public bool DsmFieldTakesSigmaSquared { get; init; }

    /// <summary>Flux only: learn the truncated-exponential horizon proposal (default true, as the reference).</summary>
    public bool TimeProposal { get; init; } = true;

    /// <summary>Flux only: learn the per-σ loss normalizer (default true, as the reference).</summary>
    public bool LossNormalizer { get; init; } = true;

    /// <summary>Evaluate the exact W2 every this many steps and at the end (default 1,000; 0: only at the end).</summary>
    public int EvaluateEvery { get; init; } = 1000;

    /// <summary>Generated samples per evaluation, compared with as many training trajectories (default 2,000 = the
    /// whole reference training set; at most the data set size and <see cref="Metrics.ExactW2.DefaultMaxPoints"/>).</summary>
    public int EvaluationSamples { get; init; } = 2000;

    /// <summary>The probability-flow ODE of the evaluation (default: 512 grid points, σ from 80 to 0.002).</summary>
    public ProbabilityFlowOdeOptions Sampler { get; init; } = new();

    /// <summary>Seed of the parameter initialisation and of the run's generator (shuffles, σ, loss draws, sampler
    /// start points) (default 0).</summary>
    public long Seed { get; init; }

    /// <summary>Flush float32 denormals and tune the allocator before training (<see cref="Runtime.TorchRuntime"/>;
    /// default true).</summary>
    public bool FastRuntime { get; init; } = true;

    /// <summary>Element type of training and sampling (default float32).</summary>
    public ScalarType Dtype { get; init; } = ScalarType.Float32;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Field, "options.Field");
        Field.Validate();
        ArgumentNullException.ThrowIfNull(Sampler, "options.Sampler");
        Sampler.Validate();
        if (!Field.NoiseConditioned)
        {
            throw new ArgumentException("options.Field.NoiseConditioned must be true: exp5's fields take σ.", "options");
        }

        Check(Steps >= 0, nameof(Steps), Steps, "≥ 0");
        Check(BatchSize >= 2, nameof(BatchSize), BatchSize, "≥ 2");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "finite and > 0");
        Check(GradientClipNorm >= 0 && double.IsFinite(GradientClipNorm), nameof(GradientClipNorm), GradientClipNorm, "finite and ≥ 0");
        Check(EmaDecay is >= 0 and < 1, nameof(EmaDecay), EmaDecay, "in [0, 1)");
        Check(SigmaMin > 0 && double.IsFinite(SigmaMin), nameof(SigmaMin), SigmaMin, "finite and > 0");
        Check(SigmaMax >= SigmaMin && double.IsFinite(SigmaMax), nameof(SigmaMax), SigmaMax, $"finite and ≥ SigmaMin = {SigmaMin}");
        Check(EvaluateEvery >= 0, nameof(EvaluateEvery), EvaluateEvery, "≥ 0");
        Check(EvaluationSamples is >= 2 and <= Metrics.ExactW2.DefaultMaxPoints, nameof(EvaluationSamples), EvaluationSamples,
            $"in 2 … {Metrics.ExactW2.DefaultMaxPoints}");
        Check(Dtype is ScalarType.Float32 or ScalarType.Float64, nameof(Dtype), Dtype, "Float32 or Float64");
    }

    private static void Check(bool ok, string name, object value, string allowed)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException($"options.{name}", value, $"{name} must be {allowed}.");
        }
    }
}
