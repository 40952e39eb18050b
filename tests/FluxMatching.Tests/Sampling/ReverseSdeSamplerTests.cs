namespace FluxMatching.Tests.Sampling;

using FluxMatching.Fields;
using FluxMatching.Sampling;

public class ReverseSdeSamplerTests
{
    [Fact]
    public void Defaults_are_the_annealed_notebook_schedule()
    {
        var sampler = new ReverseSdeSampler();
        var sigmas = sampler.SigmaSchedule();
        Assert.Equal(1001, sigmas.Length);
        Assert.Equal(2.0, sigmas[0]);
        Assert.Equal(0.02, sigmas[^1]);
        double ratio = Math.Pow(0.01, 1.0 / 1000);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(ratio, sigmas[i + 1] / sigmas[i], 1e-12);
        }
    }

    [Fact]
    public void Exact_score_of_a_gaussian_ends_at_variance_s2_plus_sigma_min2()
    {
        // p = N(0, s²I): the score of p_σ is −x/(s² + σ²). The EM recursion of the variance,
        // V' = (1 − d_i/(s² + σ_i²))² V + d_i with d_i = σ_i² − σ_{i+1}², from V₀ = σ_max², is the exact oracle;
        // it is itself ≈ s² + σ_min².
        using var scope = torch.NewDisposeScope();
        const double s = 0.5;
        using var field = GaussianMixtureScoreField.Isotropic(new double[,] { { 0, 0 } }, s, noiseConditioned: true);
        var sampler = new ReverseSdeSampler();
        var sigmas = sampler.SigmaSchedule();
        double v = sigmas[0] * sigmas[0];
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            double d = (sigmas[i] * sigmas[i]) - (sigmas[i + 1] * sigmas[i + 1]);
            double a = 1 - (d / ((s * s) + (sigmas[i] * sigmas[i])));
            v = (a * a * v) + d;
        }

        double target = (s * s) + (0.02 * 0.02);
        Assert.Equal(target, v, 0.02 * target);

        var x = sampler.Sample(field, 10000, new torch.Generator(8), dtype: ScalarType.Float64).Samples;
        double sampled = x.square().mean().item<double>();
        Assert.Equal(v, sampled, 4 * v * Math.Sqrt(2.0 / 20000));
        Assert.Equal(0.0, x.mean().item<double>(), 0.015);
    }

    [Fact]
    public void Field_gets_each_sigma_of_the_grid_and_zero_drift_adds_the_total_noise_variance()
    {
        using var scope = torch.NewDisposeScope();
        var field = new RecordingField(2, noiseConditioned: true);
        var sampler = new ReverseSdeSampler(new ReverseSdeOptions { Steps = 50, SigmaMax = 3, SigmaMin = 0.1, RecordEvery = 10 });
        var result = sampler.Sample(field, 20000, new torch.Generator(3), dtype: ScalarType.Float64);
        var sigmas = sampler.SigmaSchedule();
        Assert.Equal(sigmas.Take(50), field.Sigmas);
        // with f = 0: Var = σ_max² (start) + Σ (σ_i² − σ_{i+1}²) = 2σ_max² − σ_min²
        double expected = (2 * 9.0) - 0.01;
        Assert.Equal(expected, result.Samples.square().mean().item<double>(), 4 * expected * Math.Sqrt(2.0 / 40000));
        Assert.Equal([6L, 20000L, 2L], result.Trajectory!.shape);
        Assert.Equal(9.0, result.Trajectory[0].square().mean().item<double>(), 0.3);
    }

    [Fact]
    public void Initial_points_are_used_as_given_and_runs_are_reproducible()
    {
        using var scope = torch.NewDisposeScope();
        var field = new RecordingField(2, noiseConditioned: true, slope: -0.2);
        var sampler = new ReverseSdeSampler(new ReverseSdeOptions { Steps = 5, RecordEvery = 1 });
        var initial = torch.ones(4, 2);
        var a = sampler.Sample(field, initial, new torch.Generator(1));
        var b = sampler.Sample(field, initial, new torch.Generator(1));
        Assert.True(a.Trajectory![0].eq(initial).all().item<bool>());
        Assert.True(a.Samples.eq(b.Samples).all().item<bool>());
        Assert.Equal(5, a.Steps);
    }

    [Fact]
    public void Invalid_options_and_unconditioned_fields_throw()
    {
        Assert.Equal("options.SigmaMax", Assert.Throws<ArgumentOutOfRangeException>(
            () => new ReverseSdeSampler(new ReverseSdeOptions { SigmaMax = 0.01 })).ParamName);
        Assert.Equal("options.SigmaMin", Assert.Throws<ArgumentOutOfRangeException>(
            () => new ReverseSdeSampler(new ReverseSdeOptions { SigmaMin = 0 })).ParamName);
        Assert.Equal("options.Steps", Assert.Throws<ArgumentOutOfRangeException>(
            () => new ReverseSdeSampler(new ReverseSdeOptions { Steps = 0 })).ParamName);
        using var scope = torch.NewDisposeScope();
        Assert.Equal("field", Assert.Throws<ArgumentException>(
            () => new ReverseSdeSampler().Sample(new RecordingField(2, noiseConditioned: false), 3)).ParamName);
    }

    [Fact]
    public void Every_step_releases_its_tensors()
    {
        using var field = GaussianMixtureScoreField.Isotropic(new double[,] { { 1, 0 }, { -1, 0 } }, 0.5, noiseConditioned: true);
        using (var warm = torch.NewDisposeScope())
        {
            field.Evaluate(torch.zeros(1, 2), torch.ones(1)); // caches the field's parameter tensors (3 live tensors by design)
        }

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var scope = torch.NewDisposeScope())
        {
            var result = new ReverseSdeSampler(new ReverseSdeOptions { Steps = 500 }).Sample(field, 64, new torch.Generator(1));
            long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
            Assert.True(live <= 16, $"{live} tensors alive after 500 steps");
            Assert.Equal([64L, 2L], result.Samples.shape);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
