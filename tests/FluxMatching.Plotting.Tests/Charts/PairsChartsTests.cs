namespace FluxMatching.Plotting.Tests;

using FluxMatching.Fields;
using TorchSharp;
using static TorchSharp.torch;

public class PairsChartsTests
{
    /// <summary>f(x) = −x in any dimension (the score of a standard normal).</summary>
    private sealed class Sink(int d) : IVectorField
    {
        public int Dimension => d;
        public bool IsNoiseConditioned => false;
        public Tensor Evaluate(Tensor x, Tensor? sigma = null) => x.neg();
    }

    [Fact]
    public void Coordinates_projection_reads_the_first_k_coordinates()
    {
        using var x = torch.arange(10, dtype: ScalarType.Float64).reshape(2, 5);
        var p = Projection.Coordinates(5, 2);
        var axes = p.Points(x);
        Assert.Equal(new[] { 0.0, 5 }, axes[0]);
        Assert.Equal(new[] { 1.0, 6 }, axes[1]);
        Assert.Equal(["x₁", "x₂"], p.Names);
        Assert.Throws<ArgumentOutOfRangeException>(() => Projection.Coordinates(5, 6));
    }

    [Fact]
    public void Pca_finds_the_direction_of_largest_variance_and_centres_on_the_mean()
    {
        var g = new Generator(3);
        using var t = torch.randn(4000, 1, generator: g, dtype: ScalarType.Float64).mul(5);
        using var noise = torch.randn(4000, 3, generator: g, dtype: ScalarType.Float64).mul(0.1);
        using var dir = torch.tensor(new[] { 1.0, 1.0, 0.0 }).div(Math.Sqrt(2));
        using var x = t.matmul(dir.reshape(1, 3)).add(noise).add(7);
        var p = Projection.Pca(x, 2);
        Assert.Equal(1 / Math.Sqrt(2), Math.Abs(p.Basis[0, 0]), 2);
        Assert.Equal(1 / Math.Sqrt(2), Math.Abs(p.Basis[1, 0]), 2);
        Assert.Equal(0, p.Basis[2, 0], 2);
        Assert.StartsWith("PC1 (100 %)", p.Names[0]);
        Assert.Equal(7, p.Center[2], 1);
        var y = p.Points(x);
        Assert.Equal(0, y[0].Average(), 6);
        Assert.Equal(25, y[0].Select(v => v * v).Average(), 0);   // variance of the first axis ≈ 5²
    }

    [Fact]
    public void Pairs_grid_has_k_by_k_cells_scatters_off_the_diagonal_and_histograms_on_it()
    {
        using var data = torch.randn(300, 5, generator: new Generator(1));
        using var samples = torch.randn(200, 5, generator: new Generator(2));
        var chart = PairsCharts.DataVsSamples(data, samples, Projection.Coordinates(5, 3));
        var traces = ChartJson.Traces(chart);
        Assert.Equal(18, traces.Length);
        Assert.Equal(6, traces.Count(t => ChartJson.Str(t, "type") == "histogram"));
        Assert.Equal(12, traces.Count(t => ChartJson.Str(t, "type") == "scatter"));
        var layout = ChartJson.Layout(chart);
        Assert.True(layout.TryGetProperty("xaxis9", out var x9));
        Assert.Equal("y9", x9.GetProperty("anchor").GetString());
        var cell = traces.Single(t => ChartJson.Str(t, "xaxis") == "x4" && ChartJson.Str(t, "name") == "samples");
        Assert.Equal(200, cell.GetProperty("x").GetArrayLength());   // cell (1, 0): x₁ across, x₂ up
        Assert.Equal(samples[0, 0].ToDouble(), ChartJson.Numbers(cell.GetProperty("x"))[0], 5);
        Assert.Equal(samples[0, 1].ToDouble(), ChartJson.Numbers(cell.GetProperty("y"))[0], 5);
    }

    [Fact]
    public void Field_arrows_point_along_the_projected_field()
    {
        using var data = torch.randn(40, 4, generator: new Generator(5)).add(3);
        var chart = PairsCharts.FieldArrows(new Sink(4), data, Projection.Coordinates(4, 2), arrows: 40);
        var arrows = ChartJson.Traces(chart).Single(t => ChartJson.Str(t, "xaxis") == "x3" && ChartJson.Str(t, "mode") == "lines");
        var x = ChartJson.Numbers(arrows.GetProperty("x"));
        var y = ChartJson.Numbers(arrows.GetProperty("y"));
        Assert.Equal(40 * QuiverGeometry.EntriesPerArrow, x.Length);
        // f = −x: every shaft points towards the origin of the (x₁, x₂) plane.
        for (int a = 0; a < 40; a++)
        {
            double bx = x[7 * a], by = y[7 * a], tx = x[7 * a + 1], ty = y[7 * a + 1];
            Assert.True((tx - bx) * bx + (ty - by) * by < 0);
        }
    }

    [Fact]
    public void Marginals_show_each_coordinate_four_per_row_with_the_means_marked()
    {
        using var data = torch.randn(100, 6);
        var chart = PairsCharts.Marginals(data, data);
        var traces = ChartJson.Traces(chart);
        Assert.Equal(18, traces.Length);
        Assert.Equal(12, traces.Count(t => ChartJson.Str(t, "type") == "histogram"));
        Assert.Equal("x₆", ChartJson.Layout(chart).GetProperty("xaxis6").GetProperty("title").GetProperty("text").GetString());
    }
}
