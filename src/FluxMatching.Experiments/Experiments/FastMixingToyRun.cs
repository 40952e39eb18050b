namespace FluxMatching.Experiments;

/// <summary>One trained field of <see cref="FastMixingToy"/>.</summary>
/// <param name="Seed">Initialization and training seed.</param>
/// <param name="WithMixing">Whether the mixing term was in the objective (false: the control).</param>
/// <param name="MixingSpeed">exp1's grid mixing speed of the trained field (the score's: 0.0618).</param>
/// <param name="FluxLoss">Mean Monte-Carlo flux loss of the trained field over the evaluation batches.</param>
/// <param name="FluxLossStandardError">Standard error of <paramref name="FluxLoss"/> over the evaluation batches.
/// </param>
/// <param name="DistributionViolation">exp1's exact stationarity residual on the grid, √(Σ w r²) with
/// r = ∇·δu + δu·s and δu = f − s (0 for any field that keeps p stationary).</param>
/// <param name="DistanceFromScore">√(Σ w ‖f − s‖²) on the grid: how far the field moved away from the score.</param>
/// <param name="FinalLoss">Mean training objective over the last tenth of the second phase.</param>
/// <param name="Seconds">Training time of the run (both phases).</param>
public sealed record FastMixingToyRun(
    long Seed,
    bool WithMixing,
    double MixingSpeed,
    double FluxLoss,
    double FluxLossStandardError,
    double DistributionViolation,
    double DistanceFromScore,
    double FinalLoss,
    double Seconds);
