namespace FluxMatching.Plotting;

using Plotly.NET;
using Plotly.NET.LayoutObjects;
using CSharpChart = Plotly.NET.CSharp.Chart;

/// <summary>Side-by-side panels (e.g. Flux beside DSM): several charts in one figure through Plotly.NET's
/// <c>Chart.Grid</c>, with subplot titles, each panel keeping its equal-aspect axes and its colour bar next to it.</summary>
public static class Panels
{
    /// <summary>Horizontal gap between panels as a fraction of a panel's width (room for colour bars).</summary>
    public const double ColumnGap = 0.3;

    /// <summary>Vertical gap between panel rows as a fraction of a panel's height.</summary>
    public const double RowGap = 0.22;

    /// <summary>Arranges charts in a grid, row by row. The input charts are copied, never modified.</summary>
    /// <param name="charts">At least one chart (2-D charts from this library).</param>
    /// <param name="titles">Subplot titles, one per chart; null = each chart's own title.</param>
    /// <param name="columns">Panels per row, 1 … 8; 0 = all in one row (at most 8). Default 0.</param>
    /// <param name="figure">Overall title and size (default: 460 × 440 pixels per panel).</param>
    public static GenericChart SideBySide(IReadOnlyList<GenericChart> charts, IReadOnlyList<string>? titles = null,
        int columns = 0, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(charts);
        if (charts.Count is < 1 or > 64)
        {
            throw new ArgumentException($"charts must hold 1 … 64 charts; got {charts.Count}.", nameof(charts));
        }

        if (titles is not null && titles.Count != charts.Count)
        {
            throw new ArgumentException($"titles must have one entry per chart ({charts.Count}); got {titles.Count}.", nameof(titles));
        }

        if (columns is < 0 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), columns, "columns must be in 0 … 8 (0 = one row).");
        }

        int cols = columns == 0 ? Math.Min(charts.Count, 8) : Math.Min(columns, charts.Count);
        int rows = (charts.Count + cols - 1) / cols;
        var names = titles ?? charts.Select(TitleOf).ToList();
        var copies = charts.Select(PlotlyBuilder.Clone).ToList();
        while (copies.Count < rows * cols)
        {
            copies.Add(PlotlyBuilder.Clone(Empty()));
        }

        var padded = names.Concat(Enumerable.Repeat("", rows * cols - names.Count)).ToArray();
        var grid = CSharpChart.Grid(copies, rows, cols, SubPlotTitles: padded, XGap: ColumnGap, YGap: RowGap);
        var fig = figure ?? new FigureOptions { Width = Math.Min(4000, 460 * cols), Height = Math.Min(4000, 440 * rows) };
        fig.Validate();
        var seen = new HashSet<string>();
        foreach (var trace in GenericChart.getTraces(grid))
        {
            if (PlotlyBuilder.TryGet(trace, "name") is string nm && PlotlyBuilder.TryGet(trace, "showlegend") is true && !seen.Add(nm))
            {
                trace.SetProperty("showlegend", false);
            }

            int k = AxisIndex(PlotlyBuilder.TryGet(trace, "xaxis") as string);
            int col = (k - 1) % cols, row = (k - 1) / cols;
            MoveColorBar(trace, col, row, cols, rows);
        }
        return PlotlyBuilder.MapLayout(grid, l =>
        {
            for (int k = 2; k <= rows * cols; k++)
            {
                if (PlotlyBuilder.TryGet(l, $"yaxis{k}") is LinearAxis y && PlotlyBuilder.TryGet(y, "scaleanchor") is string)
                {
                    var copy = PlotlyBuilder.CopyAxis(y);
                    copy.SetProperty("scaleanchor", $"x{k}");
                    l.SetProperty($"yaxis{k}", copy);
                }
            }

            l.SetProperty("width", fig.Width);
            l.SetProperty("height", fig.Height);
            l.SetProperty("title", new Dictionary<string, object> { ["text"] = fig.Title ?? "", ["x"] = 0.5, ["xanchor"] = "center" });
            l.SetProperty("margin", new { l = 50, r = 90, t = fig.Title is null ? 50 : 80, b = 60 });
        });
    }

    /// <summary>Paper-coordinate domain [start, end] of grid cell <paramref name="index"/> out of <paramref name="count"/>
    /// with gap fraction <paramref name="gap"/> (plotly.js' layout.grid rule: step = 1/(n − gap), cell = step (1 − gap)).</summary>
    internal static (double Start, double End) Domain(int index, int count, double gap)
    {
        double step = 1.0 / (count - gap), cell = step * (1 - gap);
        return (index * step, index * step + cell);
    }

    private static void MoveColorBar(Trace trace, int col, int row, int cols, int rows)
    {
        var (_, right) = Domain(col, cols, ColumnGap);
        var (bottom, top) = Domain(rows - 1 - row, rows, RowGap);
        Dictionary<string, object> Placed(Dictionary<string, object> bar) => new(bar)
        {
            ["x"] = right + 0.01,
            ["xanchor"] = "left",
            ["y"] = 0.5 * (bottom + top),
            ["yanchor"] = "middle",
            ["len"] = 0.9 * (top - bottom),
            ["thickness"] = 10,
        };
        if (PlotlyBuilder.TryGet(trace, "colorbar") is Dictionary<string, object> cb)
        {
            trace.SetProperty("colorbar", Placed(cb));
        }

        if (PlotlyBuilder.TryGet(trace, "marker") is Dictionary<string, object> marker && marker.TryGetValue("colorbar", out var mcb)
            && mcb is Dictionary<string, object> mbar)
        {
            trace.SetProperty("marker", new Dictionary<string, object>(marker) { ["colorbar"] = Placed(mbar) });
        }
    }

    private static int AxisIndex(string? axis) =>
        axis is null || axis.Length <= 1 ? 1 : int.Parse(axis.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);

    private static string TitleOf(GenericChart chart) =>
        PlotlyBuilder.TryGet(GenericChart.getLayout(chart), "title") is Dictionary<string, object> t && t.TryGetValue("text", out var s)
            ? s as string ?? "" : "";

    private static GenericChart Empty()
    {
        var t = PlotlyBuilder.Scatter("markers", [], [], showLegend: false);
        return PlotlyBuilder.MapLayout(GenericChart.ofTraceObject(false, t), l =>
        {
            var hidden = new LinearAxis();
            hidden.SetProperty("visible", false);
            l.SetProperty("xaxis", hidden);
            l.SetProperty("yaxis", PlotlyBuilder.CopyAxis(hidden));
        });
    }
}
