namespace FluxMatching.Tests.Sampling;

using FluxMatching.Fields;
using FluxMatching.Sampling;

public class LangevinSamplerTests
{
    private static double Variance(Tensor x) => x.square().mean().item<double>();

    [Fact]
    public void Ula_on_a_gaussian_reaches_the_discrete_time_stationary_variance()
    {
        // f(x) = −x/s²: x' = (1 − ε/2s²)x + √ε ξ, so V = ε/(1 − a²) with a = 1 − ε/2s², i.e. V = s²/(1 − ε/4s²).
        using var scope = torch.NewDisposeScope();
        const double s2 = 1.0, eps = 0.5;
        double expected = s2 / (1 - (eps / (4 * s2)));
        using var field = GaussianMixtureScoreField.Isotropic(new double[,] { { 0, 0 } }, Math.Sqrt(s2));
        var sampler = new LangevinSampler(new LangevinOptions { Steps = 200, StepSize = eps });
        var result = sampler.Sample(field, 20000, new torch.Generator(5), dtype: ScalarType.Float64);
        double v = Variance(result.Samples);
        double sd = expected * Math.Sqrt(2.0 / 40000);
        Assert.Equal(expected, v, 4 * sd);
        Assert.True(Math.Abs(v - s2) > 0.1, $"variance {v} should show the ULA bias away from {s2}");
        Assert.Equal(200, result.Steps);
        Assert.Null(result.Trajectory);
    }

    [Fact]
    public void Noise_conditioned_field_is_sampled_at_the_fixed_sigma()
    {
        using var scope = torch.NewDisposeScope();
        const double s = 0.6, sigma = 0.8, eps = 0.2;
        double v2 = (s * s) + (sigma * sigma);
        double expected = v2 / (1 - (eps / (4 * v2)));
        using var field = GaussianMixtureScoreField.Isotropic(new double[,] { { 0, 0 } }, s, noiseConditioned: true);
        var sampler = new LangevinSampler(new LangevinOptions { Steps = 300, StepSize = eps, Sigma = sigma });
        var x = sampler.Sample(field, 20000, new torch.Generator(6), dtype: ScalarType.Float64).Samples;
        Assert.Equal(expected, Variance(x), 4 * expected * Math.Sqrt(2.0 / 40000));
    }

    [Fact]
    public void Trajectory_records_the_start_every_k_steps_and_the_end()
    {
        using var scope = torch.NewDisposeScope();
        var field = new RecordingField(2, noiseConditioned: false, slope: -1);
        var initial = torch.randn(50, 2, generator: new torch.Generator(1));
        var copy = initial.clone();
        var sampler = new LangevinSampler(new LangevinOptions { Steps = 20, RecordEvery = 7 });
        var result = sampler.Sample(field, initial, new torch.Generator(2));
        Assert.NotNull(result.Trajectory);
        Assert.Equal([4L, 50L, 2L], result.Trajectory!.shape); // steps 0, 7, 14, 20
        Assert.True(result.Trajectory[0].eq(copy).all().item<bool>());
        Assert.True(result.Trajectory[3].eq(result.Samples).all().item<bool>());
        Assert.True(initial.eq(copy).all().item<bool>()); // input untouched
        Assert.Equal(ScalarType.Float32, result.Samples.dtype);
    }

    [Fact]
    public void Same_generator_seed_gives_identical_chains()
    {
        using var scope = torch.NewDisposeScope();
        var field = new RecordingField(3, noiseConditioned: false, slope: -0.5);
        var sampler = new LangevinSampler(new LangevinOptions { Steps = 30 });
        var a = sampler.Sample(field, 10, new torch.Generator(9)).Samples;
        var b = sampler.Sample(field, 10, new torch.Generator(9)).Samples;
        var c = sampler.Sample(field, 10, new torch.Generator(10)).Samples;
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
    }

    [Fact]
    public void Update_is_half_step_drift_plus_root_step_noise()
    {
        // One step from x0 with f = −x: x1 = x0 − ½ε x0 + √ε ξ, ξ the next draws of the same generator.
        using var scope = torch.NewDisposeScope();
        const double eps = 0.3;
        var x0 = torch.randn(8, 2, ScalarType.Float64, generator: new torch.Generator(3));
        var g = new torch.Generator(4);
        var xi = torch.randn(8, 2, ScalarType.Float64, generator: g);
        var expected = x0.mul(1 - (0.5 * eps)).add(xi.mul(Math.Sqrt(eps)));
        var sampler = new LangevinSampler(new LangevinOptions { Steps = 1, StepSize = eps });
        var x1 = sampler.Sample(new RecordingField(2, false, -1), x0, new torch.Generator(4)).Samples;
        Assert.True(x1.allclose(expected, rtol: 0, atol: 1e-14));
    }

    [Fact]
    public void Invalid_options_and_inputs_throw()
    {
        Assert.Equal("options.Steps", Assert.Throws<ArgumentOutOfRangeException>(
            () => new LangevinSampler(new LangevinOptions { Steps = 0 })).ParamName);
        Assert.Equal("options.StepSize", Assert.Throws<ArgumentOutOfRangeException>(
            () => new LangevinSampler(new LangevinOptions { StepSize = -1 })).ParamName);
        Assert.Equal("options.RecordEvery", Assert.Throws<ArgumentOutOfRangeException>(
            () => new LangevinSampler(new LangevinOptions { RecordEvery = -2 })).ParamName);
        Assert.Equal("options.Sigma", Assert.Throws<ArgumentOutOfRangeException>(
            () => new LangevinSampler(new LangevinOptions { Sigma = 0 })).ParamName);
        using var scope = torch.NewDisposeScope();
        var sampler = new LangevinSampler(new LangevinOptions { Steps = 2 });
        Assert.Equal("field", Assert.Throws<ArgumentException>(
            () => sampler.Sample(new RecordingField(2, noiseConditioned: true), 4)).ParamName);
        Assert.Equal("initial", Assert.Throws<ArgumentException>(
            () => sampler.Sample(new RecordingField(2, false), torch.zeros(4, 3))).ParamName);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(
            () => sampler.Sample(new RecordingField(2, false), 0)).ParamName);
    }

    [Fact]
    public void Every_step_releases_its_tensors()
    {
        using var field = GaussianMixtureScoreField.Isotropic(new double[,] { { 1, 0 }, { -1, 0 } }, 0.5);
        using (var warm = torch.NewDisposeScope())
        {
            field.Evaluate(torch.zeros(1, 2)); // caches the field's parameter tensors (3 live tensors by design)
        }

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var scope = torch.NewDisposeScope())
        {
            var result = new LangevinSampler(new LangevinOptions { Steps = 500 }).Sample(field, 64, new torch.Generator(1));
            long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
            Assert.True(live <= 16, $"{live} tensors alive after 500 steps");
            Assert.Equal([64L, 2L], result.Samples.shape);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
