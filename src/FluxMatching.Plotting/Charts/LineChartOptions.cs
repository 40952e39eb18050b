namespace FluxMatching.Plotting;

/// <summary>Axes of a <see cref="LineCharts"/> chart.</summary>
public sealed record LineChartOptions
{
    /// <summary>Title of the x axis. Default "x".</summary>
    public string XTitle { get; init; } = "x";

    /// <summary>Title of the y axis. Default "y".</summary>
    public string YTitle { get; init; } = "y";

    /// <summary>Logarithmic y axis (every y value should then be &gt; 0). Default false.</summary>
    public bool LogY { get; init; }
}
