namespace FluxMatching.Plotting.Tests;

public class QuiverGeometryTests
{
    [Fact]
    public void Each_arrow_is_seven_entries_with_two_NaN_separators()
    {
        var path = QuiverGeometry.Arrows([0.0, 1, 2], [0.0, 0, 0], [1.0, 0, -3], [0.0, 2, 0], 0.5);
        Assert.Equal(3 * QuiverGeometry.EntriesPerArrow, path.X.Length);
        Assert.Equal(6, path.X.Count(double.IsNaN));
        Assert.Equal(path.X.Select(double.IsNaN), path.Y.Select(double.IsNaN));
        Assert.Equal(6, path.Split().Count);   // a shaft and a barb pair per arrow
    }

    [Fact]
    public void Normalised_arrows_have_the_requested_length_and_point_along_f()
    {
        double[] u = [3, 0, -0.001, 5], v = [4, -2, 0.001, -5];
        var path = QuiverGeometry.Arrows([0.0, 1, 2, 3], [0.0, 1, 2, 3], u, v, 0.25);
        for (int k = 0; k < 4; k++)
        {
            int o = k * QuiverGeometry.EntriesPerArrow;
            double dx = path.X[o + 1] - path.X[o], dy = path.Y[o + 1] - path.Y[o];
            Assert.Equal(0.25, Math.Sqrt(dx * dx + dy * dy), 9);
            double m = Math.Sqrt(u[k] * u[k] + v[k] * v[k]);
            Assert.Equal(u[k] / m, dx / 0.25, 9);
            Assert.Equal(v[k] / m, dy / 0.25, 9);
            Assert.Equal(path.X[o + 1], path.X[o + 4]);   // barbs meet at the tip
            Assert.Equal(path.Y[o + 1], path.Y[o + 4]);
        }
    }

    [Fact]
    public void Barbs_lie_behind_the_tip_symmetric_about_the_shaft()
    {
        var options = new QuiverOptions { BarbFraction = 0.4, BarbAngleDegrees = 30 };
        var p = QuiverGeometry.Arrows([0.0], [0.0], [1.0], [0.0], 1.0, options);
        // tip (1, 0); barbs at (1 − 0.4 cos 30°, ±0.4 sin 30°)
        Assert.Equal(1 - 0.4 * Math.Cos(Math.PI / 6), p.X[3], 9);
        Assert.Equal(1 - 0.4 * Math.Cos(Math.PI / 6), p.X[5], 9);
        Assert.Equal(-p.Y[3], p.Y[5], 9);
        Assert.Equal(0.2, Math.Abs(p.Y[3]), 9);
    }

    [Fact]
    public void Zero_and_non_finite_vectors_are_skipped()
    {
        var path = QuiverGeometry.Arrows([0.0, 1, 2], [0.0, 0, 0], [0.0, double.NaN, 1], [0.0, 1, 1], 1);
        Assert.Equal(QuiverGeometry.EntriesPerArrow, path.X.Length);
    }

    [Fact]
    public void Unnormalised_arrows_scale_with_magnitude_up_to_the_arrow_length()
    {
        var p = QuiverGeometry.Arrows([0.0, 0], [0.0, 1], [1.0, 4], [0.0, 0], 2, new QuiverOptions { Normalize = false });
        Assert.Equal(0.5, p.X[1] - p.X[0], 9);
        Assert.Equal(2.0, p.X[8] - p.X[7], 9);
    }

    [Fact]
    public void Invalid_arrow_length_is_rejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => QuiverGeometry.Arrows([0.0], [0.0], [1.0], [0.0], -1));
        Assert.Equal("arrowLength", e.ParamName);
    }
}
