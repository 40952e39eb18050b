namespace FluxMatching.Interactive.Tests.Html;

using FluxMatching.Interactive.Html;

public sealed class HtmlTests
{
    [Fact]
    public void Long_loss_histories_are_reduced_to_bucket_means_and_non_finite_losses_skipped()
    {
        var losses = Enumerable.Range(0, 1000).Select(i => (double)i).ToList();
        var points = LossCurveSvg.Reduce(losses);
        Assert.Equal(334, points.Count);                 // ceil(1000 / 400) = 3 steps per point
        Assert.Equal((3.0, 1.0), points[0]);             // mean of 0, 1, 2, at step 3
        Assert.Equal((1000.0, 999.0), points[^1]);
        Assert.Equal([(2.0, 1.0)], LossCurveSvg.Reduce([double.NaN, 1.0]));
        Assert.Equal("", LossCurveSvg.Render([double.NaN]));
        Assert.StartsWith("<svg", LossCurveSvg.Render([3.0, 2.0, 1.0]));
    }

    [Fact]
    public void Plotly_js_is_written_once_then_fragments_until_reset()
    {
        var plotly = new OfflinePlotly();
        var first = plotly.WithPlotlyOnce("<p>a</p>");
        Assert.Contains("embedded by FluxMatching.Plotting", first);
        Assert.True(first.Length > 3_000_000);
        Assert.Equal("<p>b</p>", plotly.WithPlotlyOnce("<p>b</p>"));
        plotly.Reset();
        Assert.Contains("embedded by FluxMatching.Plotting", plotly.WithPlotlyOnce(""));
        Assert.Equal("2.28.0", OfflinePlotly.PlotlyJsVersion);
    }

    [Fact]
    public void The_extension_has_no_html_text_helper_of_its_own()
    {
        // One HtmlText for reports and notebooks: FluxMatching.Plotting's.
        Assert.DoesNotContain(typeof(KernelExtension).Assembly.GetTypes(), t => t.Name == "HtmlText");
        Assert.Equal("FluxMatching.Plotting", typeof(FluxMatching.Plotting.HtmlText).Assembly.GetName().Name);
    }
}
