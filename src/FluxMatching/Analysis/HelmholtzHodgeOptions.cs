namespace FluxMatching.Analysis;

/// <summary>Settings of <see cref="HelmholtzHodge"/>.</summary>
public sealed record HelmholtzHodgeOptions
{
    /// <summary>
    /// Relative floor of the face weights: p on a cell face is raised to at least floor·max p (default 1e-10;
    /// in [0, 1)). The weighted Poisson operator degenerates where p underflows (its rows vanish and φ is undefined
    /// there); the floor keeps it positive definite. It changes φ only where p is below floor·max p, which does not
    /// show in L²(p) errors.
    /// </summary>
    public double RelativeDensityFloor { get; init; } = 1e-10;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(RelativeDensityFloor) || RelativeDensityFloor < 0 || RelativeDensityFloor >= 1)
        {
            throw new ArgumentOutOfRangeException(
                "options.RelativeDensityFloor", RelativeDensityFloor, "RelativeDensityFloor must be in [0, 1).");
        }
    }
}
