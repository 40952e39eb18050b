namespace FluxMatching.Controllable;

/// <summary>
/// The two columns of exp1's mode table (the authors' experiments/exp1_controllable/test.py). With s = ∇log p and R the 90° rotation
/// R(v) = (−v_y, v_x):
/// <list type="bullet">
/// <item><see cref="Preserving"/> ("distribution-compatible"): b0 = R s, b1 = −R ∇ψ_cycle / p, b2 = R ∇ψ_skew / p.
/// Every p·b_k is a rotated gradient, so ∇·(p b_k) = 0 and p stays stationary (paper Eq. 3).</item>
/// <item><see cref="Violating"/>: b0 = s, b1 = ∇ψ_cycle / p, b2 = ∇ψ_skew / p (the same modes unrotated).</item>
/// </list>
/// </summary>
public enum ModeKind
{
    /// <summary>Stationarity-preserving modes: p-divergence-free, r ≡ 0.</summary>
    Preserving,

    /// <summary>Stationarity-violating modes.</summary>
    Violating,
}
