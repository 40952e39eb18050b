namespace FluxMatching.Models;

/// <summary>Which objective trains a model's field (<c>--loss flux|dsm|dsm-x0|edm</c>).</summary>
public enum LossKind
{
    /// <summary>Flux Matching (paper Eq. 6): any field that keeps the data distribution stationary. Annealed: the
    /// authors' exp3 objective ℓ/e^s(σ) + s(σ) (+ the proposal's REINFORCE term), one σ per batch.</summary>
    Flux,

    /// <summary>Denoising score matching (ε form): learns the score of the σ-smoothed data.</summary>
    Dsm,

    /// <summary>The authors' <c>dsm_loss_x0</c> (exp3's DSM baseline): x0-form DSM of the denoiser D(z; σ) against
    /// the batch-KDE posterior mean, EDM weight λ(σ) = (σ² + σ_d²)/(σσ_d)², one σ per batch (per sample with
    /// <see cref="FluxModelConfig.PerSampleSigma"/>). Annealed only.</summary>
    DsmX0,

    /// <summary>The standard EDM loss (Karras et al. 2022): the clean image as target, EDM weight, one σ per sample
    /// (always). Annealed only.</summary>
    Edm,
}
