namespace FluxMatching.Models;

using FluxMatching.Metrics;

/// <summary>Settings of <see cref="SampleEvaluation.Run"/>: which metrics, and the seeds of the fresh data and of the
/// metrics' random directions (derived from the sampler's seed unless given).</summary>
public sealed record SampleEvaluationOptions
{
    /// <summary>Compute the sample-quality metrics (skipped when fewer than 2 samples are drawn). Default true.</summary>
    public bool Measure { get; init; } = true;

    /// <summary>Metric settings. Default: <see cref="MetricOptions"/> with exact W₂ off
    /// (<see cref="MetricOptions.ExactW2MaxPoints"/> = 0: an exact assignment of 2,000 points costs seconds).</summary>
    public MetricOptions Metrics { get; init; } = new() { ExactW2MaxPoints = 0 };

    /// <summary>Seed of the fresh data draw. Default null: the sampling request's seed + 1, so every model sampled
    /// with the same seed is measured against the same data.</summary>
    public long? DataSeed { get; init; }

    /// <summary>Seed of the sliced-W₂ directions. Default null: the sampling request's seed + 2.</summary>
    public long? MetricSeed { get; init; }

    /// <summary>The data seed for a sampling seed.</summary>
    internal long DataSeedFor(long samplingSeed) => DataSeed ?? samplingSeed + 1;

    /// <summary>The metric seed for a sampling seed.</summary>
    internal long MetricSeedFor(long samplingSeed) => MetricSeed ?? samplingSeed + 2;
}
