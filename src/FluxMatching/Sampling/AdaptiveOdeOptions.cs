namespace FluxMatching.Sampling;

/// <summary>Settings of <see cref="AdaptiveOdeSampler"/> (defaults: the authors' exp3 <c>adaptive_heun_sample</c>,
/// experiments/exp3_unrestricted/cifar_eval.py).</summary>
public sealed record AdaptiveOdeOptions
{
    /// <summary>σ_max, the start of the integration and the std of the start points (default 80).</summary>
    public double SigmaMax { get; init; } = 80.0;

    /// <summary>σ_min, the end of the integration; no denoising step follows (default 0.002; 0 &lt; σ_min &lt; σ_max).</summary>
    public double SigmaMin { get; init; } = 0.002;

    /// <summary>Relative tolerance of the step-size control (default 1e-5; &gt; 0).</summary>
    public double Rtol { get; init; } = 1e-5;

    /// <summary>Absolute tolerance of the step-size control, in data units (default 1e-5; &gt; 0).</summary>
    public double Atol { get; init; } = 1e-5;

    /// <summary>Most trial steps (accepted + rejected) before the run fails (default 100,000; ≥ 1).</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>Clamp the denoiser output D(x; σ) to [−1, 1], the range of images (default true, as the authors); turn
    /// it off for data outside [−1, 1].</summary>
    public bool ClampDenoised { get; init; } = true;

    /// <summary>Record the state every k accepted steps into the trajectory (default 0: no trajectory; ≥ 0).</summary>
    public int RecordEvery { get; init; }

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        SamplerChecks.Levels(SigmaMin, SigmaMax);
        SamplerChecks.Tolerances(Rtol, Atol);
        if (MaxSteps < 1)
        {
            throw new ArgumentOutOfRangeException("options.MaxSteps", MaxSteps, "MaxSteps must be ≥ 1.");
        }

        SamplerChecks.Record(RecordEvery);
    }
}
