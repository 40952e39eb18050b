namespace FluxMatching.Tests.Sampling;

using FluxMatching.Sampling;

/// <summary>
/// The EDM Heun sampler on Gaussian data N(μ, s²I), whose σ-smoothed score and denoiser are exact
/// (<see cref="GaussianDataField"/>): the deterministic sampler must follow the exact flow map from σ_max to 0,
/// x ↦ μ + (x − μ)·s/√(s² + σ_max²), up to Heun's discretisation error.
/// </summary>
public class EdmHeunSamplerTests
{
    private static readonly double[] Mu = [0.3, -0.2];
    private const double S = 0.5;

    [Fact]
    public void Schedule_is_the_rho_7_schedule_from_80_to_0_002_then_zero()
    {
        var sampler = new EdmHeunSampler(new EdmHeunOptions { Steps = 18 });
        var sigmas = sampler.SigmaSchedule();
        Assert.Equal(19, sigmas.Length);
        Assert.Equal(80.0, sigmas[0]);
        Assert.Equal(0.002, sigmas[17]);
        Assert.Equal(0.0, sigmas[18]);
        // EDM Eq. 5 at i = 9 of N = 18, computed independently.
        double mid = Math.Pow(Math.Pow(80, 1 / 7.0) + (9 / 17.0 * (Math.Pow(0.002, 1 / 7.0) - Math.Pow(80, 1 / 7.0))), 7);
        Assert.Equal(mid, sigmas[9], 12);
        for (int i = 0; i < 18; i++)
        {
            Assert.True(sigmas[i + 1] < sigmas[i]);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(50)]
    public void N_steps_make_2N_minus_1_field_calls(int steps)
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, S);
        var sampler = new EdmHeunSampler(new EdmHeunOptions { Steps = steps, ClampDenoised = false });
        var r = sampler.Sample(field, 8, new Generator(1));
        Assert.Equal((2 * steps) - 1, field.Evaluations);
        Assert.Equal((2 * steps) - 1, r.FunctionEvaluations);
        Assert.Equal(sampler.FunctionEvaluations, r.FunctionEvaluations);
        Assert.Equal(steps, r.Steps);
    }

    [Fact]
    public void A_field_with_its_own_denoiser_is_called_through_it()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDenoiserField(Mu, S);
        var r = new EdmHeunSampler(new EdmHeunOptions { Steps = 10, ClampDenoised = false }).Sample(field, 8, new Generator(1));
        Assert.Equal(19, field.Denoisings);
        Assert.Equal(19, r.FunctionEvaluations);
    }

    [Fact]
    public void Deterministic_heun_follows_the_exact_flow_of_gaussian_data()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, S);
        var x0 = randn([4000, 2], ScalarType.Float64, generator: new Generator(3)).mul(80.0);
        var r = new EdmHeunSampler(new EdmHeunOptions { ClampDenoised = false }).Sample(field, x0);
        // For this linear ODE, dy/dσ = a(σ)y with y = x − μ and a(σ) = σ/(s² + σ²), each Heun step multiplies y by
        // 1 + h/2·(a_i + a_{i+1}(1 + h a_i)) and the last (Euler) step by 1 + h a_{N−1}: their product is the oracle.
        var sigmas = new EdmHeunSampler().SigmaSchedule();
        double product = 1;
        for (int i = 0; i < 50; i++)
        {
            double h = sigmas[i + 1] - sigmas[i], ai = A(sigmas[i]);
            product *= sigmas[i + 1] > 0 ? 1 + (h / 2 * (ai + (A(sigmas[i + 1]) * (1 + (h * ai))))) : 1 + (h * ai);
        }

        var mu = tensor(Mu, ScalarType.Float64);
        Assert.True(r.Samples.allclose(x0.sub(mu).mul(product).add(mu), rtol: 1e-10, atol: 1e-12));
        // Heun's global error with 50 ρ-steps: the factor is 0.61 % above the exact flow's s/√(s² + σ_max²).
        double exact = S / Math.Sqrt((S * S) + (80.0 * 80.0));
        Assert.InRange(product / exact, 1.0, 1.01);
        AssertGaussian(r.Samples, extraVarianceTolerance: 0);
    }

    [Fact]
    public void Stochastic_heun_with_churn_samples_the_gaussian()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, S);
        var options = new EdmHeunOptions { Steps = 40, SChurn = 40, SMin = 0, SMax = double.PositiveInfinity, SNoise = 1.0, ClampDenoised = false };
        var r = new EdmHeunSampler(options).Sample(field, 4000, new Generator(5), dtype: ScalarType.Float64);
        Assert.Equal(79, r.FunctionEvaluations);
        AssertGaussian(r.Samples, extraVarianceTolerance: 0.01);
    }

    [Fact]
    public void A_seeded_generator_makes_runs_identical()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, S);
        var sampler = new EdmHeunSampler(new EdmHeunOptions { Steps = 8, SChurn = 10, SMin = 0, SMax = 100, ClampDenoised = false });
        var a = sampler.Sample(field, 64, new Generator(7)).Samples;
        var b = sampler.Sample(field, 64, new Generator(7)).Samples;
        var c = sampler.Sample(field, 64, new Generator(8)).Samples;
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
    }

    [Fact]
    public void The_clamped_denoiser_keeps_samples_in_minus_one_to_one()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField([3.0, -3.0], 0.5);
        var clamped = new EdmHeunSampler(new EdmHeunOptions { Steps = 10 }).Sample(field, 256, new Generator(1)).Samples;
        var free = new EdmHeunSampler(new EdmHeunOptions { Steps = 10, ClampDenoised = false }).Sample(field, 256, new Generator(1)).Samples;
        Assert.True(clamped.abs().max().item<double>() <= 1.0);
        Assert.True(free.abs().max().item<double>() > 1.5);
    }

    [Fact]
    public void The_trajectory_has_the_start_and_every_recorded_step()
    {
        using var scope = NewDisposeScope();
        var r = new EdmHeunSampler(new EdmHeunOptions { Steps = 10, RecordEvery = 5, ClampDenoised = false })
            .Sample(new GaussianDataField(Mu, S), 16, new Generator(1));
        Assert.Equal([3L, 16, 2], r.Trajectory!.shape);
        Assert.True(r.Trajectory[2].eq(r.Samples).all().item<bool>());
    }

    [Fact]
    public void Bad_settings_name_the_parameter()
    {
        Assert.Contains("options.Steps", Assert.Throws<ArgumentOutOfRangeException>(() => new EdmHeunSampler(new EdmHeunOptions { Steps = 1 })).Message);
        Assert.Contains("options.SChurn", Assert.Throws<ArgumentOutOfRangeException>(() => new EdmHeunSampler(new EdmHeunOptions { SChurn = -1 })).Message);
        Assert.Contains("options.SigmaMax", Assert.Throws<ArgumentOutOfRangeException>(() => new EdmHeunSampler(new EdmHeunOptions { SigmaMax = 0.001 })).Message);
        Assert.Contains("options.Rho", Assert.Throws<ArgumentOutOfRangeException>(() => new EdmHeunSampler(new EdmHeunOptions { Rho = 0 })).Message);
        Assert.Contains("noise-conditioned", Assert.Throws<ArgumentException>(() => new EdmHeunSampler().Sample(new RecordingField(2, noiseConditioned: false), 4)).Message);
    }

    private static double A(double sigma) => sigma / ((S * S) + (sigma * sigma));

    /// <summary>Mean within 4 standard errors of μ, variance within 4 standard errors (plus a stated bias allowance) of s².</summary>
    internal static void AssertGaussian(Tensor samples, double extraVarianceTolerance)
    {
        long n = samples.shape[0];
        var mean = samples.mean([0]);
        var variance = samples.var(0);
        for (int i = 0; i < Mu.Length; i++)
        {
            double m = mean[i].item<double>(), v = variance[i].item<double>();
            Assert.True(Math.Abs(m - Mu[i]) < 4 * S / Math.Sqrt(n), $"mean[{i}] = {m}, expected {Mu[i]}");
            double stderr = S * S * Math.Sqrt(2.0 / (n - 1));
            Assert.True(Math.Abs(v - (S * S)) < (4 * stderr) + extraVarianceTolerance, $"var[{i}] = {v}, expected {S * S}");
        }
    }
}
