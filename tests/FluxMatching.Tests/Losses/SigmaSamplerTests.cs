namespace FluxMatching.Tests.Losses;

using FluxMatching.Losses;

public class SigmaSamplerTests
{
    [Fact]
    public void A_fixed_sampler_returns_its_sigma_without_drawing()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(5);
        var sigma = SigmaSampler.Fixed(0.45).Sample(g, dtype: ScalarType.Float64);
        Assert.Equal(0, sigma.dim());
        Assert.Equal(0.45, sigma.ToDouble());
        Assert.Equal(rand(1, generator: new Generator(5)).ToSingle(), rand(1, generator: g).ToSingle());
    }

    [Fact]
    public void Log_uniform_maps_the_unit_interval_onto_the_sigma_range()
    {
        using var scope = NewDisposeScope();
        var sampler = SigmaSampler.LogUniform(0.02, 2.0);
        var sigma = sampler.FromDraw(tensor(new[] { 0.0, 0.5, 1.0 }));
        Numerics.AssertRelative([0.02, 0.2, 2.0], sigma, 1e-15);
        var draws = Enumerable.Range(0, 4000).Select(_ => 0.0).ToArray();
        var g = new Generator(11);
        for (int i = 0; i < draws.Length; i++)
        {
            draws[i] = Math.Log(sampler.Sample(g, dtype: ScalarType.Float64).ToDouble());
        }

        Assert.All(draws, d => Assert.InRange(d, Math.Log(0.02), Math.Log(2.0)));
        double mean = draws.Average(), expected = 0.5 * (Math.Log(0.02) + Math.Log(2.0));
        double se = (Math.Log(2.0) - Math.Log(0.02)) / Math.Sqrt(12 * draws.Length);
        Assert.True(Math.Abs(mean - expected) < 4 * se, $"{mean} vs {expected}");
    }

    [Fact]
    public void Edm_log_normal_has_the_edm_location_and_scale()
    {
        using var scope = NewDisposeScope();
        var sampler = SigmaSampler.EdmLogNormal();
        Numerics.AssertRelative([Math.Exp(-1.2), Math.Exp(0.0)], sampler.FromDraw(tensor(new[] { 0.0, 1.0 })), 1e-15);
        var g = new Generator(2);
        var logs = Enumerable.Range(0, 4000).Select(_ => Math.Log(sampler.Sample(g, dtype: ScalarType.Float64).ToDouble()))
            .ToArray();
        double mean = logs.Average();
        double sd = Math.Sqrt(logs.Sum(v => (v - mean) * (v - mean)) / (logs.Length - 1));
        Assert.True(Math.Abs(mean + 1.2) < 4 * 1.2 / Math.Sqrt(logs.Length), $"mean {mean}");
        Assert.InRange(sd, 1.1, 1.3);
    }

    [Fact]
    public void Samplers_draw_from_the_given_generator_reproducibly_and_validate_their_ranges()
    {
        using var scope = NewDisposeScope();
        var sampler = SigmaSampler.LogUniform(0.002, 80);
        Assert.Equal(sampler.Sample(new Generator(3)).ToSingle(), sampler.Sample(new Generator(3)).ToSingle());
        Assert.Equal(ScalarType.Float32, sampler.Sample(new Generator(3)).dtype);
        Assert.Throws<ArgumentOutOfRangeException>(() => SigmaSampler.Fixed(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SigmaSampler.LogUniform(1.0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SigmaSampler.LogUniform(-1.0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SigmaSampler.EdmLogNormal(pStd: 0));
    }

    [Fact]
    public void Quantiles_are_the_inverse_cdf_of_each_distribution()
    {
        var normal = SigmaSampler.EdmLogNormal(-1.2, 1.2);
        Assert.Equal(Math.Exp(-1.2), normal.Quantile(0.5), 12);
        Assert.Equal(Math.Exp(-1.2 + 1.2), normal.Quantile(0.8413447460685429), 9);   // Φ(1)
        var uniform = SigmaSampler.LogUniform(0.02, 2.0);
        Assert.Equal(0.2, uniform.Quantile(0.5), 12);
        Assert.Equal(0.45, SigmaSampler.Fixed(0.45).Quantile(0.9));
        Assert.Throws<ArgumentOutOfRangeException>(() => normal.Quantile(1.0));

        // The fraction of draws below the 0.3-quantile is 0.3 (4,000 draws: s.e. 0.007).
        using var scope = NewDisposeScope();
        var draws = normal.FromDraw(randn(4000, dtype: ScalarType.Float64, generator: new Generator(3)));
        double below = draws.lt(normal.Quantile(0.3)).to(ScalarType.Float64).mean().ToDouble();
        Assert.InRange(below, 0.27, 0.33);
    }
}
