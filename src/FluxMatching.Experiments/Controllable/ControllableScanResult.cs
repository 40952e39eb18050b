namespace FluxMatching.Controllable;

/// <summary>The rows of an exp1 scan with their standardisation (the authors' experiments/exp1_controllable/test.py).</summary>
/// <param name="Rows">One row per θ, in scan order.</param>
/// <param name="DsmNormalizer">max(mean violating |DSM loss|, 1e-12).</param>
/// <param name="FluxNormalizer">max(mean violating |flux loss|, 1e-12) (NaN when flux losses were skipped).</param>
/// <param name="ScoreMixingSpeed">Mixing speed of the score field itself (the star of the mixing panel).</param>
public sealed record ControllableScanResult(
    IReadOnlyList<ControllableScanRow> Rows,
    double DsmNormalizer,
    double FluxNormalizer,
    double ScoreMixingSpeed)
{
    /// <summary>
    /// The curve of one panel: standardized loss (DSM or flux) binned by the metric, with the score point
    /// (metric of the score field, loss 0) inserted — (ScoreMixingSpeed, 0) for mixing, (0, 0) otherwise. Panels 1–3
    /// use the preserving rows, the violation panel the violating rows.
    /// </summary>
    /// <param name="metric">The panel.</param>
    /// <param name="flux">True: the standardized flux loss; false: the standardized DSM loss.</param>
    /// <param name="bins">Number of bins (exp1: 12).</param>
    public CompatibilityCurve Curve(ControllableMetric metric, bool flux, int bins = 12)
    {
        bool violating = metric == ControllableMetric.DistributionViolation;
        var x = Rows.Select(r => r.Metric(metric)).ToArray();
        var y = Rows.Select(r => violating
            ? (flux ? r.StandardizedViolatingFluxLoss : r.StandardizedViolatingDsmLoss)
            : (flux ? r.StandardizedFluxLoss : r.StandardizedDsmLoss)).ToArray();
        double scoreX = metric == ControllableMetric.MixingSpeed ? ScoreMixingSpeed : 0.0;
        return CompatibilityCurve.Bin(x, y, bins).WithPoint(scoreX, 0.0);
    }
}
