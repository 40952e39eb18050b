namespace FluxMatching.Plotting.Tests;

public class PanelsTests
{
    private static readonly Bounds2D Box = Bounds2D.Square(2);

    [Fact]
    public void Panels_put_each_chart_on_its_own_axes_with_subplot_titles()
    {
        var flux = FieldCharts.Quiver(LinearField.Rotation, Box, 5);
        var dsm = FieldCharts.Curl(LinearField.Identity, Box, 5);
        var panel = Panels.SideBySide([flux, dsm], ["Flux", "DSM"]);
        var layout = ChartJson.Layout(panel);
        var titles = layout.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();
        Assert.Equal(["Flux", "DSM"], titles);
        Assert.Equal("x2", layout.GetProperty("yaxis2").GetProperty("scaleanchor").GetString());
        Assert.Equal("x", layout.GetProperty("yaxis").GetProperty("scaleanchor").GetString());
        var traces = ChartJson.Traces(panel);
        Assert.Equal("x2", ChartJson.Str(traces[^1], "xaxis"));
        Assert.Equal(920, layout.GetProperty("width").GetInt32());
    }

    [Fact]
    public void Colour_bars_sit_right_of_their_own_panel()
    {
        var a = FieldCharts.Curl(LinearField.Rotation, Box, 5);
        var b = FieldCharts.Curl(LinearField.Rotation, Box, 5);
        var traces = ChartJson.Traces(Panels.SideBySide([a, b]));
        double x0 = traces[0].GetProperty("colorbar").GetProperty("x").GetDouble();
        double x1 = traces[1].GetProperty("colorbar").GetProperty("x").GetDouble();
        Assert.Equal(Panels.Domain(0, 2, Panels.ColumnGap).End + 0.01, x0, 9);
        Assert.Equal(1.01, x1, 9);
        Assert.Equal("curl", traces[0].GetProperty("colorbar").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Input_charts_are_left_unchanged()
    {
        var a = FieldCharts.Quiver(LinearField.Rotation, Box, 4);
        var b = FieldCharts.Curl(LinearField.Rotation, Box, 5);
        string before = Plotly.NET.GenericChart.toJson(b);
        Panels.SideBySide([a, b]);
        Assert.Equal(before, Plotly.NET.GenericChart.toJson(b));
    }

    [Fact]
    public void A_partial_last_row_is_padded_and_titles_default_to_the_chart_titles()
    {
        var charts = Enumerable.Range(0, 3).Select(i => SampleCharts.Scatter(new PointSet([i], [i]), figure: new FigureOptions { Title = $"c{i}" })).ToList();
        var layout = ChartJson.Layout(Panels.SideBySide(charts, columns: 2));
        Assert.Equal(2, layout.GetProperty("grid").GetProperty("rows").GetInt32());
        var titles = layout.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();
        Assert.Equal(["c0", "c1", "c2"], titles.Take(3));
    }

    [Fact]
    public void Domain_follows_the_plotly_grid_rule()
    {
        var (s, e) = Panels.Domain(1, 2, 0.2);
        Assert.Equal(1 / 1.8, s, 12);
        Assert.Equal(1.0, e, 12);
    }

    [Fact]
    public void Color_scale_interpolates_between_stops()
    {
        var scale = ColorScale.FromHex("bw", "#000000", "#ffffff");
        Assert.Equal("rgb(0, 0, 0)", scale.ColorAt(-1));
        Assert.Equal("rgb(128, 128, 128)", scale.ColorAt(0.5));
        Assert.Equal("rgb(253, 231, 37)", ColorScale.Viridis.ColorAt(1));
    }
}
