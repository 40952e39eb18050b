namespace FluxMatching.Plotting;

using FluxMatching.Fields;

/// <summary>What a report shows about one trained model (e.g. "Flux" or "DSM"); every part is optional.</summary>
public sealed record ModelReport
{
    /// <summary>Model name used in headings and legends, e.g. "Flux" or "DSM".</summary>
    public required string Name { get; init; }

    /// <summary>Training loss per step. Default empty (no curve).</summary>
    public IReadOnlyList<double> LossHistory { get; init; } = [];

    /// <summary>Generated samples [N, 2], or null.</summary>
    public double[,]? Samples { get; init; }

    /// <summary>The learned field (Dimension 2), or null. Evaluated on the CPU/GPU device of its parameters.</summary>
    public IVectorField? Field { get; init; }

    /// <summary>σ for a noise-conditioned field (plots show f(·; σ)), or null.</summary>
    public double? Sigma { get; init; }

    /// <summary>Scalar metrics by name (e.g. "MMD", "W2", "mean |curl|"). Default empty.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Recorded sampler states, one [N, 2] array per recorded step, or null (no animation).</summary>
    public IReadOnlyList<double[,]>? Trajectory { get; init; }
}
