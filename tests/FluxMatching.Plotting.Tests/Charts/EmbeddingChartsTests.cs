namespace FluxMatching.Plotting.Tests;

using static TorchSharp.torch;

public class EmbeddingChartsTests
{
    // A 30 × 30 lattice of points on [0, 1]², every point moving with velocity (vx(y), 0), vx = 1 + y.
    private static (PointSet Points, PointSet Velocity) Shear()
    {
        var x = new List<double>();
        var y = new List<double>();
        for (int j = 0; j < 30; j++)
        {
            for (int i = 0; i < 30; i++)
            {
                x.Add(i / 29.0);
                y.Add(j / 29.0);
            }
        }

        return (new PointSet([.. x], [.. y]), new PointSet([.. y.Select(v => 1 + v)], new double[y.Count]));
    }

    [Fact]
    public void The_gridded_field_reproduces_a_smooth_velocity_inside_and_is_zero_outside_the_bounds()
    {
        var (points, velocity) = Shear();
        var field = new GriddedVelocityField(points, velocity, new Bounds2D(0, 1, 0, 1), resolution: 20, smooth: 0.5);
        using var at = tensor(new double[] { 0.5, 0.5, 0.3, 0.7, 1.5, 0.5 }, [3, 2], ScalarType.Float64);
        var v = field.Evaluate(at).data<double>().ToArray();
        // kernel mass ≥ 1 in the interior, so V = the kernel-weighted mean of 1 + y (linear in y: exact up to the
        // lattice's discreteness)
        Assert.Equal(1.5, v[0], 2);
        Assert.Equal(0.0, v[1], 12);
        Assert.Equal(1.7, v[2], 2);
        Assert.Equal([0.0, 0.0], v[4..6]);
    }

    [Fact]
    public void The_stream_plot_traces_lines_along_the_velocity_over_one_trace_per_group()
    {
        var (points, velocity) = Shear();
        var groups = points.X.Select(x => x < 0.5 ? "A" : "B").ToArray();
        var traces = ChartJson.Traces(EmbeddingCharts.VelocityStream(points, velocity, groups, seedsPerAxis: 6));
        Assert.Equal(["A", "B"], traces.Take(2).Select(t => ChartJson.Str(t, "name")));
        var lines = traces.Single(t => ChartJson.Str(t, "mode") == "lines");
        var xs = ChartJson.Numbers(lines.GetProperty("x"));
        var ys = ChartJson.Numbers(lines.GetProperty("y"));
        int moves = 0;
        for (int k = 1; k < xs.Length; k++)
        {
            if (double.IsFinite(xs[k]) && double.IsFinite(xs[k - 1]))
            {
                Assert.True(xs[k] > xs[k - 1], "a streamline of a rightward flow moves right");
                Assert.Equal(ys[k - 1], ys[k], 6);
                moves++;
            }
        }

        Assert.True(moves > 20, $"only {moves} streamline steps");
    }

    [Fact]
    public void A_phase_portrait_draws_each_slope_as_a_line_from_the_origin()
    {
        var chart = EmbeddingCharts.PhasePortrait([1, 2, 4], [0.5, 1, 2], null, [("fit", 0.5)]);
        var line = ChartJson.Traces(chart).Single(t => ChartJson.Str(t, "name") == "fit");
        Assert.Equal([0.0, 4.0], ChartJson.Numbers(line.GetProperty("x")));
        Assert.Equal([0.0, 2.0], ChartJson.Numbers(line.GetProperty("y")));
    }
}
