namespace FluxMatching.Interactive.Html;

using FluxMatching.Interactive.Formatters;
using Plotly.NET;
using CS = Plotly.NET.CSharp;

/// <summary>The samples-vs-data scatter of a <see cref="SampleSet"/> (data in grey, samples in blue, equal axes).</summary>
internal static class SampleChart
{
    /// <summary>Builds the chart.</summary>
    public static GenericChart Create(SampleSet set)
    {
        var (dx, dy) = SampleHtml.Columns(set.Data);
        var (sx, sy) = SampleHtml.Columns(set.Samples);
        var data = CS.Chart.Point<float, float, string>(x: dx, y: dy, Name: "data", MarkerColor: Color.fromString("rgba(120,120,120,0.35)"));
        var samples = CS.Chart.Point<float, float, string>(x: sx, y: sy, Name: set.ModelName ?? "samples", MarkerColor: Color.fromString("rgba(59,91,219,0.6)"));
        var chart = CS.Chart.Combine([data, samples]);
        return CS.GenericChartExtensions.WithSize(chart, 520, 480);
    }
}
