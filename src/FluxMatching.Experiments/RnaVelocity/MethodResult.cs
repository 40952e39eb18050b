namespace FluxMatching.RnaVelocity;

/// <summary>One velocity method's output and metrics on a data set.</summary>
/// <param name="Method">"Flux", "SteadyState" or "Truth".</param>
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

/// <summary>How a method's velocity and rates agree with a simulation's truth.</summary>
/// <param name="MeanCosine">Mean over cells of cos(v_c, v*_c) over genes.</param>
/// <param name="SignAgreement">Share of (cell, gene) entries with the true sign.</param>
/// <param name="RateLogCorrelation">Pearson correlation of log(γ/β) with the truth over genes (NaN without rates).</param>
/// <param name="RateMedianAbsLogRatio">Median |log(γ/β ÷ true γ/β)| (NaN without rates).</param>
public sealed record TruthComparison(double MeanCosine, double SignAgreement, double RateLogCorrelation,
    double RateMedianAbsLogRatio);
