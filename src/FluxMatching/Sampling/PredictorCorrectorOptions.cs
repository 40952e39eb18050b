namespace FluxMatching.Sampling;

/// <summary>Settings of <see cref="PredictorCorrectorSampler"/> (defaults: the authors' exp4 <c>pc_sample</c>,
/// experiments/exp4_fast_mixing/cifar_eval_pc.py).</summary>
public sealed record PredictorCorrectorOptions
{
    /// <summary>Predictor steps N over the log-spaced grid σ_0 = σ_max, …, σ_N = σ_min (default 100, within the
    /// authors' sweep 10–190; ≥ 1). NFE = 2N (N predictor, N − 1 corrector calls, one final denoise).</summary>
    public int Steps { get; init; } = 100;

    /// <summary>σ_max, the first level and the std of the start points (default 80).</summary>
    public double SigmaMax { get; init; } = 80.0;

    /// <summary>σ_min, the last level and the σ of the final denoising step (default 0.002; 0 &lt; σ_min &lt; σ_max).</summary>
    public double SigmaMin { get; init; } = 0.002;

    /// <summary>Signal-to-noise ratio r of the Langevin corrector, whose step is ε = 2 (r·mean‖z‖ / mean‖s‖)²
    /// (default 0.16, Song et al. 2021 and the authors; &gt; 0).</summary>
    public double Snr { get; init; } = 0.16;

    /// <summary>Clamp the denoiser output D(x; σ) to [−1, 1], the range of images (default true, as the authors); turn
    /// it off for data outside [−1, 1].</summary>
    public bool ClampDenoised { get; init; } = true;

    /// <summary>Record the state every k steps into the trajectory (default 0: no trajectory; ≥ 0).</summary>
    public int RecordEvery { get; init; }

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        SamplerChecks.Levels(SigmaMin, SigmaMax);
        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException("options.Steps", Steps, "Steps must be ≥ 1.");
        }

        if (!double.IsFinite(Snr) || Snr <= 0)
        {
            throw new ArgumentOutOfRangeException("options.Snr", Snr, "Snr must be finite and > 0.");
        }

        SamplerChecks.Record(RecordEvery);
    }
}
