namespace FluxMatching.Tests.Fields;

using FluxMatching.Fields;

public class GaussianMixtureScoreFieldTests
{
    private static GaussianMixtureScoreField DiagonalMixture(bool noiseConditioned = false) => new(
        new double[,] { { -1.0, 0.5, 2.0 }, { 1.5, -0.5, 0.0 }, { 0.0, 2.0, -1.0 } },
        new double[,] { { 0.5, 1.0, 0.7 }, { 1.2, 0.4, 0.9 }, { 0.8, 0.8, 1.5 } },
        [0.2, 0.5, 0.3],
        noiseConditioned);

    private static Tensor AutogradScore(GaussianMixtureScoreField field, Tensor x, Tensor? sigma)
    {
        var xr = x.detach().clone().requires_grad_(true);
        var logp = field.LogDensity(xr, sigma).sum();
        return torch.autograd.grad([logp], [xr])[0];
    }

    [Fact]
    public void Score_equals_the_autograd_gradient_of_the_log_density()
    {
        using var scope = torch.NewDisposeScope();
        using var field = DiagonalMixture();
        var x = torch.randn(64, 3, ScalarType.Float64, generator: new torch.Generator(11)).mul(2);
        var score = field.Evaluate(x);
        Assert.Equal([64L, 3L], score.shape);
        Assert.True(score.allclose(AutogradScore(field, x, null), rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void Noise_conditioned_score_equals_the_gradient_of_the_smoothed_log_density_per_sample_sigma()
    {
        using var scope = torch.NewDisposeScope();
        using var field = DiagonalMixture(noiseConditioned: true);
        var g = new torch.Generator(12);
        var x = torch.randn(32, 3, ScalarType.Float64, generator: g).mul(2);
        var sigma = torch.rand(32, ScalarType.Float64, generator: g).add(0.05);
        Assert.True(field.Evaluate(x, sigma).allclose(AutogradScore(field, x, sigma), rtol: 1e-10, atol: 1e-12));
        var sigma0 = torch.tensor(0.3, ScalarType.Float64);
        Assert.True(field.Evaluate(x, sigma0).allclose(AutogradScore(field, x, sigma0), rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void Single_gaussian_has_the_linear_score_and_normal_log_density()
    {
        using var scope = torch.NewDisposeScope();
        using var field = GaussianMixtureScoreField.Isotropic(new double[,] { { 1.0, -2.0 } }, 1.5, noiseConditioned: true);
        var x = torch.tensor(new double[,] { { 0.0, 0.0 }, { 3.0, 1.0 } });
        var sigma = torch.tensor(2.0, ScalarType.Float64);
        double v = (1.5 * 1.5) + 4.0;
        var expected = torch.tensor(new double[,] { { 1.0 / v, -2.0 / v }, { -2.0 / v, -3.0 / v } });
        Assert.True(field.Evaluate(x, sigma).allclose(expected, rtol: 1e-14, atol: 1e-15));
        double logp0 = (-5.0 / (2 * v)) - Math.Log(2 * Math.PI * v);
        Assert.Equal(logp0, field.LogDensity(x, sigma)[0].item<double>(), 1e-13);
    }

    [Fact]
    public void Float32_inputs_give_float32_results_close_to_float64()
    {
        using var scope = torch.NewDisposeScope();
        using var field = DiagonalMixture();
        var x = torch.randn(16, 3, ScalarType.Float64, generator: new torch.Generator(13));
        var s32 = field.Evaluate(x.to(ScalarType.Float32));
        Assert.Equal(ScalarType.Float32, s32.dtype);
        Assert.True(s32.to(ScalarType.Float64).allclose(field.Evaluate(x), rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Log_density_is_stable_far_from_every_component()
    {
        using var scope = torch.NewDisposeScope();
        using var field = DiagonalMixture();
        var x = torch.full(new long[] { 2, 3 }, 60.0, ScalarType.Float64);
        Assert.True(torch.isfinite(field.LogDensity(x)).all().item<bool>());
        Assert.True(torch.isfinite(field.Evaluate(x)).all().item<bool>());
    }

    [Fact]
    public void Invalid_arguments_throw_naming_the_parameter()
    {
        Assert.Equal("stds", Assert.Throws<ArgumentOutOfRangeException>(
            () => new GaussianMixtureScoreField(new double[,] { { 0, 0 } }, new double[,] { { 0 } })).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(
            () => GaussianMixtureScoreField.Isotropic(new double[,] { { 0, 0 } }, 1, [1, 2])).ParamName);
        Assert.Equal("stds", Assert.Throws<ArgumentException>(
            () => new GaussianMixtureScoreField(new double[,] { { 0, 0, 0 } }, new double[,] { { 1, 1 } })).ParamName);
        using var scope = torch.NewDisposeScope();
        using var conditioned = DiagonalMixture(noiseConditioned: true);
        Assert.Equal("sigma", Assert.Throws<ArgumentException>(() => conditioned.Evaluate(torch.zeros(2, 3))).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => conditioned.Evaluate(torch.zeros(2, 2), torch.tensor(1f))).ParamName);
    }

    [Fact]
    public void Analytic_density_of_a_noise_conditioned_mixture_is_the_unsmoothed_one()
    {
        using var scope = torch.NewDisposeScope();
        using var plain = DiagonalMixture();
        using var conditioned = DiagonalMixture(noiseConditioned: true);
        var x = torch.randn(8, 3, ScalarType.Float64, generator: new torch.Generator(14));
        Assert.True(conditioned.Score(x).allclose(plain.Evaluate(x), rtol: 1e-14, atol: 1e-14));
        Assert.True(conditioned.LogDensity(x).allclose(plain.LogDensity(x), rtol: 1e-14, atol: 1e-14));
        Assert.False(conditioned.Evaluate(x, torch.tensor(0.5, ScalarType.Float64)).allclose(plain.Evaluate(x), rtol: 1e-3, atol: 1e-3));
    }
}
