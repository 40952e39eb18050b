namespace FluxMatching.Plotting.Tests;

public class StreamlineTracerTests
{
    private static readonly Bounds2D Box = Bounds2D.Square(3);

    [Fact]
    public void Streamline_of_a_rotation_stays_on_its_circle_and_turns_counterclockwise()
    {
        var options = new StreamlineOptions { Seeds = new PointSet([1.0, 0], [0.0, -2]), StepSize = 0.05, MaxSteps = 150, Direction = StreamlineDirection.Forward };
        var lines = StreamlineTracer.Trace(LinearField.Rotation, Box, options, new FieldEvaluationOptions { DType = ScalarType.Float64 });
        Assert.Equal(2, lines.Count);
        double[] radius = [1, 2];
        for (int s = 0; s < 2; s++)
        {
            Assert.Equal(151, lines[s].Count);
            for (int k = 0; k < lines[s].Count; k++)
            {
                Assert.Equal(radius[s], Math.Sqrt(lines[s].X[k] * lines[s].X[k] + lines[s].Y[k] * lines[s].Y[k]), 6);
            }
        }
        // arc length 0.05 per step on the unit circle: after 10 steps the angle is +0.5 rad
        Assert.Equal(0.5, Math.Atan2(lines[0].Y[10], lines[0].X[10]), 4);
    }

    [Fact]
    public void Both_directions_join_at_the_seed()
    {
        var options = new StreamlineOptions { Seeds = new PointSet([1.0], [0.0]), StepSize = 0.1, MaxSteps = 5 };
        var line = StreamlineTracer.Trace(LinearField.Rotation, Box, options).Single();
        Assert.Equal(11, line.Count);
        Assert.Equal(1.0, line.X[5], 12);
        Assert.Equal(0.0, line.Y[5], 12);
        Assert.True(line.Y[0] < 0 && line.Y[10] > 0);
    }

    [Fact]
    public void Streamlines_stop_at_the_bounds()
    {
        var options = new StreamlineOptions { Seeds = new PointSet([0.5], [0.0]), StepSize = 0.1, MaxSteps = 1000, Direction = StreamlineDirection.Forward };
        var line = StreamlineTracer.Trace(LinearField.Identity, Box, options).Single();
        Assert.All(line.X, x => Assert.InRange(x, -3, 3));
        Assert.InRange(line.X[^1], 2.85, 3.0);
        Assert.InRange(line.Count, 25, 26);   // 0.5, 0.6, …, ≤ 3.0
    }

    [Fact]
    public void A_streamline_into_a_sink_stops_next_to_it_instead_of_jittering()
    {
        var options = new StreamlineOptions { Seeds = new PointSet([2.0], [0.0]), StepSize = 0.3, MaxSteps = 500, Direction = StreamlineDirection.Forward };
        var line = StreamlineTracer.Trace(LinearField.Sink, Box, options).Single();
        Assert.True(line.Count < 12, $"expected to stop near the sink, got {line.Count} points");
        Assert.InRange(Math.Abs(line.X[^1]), 0, 0.3);
    }

    [Fact]
    public void Default_seeds_form_a_regular_grid_inside_the_bounds()
    {
        var lines = StreamlineTracer.Trace(LinearField.Rotation, Box, new StreamlineOptions { SeedsPerAxis = 4, MaxSteps = 3 });
        Assert.Equal(16, lines.Count);
        Assert.Equal(-2.25, lines[0].X[3], 9);   // seed (−2.25, −2.25) is the middle of 7 points
        Assert.Equal(-2.25, lines[0].Y[3], 9);
    }
}
