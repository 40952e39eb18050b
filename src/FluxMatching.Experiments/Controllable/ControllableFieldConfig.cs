namespace FluxMatching.Controllable;

/// <summary>
/// Constants of exp1's analytic field family (the authors' experiments/exp1_controllable/test.py, the <c>Config</c> of
/// <c>exp1_controllable/test.py</c>); the defaults reproduce the reference exactly.
/// </summary>
public sealed record ControllableFieldConfig
{
    /// <summary>Radius of the triangle of mixture centres (default 2.3).</summary>
    public double MixtureRadius { get; init; } = 2.3;

    /// <summary>Standard deviation of each clean component (default 0.65).</summary>
    public double ComponentStd { get; init; } = 0.65;

    /// <summary>Smoothing noise σ; the target is the σ-smoothed mixture, variance 0.65² + σ² (default 0.45).</summary>
    public double Sigma { get; init; } = 0.45;

    /// <summary>Width of the ψ_cycle edge ridges and gates (default 0.24).</summary>
    public double TriangleWindowWidth { get; init; } = 0.24;

    /// <summary>Sharpness of the soft-max triangle level and of the interior fill (default 10).</summary>
    public double TriangleSmoothness { get; init; } = 10.0;

    /// <summary>Sharpness of the gates that cut each ridge to its edge segment (default 5).</summary>
    public double TriangleEdgeGateSharpness { get; init; } = 5.0;

    /// <summary>Weight of the interior fill sigmoid(−10 L) in ψ_cycle (default 0.12).</summary>
    public double TriangleInteriorWeight { get; init; } = 0.12;

    /// <summary>Width of the Gaussian fall-off of ψ_cycle outside the triangle (default 0.9).</summary>
    public double TriangleOuterFalloffWidth { get; init; } = 0.9;

    /// <summary>Floor of p when dividing the ψ modes by p (default 1e-12).</summary>
    public double DensityFloor { get; init; } = 1e-12;

    /// <summary>Sharpness of the directional bias of ψ_skew (default 1.75).</summary>
    public double SkewSharpness { get; init; } = 1.75;

    /// <summary>Direction of the ψ_skew bump, in degrees (default −20).</summary>
    public double SkewAngleDegrees { get; init; } = -20.0;

    /// <summary>Distance of the ψ_skew centre from the origin as a fraction of the radius (default 0.78).</summary>
    public double SkewCenterRadiusFraction { get; init; } = 0.78;

    /// <summary>Radial width of the ψ_skew bump (default 0.60).</summary>
    public double SkewRadialWidth { get; init; } = 0.60;

    /// <summary>Tangential width of the ψ_skew bump (default 1.05).</summary>
    public double SkewTangentialWidth { get; init; } = 1.05;

    /// <summary>Weight of the directional bias of ψ_skew (default 0.45).</summary>
    public double SkewBiasWeight { get; init; } = 0.45;

    /// <summary>Samples from p used to estimate the mode scaling (default 1,200).</summary>
    public int OrthonormBatch { get; init; } = 1200;

    /// <summary>Floor of the mean mode energy in the scaling 1/√max(E‖b_k‖², eps) (default 1e-7).</summary>
    public double OrthonormEps { get; init; } = 1e-7;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        Positive(MixtureRadius, nameof(MixtureRadius));
        Positive(ComponentStd, nameof(ComponentStd));
        if (!double.IsFinite(Sigma) || Sigma < 0)
        {
            throw new ArgumentOutOfRangeException("config.Sigma", Sigma, "Sigma must be finite and ≥ 0.");
        }

        Positive(TriangleWindowWidth, nameof(TriangleWindowWidth));
        Positive(TriangleSmoothness, nameof(TriangleSmoothness));
        Positive(TriangleEdgeGateSharpness, nameof(TriangleEdgeGateSharpness));
        Positive(TriangleOuterFalloffWidth, nameof(TriangleOuterFalloffWidth));
        Positive(DensityFloor, nameof(DensityFloor));
        Positive(SkewRadialWidth, nameof(SkewRadialWidth));
        Positive(SkewTangentialWidth, nameof(SkewTangentialWidth));
        Positive(OrthonormEps, nameof(OrthonormEps));
        foreach (var (v, name) in new[]
        {
            (TriangleInteriorWeight, nameof(TriangleInteriorWeight)), (SkewSharpness, nameof(SkewSharpness)),
            (SkewAngleDegrees, nameof(SkewAngleDegrees)), (SkewCenterRadiusFraction, nameof(SkewCenterRadiusFraction)),
            (SkewBiasWeight, nameof(SkewBiasWeight)),
        })
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentOutOfRangeException($"config.{name}", v, $"{name} must be finite.");
            }
        }

        if (OrthonormBatch < 1)
        {
            throw new ArgumentOutOfRangeException("config.OrthonormBatch", OrthonormBatch, "OrthonormBatch must be ≥ 1.");
        }
    }

    private static void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException($"config.{name}", value, $"{name} must be finite and > 0.");
        }
    }
}
