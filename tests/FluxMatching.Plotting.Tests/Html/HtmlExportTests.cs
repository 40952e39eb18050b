namespace FluxMatching.Plotting.Tests;

using System.Text.RegularExpressions;
using Plotly.NET;

public class HtmlExportTests
{
    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    private static GenericChart Small(string title) =>
        SampleCharts.Scatter(new PointSet([0.0, 1], [1.0, 0]), figure: new FigureOptions { Title = title });

    [Fact]
    public void A_page_with_several_charts_embeds_plotly_js_exactly_once()
    {
        var html = HtmlExport.Document("t", [HtmlExport.ChartFragment(Small("a")), HtmlExport.ChartFragment(Small("b")), HtmlExport.ChartFragment(Small("c"))]);
        Assert.Equal(1, Count(html, "Copyright 2012-2024, Plotly, Inc."));   // the library's own header
        Assert.Equal(1, Count(html, $"plotly.js v{HtmlExport.PlotlyJsVersion}"));
        Assert.Equal(3, Count(html, $"class=\"{HtmlExport.ChartClass}\""));
        Assert.Equal(3, Count(html, "window.Plotly.newPlot(gd"));
        Assert.True(html.Length > 3_000_000, $"expected the 3.6 MB library inline; page has {html.Length} chars");
    }

    [Fact]
    public void A_page_refers_to_no_cdn_and_no_require_js_and_loads_no_external_script()
    {
        var html = HtmlExport.Document("t", [HtmlExport.ChartFragment(Small("a"))]);
        Assert.DoesNotContain("cdn.plot.ly", html);
        Assert.DoesNotContain("require.js", html);
        Assert.DoesNotContain("requirejs", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"<script[^>]*\ssrc\s*=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"<link[^>]*\shref\s*=\s*""?https?:", RegexOptions.IgnoreCase), html);
    }

    [Fact]
    public void The_one_time_script_defines_window_Plotly_even_under_an_amd_loader()
    {
        var script = HtmlExport.PlotlyScript();
        Assert.StartsWith("<script", script);
        Assert.Contains("if (typeof window.Plotly === 'undefined')", script);
        Assert.Contains("(function (define, module, exports) {", script);
        Assert.Contains("}).call(window, undefined, undefined, undefined);", script);
        Assert.Equal(1, Count(script, "</script>"));
        Assert.Matches(@"^\d+\.\d+\.\d+$", HtmlExport.PlotlyJsVersion);
    }

    [Fact]
    public void A_fragment_holds_no_library_and_waits_for_window_Plotly()
    {
        var fragment = HtmlExport.ChartFragment(Small("a"), "my-div");
        Assert.StartsWith("<div id=\"my-div\" class=\"fm-plotly-chart\"></div>", fragment);
        Assert.Contains("typeof window.Plotly === 'undefined'", fragment);
        Assert.Contains("setTimeout(draw, 50)", fragment);
        Assert.DoesNotContain("Copyright 2012-2024, Plotly", fragment);
        Assert.DoesNotContain("cdn.plot.ly", fragment);
        Assert.True(fragment.Length < 100_000);
    }

    [Fact]
    public void Text_that_closes_a_script_element_cannot_escape_the_fragment()
    {
        var fragment = HtmlExport.ChartFragment(Small("</script><script>alert(1)</script>"));
        Assert.Equal(1, Count(fragment, "</script>"));
        Assert.Contains("\\u003c/script>", fragment);
    }

    [Fact]
    public void Invalid_div_ids_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => HtmlExport.ChartFragment(Small("a"), "1 bad\"id"));
        Assert.Equal("divId", e.ParamName);
    }

    [Fact]
    public void Exporting_leaves_the_chart_unchanged()
    {
        var chart = Small("a");
        var before = GenericChart.toJson(chart);
        HtmlExport.ChartFragment(chart);
        HtmlExport.Document("t", [HtmlExport.ChartFragment(chart)]);
        Assert.Equal(before, GenericChart.toJson(chart));
    }

    [Fact]
    public void An_animated_fragment_adds_its_frames_after_drawing()
    {
        var frames = Enumerable.Range(0, 3).Select(t => new PointSet([t * 1.0], [0.0])).ToList();
        var anim = TrajectoryCharts.Animation(frames);
        var fragment = HtmlExport.ChartFragment(anim);
        Assert.Contains("window.Plotly.addFrames(g, frames)", fragment);
        Assert.Contains("var frames = [{\"name\":\"frame 0: 0\"", fragment);
        Assert.Contains("\"sliders\":[", fragment);
        Assert.Contains("\"updatemenus\":[", fragment);
    }

    [Fact]
    public void SaveHtml_writes_one_self_contained_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fm-plot-test-{Guid.NewGuid():N}", "page.html");
        try
        {
            var full = HtmlExport.SaveHtml(path, "two charts", Small("a"), Small("b"));
            var html = File.ReadAllText(full);
            Assert.Equal(1, Count(html, "Copyright 2012-2024, Plotly, Inc."));
            Assert.Equal(2, Count(html, "class=\"fm-plotly-chart\""));
            Assert.Contains("<h1>two charts</h1>", html);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }
}
