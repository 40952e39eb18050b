namespace FluxMatching.Plotting;

using FluxMatching.Analysis;
using FluxMatching.Fields;
using Plotly.NET;

/// <summary>
/// Charts of a 2-D vector field f: quiver arrows (direction normalised, colour = |f|), RK4 streamlines, and curl /
/// divergence maps on a diverging colour scale centred at 0. For a Flux Matching field f = ∇log p + v (paper Eq. 3)
/// the curl shows the non-conservative part v that score matching (DSM) cannot learn.
/// </summary>
public static class FieldCharts
{
    /// <summary>Quiver plot of a field sampled on a grid: one arrow per grid point, all of the same length (direction
    /// only), coloured by |f|. Arrows are bucketed into <see cref="QuiverOptions.MagnitudeBins"/> magnitude bins, each
    /// drawn as ONE NaN-separated line trace (shafts + barbs) in its bin's colour; a last, invisible marker trace at the
    /// arrow bases carries the |f| colour bar and hover values.</summary>
    /// <param name="grid">Field values on a grid.</param>
    /// <param name="options">Arrow shape and colours.</param>
    /// <param name="background">Samples drawn in grey behind the arrows (e.g. the data), or null.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Quiver(FieldGrid grid, QuiverOptions? options = null, PointSet? background = null,
        FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        options ??= new QuiverOptions();
        options.Validate();
        int nx = grid.Xs.Length, ny = grid.Ys.Length;
        double length = options.ArrowLength ?? 0.8 * Math.Min(grid.Xs[1] - grid.Xs[0], grid.Ys[1] - grid.Ys[0]);
        var x = new List<double>();
        var y = new List<double>();
        var u = new List<double>();
        var v = new List<double>();
        var mag = new List<double>();
        for (int j = 0; j < ny; j++)
        {
            for (int i = 0; i < nx; i++)
            {
                double m = Math.Sqrt(grid.U[j, i] * grid.U[j, i] + grid.V[j, i] * grid.V[j, i]);
                if (!(m > 0) || !double.IsFinite(m))
                {
                    continue;
                }

                x.Add(grid.Xs[i]);
                y.Add(grid.Ys[j]);
                u.Add(grid.U[j, i]);
                v.Add(grid.V[j, i]);
                mag.Add(m);
            }
        }

        double lo = mag.Count > 0 ? mag.Min() : 0, hi = mag.Count > 0 ? mag.Max() : 1;
        int bins = hi > lo ? options.MagnitudeBins : 1;
        var traces = new List<Trace>();
        if (background is not null)
        {
            traces.Add(PlotlyBuilder.DataPoints(background));
        }

