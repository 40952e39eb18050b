namespace FluxMatching.Experiments;

/// <summary>The outcome of <see cref="FastMixingToy.Run"/>.</summary>
/// <param name="Options">The settings used.</param>
/// <param name="ScoreMixingSpeed">Grid mixing speed of the exact score (0.06183951593175084).</param>
/// <param name="ScoreFluxLoss">Mean Monte-Carlo flux loss of the exact score on the same evaluation draws.</param>
/// <param name="Runs">Per seed, the run with the mixing term and its control, in seed order.</param>
public sealed record FastMixingToyResult(
    FastMixingToyOptions Options,
    double ScoreMixingSpeed,
    double ScoreFluxLoss,
    IReadOnlyList<FastMixingToyRun> Runs)
{
    /// <summary>The runs trained with the mixing term.</summary>
    public IReadOnlyList<FastMixingToyRun> WithMixing => Runs.Where(r => r.WithMixing).ToList();

    /// <summary>The control runs (flux loss only).</summary>
    public IReadOnlyList<FastMixingToyRun> Control => Runs.Where(r => !r.WithMixing).ToList();
}
