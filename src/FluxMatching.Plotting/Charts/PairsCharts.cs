namespace FluxMatching.Plotting;

using System.Globalization;
using FluxMatching.Fields;
using Plotly.NET;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Charts of D-dimensional data through a <see cref="Projection"/> (the first k coordinates or k principal
/// components): a pairs grid of data against samples with their marginals on the diagonal, the field projected onto
/// every plane of the grid as arrows, and per-coordinate marginal histograms.
/// </summary>
public static class PairsCharts
{
    /// <summary>Most points drawn per scatter (the rest are thinned evenly).</summary>
    public const int MaxPoints = 1500;

    /// <summary>Pairs grid of data and samples: cell (i, j) shows axis j against axis i, the diagonal the two marginal
    /// histograms of axis i.</summary>
    /// <param name="data">Data points [N, D] (any device).</param>
    /// <param name="samples">Model samples [M, D] (same D).</param>
    /// <param name="projection">The k axes (2 ≤ k ≤ 8 is readable).</param>
    /// <param name="figure">Title and size (default: 210 px per cell).</param>
    public static GenericChart DataVsSamples(Tensor data, Tensor samples, Projection projection, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(projection);
        var d = projection.Points(Thin(data));
        var s = projection.Points(Thin(samples));
        int k = projection.Axes;
        IEnumerable<Trace> Cell(int r, int c)
        {
            bool legend = r == 1 && c == 0 || k == 1;
            if (r == c)
            {
                yield return Histogram(d[r], "data", PlotlyBuilder.DataColor, legend);
                yield return Histogram(s[r], "samples", PlotlyBuilder.Palette[0], legend);
                yield break;
            }
            yield return PlotlyBuilder.Scatter("markers", d[c], d[r], "data", marker: new { color = PlotlyBuilder.DataColor, size = 3 }, showLegend: legend);
            yield return PlotlyBuilder.Scatter("markers", s[c], s[r], "samples", marker: new { color = PlotlyBuilder.Palette[0], size = 3, opacity = 0.6 }, showLegend: legend);
        }
        return AxisGrid.Build(k, k, Cell, (r, c) => r == k - 1 ? projection.Names[c] : null, (r, c) => c == 0 ? projection.Names[r] : null,
            figure ?? Square(k), "data (grey) and samples");
    }

    /// <summary>The field projected onto every plane of the pairs grid as arrows at data points: cell (i, j) draws
    /// (Wᵀf(x))_j, (Wᵀf(x))_i at the projected point (normalised arrows); the diagonal shows the data's marginal.</summary>
    /// <param name="field">The field, [B, D] → [B, D] (evaluated under no_grad on its own device and dtype).</param>
    /// <param name="points">Arrow bases [N, D] (thinned to <paramref name="arrows"/>).</param>
    /// <param name="projection">The k axes.</param>
    /// <param name="sigma">σ for a noise-conditioned field, else null.</param>
    /// <param name="arrows">Most arrows per cell. Default 250.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart FieldArrows(IVectorField field, Tensor points, Projection projection, double? sigma = null,
        int arrows = 250, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(projection);
        if (arrows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(arrows), arrows, "arrows must be ≥ 1.");
        }

        double[][] p, v;
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            var x = Thin(points, arrows).to(field.DType, field.Device);
            var s = sigma is double sv ? torch.tensor(sv, field.DType, field.Device) : null;
            var f = field.Evaluate(x, s);
            p = projection.Points(x);
            v = projection.Vectors(f);
        }
        int k = projection.Axes;
        IEnumerable<Trace> Cell(int r, int c)
        {
            if (r == c)
            {
                yield return Histogram(p[r], "data", PlotlyBuilder.DataColor, false);
                yield break;
            }
            double span = Math.Max(Range(p[c]), Range(p[r]));
            var path = QuiverGeometry.Arrows(p[c], p[r], v[c], v[r], 0.06 * Math.Max(span, 1e-9));
            yield return PlotlyBuilder.Scatter("markers", p[c], p[r], "data", marker: new { color = PlotlyBuilder.DataColor, size = 3 }, showLegend: r == 1 && c == 0);
            yield return PlotlyBuilder.Scatter("lines", path.X, path.Y, "f projected", line: new { color = PlotlyBuilder.Palette[1], width = 1.1 }, showLegend: r == 1 && c == 0);
        }
        return AxisGrid.Build(k, k, Cell, (r, c) => r == k - 1 ? projection.Names[c] : null, (r, c) => c == 0 ? projection.Names[r] : null,
            figure ?? Square(k), "field f projected onto the planes (arrows normalised)");
    }

    /// <summary>Histograms of each coordinate of data and samples (the first <paramref name="maxCoordinates"/>),
    /// four per row, with the two means marked on the axis.</summary>
    /// <param name="data">Data [N, D].</param>
    /// <param name="samples">Samples [M, D].</param>
    /// <param name="maxCoordinates">Most coordinates shown. Default 16.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Marginals(Tensor data, Tensor samples, int maxCoordinates = 16, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(samples);
        if (maxCoordinates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCoordinates), maxCoordinates, "maxCoordinates must be ≥ 1.");
        }

        int d = (int)data.shape[1], shown = Math.Min(d, maxCoordinates);
        var coords = Projection.Coordinates(d, shown);
        var a = coords.Points(data);
        var b = coords.Points(samples);
        int cols = Math.Min(4, shown), rows = (shown + cols - 1) / cols;
        IEnumerable<Trace> Cell(int r, int c)
        {
            int j = r * cols + c;
            if (j >= shown)
            {
                yield break;
            }

            yield return Histogram(a[j], "data", PlotlyBuilder.DataColor, j == 0);
            yield return Histogram(b[j], "samples", PlotlyBuilder.Palette[0], j == 0);
            // The two means as markers on the axis.
            yield return PlotlyBuilder.Scatter("markers", [Mean(a[j]), Mean(b[j])], [0.0, 0.0], "means",
                marker: new { color = new[] { "rgb(90, 90, 90)", PlotlyBuilder.Palette[0] }, size = 9, symbol = "triangle-up" },
                showLegend: j == 0, hoverTemplate: "mean %{x:.3g}<extra></extra>");
        }
        var title = shown < d ? $"marginals of the first {shown} of {d} coordinates" : "marginals of every coordinate";
        return AxisGrid.Build(rows, cols, Cell, (r, c) => r * cols + c < shown ? coords.Names[r * cols + c] : null, (_, _) => null,
            figure ?? new FigureOptions { Width = Math.Min(4000, 230 * cols + 90), Height = Math.Min(4000, 190 * rows + 130) }, title);
    }

    private static Trace2D Histogram(double[] values, string name, string color, bool legend)
    {
        var t = new Trace2D("histogram");
        t.SetProperty("x", values);
        t.SetProperty("name", name);
        t.SetProperty("histnorm", "probability density");
        t.SetProperty("opacity", 0.55);
        t.SetProperty("nbinsx", 30);
        t.SetProperty("marker", new { color });
        t.SetProperty("showlegend", legend);
        t.SetProperty("hovertemplate", "%{x}<br>density %{y:.3g}<extra>" + name + "</extra>");
        return t;
    }

    private static FigureOptions Square(int k) =>
        new() { Width = Math.Min(4000, 210 * k + 110), Height = Math.Min(4000, 210 * k + 140) };

    private static double Mean(double[] v)
    {
        var finite = v.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : finite.Average();
    }

    private static double Range(double[] v)
    {
        var finite = v.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? 1 : finite.Max() - finite.Min();
    }

    /// <summary>At most <paramref name="max"/> rows, evenly spaced (a view or a small copy).</summary>
    internal static Tensor Thin(Tensor x, int max = MaxPoints)
    {
        if (x.dim() != 2)
        {
            throw new ArgumentException($"points must have shape [N, D]; got [{string.Join(", ", x.shape)}].", nameof(x));
        }

        long n = x.shape[0];
        if (n <= max)
        {
            return x.alias();
        }

        using var index = torch.linspace(0, n - 1, max, device: x.device).round().to(ScalarType.Int64);
        return x.index_select(0, index);
    }

    internal static string Format(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
