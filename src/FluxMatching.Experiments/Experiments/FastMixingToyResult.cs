namespace FluxMatching.Experiments;

using FluxMatching.Analysis;
using FluxMatching.Plotting;

/// <summary>The outcome of <see cref="FastMixingToy.Run"/>.</summary>
/// <param name="Options">The settings used.</param>
/// <param name="ScoreMixingSpeed">Grid mixing speed of the exact score (0.06183951593175084).</param>
/// <param name="ScoreFluxLoss">Mean Monte-Carlo flux loss of the exact score on the same evaluation draws.</param>
/// <param name="Runs">Per seed, the run with the mixing term and its control, in seed order.</param>
/// <param name="Score">The exact score of the σ-smoothed triangle mixture on <see cref="PlotGrid"/> (for streamlines).
/// </param>
public sealed record FastMixingToyResult(
    FastMixingToyOptions Options,
    double ScoreMixingSpeed,
    double ScoreFluxLoss,
    IReadOnlyList<FastMixingToyRun> Runs,
    FieldGrid Score)
{
    /// <summary>The grid on which <see cref="Score"/> and every run's <see cref="FastMixingToyRun.Field"/> are given:
    /// 49 × 49 points on [−4.5, 4.5]² (a plotting grid; the metrics use exp1's 25 × 25 grid on [−5.5, 5.5]²).</summary>
    public static Grid2D PlotGrid { get; } = Grid2D.Square(4.5, 49);

    /// <summary>The runs trained with the mixing term.</summary>
    public IReadOnlyList<FastMixingToyRun> WithMixing => Runs.Where(r => r.WithMixing).ToList();

    /// <summary>The control runs (flux loss only).</summary>
    public IReadOnlyList<FastMixingToyRun> Control => Runs.Where(r => !r.WithMixing).ToList();
}
