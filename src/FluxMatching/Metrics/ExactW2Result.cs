namespace FluxMatching.Metrics;

/// <summary>The exact 2-Wasserstein distance between two equal-size empirical measures.</summary>
/// <param name="SquaredW2">W₂² = (1/N) Σ_i ‖x_i − y_σ(i)‖² for the optimal permutation σ (the mean assignment cost).</param>
/// <param name="W2">W₂ = √W₂².</param>
/// <param name="Assignment">The optimal permutation σ: x_i is matched with y_σ(i).</param>
public sealed record ExactW2Result(double SquaredW2, double W2, int[] Assignment);
