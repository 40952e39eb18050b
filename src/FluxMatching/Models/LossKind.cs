namespace FluxMatching.Models;

/// <summary>Which objective trains a model's field.</summary>
public enum LossKind
{
    /// <summary>Flux Matching (paper Eq. 6): any field that keeps the data distribution stationary.</summary>
    Flux,

    /// <summary>Denoising score matching (ε form): learns the score of the σ-smoothed data.</summary>
    Dsm,
}
