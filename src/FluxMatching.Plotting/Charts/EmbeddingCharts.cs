namespace FluxMatching.Plotting;

using Plotly.NET;

/// <summary>
/// Charts of vectors attached to points of a 2-D embedding (e.g. RNA velocity on a UMAP): a stream plot — the
/// velocities interpolated on a grid (<see cref="GriddedVelocityField"/>) and traced forward by
/// <see cref="StreamlineTracer"/> over the points coloured by group, with a marker at each line's end — and a phase
/// portrait of two quantities with lines through the origin.
/// </summary>
public static class EmbeddingCharts
{
    /// <summary>A stream plot of velocities on an embedding.</summary>
    /// <param name="points">The embedded points (N).</param>
    /// <param name="velocities">Their velocities in the embedding (N vectors).</param>
    /// <param name="groups">A label per point (e.g. clusters) for the colours, or null.</param>
    /// <param name="seedsPerAxis">Streamline seeds per axis (a regular grid). Default 14.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart VelocityStream(PointSet points, PointSet velocities, IReadOnlyList<string>? groups = null,
        int seedsPerAxis = 14, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(velocities);
        var bounds = Padded(points);
        var field = new GriddedVelocityField(points, velocities, bounds);
        var options = new StreamlineOptions
        {
            SeedsPerAxis = seedsPerAxis, Direction = StreamlineDirection.Forward, MaxSteps = 60, MinSpeed = 1e-12,
            Color = "rgb(30, 30, 30)", LineWidth = 1.0,
        };
        var lines = StreamlineTracer.Trace(field, bounds, options).Where(l => l.X.Length > 2).ToList();
        var traces = new List<Trace>(GroupTraces(points.X, points.Y, groups));
        var path = LinePath.Join(lines);
        traces.Add(PlotlyBuilder.Scatter("lines", path.X, path.Y, "streamlines",
            line: new { color = options.Color, width = options.LineWidth }, showLegend: false));
        traces.Add(PlotlyBuilder.Scatter("markers", [.. lines.Select(l => l.X[^1])], [.. lines.Select(l => l.Y[^1])], "line ends",
            marker: new { color = options.Color, size = 4, symbol = "circle" }, showLegend: false));
        return PlotlyBuilder.WithPlaneAxes(PlotlyBuilder.Figure(traces, figure ?? new(), "Velocity stream"), bounds, equalAspect: false, xTitle: "embedding 1", yTitle: "embedding 2");
    }

    /// <summary>A phase portrait: y against x per point, coloured by group, with lines y = slope·x.</summary>
    /// <param name="x">Horizontal values (e.g. spliced Ms of one gene).</param>
    /// <param name="y">Vertical values (e.g. unspliced Mu).</param>
    /// <param name="groups">A label per point, or null.</param>
    /// <param name="lines">Named slopes (e.g. each method's γ/β), drawn from 0 to the largest x.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart PhasePortrait(double[] x, double[] y, IReadOnlyList<string>? groups = null,
        IReadOnlyList<(string Name, double Slope)>? lines = null, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"x holds {x.Length} values, y {y.Length}.", nameof(y));
        }

        var traces = new List<Trace>(GroupTraces(x, y, groups));
        double top = x.Where(double.IsFinite).DefaultIfEmpty(1).Max();
        int k = 0;
        foreach (var (name, slope) in lines ?? [])
        {
            traces.Add(PlotlyBuilder.Scatter("lines", [0, top], [0, slope * top], name,
                line: new { color = PlotlyBuilder.Palette[(k++ + 5) % PlotlyBuilder.Palette.Length], width = 2 }));
        }

        var chart = PlotlyBuilder.Figure(traces, figure ?? new() { Width = 360, Height = 340 }, "Phase portrait");
        return PlotlyBuilder.MapLayout(chart, l =>
        {
            l.SetProperty("xaxis", PlotlyBuilder.Axis("spliced"));
            l.SetProperty("yaxis", PlotlyBuilder.Axis("unspliced"));
        });
    }

    private static IEnumerable<Trace> GroupTraces(double[] x, double[] y, IReadOnlyList<string>? groups)
    {
        if (groups is null)
        {
            yield return PlotlyBuilder.Scatter("markers", x, y, "cells", marker: new { size = 4, color = PlotlyBuilder.DataColor });
            yield break;
        }

        if (groups.Count != x.Length)
        {
            throw new ArgumentException($"groups holds {groups.Count} labels for {x.Length} points.", nameof(groups));
        }

        int k = 0;
        foreach (var name in groups.Distinct().Order(StringComparer.Ordinal))
        {
            var index = Enumerable.Range(0, x.Length).Where(i => groups[i] == name).ToArray();
            yield return PlotlyBuilder.Scatter("markers", [.. index.Select(i => x[i])], [.. index.Select(i => y[i])], name,
                marker: new { size = 4, opacity = 0.6, color = PlotlyBuilder.Palette[k++ % PlotlyBuilder.Palette.Length] });
        }
    }

    private static Bounds2D Padded(PointSet p)
    {
        double x0 = p.X.Min(), x1 = p.X.Max(), y0 = p.Y.Min(), y1 = p.Y.Max();
        double px = Math.Max(1e-9, 0.05 * (x1 - x0)), py = Math.Max(1e-9, 0.05 * (y1 - y0));
        return new Bounds2D(x0 - px, x1 + px, y0 - py, y1 + py);
    }
}
