namespace FluxMatching.Plotting.Tests;

using System.Text.Json;

public class FieldChartsTests
{
    private static readonly Bounds2D Box = Bounds2D.Square(2);

    [Fact]
    public void Quiver_draws_every_nonzero_arrow_once_across_its_magnitude_bin_traces()
    {
        // rotation on a 9 × 9 grid: every point but the centre has a direction
        var chart = FieldCharts.Quiver(LinearField.Rotation, Box, 9, new QuiverOptions { MagnitudeBins = 4 });
        var traces = ChartJson.Traces(chart);
        var arrowTraces = traces.Where(t => ChartJson.Str(t, "mode") == "lines").ToArray();
        Assert.InRange(arrowTraces.Length, 2, 4);
        int entries = arrowTraces.Sum(t => t.GetProperty("x").GetArrayLength());
        int nans = arrowTraces.Sum(t => ChartJson.Numbers(t.GetProperty("x")).Count(double.IsNaN));
        Assert.Equal(80 * QuiverGeometry.EntriesPerArrow, entries);
        Assert.Equal(2 * 80, nans);
        // one colour per bin trace, all different
        var colors = arrowTraces.Select(t => t.GetProperty("line").GetProperty("color").GetString()).ToArray();
        Assert.Equal(colors.Length, colors.Distinct().Count());
    }

    [Fact]
    public void Quiver_arrows_have_equal_length_and_the_colorbar_spans_the_magnitudes()
    {
        var chart = FieldCharts.Quiver(LinearField.Rotation, Box, 5, new QuiverOptions { ArrowLength = 0.3 });
        var traces = ChartJson.Traces(chart);
        foreach (var t in traces.Where(t => ChartJson.Str(t, "mode") == "lines"))
        {
            var x = ChartJson.Numbers(t.GetProperty("x"));
            var y = ChartJson.Numbers(t.GetProperty("y"));
            for (int o = 0; o < x.Length; o += QuiverGeometry.EntriesPerArrow)
            {
                Assert.Equal(0.3, Math.Sqrt(Math.Pow(x[o + 1] - x[o], 2) + Math.Pow(y[o + 1] - y[o], 2)), 6);
            }
        }
        var carrier = traces.Single(t => ChartJson.Str(t, "mode") == "markers");
        var marker = carrier.GetProperty("marker");
        Assert.True(marker.GetProperty("showscale").GetBoolean());
        Assert.Equal(1.0, marker.GetProperty("cmin").GetDouble(), 5);            // |f| at (±1, 0) …
        Assert.Equal(Math.Sqrt(8), marker.GetProperty("cmax").GetDouble(), 5);   // … to the corners
        Assert.Equal(24, marker.GetProperty("color").GetArrayLength());
    }

    [Fact]
    public void Quiver_with_background_samples_draws_them_first_in_grey()
    {
        var chart = FieldCharts.Quiver(LinearField.Identity, Box, 4, background: new PointSet([0.1, 0.2], [0.3, 0.4]));
        var first = ChartJson.Traces(chart)[0];
        Assert.Equal("markers", ChartJson.Str(first, "mode"));
        Assert.Equal([0.1, 0.2], ChartJson.Numbers(first.GetProperty("x")));
    }

    [Fact]
    public void Streamlines_chart_is_one_line_trace_of_NaN_separated_streamlines()
    {
        var options = new StreamlineOptions { SeedsPerAxis = 3, MaxSteps = 20 };
        var chart = FieldCharts.Streamlines(LinearField.Rotation, Box, options);
        var lines = ChartJson.Traces(chart).Where(t => ChartJson.Str(t, "mode") == "lines").ToArray();
        var x = ChartJson.Numbers(Assert.Single(lines).GetProperty("x"));
        Assert.Equal(8, x.Count(double.IsNaN));   // 9 seeds, the centre seed (0, 0) cannot move
        Assert.Equal("x", ChartJson.Layout(chart).GetProperty("yaxis").GetProperty("scaleanchor").GetString());
    }

    [Fact]
    public void Curl_map_is_a_heatmap_on_a_diverging_scale_centred_at_zero()
    {
        var chart = FieldCharts.Curl(LinearField.Rotation, Box, 11);
        var heat = Assert.Single(ChartJson.Traces(chart));
        Assert.Equal("heatmap", ChartJson.Str(heat, "type"));
        Assert.Equal(0, heat.GetProperty("zmid").GetDouble());
        Assert.Equal(-heat.GetProperty("zmax").GetDouble(), heat.GetProperty("zmin").GetDouble());
        var z = heat.GetProperty("z").EnumerateArray().SelectMany(r => ChartJson.Numbers(r)).ToArray();
        Assert.Equal(121, z.Length);
        Assert.All(z, v => Assert.Equal(2.0, v, 5));
        var scale = heat.GetProperty("colorscale");
        Assert.Equal("#f7f7f7", scale[4][1].GetString());   // white in the middle
        Assert.Contains("mean |curl| = 2", ChartJson.Layout(chart).GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Diverging_map_range_ignores_rare_outliers_or_takes_a_shared_limit()
    {
        var xs = Enumerable.Range(0, 20).Select(i => (double)i).ToArray();
        var z = new double[20, 20];
        for (int j = 0; j < 20; j++)
        {
            for (int i = 0; i < 20; i++)
            {
                z[j, i] = i % 2 == 0 ? 1 : -0.5;
            }
        }

        z[3, 3] = 1000;   // one outlier in 400 values
        var grid = new ScalarGrid(xs, xs, z);
        Assert.Equal(1.0, FieldCharts.SymmetricLimit(grid));
        var heat = ChartJson.Traces(FieldCharts.DivergingMap(grid, "q"))[0];
        Assert.Equal(1.0, heat.GetProperty("zmax").GetDouble());
        var shared = ChartJson.Traces(FieldCharts.DivergingMap(grid, "q", limit: 7))[0];
        Assert.Equal(-7.0, shared.GetProperty("zmin").GetDouble());
        Assert.Throws<ArgumentOutOfRangeException>(() => FieldCharts.DivergingMap(grid, "q", limit: 0));
    }

    [Fact]
    public void Charts_are_responsive_and_hide_the_plotly_logo()
    {
        var config = ChartJson.Of(FieldCharts.Curl(LinearField.Rotation, Box, 5)).GetProperty("config");
        Assert.True(config.GetProperty("responsive").GetBoolean());
        Assert.False(config.GetProperty("displaylogo").GetBoolean());
    }

    [Fact]
    public void Divergence_map_of_the_identity_field_is_two()
    {
        var chart = FieldCharts.Divergence(LinearField.Identity, Box, 6);
        var z = ChartJson.Traces(chart)[0].GetProperty("z").EnumerateArray().SelectMany(r => ChartJson.Numbers(r));
        Assert.All(z, v => Assert.Equal(2.0, v, 5));
    }

    [Fact]
    public void Invalid_resolutions_are_rejected_with_the_parameter_name()
    {
        Assert.Equal("resolution", Assert.Throws<ArgumentOutOfRangeException>(() => FieldCharts.Quiver(LinearField.Rotation, Box, 1)).ParamName);
        Assert.Equal("resolution", Assert.Throws<ArgumentOutOfRangeException>(() => FieldCharts.Curl(LinearField.Rotation, Box, 2)).ParamName);
    }
}
