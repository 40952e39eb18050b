namespace FluxMatching.Plotting;

/// <summary>Everything <see cref="FluxReport"/> puts into a training-run report.</summary>
public sealed record ReportInput
{
    /// <summary>Report title.</summary>
    public required string Title { get; init; }

    /// <summary>The models, in display order (e.g. Flux first, DSM second); at least one.</summary>
    public required IReadOnlyList<ModelReport> Models { get; init; }

    /// <summary>Data (target) samples [N, 2], or null.</summary>
    public double[,]? DataSamples { get; init; }

    /// <summary>Free text shown under the title (settings, seed, commit …), or null.</summary>
    public string? Notes { get; init; }

    /// <summary>Region of all 2-D plots. Default null: a square around the data (or samples) with 25% margin.</summary>
    public Bounds2D? Bounds { get; init; }

    /// <summary>Arrows per axis in quiver plots, 2 … 200. Default 20 (the reference notebook's grid).</summary>
    public int QuiverResolution { get; init; } = 20;

    /// <summary>Grid points per axis of curl maps, 3 … 1000. Default 80 (the reference notebook's grid).</summary>
    public int CurlResolution { get; init; } = 80;

    /// <summary>Streamline seeds per axis, 1 … 100. Default 10.</summary>
    public int StreamlineSeeds { get; init; } = 10;
}
