namespace FluxMatching.Tests.Losses;

using FluxMatching.Losses;

/// <summary>DSM baselines: golden values of the authors' baselines and an analytic oracle for the plain form.</summary>
public class DsmLossTests
{
    private static Tensor X => tensor(new[] { 0.5, -1.0, 1.5, 0.25, -0.75, 0.8 }, [3, 2]);

    private static Tensor Noise => tensor(new[]
    {
        1.5409961082440433, -0.2934289057609464, -2.1787893820745574, 0.5684312772806678, -1.084522342424021,
        -1.3985953953708767,
    }, [3, 2]);

    [Fact]
    public void X0_form_with_the_kde_target_matches_the_golden_values()
    {
        using var scope = NewDisposeScope();
        var loss = DsmLoss.X0Kde(z => z / 2.0, X, 0.3, noise: Noise);
        Numerics.AssertRelative([0.31674092972512075, 0.18122855245191, 2.2398195387917945], loss, 1e-14);
    }

    [Fact]
    public void Epsilon_form_with_the_kde_target_matches_the_golden_values()
    {
        using var scope = NewDisposeScope();
        var loss = DsmLoss.EpsilonKde(z => -z, X, 0.3, noise: Noise);
        Numerics.AssertRelative([0.19483634833681074, 0.0997242308840407, 1.0450923926187974], loss, 1e-14);
    }

    [Fact]
    public void Plain_epsilon_form_of_a_zero_field_is_the_squared_noise_over_sigma_squared()
    {
        using var scope = NewDisposeScope();
        var loss = DsmLoss.EpsilonPlain(z => zeros_like(z), X, 0.3, noise: Noise);
        Numerics.AssertRelative(Numerics.Values(Noise.square().sum(1) / 0.3), loss, 1e-15);
    }

    [Fact]
    public void Plain_epsilon_form_is_zero_for_the_exact_noise_regressor_and_keeps_sample_shapes()
    {
        using var scope = NewDisposeScope();
        var x = randn(4, 1, 2, 2, dtype: ScalarType.Float64, generator: new Generator(3));
        var eps = randn(4, 1, 2, 2, dtype: ScalarType.Float64, generator: new Generator(4));
        var loss = DsmLoss.EpsilonPlain(z => -(z - x) / 0.2, x, 0.2, noise: eps);
        Assert.Equal(new long[] { 4 }, loss.shape);
        Assert.True(loss.abs().max().ToDouble() < 1e-20);
    }

    [Fact]
    public void Seeded_noise_is_reproducible_and_gradients_reach_the_model()
    {
        using var scope = NewDisposeScope();
        var w = tensor(0.5).requires_grad_(true);
        var a = DsmLoss.EpsilonKde(z => z * w, X, 0.3, generator: new Generator(1));
        var b = DsmLoss.EpsilonKde(z => z * w, X, 0.3, generator: new Generator(1));
        Assert.Equal(Numerics.Values(a), Numerics.Values(b));
        a.mean().backward();
        Assert.NotNull(w.grad);
        Assert.Throws<ArgumentException>(() => DsmLoss.X0Kde(z => z, X, 0.3, noise: zeros(2, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DsmLoss.X0Kde(z => z, X, 0.3, sigmaData: 0));
    }
}
