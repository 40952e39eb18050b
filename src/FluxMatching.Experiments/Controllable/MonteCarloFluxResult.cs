namespace FluxMatching.Controllable;

/// <summary>The Monte-Carlo flux loss of one exp1 field (see <see cref="MonteCarloFluxLoss"/>).</summary>
/// <param name="Mean">Mean of the batch means (signed; the reference stores |Mean|).</param>
/// <param name="BatchMeans">Per-repeat batch means [Repeats].</param>
/// <param name="Horizons">Per-repeat horizons t [Repeats].</param>
public sealed record MonteCarloFluxResult(double Mean, IReadOnlyList<double> BatchMeans, IReadOnlyList<double> Horizons);
