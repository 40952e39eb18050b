namespace FluxMatching.Losses;

/// <summary>How the flux loss estimates the divergence ∇·u of u = f_θ − ŝ at the end point (paper §2.7 step 5).</summary>
public enum DivergenceEstimator
{
    /// <summary>The reference: one Hutchinson probe ε ∈ {±1}^D drawn as 2·randint{0,1} − 1, ∇·u ≈ εᵀ(∂u/∂z)ε.</summary>
    Rademacher = 0,

    /// <summary>One Hutchinson probe ε ~ N(0, I) (higher variance than Rademacher; for comparisons).</summary>
    Gaussian = 1,

    /// <summary>The exact divergence Σ_d ∂u_d/∂z_d by D vector–Jacobian products (allowed for D ≤ 16).</summary>
    Exact = 2,
}
