namespace FluxMatching.Losses;

/// <summary>
/// The drift that moves the over-noised anchors in the mixing regularizer's Langevin step (see
/// <see cref="MixingRegularizer"/>). The project's fields are in score units, f ≈ ∇log p = (D − z)/σ² for a denoiser D.
/// </summary>
public enum MixingDrive
{
    /// <summary>The authors' choice (experiments/exp4_fast_mixing/EDM.py, <c>f_theta_wo_sigma</c>): (D − z)/σ = σ·f,
    /// the score scaled by σ. The default.</summary>
    DenoiserOverSigma,

    /// <summary>The score itself, (D − z)/σ² = f: the drift of an actual Langevin step for the σ-smoothed
    /// distribution.</summary>
    Score,
}
