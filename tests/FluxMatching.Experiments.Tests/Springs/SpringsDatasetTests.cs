namespace FluxMatching.Tests.Springs;

using FluxMatching.Springs;

public class SpringsDatasetTests
{
    [Fact]
    public void Normalized_trajectories_have_zero_mean_and_unit_std_per_feature()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(3);
        using var data = SpringsDataset.Simulate(new SpringConfig { Trajectories = 300 }, g);
        var x = data.Normalized.to(ScalarType.Float64);
        var mean = x.mean([0, 1]).data<double>().ToArray();
        var std = x.sub(x.mean([0, 1])).square().mean([0, 1]).sqrt().data<double>().ToArray();
        Assert.All(mean, m => Assert.True(Math.Abs(m) < 1e-5, $"mean {m}"));
        Assert.All(std, s => Assert.Equal(1.0, s, 4));
        var back = data.Standardizer.Unnormalize(data.Normalized);
        Assert.True(back.allclose(data.Raw, rtol: 1e-5, atol: 1e-4));
    }

    [Fact]
    public void Epoch_covers_every_trajectory_once_in_batches_with_a_smaller_last_batch()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(4);
        using var data = SpringsDataset.Simulate(new SpringConfig { Trajectories = 600, Horizon = 5 }, g);
        var batches = data.Epoch(256, g).ToList();
        Assert.Equal([256L, 256L, 88L], batches.Select(b => b.shape[0]));
        Assert.All(batches, b => Assert.Equal(new long[] { 5, 4 }, b.shape[1..]));
        var all = torch.cat(batches, 0).reshape(600, -1);
        var sortedSeen = all.sum(1).sort().Values;
        var sortedAll = data.Normalized.reshape(600, -1).sum(1).sort().Values;
        Assert.True(sortedSeen.allclose(sortedAll));
    }

    [Fact]
    public void Sample_returns_distinct_flattened_rows()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(5);
        using var data = SpringsDataset.Simulate(new SpringConfig { Trajectories = 50, Horizon = 10 }, g);
        Assert.Equal(40, data.Dimension);
        var s = data.Sample(50, g, dtype: ScalarType.Float64);
        Assert.Equal(new long[] { 50, 40 }, s.shape);
        Assert.Equal(50, torch.unique(s[.., 0]).output.shape[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Sample(51, g));
    }
}
