namespace FluxMatching.Tests.Data;

using FluxMatching.Data;

public class ToyDatasetsTests
{
    public static TheoryData<string> AllNames => new(ToyDatasets.Names);

    [Fact]
    public void Names_are_the_six_documented_toys()
    {
        Assert.Equal(["ring", "triangle", "eight-gaussians", "moons", "checkerboard", "swiss-roll"], ToyDatasets.Names);
    }

    [Fact]
    public void Unknown_name_throws_listing_the_allowed_names()
    {
        var ex = Assert.Throws<ArgumentException>(() => ToyDatasets.Create("spiral"));
        Assert.Equal("name", ex.ParamName);
        Assert.Contains("spiral", ex.Message);
        foreach (var name in ToyDatasets.Names)
        {
            Assert.Contains(name, ex.Message);
        }
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Samples_have_shape_dtype_and_device_requested(string name)
    {
        using var scope = torch.NewDisposeScope();
        var source = ToyDatasets.Create(name);
        Assert.Equal(name, source.Name);
        Assert.Equal(2, source.Dimension);
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            var x = source.Sample(37, new torch.Generator(1), torch.CPU, dtype);
            Assert.Equal([37L, 2L], x.shape);
            Assert.Equal(dtype, x.dtype);
            Assert.Equal(DeviceType.CPU, x.device.type);
            Assert.True(torch.isfinite(x).all().item<bool>());
        }
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Same_seed_gives_identical_samples_and_another_seed_differs(string name)
    {
        using var scope = torch.NewDisposeScope();
        var source = ToyDatasets.Create(name);
        var a = source.Sample(500, new torch.Generator(42), dtype: ScalarType.Float64);
        var b = source.Sample(500, new torch.Generator(42), dtype: ScalarType.Float64);
        var c = source.Sample(500, new torch.Generator(43), dtype: ScalarType.Float64);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Samples_stay_within_the_documented_scale(string name)
    {
        using var scope = torch.NewDisposeScope();
        var x = ToyDatasets.Create(name).Sample(5000, new torch.Generator(7), dtype: ScalarType.Float64);
        double max = x.abs().max().item<double>();
        Assert.InRange(max, 1.0, 6.5);
    }

    [Fact]
    public void Invalid_sample_arguments_throw()
    {
        var ring = new RingDataset();
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.Sample(0));
        Assert.Throws<ArgumentException>(() => ring.Sample(3, dtype: ScalarType.Int32));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RingDataset(radius: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MoonsDataset(noise: double.NaN));
    }
}
