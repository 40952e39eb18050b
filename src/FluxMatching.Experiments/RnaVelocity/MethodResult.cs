namespace FluxMatching.RnaVelocity;

/// <summary>One velocity method's output and metrics on a data set.</summary>
/// <param name="Method">"Flux", "SteadyState", "DSM" or "Truth".</param>
/// <param name="Velocity">Spliced velocity [N, G].</param>
/// <param name="Embedded">Velocity projected onto the embedding [N, 2] (<see cref="VelocityEmbedding"/>).</param>
/// <param name="CrossBoundaryCorrectness">CBDir pooled over the edges' cells.</param>
/// <param name="PerEdge">CBDir per edge "A&gt;B".</param>
/// <param name="Coherence">Mean velocity coherence (velocity_confidence, cosine).</param>
/// <param name="GammaOverBeta">The method's γ/β per gene (steady state: γ'), or null.</param>
/// <param name="Truth">Agreement with the true velocity and rates (simulated data only), or null.</param>
public sealed record MethodResult(
    string Method,
    double[,] Velocity,
    double[,] Embedded,
    double CrossBoundaryCorrectness,
    IReadOnlyDictionary<string, double> PerEdge,
    double Coherence,
    double[]? GammaOverBeta,
    TruthComparison? Truth);
