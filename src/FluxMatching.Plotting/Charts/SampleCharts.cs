namespace FluxMatching.Plotting;

using FluxMatching.Analysis;
using FluxMatching.Data;
using Plotly.NET;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Charts of 2-D samples: plain scatter, and samples over the target's density contours (from a 2-D histogram
/// of target samples, or from an analytic density).</summary>
public static class SampleCharts
{
    /// <summary>Scatter plot of samples.</summary>
    /// <param name="samples">Points to draw.</param>
    /// <param name="options">Names, colours, bounds, thinning.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Scatter(PointSet samples, SampleChartOptions? options = null, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        options ??= new SampleChartOptions();
        options.Validate();
        var bounds = options.Bounds ?? Bounds2D.SymmetricAround(samples);
        var chart = PlotlyBuilder.Figure([SampleTrace(samples, options)], figure ?? new(), options.SampleName);
        return PlotlyBuilder.WithPlaneAxes(chart, bounds);
    }

    /// <summary>Samples over density contours of the target, estimated by a 2-D histogram of target samples
    /// (plotly's histogram2dcontour, lines only, normalised to a probability density).</summary>
    /// <param name="samples">Generated samples.</param>
    /// <param name="target">Samples of the target distribution (e.g. the training data).</param>
    /// <param name="options">Names, colours, bounds, contour levels.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart AgainstTarget(PointSet samples, PointSet target, SampleChartOptions? options = null,
        FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(target);
        options ??= new SampleChartOptions();
        options.Validate();
        var bounds = options.Bounds ?? Bounds2D.SymmetricAround(target);
        var traces = new List<Trace>();
        if (options.ShowTargetPoints)
        {
            traces.Add(PlotlyBuilder.DataPoints(target.Thin(options.MaxPoints), "target samples"));
        }

        var contour = new Trace2D("histogram2dcontour");
        contour.SetProperty("x", target.X);
        contour.SetProperty("y", target.Y);
        contour.SetProperty("name", options.TargetName);
        contour.SetProperty("histnorm", "probability density");
        contour.SetProperty("autobinx", false);
        contour.SetProperty("autobiny", false);
        contour.SetProperty("xbins", new { start = bounds.XMin, end = bounds.XMax, size = bounds.Width / options.HistogramBins });
        contour.SetProperty("ybins", new { start = bounds.YMin, end = bounds.YMax, size = bounds.Height / options.HistogramBins });
        StyleContour(contour, options);
        traces.Add(contour);
        traces.Add(SampleTrace(samples, options));
        var chart = PlotlyBuilder.Figure(traces, figure ?? new(), $"{options.SampleName} against the target");
        return PlotlyBuilder.WithPlaneAxes(chart, bounds);
    }

    /// <summary>Samples over contour lines of an analytic density p = exp(log p), evaluated on a grid under no_grad.</summary>
    /// <param name="samples">Generated samples.</param>
    /// <param name="density">The target density (its <see cref="IAnalyticDensity.LogDensity"/> takes [N, 2]).</param>
    /// <param name="bounds">Region of the contour grid and the axes.</param>
    /// <param name="options">Names, colours, contour levels and grid resolution.</param>
    /// <param name="evaluation">Device and dtype of the query tensor (default CPU, float32).</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart AgainstDensity(PointSet samples, IAnalyticDensity density, Bounds2D bounds,
        SampleChartOptions? options = null, FieldEvaluationOptions? evaluation = null, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(bounds);
        options ??= new SampleChartOptions();
        options.Validate();
        var grid = DensityGrid(density, bounds, options.DensityResolution, evaluation ?? new());
        var contour = new Trace2D("contour");
        contour.SetProperty("x", grid.Xs);
        contour.SetProperty("y", grid.Ys);
        contour.SetProperty("z", grid.ToRows());
        contour.SetProperty("name", options.TargetName);
        StyleContour(contour, options);
        var chart = PlotlyBuilder.Figure([contour, SampleTrace(samples, options)], figure ?? new(), $"{options.SampleName} against the target density");
        return PlotlyBuilder.WithPlaneAxes(chart, bounds);
    }

    /// <summary>p(x) = exp(log p(x)) on a resolution² grid over <paramref name="bounds"/> (the core's
    /// <see cref="Grid2D"/> and <see cref="GridEvaluator"/>; default CPU, float32).</summary>
    internal static ScalarGrid DensityGrid(IAnalyticDensity density, Bounds2D bounds, int resolution, FieldEvaluationOptions evaluation)
    {
        var grid = new Grid2D(bounds.XMin, bounds.XMax, bounds.YMin, bounds.YMax, resolution, resolution);
        var p = GridEvaluator.EvaluateScalars(grid, x => density.LogDensity(x).exp(), evaluation.DType ?? ScalarType.Float32, evaluation.Device);
        var z = new double[resolution, resolution];
        for (int j = 0; j < resolution; j++)
        {
            for (int i = 0; i < resolution; i++)
            {
                z[j, i] = p[i, j];
            }
        }

        return new ScalarGrid(grid.Xs, grid.Ys, z);
    }

    private static void StyleContour(Trace2D contour, SampleChartOptions options)
    {
        contour.SetProperty("ncontours", options.ContourLevels);
        contour.SetProperty("contours", new { coloring = "lines", showlabels = false });
        contour.SetProperty("line", new { width = 1.4, smoothing = 1.0 });
        contour.SetProperty("colorscale", ColorScale.Blues.ToPlotly());
        contour.SetProperty("showscale", false);
        contour.SetProperty("showlegend", true);
        contour.SetProperty("hoverinfo", "skip");
    }

    private static Trace2D SampleTrace(PointSet samples, SampleChartOptions options)
    {
        var shown = samples.Thin(options.MaxPoints);
        return PlotlyBuilder.Scatter("markers", shown.X, shown.Y, options.SampleName,
            marker: new { color = options.SampleColor, size = options.MarkerSize },
            hoverTemplate: "(%{x:.2f}, %{y:.2f})<extra>" + options.SampleName + "</extra>");
    }
}
