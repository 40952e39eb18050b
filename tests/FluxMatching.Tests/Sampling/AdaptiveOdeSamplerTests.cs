namespace FluxMatching.Tests.Sampling;

using FluxMatching.Sampling;

/// <summary>The adaptive Heun–Euler probability-flow ODE on Gaussian data, against the exact flow map from σ_max to
/// σ_min, x ↦ μ + (x − μ)·√((s² + σ_min²)/(s² + σ_max²)).</summary>
public class AdaptiveOdeSamplerTests
{
    private static readonly double[] Mu = [0.3, -0.2];

    [Fact]
    public void Follows_the_exact_flow_and_samples_the_gaussian()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, 0.5);
        var x0 = randn([4000, 2], ScalarType.Float64, generator: new Generator(3)).mul(80.0);
        var r = new AdaptiveOdeSampler(new AdaptiveOdeOptions { ClampDenoised = false }).Sample(field, x0);
        Assert.Equal(field.Evaluations, r.FunctionEvaluations);
        double worst = r.Samples.sub(field.Flow(x0, 80.0, 0.002)).abs().max().item<double>();
        Assert.True(worst < 1e-2, $"max deviation {worst} with {r.FunctionEvaluations} NFE");
        EdmHeunSamplerTests.AssertGaussian(r.Samples, extraVarianceTolerance: 0);
    }

    [Fact]
    public void A_tighter_rtol_costs_more_evaluations_and_errs_less()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, 0.5);
        var x0 = randn([256, 2], ScalarType.Float64, generator: new Generator(4)).mul(80.0);
        var exact = field.Flow(x0, 80.0, 0.002);
        var (loose, looseError) = Run(field, x0, exact, 1e-3);
        var (tight, tightError) = Run(field, x0, exact, 1e-6);
        Assert.True(tight > loose, $"NFE {tight} (rtol 1e-6) vs {loose} (rtol 1e-3)");
        Assert.True(tightError < looseError / 10, $"error {tightError} (rtol 1e-6) vs {looseError} (rtol 1e-3)");
    }

    [Fact]
    public void A_seeded_generator_makes_runs_identical()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, 0.5);
        var sampler = new AdaptiveOdeSampler(new AdaptiveOdeOptions { Rtol = 1e-3, Atol = 1e-3 });
        var a = sampler.Sample(field, 64, new Generator(7));
        var b = sampler.Sample(field, 64, new Generator(7));
        var c = sampler.Sample(field, 64, new Generator(8));
        Assert.True(a.Samples.eq(b.Samples).all().item<bool>());
        Assert.Equal(a.FunctionEvaluations, b.FunctionEvaluations);
        Assert.False(a.Samples.eq(c.Samples).all().item<bool>());
    }

    [Fact]
    public void The_trajectory_starts_at_the_start_and_ends_at_the_samples()
    {
        using var scope = NewDisposeScope();
        var x0 = randn([16, 2], ScalarType.Float64, generator: new Generator(1)).mul(80.0);
        var r = new AdaptiveOdeSampler(new AdaptiveOdeOptions { RecordEvery = 1, Rtol = 1e-3, Atol = 1e-3 }).Sample(new GaussianDataField(Mu, 0.5), x0);
        Assert.Equal(r.Steps + 1, r.Trajectory!.shape[0]);
        Assert.True(r.Trajectory[0].eq(x0).all().item<bool>());
        Assert.True(r.Trajectory[-1].eq(r.Samples).all().item<bool>());
    }

    [Fact]
    public void Running_out_of_steps_names_the_setting()
    {
        using var scope = NewDisposeScope();
        var sampler = new AdaptiveOdeSampler(new AdaptiveOdeOptions { MaxSteps = 3, ClampDenoised = false });
        var e = Assert.Throws<InvalidOperationException>(() => sampler.Sample(new GaussianDataField(Mu, 0.5), 8, new Generator(1)));
        Assert.Contains("MaxSteps", e.Message);
    }

    [Fact]
    public void Bad_settings_name_the_parameter()
    {
        Assert.Contains("options.Rtol", Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveOdeSampler(new AdaptiveOdeOptions { Rtol = 0 })).Message);
        Assert.Contains("options.Atol", Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveOdeSampler(new AdaptiveOdeOptions { Atol = double.NaN })).Message);
        Assert.Contains("options.MaxSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveOdeSampler(new AdaptiveOdeOptions { MaxSteps = 0 })).Message);
    }

    private static (int Nfe, double Error) Run(GaussianDataField field, Tensor x0, Tensor exact, double tolerance)
    {
        var r = new AdaptiveOdeSampler(new AdaptiveOdeOptions { Rtol = tolerance, Atol = tolerance, ClampDenoised = false }).Sample(field, x0);
        return (r.FunctionEvaluations, r.Samples.sub(exact).abs().max().item<double>());
    }
}
