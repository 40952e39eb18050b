namespace FluxMatching.Models;

/// <summary>Which sampler draws from a model.</summary>
public enum SamplerKind
{
    /// <summary>Unadjusted Langevin with the field as drift at fixed σ: x ← x + ½ε f(x) + √ε ξ.</summary>
    Langevin,

    /// <summary>Annealed reverse-time SDE (Euler–Maruyama) over a log-spaced σ grid, for noise-conditioned fields.</summary>
    ReverseSde,

    /// <summary>The EDM Heun sampler over the ρ = 7 schedule (<see cref="Sampling.EdmHeunSampler"/>), for
    /// noise-conditioned fields; NFE 2N − 1.</summary>
    Heun,

    /// <summary>Predictor–corrector: Euler–Maruyama plus one Langevin corrector per level and a final denoise
    /// (<see cref="Sampling.PredictorCorrectorSampler"/>), for noise-conditioned fields; NFE 2N.</summary>
    PredictorCorrector,

    /// <summary>The probability-flow ODE by the adaptive Heun–Euler pair (<see cref="Sampling.AdaptiveOdeSampler"/>),
    /// for noise-conditioned fields; the NFE follows from the tolerances.</summary>
    ProbabilityFlowOde,
}

/// <summary>How to sample a model. Null members take the model's defaults.</summary>
public sealed record SamplingRequest
{
    /// <summary>Number of chains (samples). Default 2,000.</summary>
    public int N { get; init; } = 2000;

    /// <summary>Sampler; null: Langevin for fixed-σ models, reverse SDE for annealed ones.</summary>
    public SamplerKind? Sampler { get; init; }

    /// <summary>Number of sampler steps; null: 2,000 (Langevin), 1,000 (reverse SDE), 50 (Heun) or 100 (PC); not
    /// used by the adaptive ODE.</summary>
    public int? Steps { get; init; }

    /// <summary>Langevin step size ε; null: 0.01 (the authors' quickstart).</summary>
    public double? StepSize { get; init; }

    /// <summary>Clamp the denoiser to [−1, 1] in the Heun, PC and ODE samplers; null: for image data
    /// (<see cref="Data.ImageDataSource"/>, values in [−1, 1]) only.</summary>
    public bool? ClampDenoised { get; init; }

    /// <summary>Record the trajectory (for animations). Default false.</summary>
    public bool RecordTrajectory { get; init; }

    /// <summary>Frames recorded when <see cref="RecordTrajectory"/> is set. Default 50.</summary>
    public int Frames { get; init; } = 50;

    /// <summary>Seed of the sampler's generator. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Use the EMA copy of the field when the model has one. Default true.</summary>
    public bool UseEma { get; init; } = true;
}
