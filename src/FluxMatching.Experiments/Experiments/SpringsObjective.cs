namespace FluxMatching.Experiments;

/// <summary>The training objective of an exp5 springs run (the authors' experiments/exp5_embed_structure, paper §4.5).</summary>
public enum SpringsObjective
{
    /// <summary>
    /// ε-form denoising score matching with the batch-KDE target on the raw head (the reference's
    /// <c>dsm_loss_epsilon</c>): mean_dims (raw(x_σ, σ) + (x_σ − x̂0)/σ)², σ log-uniform per batch.
    /// </summary>
    Dsm,

    /// <summary>
    /// Noise-annealed Flux Matching: the flux loss of f(·; σ) = raw/σ at σ², divided by exp(s(σ)) of the learned loss
    /// normalizer plus s(σ), with the learned horizon proposal and its REINFORCE term (paper §3.1–3.5).
    /// </summary>
    Flux,
}
