namespace FluxMatching.Plotting.Tests;

public class PointSetTests
{
    [Fact]
    public void A_tensor_and_an_array_give_the_same_points()
    {
        var arr = new double[,] { { 1, 2 }, { 3, 4 }, { -5, 6 } };
        var t = torch.tensor(new float[] { 1, 2, 3, 4, -5, 6 }, [3, 2]);
        var a = PointSet.FromArray(arr);
        var b = PointSet.FromTensor(t);
        Assert.Equal(a.X, b.X);
        Assert.Equal(a.Y, b.Y);
        Assert.Equal([1.0, 3, -5], PointSet.FromInterleaved([1f, 2, 3, 4, -5, 6]).X);
    }

    [Fact]
    public void Wrong_shapes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => PointSet.FromArray(new double[4, 3]));
        Assert.Throws<ArgumentException>(() => PointSet.FromTensor(torch.zeros(4, 3)));
        Assert.Throws<ArgumentException>(() => new PointSet([1.0], [1.0, 2]));
    }

    [Fact]
    public void Thin_keeps_every_kth_point_and_at_most_the_limit()
    {
        var p = new PointSet(Enumerable.Range(0, 10).Select(i => (double)i).ToArray(), new double[10]);
        Assert.Equal([0.0, 3, 6, 9], p.Thin(4).X);
        Assert.Same(p, p.Thin(10));
    }

    [Fact]
    public void Linepath_join_and_split_round_trip()
    {
        var lines = new[] { new Polyline([0.0, 1], [0.0, 1]), new Polyline([5.0], [5.0]), new Polyline([2.0, 3, 4], [1.0, 1, 1]) };
        var path = LinePath.Join(lines);
        Assert.Equal(7, path.X.Length);
        var back = path.Split();
        Assert.Equal(2, back.Count);
        Assert.Equal([2.0, 3, 4], back[1].X);
    }

    [Fact]
    public void Bounds_reject_an_empty_range()
    {
        var e = Assert.Throws<ArgumentException>(() => new Bounds2D(1, 1, 0, 1));
        Assert.Contains("xMin < xMax", e.Message);
        Assert.Equal(4.4, Bounds2D.SymmetricAround(new PointSet([-4.0, 1], [2.0, 0]), 0.1).XMax, 9);
    }
}
