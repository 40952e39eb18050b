namespace FluxMatching.RnaVelocity;

/// <summary>What the kinetic field is trained with.</summary>
public enum KineticObjective
{
    /// <summary>The gene-local flux loss (<c>GeneLocalFluxLoss</c>; the paper's method).</summary>
    Flux,

    /// <summary>Denoising score matching, the baseline of issue 15: the ε-form regression
    /// Σ_{g,(u,s)} (σ·f(x + σε) + ε)², mean over cells, at the flux loss's σ² (<c>DsmKineticLoss</c>).</summary>
    Dsm,
}
