namespace FluxMatching.Tests.Sampling;

using FluxMatching.Sampling;

/// <summary>The VE predictor–corrector sampler on Gaussian data N(μ, s²I) with the exact σ-smoothed score.</summary>
public class PredictorCorrectorSamplerTests
{
    private static readonly double[] Mu = [0.3, -0.2];

    [Fact]
    public void Schedule_is_log_spaced_from_80_to_0_002()
    {
        var sigmas = new PredictorCorrectorSampler(new PredictorCorrectorOptions { Steps = 10 }).SigmaSchedule();
        Assert.Equal(11, sigmas.Length);
        Assert.Equal(80.0, sigmas[0]);
        Assert.Equal(0.002, sigmas[10]);
        double ratio = Math.Pow(0.002 / 80, 0.1);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(ratio, sigmas[i + 1] / sigmas[i], 12);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void N_steps_make_2N_field_calls(int steps)
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, 0.5);
        var r = new PredictorCorrectorSampler(new PredictorCorrectorOptions { Steps = steps, ClampDenoised = false }).Sample(field, 8, new Generator(1));
        Assert.Equal(2 * steps, field.Evaluations);
        Assert.Equal(2 * steps, r.FunctionEvaluations);
    }

    [Fact]
    public void A_field_with_its_own_denoiser_is_called_through_it()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDenoiserField(Mu, 0.5);
        var r = new PredictorCorrectorSampler(new PredictorCorrectorOptions { Steps = 10, ClampDenoised = false }).Sample(field, 8, new Generator(1));
        Assert.Equal(20, field.Denoisings);
        Assert.Equal(20, r.FunctionEvaluations);
    }

    [Fact]
    public void Samples_gaussian_data_with_the_right_mean_and_variance()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, 0.5);
        var r = new PredictorCorrectorSampler(new PredictorCorrectorOptions { Steps = 200, ClampDenoised = false })
            .Sample(field, 4000, new Generator(2), dtype: ScalarType.Float64);
        // Euler–Maruyama over 200 log-spaced levels (ratio 0.93 per level) biases the variance by a few per cent.
        EdmHeunSamplerTests.AssertGaussian(r.Samples, extraVarianceTolerance: 0.0125);
    }

    [Fact]
    public void A_seeded_generator_makes_runs_identical()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, 0.5);
        var sampler = new PredictorCorrectorSampler(new PredictorCorrectorOptions { Steps = 5 });
        var a = sampler.Sample(field, 64, new Generator(7)).Samples;
        var b = sampler.Sample(field, 64, new Generator(7)).Samples;
        var c = sampler.Sample(field, 64, new Generator(8)).Samples;
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
    }

    [Fact]
    public void The_trajectory_ends_with_the_denoised_samples()
    {
        using var scope = NewDisposeScope();
        var r = new PredictorCorrectorSampler(new PredictorCorrectorOptions { Steps = 4, RecordEvery = 2 })
            .Sample(new GaussianDataField(Mu, 0.5), 16, new Generator(1));
        Assert.Equal([3L, 16, 2], r.Trajectory!.shape);
        Assert.True(r.Trajectory[2].eq(r.Samples).all().item<bool>());
    }

    [Fact]
    public void Bad_settings_name_the_parameter()
    {
        Assert.Contains("options.Steps", Assert.Throws<ArgumentOutOfRangeException>(() => new PredictorCorrectorSampler(new PredictorCorrectorOptions { Steps = 0 })).Message);
        Assert.Contains("options.Snr", Assert.Throws<ArgumentOutOfRangeException>(() => new PredictorCorrectorSampler(new PredictorCorrectorOptions { Snr = 0 })).Message);
        Assert.Contains("options.SigmaMin", Assert.Throws<ArgumentOutOfRangeException>(() => new PredictorCorrectorSampler(new PredictorCorrectorOptions { SigmaMin = -1 })).Message);
    }
}
