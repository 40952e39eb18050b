namespace FluxMatching.Sampling;

/// <summary>Settings of <see cref="EdmHeunSampler"/> (defaults: the authors' exp3 <c>edm_sample</c> with the CIFAR-10
/// configuration, experiments/exp3_unrestricted).</summary>
public sealed record EdmHeunOptions
{
    /// <summary>Number of noise levels N of the schedule σ_0 = σ_max, …, σ_{N−1} = σ_min, σ_N = 0 (default 50, the
    /// authors' <c>steps</c>; ≥ 2). N steps, NFE 2N − 1 (the last step, to σ = 0, is an Euler step).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>σ_max, the first level and the std of the start points (default 80).</summary>
    public double SigmaMax { get; init; } = 80.0;

    /// <summary>σ_min, the last non-zero level (default 0.002; 0 &lt; σ_min &lt; σ_max).</summary>
    public double SigmaMin { get; init; } = 0.002;

    /// <summary>ρ of the schedule σ_i = (σ_max^{1/ρ} + i/(N−1)(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ (default 7; &gt; 0).</summary>
    public double Rho { get; init; } = 7.0;

    /// <summary>S_churn: total added noise; each step in [S_min, S_max] raises σ by the factor 1 + γ with
    /// γ = min(S_churn/N, √2 − 1) (default 0: deterministic, the authors' η = 0; ≥ 0). The authors' η maps to
    /// S_churn = (√2 − 1)·η·N.</summary>
    public double SChurn { get; init; }

    /// <summary>S_min: smallest σ where noise is added (default 0.01, the authors' CIFAR-10 configuration; ≥ 0).</summary>
    public double SMin { get; init; } = 0.01;

    /// <summary>S_max: largest σ where noise is added (default 1; ≥ S_min).</summary>
    public double SMax { get; init; } = 1.0;

    /// <summary>S_noise: std scale of the added noise (default 1.007; &gt; 0).</summary>
    public double SNoise { get; init; } = 1.007;

    /// <summary>Clamp the denoiser output D(x; σ) to [−1, 1], the range of images (default true, the authors'
    /// <c>clip_x</c>); turn it off for data outside [−1, 1].</summary>
    public bool ClampDenoised { get; init; } = true;

    /// <summary>Record the state every k steps into the trajectory (default 0: no trajectory; ≥ 0).</summary>
    public int RecordEvery { get; init; }

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        SamplerChecks.Levels(SigmaMin, SigmaMax);
        if (Steps < 2)
        {
            throw new ArgumentOutOfRangeException("options.Steps", Steps, "Steps must be ≥ 2 (the schedule needs σ_max and σ_min).");
        }

        if (!double.IsFinite(Rho) || Rho <= 0)
        {
            throw new ArgumentOutOfRangeException("options.Rho", Rho, "Rho must be finite and > 0.");
        }

        if (!double.IsFinite(SChurn) || SChurn < 0)
        {
            throw new ArgumentOutOfRangeException("options.SChurn", SChurn, "SChurn must be finite and ≥ 0.");
        }

        if (!double.IsFinite(SMin) || SMin < 0)
        {
            throw new ArgumentOutOfRangeException("options.SMin", SMin, "SMin must be finite and ≥ 0.");
        }

        if (double.IsNaN(SMax) || SMax < SMin)
        {
            throw new ArgumentOutOfRangeException("options.SMax", SMax, $"SMax must be ≥ SMin = {SMin}.");
        }

        if (!double.IsFinite(SNoise) || SNoise <= 0)
        {
            throw new ArgumentOutOfRangeException("options.SNoise", SNoise, "SNoise must be finite and > 0.");
        }

        SamplerChecks.Record(RecordEvery);
    }
}
