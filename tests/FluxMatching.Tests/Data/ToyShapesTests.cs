namespace FluxMatching.Tests.Data;

using FluxMatching.Data;

public class ToyShapesTests
{
    [Fact]
    public void Ring_draws_angles_first_then_radial_normals()
    {
        using var scope = torch.NewDisposeScope();
        var g = new torch.Generator(0);
        var theta = torch.rand(1000, generator: g).mul(2 * Math.PI);
        var r = torch.randn(1000, generator: g).mul(0.5).add(2.5);
        var expected = torch.stack([r.mul(theta.cos()), r.mul(theta.sin())], 1);
        var x = new RingDataset().Sample(1000, new torch.Generator(0));
        Assert.True(x.allclose(expected, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Ring_radius_has_the_documented_mean_and_spread()
    {
        using var scope = torch.NewDisposeScope();
        var x = new RingDataset().Sample(20000, new torch.Generator(3), dtype: ScalarType.Float64);
        var r = x.norm(1);
        Assert.Equal(2.5, r.mean().item<double>(), 0.02);
        Assert.Equal(0.5, r.std().item<double>(), 0.02);
    }

    [Fact]
    public void Checkerboard_samples_lie_only_on_even_squares_and_fill_all_eight()
    {
        using var scope = torch.NewDisposeScope();
        var x = new CheckerboardDataset().Sample(8000, new torch.Generator(5), dtype: ScalarType.Float64);
        var cells = x.add(4).div(2).floor();
        Assert.True(cells.ge(0).all().item<bool>() && cells.le(3).all().item<bool>());
        var parity = cells.sum(1).remainder(2);
        Assert.True(parity.eq(0).all().item<bool>());
        var ids = cells[.., 0].mul(4).add(cells[.., 1]).to(ScalarType.Int64);
        var counts = torch.bincount(ids, minlength: 16).data<long>().ToArray();
        Assert.Equal(8, counts.Count(c => c > 800));
    }

    [Fact]
    public void Moons_have_two_balanced_halves_centred_on_the_origin()
    {
        using var scope = torch.NewDisposeScope();
        var x = new MoonsDataset(noise: 0).Sample(20000, new torch.Generator(9), dtype: ScalarType.Float64);
        // noise-free: the upper moon is on the unit circle around (0,0) in unit coordinates, the lower one around (1, 0.5)
        var unit = x.div(2.5).add(torch.tensor(new[] { 0.5, 0.25 }, ScalarType.Float64));
        var dUpper = unit.norm(1).sub(1).abs();
        var dLower = unit.sub(torch.tensor(new[] { 1.0, 0.5 }, ScalarType.Float64)).norm(1).sub(1).abs();
        Assert.True(torch.minimum(dUpper, dLower).max().item<double>() < 1e-9);
        double upperFraction = dUpper.lt(1e-9).to(ScalarType.Float64).mean().item<double>();
        Assert.Equal(0.5, upperFraction, 0.02);
        Assert.Equal(0.0, x.mean(new long[] { 0 }).abs().max().item<double>(), 0.1);
    }

    [Fact]
    public void Swiss_roll_without_noise_lies_on_the_spiral_r_equals_scale_t()
    {
        using var scope = torch.NewDisposeScope();
        double scale = 4.0 / (4.5 * Math.PI);
        var x = new SwissRollDataset(noise: 0).Sample(2000, new torch.Generator(2), dtype: ScalarType.Float64);
        var t = x.norm(1).div(scale);
        Assert.True(t.min().item<double>() >= 1.5 * Math.PI - 1e-9);
        Assert.True(t.max().item<double>() <= 4.5 * Math.PI + 1e-9);
        var back = torch.stack([t.mul(t.cos()), t.mul(t.sin())], 1).mul(scale);
        Assert.True(back.allclose(x, rtol: 0, atol: 1e-9));
    }

    [Fact]
    public void Eight_gaussians_put_equal_mass_near_each_centre()
    {
        using var scope = torch.NewDisposeScope();
        var source = new EightGaussiansDataset();
        var x = source.Sample(16000, new torch.Generator(4), dtype: ScalarType.Float64);
        var angle = torch.atan2(x[.., 1], x[.., 0]);
        var sector = angle.div(Math.PI / 4).round().remainder(8).to(ScalarType.Int64);
        var counts = torch.bincount(sector, minlength: 8).data<long>().ToArray();
        Assert.All(counts, c => Assert.InRange(c, 1700, 2300));
        Assert.Equal(source.Radius, x.norm(1).mean().item<double>(), 0.05);
    }

    [Fact]
    public void Eight_gaussians_density_integrates_to_one()
    {
        using var scope = torch.NewDisposeScope();
        using var source = new EightGaussiansDataset();
        const int k = 401;
        var axis = torch.linspace(-6, 6, k, ScalarType.Float64);
        var grid = torch.stack(torch.meshgrid([axis, axis], indexing: "ij"), 2).reshape(-1, 2);
        double h = 12.0 / (k - 1);
        double mass = source.LogDensity(grid).exp().sum().item<double>() * h * h;
        Assert.Equal(1.0, mass, 1e-6);
    }
}
