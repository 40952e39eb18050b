namespace FluxMatching.Plotting.Tests;

public class LossChartsTests
{
    [Fact]
    public void Ema_is_debiased_so_it_starts_at_the_first_value_and_keeps_a_constant()
    {
        Assert.Equal([3.0, 3, 3, 3], LossSmoothing.Ema([3.0, 3, 3, 3], 0.9).Select(v => Math.Round(v, 12)));
        var e = LossSmoothing.Ema([1.0, 3], 0.5);
        Assert.Equal(1.0, e[0], 12);
        Assert.Equal((0.25 * 1 + 0.5 * 3) / 0.75, e[1], 12);
    }

    [Fact]
    public void Smoothing_skips_non_finite_values()
    {
        var e = LossSmoothing.Ema([double.NaN, 2.0, double.PositiveInfinity, 2.0], 0.8);
        Assert.True(double.IsNaN(e[0]));
        Assert.Equal([2.0, 2, 2], e[1..].Select(v => Math.Round(v, 12)));
        Assert.Equal([1.0, 1.5, 2.5, 3.5], LossSmoothing.MovingAverage([1.0, 2, 3, 4], 2));
    }

    [Fact]
    public void Loss_chart_draws_raw_values_light_and_the_smoothed_curve_bold_per_series()
    {
        var flux = Enumerable.Range(0, 100).Select(i => Math.Sin(i) * 10).ToArray();
        var dsm = Enumerable.Range(0, 100).Select(i => 38 + Math.Cos(i)).ToArray();
        var traces = ChartJson.Traces(LossCharts.Curves([new LossSeries("Flux", flux), new LossSeries("DSM", dsm)]));
        Assert.Equal(4, traces.Length);
        Assert.Equal("Flux (raw)", ChartJson.Str(traces[0], "name"));
        Assert.Equal(0.25, traces[0].GetProperty("opacity").GetDouble());
        Assert.StartsWith("Flux (EMA", ChartJson.Str(traces[1], "name"));
        Assert.False(traces[1].TryGetProperty("opacity", out _));
        Assert.Equal(traces[0].GetProperty("line").GetProperty("color").GetString(), traces[1].GetProperty("line").GetProperty("color").GetString());
        Assert.NotEqual(traces[0].GetProperty("line").GetProperty("color").GetString(), traces[2].GetProperty("line").GetProperty("color").GetString());
        Assert.Equal(LossSmoothing.Ema(dsm, 0.95)[^1], ChartJson.Numbers(traces[3].GetProperty("y"))[^1], 9);
    }

    [Fact]
    public void Long_histories_are_thinned_but_keep_their_last_step()
    {
        var losses = Enumerable.Range(0, 50_001).Select(i => (double)i).ToArray();
        var traces = ChartJson.Traces(LossCharts.Curve(losses, options: new LossChartOptions { MaxPoints = 1000 }));
        var x = ChartJson.Numbers(traces[0].GetProperty("x"));
        Assert.InRange(x.Length, 900, 1001);
        Assert.Equal(50_001, x[^1]);
    }

    [Fact]
    public void Mismatched_steps_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => LossCharts.Curves([new LossSeries("a", [1.0, 2], [1.0])]));
    }
}
