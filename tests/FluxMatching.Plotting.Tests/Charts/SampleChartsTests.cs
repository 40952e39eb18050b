namespace FluxMatching.Plotting.Tests;

public class SampleChartsTests
{
    [Fact]
    public void Samples_against_target_draw_histogram_contours_under_the_samples()
    {
        var target = PointSet.FromArray(RingData.Sample(500, 1));
        var samples = PointSet.FromArray(RingData.Sample(300, 2));
        var traces = ChartJson.Traces(SampleCharts.AgainstTarget(samples, target));
        Assert.Equal(2, traces.Length);
        Assert.Equal("histogram2dcontour", ChartJson.Str(traces[0], "type"));
        Assert.Equal("lines", traces[0].GetProperty("contours").GetProperty("coloring").GetString());
        Assert.Equal(500, traces[0].GetProperty("x").GetArrayLength());
        Assert.Equal("markers", ChartJson.Str(traces[1], "mode"));
        Assert.Equal(300, traces[1].GetProperty("x").GetArrayLength());
    }

    [Fact]
    public void Samples_against_an_analytic_density_contour_the_exact_density()
    {
        var bounds = Bounds2D.Square(3);
        var chart = SampleCharts.AgainstDensity(new PointSet([0.0], [0.0]), new StandardNormal(), bounds,
            new SampleChartOptions { DensityResolution = 11 }, new FieldEvaluationOptions { DType = ScalarType.Float64 });
        var contour = ChartJson.Traces(chart)[0];
        Assert.Equal("contour", ChartJson.Str(contour, "type"));
        var z = contour.GetProperty("z");
        Assert.Equal(1 / (2 * Math.PI), z[5][5].GetDouble(), 9);                       // at the origin
        Assert.Equal(Math.Exp(-0.5 * (9 + 0.36)) / (2 * Math.PI), z[4][0].GetDouble(), 9);   // at (−3, −0.6)
    }

    [Fact]
    public void Large_sample_sets_are_thinned_to_the_limit()
    {
        var samples = PointSet.FromArray(RingData.Sample(10_000, 3));
        var traces = ChartJson.Traces(SampleCharts.Scatter(samples, new SampleChartOptions { MaxPoints = 1000 }));
        Assert.Equal(1000, traces[0].GetProperty("x").GetArrayLength());
    }
}
