namespace FluxMatching.Plotting;

using Plotly.NET;

/// <summary>Line charts of several series over a shared x axis: binned curves with error bars (exp1's compatibility
/// panels), metric-vs-step curves (exp5's W2 during training), time series (exp5's trajectories).</summary>
public static class LineCharts
{
    /// <summary>One chart of all <paramref name="series"/>, in order (later series drawn on top).</summary>
    /// <param name="series">At least one series.</param>
    /// <param name="options">Axis titles and scale (null: defaults).</param>
    /// <param name="figure">Title and size (null: 620 × 460 pixels).</param>
    public static GenericChart Lines(IEnumerable<LineSeries> series, LineChartOptions? options = null, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var list = series.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("series must hold at least one line series; got 0.", nameof(series));
        }

        options ??= new LineChartOptions();
        var traces = new List<Trace>();
        for (int s = 0; s < list.Count; s++)
        {
            var one = list[s] ?? throw new ArgumentException($"series[{s}] is null.", nameof(series));
            one.Validate();
            traces.Add(Trace(one, one.Color ?? PlotlyBuilder.Palette[s % PlotlyBuilder.Palette.Length]));
        }

        var chart = PlotlyBuilder.Figure(traces, figure ?? new FigureOptions { Width = 620, Height = 460 }, "");
        return PlotlyBuilder.MapLayout(chart, l =>
        {
            l.SetProperty("xaxis", PlotlyBuilder.Axis(options.XTitle));
            l.SetProperty("yaxis", PlotlyBuilder.Axis(options.YTitle, type: options.LogY ? "log" : null));
        });
    }

    private static Trace2D Trace(LineSeries s, string color)
    {
        string mode = s.Lines && s.Markers ? "lines+markers" : s.Lines ? "lines" : "markers";
        var trace = PlotlyBuilder.Scatter(mode, s.X.ToArray(), s.Y.ToArray(), s.Name,
            line: s.Lines ? new { color, width = s.LineWidth, dash = s.Dash } : null,
            marker: s.Markers ? new { color, size = s.MarkerSize, symbol = s.MarkerSymbol } : null,
            showLegend: s.ShowLegend, hoverTemplate: "%{x:.4g}: %{y:.4g}<extra>" + s.Name + "</extra>");
        if (s.ErrorY is not null)
        {
            trace.SetProperty("error_y", new { type = "data", array = s.ErrorY.ToArray(), visible = true, color, thickness = 1.2 });
        }

        return trace;
    }
}