        for (int b = 0; b < bins; b++)
        {
            var members = Enumerable.Range(0, mag.Count).Where(k => Bin(mag[k], lo, hi, bins) == b).ToArray();
            if (members.Length == 0)
            {
                continue;
            }

            var path = QuiverGeometry.Arrows(members.Select(k => x[k]).ToArray(), members.Select(k => y[k]).ToArray(),
                members.Select(k => u[k]).ToArray(), members.Select(k => v[k]).ToArray(), length, options, hi);
            double a = lo + (hi - lo) * b / bins, c = lo + (hi - lo) * (b + 1) / bins;
            traces.Add(PlotlyBuilder.Scatter("lines", path.X, path.Y, $"|f| ∈ [{a:G3}, {c:G3}]",
                line: new { color = options.ColorScale.ColorAt((b + 0.5) / bins), width = options.LineWidth }, showLegend: false));
        }
        var carrier = PlotlyBuilder.Scatter("markers", x.ToArray(), y.ToArray(), "|f|", marker: new Dictionary<string, object>
        {
            ["color"] = mag.ToArray(),
            ["colorscale"] = options.ColorScale.ToPlotly(),
            ["cmin"] = lo,
            ["cmax"] = hi,
            ["size"] = 6,
            ["opacity"] = 0.0,
            ["showscale"] = options.ShowColorBar && mag.Count > 0,
            ["colorbar"] = PlotlyBuilder.ColorBar("|f|"),
        }, showLegend: false, hoverTemplate: "(%{x:.2f}, %{y:.2f})<br>|f| = %{marker.color:.4g}<extra></extra>");
        traces.Add(carrier);
        var bounds = new Bounds2D(grid.Xs[0], grid.Xs[^1], grid.Ys[0], grid.Ys[^1]);
        var pad = Math.Max(length, 1e-9);
        var shown = new Bounds2D(bounds.XMin - pad, bounds.XMax + pad, bounds.YMin - pad, bounds.YMax + pad);
        return PlotlyBuilder.WithPlaneAxes(PlotlyBuilder.Figure(traces, figure ?? new(), "Vector field f (direction; colour = |f|)"), shown);
    }

    /// <summary>Quiver plot of <paramref name="field"/> evaluated on a <paramref name="resolution"/>² grid over
    /// <paramref name="bounds"/> (the reference notebook uses 20 × 20 on [−4.5, 4.5]²).</summary>
    /// <param name="field">A field with Dimension = 2.</param>
    /// <param name="bounds">Region.</param>
    /// <param name="resolution">Arrows per axis, 2 … 200. Default 20.</param>
    /// <param name="options">Arrow shape and colours.</param>
    /// <param name="background">Samples drawn in grey behind the arrows, or null.</param>
    /// <param name="evaluation">Device, dtype and σ for evaluating the field.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Quiver(IVectorField field, Bounds2D bounds, int resolution = 20, QuiverOptions? options = null,
        PointSet? background = null, FieldEvaluationOptions? evaluation = null, FigureOptions? figure = null)
    {
        if (resolution is < 2 or > 200)
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "resolution must be in 2 … 200.");
        }

        return Quiver(FieldGrid.Evaluate(field, bounds, resolution, evaluation), options, background, figure);
    }

    /// <summary>Streamlines of <paramref name="field"/> integrated with RK4 from a seed grid (see
    /// <see cref="StreamlineTracer"/>), drawn as one NaN-separated line trace.</summary>
    /// <param name="field">A field with Dimension = 2.</param>
    /// <param name="bounds">Region (lines stop at its edges).</param>
    /// <param name="options">Seeds, step and style.</param>
    /// <param name="background">Samples drawn in grey behind the lines, or null.</param>
    /// <param name="evaluation">Device, dtype and σ for evaluating the field.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Streamlines(IVectorField field, Bounds2D bounds, StreamlineOptions? options = null,
        PointSet? background = null, FieldEvaluationOptions? evaluation = null, FigureOptions? figure = null) =>
        Streamlines(StreamlineTracer.Trace(field, bounds, options, evaluation), bounds, options, background, figure);

    /// <summary>Streamlines of a field known only on a square grid (e.g. a trained field evaluated once and kept in a
    /// result record): the grid values are interpolated bilinearly (<see cref="GriddedVelocityField"/>) and traced
    /// with RK4 as for a live field.</summary>
    /// <param name="grid">Field values on an n × n grid with evenly spaced axes (n ≥ 4); the lines stay inside it.</param>
    /// <param name="options">Seeds, step and style.</param>
    /// <param name="background">Samples drawn in grey behind the lines, or null.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart GridStreamlines(FieldGrid grid, StreamlineOptions? options = null, PointSet? background = null,
        FigureOptions? figure = null)
    {
        var field = new GriddedVelocityField(grid);
        return Streamlines(field, field.Bounds, options, background, null, figure);
    }

    /// <summary>Draws precomputed streamlines (one NaN-separated line trace) and, at each line's seed, a small dot.</summary>
    /// <param name="lines">Polylines, e.g. from <see cref="StreamlineTracer.Trace"/>.</param>
    /// <param name="bounds">Axis ranges.</param>
    /// <param name="options">Line style (colour, width).</param>
    /// <param name="background">Samples drawn in grey behind the lines, or null.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Streamlines(IReadOnlyList<Polyline> lines, Bounds2D bounds, StreamlineOptions? options = null,
        PointSet? background = null, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(bounds);
        options ??= new StreamlineOptions();
        options.Validate();
        var traces = new List<Trace>();
        if (background is not null)
        {
            traces.Add(PlotlyBuilder.DataPoints(background));
        }

        var path = LinePath.Join(lines);
        traces.Add(PlotlyBuilder.Scatter("lines", path.X, path.Y, "streamlines",
            line: new { color = options.Color, width = options.LineWidth }, showLegend: false));
        return PlotlyBuilder.WithPlaneAxes(PlotlyBuilder.Figure(traces, figure ?? new(), "Streamlines of f (RK4)"), bounds);
    }

    /// <summary>Curl map ∂f_y/∂x − ∂f_x/∂y of a field evaluated on a <paramref name="resolution"/>² grid (the reference
    /// notebook uses 80 × 80 on [−4.5, 4.5]²), on a diverging colour scale centred at 0.</summary>
    /// <param name="field">A field with Dimension = 2.</param>
    /// <param name="bounds">Region.</param>
    /// <param name="resolution">Grid points per axis, 3 … 1000. Default 80.</param>
    /// <param name="evaluation">Device, dtype and σ for evaluating the field.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Curl(IVectorField field, Bounds2D bounds, int resolution = 80,
        FieldEvaluationOptions? evaluation = null, FigureOptions? figure = null) =>
        Curl(FieldGrid.Evaluate(field, bounds, CheckMapResolution(resolution), evaluation), figure);

    /// <summary>Curl map of a sampled field (finite differences, see <see cref="FieldGrid.Curl"/>).</summary>
    /// <param name="grid">Field values on a grid.</param>
    /// <param name="figure">Title and size.</param>
    /// <param name="limit">Colour limit L (the scale spans [−L, L]); null = 99th percentile of |curl|.</param>
    public static GenericChart Curl(FieldGrid grid, FigureOptions? figure = null, double? limit = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var curl = grid.Curl();
        return DivergingMap(curl, "curl", figure, $"curl f = ∂f₂/∂x₁ − ∂f₁/∂x₂ (mean |curl| = {curl.MeanAbs():G4})", limit);
    }

    /// <summary>Divergence map ∂f_x/∂x + ∂f_y/∂y of a field evaluated on a grid, diverging colour scale centred at 0.</summary>
    /// <param name="field">A field with Dimension = 2.</param>
    /// <param name="bounds">Region.</param>
    /// <param name="resolution">Grid points per axis, 3 … 1000. Default 80.</param>
    /// <param name="evaluation">Device, dtype and σ for evaluating the field.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Divergence(IVectorField field, Bounds2D bounds, int resolution = 80,
        FieldEvaluationOptions? evaluation = null, FigureOptions? figure = null) =>
        Divergence(FieldGrid.Evaluate(field, bounds, CheckMapResolution(resolution), evaluation), figure);

    /// <summary>Divergence map of a sampled field (finite differences, see <see cref="FieldGrid.Divergence"/>).</summary>
    /// <param name="grid">Field values on a grid.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Divergence(FieldGrid grid, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return DivergingMap(grid.Divergence(), "div", figure, "div f = ∂f₁/∂x₁ + ∂f₂/∂x₂");
    }

    /// <summary>Heatmap of a signed quantity on <see cref="ColorScale.Diverging"/> with a colour range symmetric about
    /// 0 (zmid = 0, zmin = −L, zmax = L), so 0 is always white. By default L is the 99th percentile of |z| (not the
    /// maximum), so that a few extreme values, e.g. next to a singularity, saturate instead of washing out the map.</summary>
    /// <param name="grid">Values on a grid.</param>
    /// <param name="quantity">Colour-bar title, e.g. "curl".</param>
    /// <param name="figure">Title and size.</param>
    /// <param name="defaultTitle">Title used when <paramref name="figure"/> has none.</param>
    /// <param name="limit">L, &gt; 0 (e.g. a shared limit so that two maps are comparable); null = 99th percentile.</param>
    public static GenericChart DivergingMap(ScalarGrid grid, string quantity, FigureOptions? figure = null,
        string? defaultTitle = null, double? limit = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (limit is { } given && (!double.IsFinite(given) || given <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(limit), given, "limit must be finite and > 0.");
        }

        double m = limit ?? SymmetricLimit(grid);
        var trace = PlotlyBuilder.Heatmap(grid, ColorScale.Diverging, quantity, zmin: -m, zmax: m, zmid: 0);
        var bounds = new Bounds2D(grid.Xs[0], grid.Xs[^1], grid.Ys[0], grid.Ys[^1]);
        return PlotlyBuilder.WithPlaneAxes(PlotlyBuilder.Figure([trace], figure ?? new(), defaultTitle ?? quantity), bounds);
    }

    /// <summary>The default colour limit L of <see cref="DivergingMap"/>: the 99th percentile of |z| over the finite
    /// values (the maximum when that percentile is 0; 1 when every value is 0).</summary>
    /// <param name="grid">Values on a grid.</param>
    public static double SymmetricLimit(ScalarGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var abs = new List<double>(grid.Values.Length);
        foreach (var v in grid.Values)
        {
            if (double.IsFinite(v))
            {
                abs.Add(Math.Abs(v));
            }
        }

        if (abs.Count == 0)
        {
            return 1;
        }

        abs.Sort();
        double q = abs[(int)Math.Floor(0.99 * (abs.Count - 1))];
        return q > 0 ? q : abs[^1] > 0 ? abs[^1] : 1;
    }

    private static int Bin(double m, double lo, double hi, int bins) =>
        bins == 1 ? 0 : Math.Clamp((int)Math.Floor((m - lo) / (hi - lo) * bins), 0, bins - 1);

    private static int CheckMapResolution(int resolution) => resolution is < 3 or > 1000
        ? throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "resolution must be in 3 … 1000.")
        : resolution;
}
