namespace FluxMatching.Losses;

/// <summary>
/// Configuration of <see cref="FluxMatchingLoss"/>. The defaults are the authors' reference (the authors' src/flux_matching.py (flux_matching_loss)):
/// horizon H = 4, K = 4 exponential-integrator substeps, one Rademacher Hutchinson probe, no variance clamp.
/// </summary>
public sealed record FluxLossOptions
{
    /// <summary>The largest exponential-integrator substep count accepted.</summary>
    public const int MaxSubsteps = 1024;

    /// <summary>The largest flattened dimension D for which <see cref="DivergenceEstimator.Exact"/> is allowed.</summary>
    public const int MaxExactDivergenceDimension = 16;

    /// <summary>Horizon H of the reference Langevin time t ∈ [0, H] (dimensionless diffusion time; default 4.0).
    /// Must be finite and &gt; 0.</summary>
    public double Horizon { get; init; } = 4.0;

    /// <summary>Number K of exponential-integrator substeps of length t/K (default 4). 1 ≤ K ≤ 1024.</summary>
    public int Substeps { get; init; } = 4;

    /// <summary>Divergence estimator at the end point (default <see cref="DivergenceEstimator.Rademacher"/>, the
    /// reference; <see cref="DivergenceEstimator.Exact"/> requires D ≤ 16).</summary>
    public DivergenceEstimator Divergence { get; init; } = DivergenceEstimator.Rademacher;

    /// <summary>Optional lower bound on the one-jump variance v = σ²(1 − e^{−2t}) of the responsibilities (same units
    /// as σ²). Default null: no clamp, as in the reference (t = 0 then divides by zero). When set, must be finite and
    /// &gt; 0.</summary>
    public double? MinOneJumpVariance { get; init; }

    /// <summary>The reference defaults.</summary>
    public static FluxLossOptions Default { get; } = new();

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (!(Horizon > 0.0) || !double.IsFinite(Horizon))
        {
            throw new ArgumentOutOfRangeException(nameof(Horizon), Horizon, "Horizon must be finite and > 0.");
        }

        if (Substeps is < 1 or > MaxSubsteps)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Substeps), Substeps, $"Substeps must be between 1 and {MaxSubsteps}.");
        }

        if (!Enum.IsDefined(Divergence))
        {
            throw new ArgumentOutOfRangeException(nameof(Divergence), Divergence, "Unknown divergence estimator.");
        }

        if (MinOneJumpVariance is { } v && (!(v > 0.0) || !double.IsFinite(v)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(MinOneJumpVariance), v, "MinOneJumpVariance must be null or finite and > 0.");
        }
    }
}
