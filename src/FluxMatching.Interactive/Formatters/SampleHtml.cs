namespace FluxMatching.Interactive.Formatters;

using FluxMatching.Interactive.Html;
using FluxMatching.Plotting;
using FluxMatching.Runtime;

/// <summary>HTML for a <see cref="SampleSet"/>: a one-line summary, the samples-vs-data chart and the metrics table (for
/// images: grids of samples and of data).</summary>
internal static class SampleHtml
{
    /// <summary>Renders the sample set.</summary>
    /// <param name="set">The samples.</param>
    /// <param name="plotly">The session's chart output (null: a fresh one, which embeds plotly.js).</param>
    public static string Render(SampleSet set, OfflinePlotly? plotly)
    {
        long n = set.Samples.shape[0], d = set.Samples.shape.Length > 1 ? set.Samples.shape[1] : 1;
        var who = set.ModelName is null ? "Samples" : $"Samples of {set.ModelName}";
        var summary = $"<div><b>{HtmlText.Encode(who)}</b>: {HtmlText.Count(n)} points, {HtmlText.Encode(set.Sampler)}, " +
                      $"{HtmlText.Duration(set.Elapsed)}</div>";
        if (set.ImageShape is { Count: 3 } shape)
        {
            plotly ??= new OfflinePlotly();
            long[] images = [-1, shape[0], shape[1], shape[2]];
            var grid = new ImageGridOptions { Min = -1, Max = 1 };
            using var samples = set.Samples.reshape(images).clamp(Scalars.MinusOne, Scalars.One);
            using var data = set.Data.reshape(images);
            var grids = plotly.ToHtml(ImageCharts.Grid(samples, grid, new FigureOptions { Title = who })) +
                        plotly.ToHtml(ImageCharts.Grid(data, grid, new FigureOptions { Title = "data" }));
            return "<div class=\"flux-samples\">" + summary.Replace(" points,", " images,", StringComparison.Ordinal) + grids + "</div>";
        }

        var chart = d == 2
            ? (plotly ?? new OfflinePlotly()).ToHtml(SampleCharts.AgainstTarget(PointSet.FromTensor(set.Samples), PointSet.FromTensor(set.Data),
                new SampleChartOptions { SampleName = set.ModelName ?? "samples", TargetName = "data density" }, new FigureOptions { Title = who }))
            : d > 2 && set.Data.dim() == 2 && set.Data.shape[1] == d
                ? (plotly ?? new OfflinePlotly()).ToHtml(PairsCharts.DataVsSamples(set.Data, set.Samples, Projection.Coordinates((int)d, (int)Math.Min(d, 4)),
                    new FigureOptions { Title = $"{who}: first {Math.Min(d, 4)} of {d} coordinates, data (grey) and samples", Width = 950, Height = 980 }))
                : $"<div>No chart: the samples have dimension {d}.</div>";
        var metrics = set.Metrics is null ? "" : MetricHtml.Render(new MetricTable(("vs data", set.Metrics)));
        return "<div class=\"flux-samples\">" + summary + chart + metrics + "</div>";
    }
}
