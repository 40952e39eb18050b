namespace FluxMatching.RnaVelocity;

/// <summary>How a method's velocity and rates agree with a simulation's truth.</summary>
/// <param name="MeanCosine">Mean over cells of cos(v_c, v*_c) over genes.</param>
/// <param name="SignAgreement">Share of (cell, gene) entries with the true sign.</param>
/// <param name="RateLogCorrelation">Pearson correlation of log(γ/β) with the truth over genes (NaN without rates).</param>
/// <param name="RateMedianAbsLogRatio">Median |log(γ/β ÷ true γ/β)| (NaN without rates).</param>
public sealed record TruthComparison(double MeanCosine, double SignAgreement, double RateLogCorrelation,
    double RateMedianAbsLogRatio);
