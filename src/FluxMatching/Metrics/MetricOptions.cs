namespace FluxMatching.Metrics;

/// <summary>Settings of <see cref="MetricReport.Compute"/>.</summary>
public sealed record MetricOptions
{
    /// <summary>MMD bandwidths and estimator (default: <see cref="MmdOptions"/> defaults, unbiased).</summary>
    public MmdOptions Mmd { get; init; } = new();

    /// <summary>Number of random directions of the sliced W₂ (default 256; ≥ 1).</summary>
    public int SlicedProjections { get; init; } = 256;

    /// <summary>Exact W₂ is computed when both samples have the same size N ≤ this (default 2,000; 0 disables it).</summary>
    public int ExactW2MaxPoints { get; init; } = ExactW2.DefaultMaxPoints;
}
