namespace FluxMatching.Controllable;

/// <summary>
/// One θ of exp1's scan: the preserving field s + Σθ_k b_k^pres and the violating field s + Σθ_k b_k^viol
/// (the authors' experiments/exp1_controllable/test.py). Losses are stored as absolute values (as the reference does); the standardized losses are
/// divided by the mean of the corresponding loss over the violating rows of the same scan.
/// </summary>
/// <param name="Theta">θ [3].</param>
/// <param name="MixingSpeed">Mixing speed of the preserving field.</param>
/// <param name="TriangleAlignment">Cosine alignment of the preserving δu with b1 ("Triangle Shape").</param>
/// <param name="JacobianSkewness">Jacobian skewness of the preserving δu.</param>
/// <param name="DsmLoss">|½θᵀGθ| of the preserving field.</param>
/// <param name="FluxLoss">|Monte-Carlo flux loss| of the preserving field (NaN when not computed).</param>
/// <param name="DistributionViolation">‖∇·δu + δu·s‖_w of the violating δu.</param>
/// <param name="ViolatingDsmLoss">|½θᵀG_violθ| of the violating field.</param>
/// <param name="ViolatingFluxLoss">|Monte-Carlo flux loss| of the violating field (NaN when not computed).</param>
/// <param name="StandardizedDsmLoss">DsmLoss / mean violating DSM loss.</param>
/// <param name="StandardizedFluxLoss">FluxLoss / mean violating flux loss.</param>
/// <param name="StandardizedViolatingDsmLoss">ViolatingDsmLoss / mean violating DSM loss.</param>
/// <param name="StandardizedViolatingFluxLoss">ViolatingFluxLoss / mean violating flux loss.</param>
public sealed record ControllableScanRow(
    IReadOnlyList<double> Theta,
    double MixingSpeed,
    double TriangleAlignment,
    double JacobianSkewness,
    double DsmLoss,
    double FluxLoss,
    double DistributionViolation,
    double ViolatingDsmLoss,
    double ViolatingFluxLoss,
    double StandardizedDsmLoss = double.NaN,
    double StandardizedFluxLoss = double.NaN,
    double StandardizedViolatingDsmLoss = double.NaN,
    double StandardizedViolatingFluxLoss = double.NaN)
{
    /// <summary>The value of a panel metric for this row.</summary>
    /// <param name="metric">The metric.</param>
    public double Metric(ControllableMetric metric) => metric switch
    {
        ControllableMetric.MixingSpeed => MixingSpeed,
        ControllableMetric.TriangleAlignment => TriangleAlignment,
        ControllableMetric.JacobianSkewness => JacobianSkewness,
        ControllableMetric.DistributionViolation => DistributionViolation,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };
}
