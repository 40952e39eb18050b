namespace FluxMatching.Metrics;

/// <summary>Settings of <see cref="Mmd"/>.</summary>
public sealed record MmdOptions
{
    /// <summary>RBF bandwidths h (kernel exp(−‖a − b‖²/2h²), averaged over the bandwidths so k(a, a) = 1). Default
    /// {0.1, 0.2, 0.5, 1, 2, 5}: from below the noise scale of the 2-D toys to their full ±4 extent. Each finite, &gt; 0.</summary>
    public IReadOnlyList<double> Bandwidths { get; init; } = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0];

    /// <summary>True (default): the unbiased U-statistic (diagonal terms excluded; can be slightly negative);
    /// false: the biased V-statistic (≥ 0).</summary>
    public bool Unbiased { get; init; } = true;
}
