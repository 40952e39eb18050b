namespace FluxMatching.Plotting;

using Plotly.NET;

/// <summary>
/// A rows × cols grid of small plots in one figure, laid out with explicit axis domains (trace i of cell n sits on
/// axes x{n}, y{n}): the frame of the pairs and marginal charts of D-dimensional data.
/// </summary>
internal static class AxisGrid
{
    /// <summary>Gap between cells as a fraction of a cell.</summary>
    public const double Gap = 0.12;

    /// <summary>Axis reference of cell n (1-based) for a trace: "x", "x2", ….</summary>
    public static string Ref(char axis, int n) => n == 1 ? axis.ToString() : $"{axis}{n}";

    /// <summary>Builds the figure.</summary>
    /// <param name="rows">Rows of cells.</param>
    /// <param name="cols">Columns of cells.</param>
    /// <param name="cell">The traces of cell (row, col); their axes are set here.</param>
    /// <param name="xTitle">x-axis title of cell (row, col), or null.</param>
    /// <param name="yTitle">y-axis title of cell (row, col), or null.</param>
    /// <param name="figure">Title and size.</param>
    /// <param name="defaultTitle">Title when the figure has none.</param>
    public static GenericChart Build(int rows, int cols, Func<int, int, IEnumerable<Trace>> cell,
        Func<int, int, string?> xTitle, Func<int, int, string?> yTitle, FigureOptions figure, string defaultTitle)
    {
        var traces = new List<Trace>();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                int n = r * cols + c + 1;
                foreach (var t in cell(r, c))
                {
                    t.SetProperty("xaxis", Ref('x', n));
                    t.SetProperty("yaxis", Ref('y', n));
                    traces.Add(t);
                }
            }
        }

        var chart = PlotlyBuilder.Figure(traces, figure, defaultTitle);
        return PlotlyBuilder.MapLayout(chart, l =>
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    int n = r * cols + c + 1;
                    var (x0, x1) = Panels.Domain(c, cols, Gap);
                    var (y0, y1) = Panels.Domain(rows - 1 - r, rows, Gap);
                    var x = PlotlyBuilder.Axis(xTitle(r, c));
                    x.SetProperty("domain", new[] { x0, x1 });
                    x.SetProperty("anchor", Ref('y', n));
                    var y = PlotlyBuilder.Axis(yTitle(r, c));
                    y.SetProperty("domain", new[] { y0, y1 });
                    y.SetProperty("anchor", Ref('x', n));
                    l.SetProperty(n == 1 ? "xaxis" : $"xaxis{n}", x);
                    l.SetProperty(n == 1 ? "yaxis" : $"yaxis{n}", y);
                }
            }

            l.SetProperty("barmode", "overlay");
            l.SetProperty("legend", new { orientation = "h", y = -0.06 });
            l.SetProperty("margin", new { l = 60, r = 30, t = 60, b = 70 });
        });
    }
}
