namespace FluxMatching.Plotting;

/// <summary>Appearance of sample-versus-target charts.</summary>
public sealed record SampleChartOptions
{
    /// <summary>Legend name of the generated samples. Default "samples".</summary>
    public string SampleName { get; init; } = "samples";

    /// <summary>Legend name of the target (data or density). Default "target density".</summary>
    public string TargetName { get; init; } = "target density";

    /// <summary>Axis ranges. Default null: a square around the origin holding all points (10% margin).</summary>
    public Bounds2D? Bounds { get; init; }

    /// <summary>Number of density contour levels, 2 … 40. Default 8.</summary>
    public int ContourLevels { get; init; } = 8;

    /// <summary>Bins per axis of the target's 2-D histogram, 5 … 400. Default 25.</summary>
    public int HistogramBins { get; init; } = 25;

    /// <summary>Grid points per axis of an analytic density, 10 … 1000. Default 100.</summary>
    public int DensityResolution { get; init; } = 100;

    /// <summary>At most this many samples are drawn (every k-th kept), ≥ 1. Default 4000.</summary>
    public int MaxPoints { get; init; } = 4000;

    /// <summary>Also draw the target's own points in grey. Default false.</summary>
    public bool ShowTargetPoints { get; init; }

    /// <summary>Sample marker colour (CSS). Default an orange.</summary>
    public string SampleColor { get; init; } = "rgba(239, 85, 59, 0.55)";

    /// <summary>Sample marker size in pixels, &gt; 0. Default 3.5.</summary>
    public double MarkerSize { get; init; } = 3.5;

    internal void Validate()
    {
        if (ContourLevels is < 2 or > 40)
        {
            throw new ArgumentOutOfRangeException(nameof(ContourLevels), ContourLevels, "ContourLevels must be in 2 … 40.");
        }

        if (HistogramBins is < 5 or > 400)
        {
            throw new ArgumentOutOfRangeException(nameof(HistogramBins), HistogramBins, "HistogramBins must be in 5 … 400.");
        }

        if (DensityResolution is < 10 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(DensityResolution), DensityResolution, "DensityResolution must be in 10 … 1000.");
        }

        if (MaxPoints < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPoints), MaxPoints, "MaxPoints must be ≥ 1.");
        }

        if (!(MarkerSize > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MarkerSize), MarkerSize, "MarkerSize must be > 0.");
        }
    }
}
