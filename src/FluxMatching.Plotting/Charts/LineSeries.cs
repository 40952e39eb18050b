namespace FluxMatching.Plotting;

/// <summary>
/// One series of a <see cref="LineCharts"/> chart: points (x, y) joined by a line and/or drawn as markers, with optional
/// symmetric error bars (e.g. a binned mean ± its standard error, a W2 curve over training steps, a time series).
/// </summary>
/// <param name="Name">Legend name (also shown when hovering).</param>
/// <param name="X">x values, one per point.</param>
/// <param name="Y">y values, as many as <paramref name="X"/>.</param>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    private static readonly string[] Dashes = ["solid", "dot", "dash", "longdash", "dashdot"];

    /// <summary>Half-width of a symmetric error bar per point (null: no error bars). Default null.</summary>
    public IReadOnlyList<double>? ErrorY { get; init; }

    /// <summary>CSS colour of line, markers and error bars (null: the series' place in the default colour cycle).</summary>
    public string? Color { get; init; }

    /// <summary>Line style: "solid", "dot", "dash", "longdash" or "dashdot". Default "solid".</summary>
    public string Dash { get; init; } = "solid";

    /// <summary>Line width in pixels (&gt; 0). Default 2.</summary>
    public double LineWidth { get; init; } = 2;

    /// <summary>Join the points by a line. Default true.</summary>
    public bool Lines { get; init; } = true;

    /// <summary>Draw a marker at every point. Default true.</summary>
    public bool Markers { get; init; } = true;

    /// <summary>plotly.js marker symbol ("circle", "star", "square", "diamond" …). Default "circle".</summary>
    public string MarkerSymbol { get; init; } = "circle";

    /// <summary>Marker size in pixels (&gt; 0). Default 6.</summary>
    public double MarkerSize { get; init; } = 6;

    /// <summary>List the series in the legend. Default true.</summary>
    public bool ShowLegend { get; init; } = true;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Name, "series.Name");
        ArgumentNullException.ThrowIfNull(X, "series.X");
        ArgumentNullException.ThrowIfNull(Y, "series.Y");
        if (X.Count != Y.Count)
        {
            throw new ArgumentException($"Series '{Name}': X has {X.Count} values but Y has {Y.Count}; they must match.", "series");
        }

        if (ErrorY is not null && ErrorY.Count != Y.Count)
        {
            throw new ArgumentException($"Series '{Name}': ErrorY has {ErrorY.Count} values but Y has {Y.Count}; they must match.", "series");
        }

        if (!Dashes.Contains(Dash))
        {
            throw new ArgumentException($"Series '{Name}': Dash '{Dash}' is not one of {string.Join(", ", Dashes)}.", "series");
        }

        if (!Lines && !Markers)
        {
            throw new ArgumentException($"Series '{Name}': Lines and Markers are both false; at least one must be true.", "series");
        }

        if (!(LineWidth > 0) || !(MarkerSize > 0))
        {
            throw new ArgumentException($"Series '{Name}': LineWidth ({LineWidth}) and MarkerSize ({MarkerSize}) must be > 0.", "series");
        }
    }
}
