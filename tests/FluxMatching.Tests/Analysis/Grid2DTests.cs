namespace FluxMatching.Tests.Analysis;

using FluxMatching.Analysis;

public class Grid2DTests
{
    [Fact]
    public void Points_are_in_ij_order_with_exact_end_points()
    {
        var grid = new Grid2D(-1, 1, 0, 3, 3, 4);
        var p = grid.Points();
        Assert.Equal(12, grid.Count);
        Assert.Equal((-1.0, 0.0), (p[0, 0], p[0, 1]));
        Assert.Equal((-1.0, 1.0), (p[1, 0], p[1, 1]));        // index i·Ny + j: y varies fastest
        Assert.Equal((0.0, 0.0), (p[grid.Index(1, 0), 0], p[grid.Index(1, 0), 1]));
        Assert.Equal((1.0, 3.0), (p[11, 0], p[11, 1]));
        Assert.Equal(1.0, grid.Hx, 15);
        Assert.Equal(1.0, grid.Hy, 15);
        Assert.Equal(grid.PointsFlat()[(2 * 5) + 1], p[5, 1]);
    }

    [Fact]
    public void Grid_evaluator_returns_arrays_indexed_by_node()
    {
        using var scope = torch.NewDisposeScope();
        var grid = Grid2D.Square(2, 5);
        var v = GridEvaluator.EvaluateVectors(grid, x => x.mul(2));
        var s = GridEvaluator.EvaluateScalars(grid, x => x[.., 0].sub(x[.., 1]));
        var xs = grid.Xs;
        var ys = grid.Ys;
        Assert.Equal(2 * xs[3], v[3, 1, 0], 15);
        Assert.Equal(2 * ys[1], v[3, 1, 1], 15);
        Assert.Equal(xs[4] - ys[0], s[4, 0], 15);
        Assert.Equal("field", Assert.Throws<ArgumentException>(
            () => GridEvaluator.EvaluateVectors(grid, x => x[.., 0])).ParamName);
    }

    [Fact]
    public void Invalid_boxes_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Grid2D(1, 1).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Grid2D(Ny: 2).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => Grid2D.Square(double.NaN, 5));
    }
}
