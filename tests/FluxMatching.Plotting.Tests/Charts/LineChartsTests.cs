namespace FluxMatching.Plotting.Tests;

using FluxMatching.Analysis;

public class LineChartsTests
{
    [Fact]
    public void Every_series_becomes_one_trace_with_its_points_error_bars_and_style()
    {
        var chart = LineCharts.Lines(
            [new LineSeries("binned", [1.0, 2.0, 3.0], [0.5, 0.7, 0.9]) { ErrorY = [0.1, 0.2, 0.3], Dash = "dash" },
             new LineSeries("score field", [0.0], [0.0]) { Lines = false, MarkerSymbol = "star", Color = "black" }],
            new LineChartOptions { XTitle = "Mixing Speed", YTitle = "Standardized Loss", LogY = true });
        var traces = ChartJson.Traces(chart);
        Assert.Equal(2, traces.Length);
        Assert.Equal("lines+markers", ChartJson.Str(traces[0], "mode"));
        Assert.Equal([0.5, 0.7, 0.9], ChartJson.Numbers(traces[0].GetProperty("y")));
        Assert.Equal([0.1, 0.2, 0.3], ChartJson.Numbers(traces[0].GetProperty("error_y").GetProperty("array")));
        Assert.Equal("dash", traces[0].GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal("markers", ChartJson.Str(traces[1], "mode"));
        Assert.Equal("star", traces[1].GetProperty("marker").GetProperty("symbol").GetString());
        var layout = ChartJson.Layout(chart);
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal("Mixing Speed", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void A_series_whose_lengths_differ_is_refused_with_its_name()
    {
        var e = Assert.Throws<ArgumentException>(() => LineCharts.Lines([new LineSeries("W2", [1.0, 2.0], [3.0])]));
        Assert.Contains("'W2'", e.Message);
        Assert.Contains("X has 2 values but Y has 1", e.Message);
        Assert.Throws<ArgumentException>(() => LineCharts.Lines([new LineSeries("a", [1.0], [1.0]) { Dash = "wavy" }]));
        Assert.Throws<ArgumentException>(() => LineCharts.Lines([]));
    }

    [Fact]
    public void An_analysis_grid_field_keeps_every_stride_th_node_with_rows_along_y()
    {
        var grid = Grid2D.Square(1.0, 5);   // nodes −1, −0.5, 0, 0.5, 1 on both axes
        var values = new double[5, 5, 2];
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                (values[i, j, 0], values[i, j, 1]) = (i, 10 * j);
            }
        }

        var field = AnalysisGridCharts.ToFieldGrid(grid, values, stride: 2);
        Assert.Equal([-1.0, 0.0, 1.0], field.Xs);
        Assert.Equal([-1.0, 0.0, 1.0], field.Ys);
        Assert.Equal(4.0, field.U[0, 2]);    // x index 4 (column 2), y index 0 (row 0)
        Assert.Equal(40.0, field.V[2, 0]);   // y index 4 (row 2)
        Assert.Throws<ArgumentOutOfRangeException>(() => AnalysisGridCharts.ToFieldGrid(grid, values, stride: 5));
    }
}
