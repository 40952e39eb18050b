namespace FluxMatching.Metrics.Images;

/// <summary>KID: the unbiased MMD² with the cubic polynomial kernel, over random subsets.</summary>
/// <param name="Mean">Mean of the per-subset estimates (unbiased; can be slightly negative when the sets agree).
/// </param>
/// <param name="StandardDeviation">Standard deviation of the per-subset estimates (divisor subsets − 1; 0 for one
/// subset).</param>
/// <param name="Subsets">Number of subset pairs.</param>
/// <param name="SubsetSize">Points per subset (the same for both sets).</param>
public sealed record KernelDistanceResult(double Mean, double StandardDeviation, int Subsets, int SubsetSize);
