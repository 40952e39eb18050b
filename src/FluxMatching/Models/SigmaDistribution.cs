namespace FluxMatching.Models;

/// <summary>How annealed training draws the noise level σ (<c>--sigma-dist log-uniform|log-normal</c>).</summary>
public enum SigmaDistribution
{
    /// <summary>ln σ ~ U[ln σ_min, ln σ_max] (the authors' annealed quickstart).</summary>
    LogUniform,

    /// <summary>The EDM log-normal ln σ ~ N(P_mean, P_std²), default N(−1.2, 1.2²) (the authors' exp3).</summary>
    LogNormal,
}
