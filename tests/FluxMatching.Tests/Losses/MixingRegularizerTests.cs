namespace FluxMatching.Tests.Losses;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Metrics;

public class MixingRegularizerTests
{
    /// <summary>f(x) = −x/v + c: the score of N(c·v, v·I), noise-conditioned or not.</summary>
    private sealed class LinearField(bool noiseConditioned = false) : IVectorField
    {
        public int Dimension => 2;

        public bool IsNoiseConditioned => noiseConditioned;

        public ScalarType DType => ScalarType.Float64;

        public double[]? LastSigma { get; private set; }

        public Tensor Evaluate(Tensor x, Tensor? sigma = null)
        {
            LastSigma = sigma is null ? null : Numerics.Values(sigma);
            return x.mul(-1 / 0.8).add(0.25);
        }
    }

    private static Tensor Batch(int n = 20) => randn([n, 2], ScalarType.Float64, generator: new Generator(3)).mul(0.7);

    [Theory]
    [InlineData(MixingDrive.DenoiserOverSigma)]
    [InlineData(MixingDrive.Score)]
    public void The_loss_replays_the_authors_recipe_with_the_same_draws(MixingDrive drive)
    {
        using var scope = NewDisposeScope();
        const double sigma = 0.45;
        var x = Batch();
        var field = new LinearField();
        var r = new MixingRegularizer(new MixingRegularizerOptions { Drive = drive }).Compute(field, x, sigma, new Generator(11));

        var g = new Generator(11);
        Tensor Noise() => randn([10, 2], ScalarType.Float64, generator: g);
        var y = x.narrow(0, 0, 10) + sigma * Noise();
        var x0 = x.narrow(0, 10, 10) + sigma * Noise();
        x0 = x0 + sigma * Noise();
        double eps = 2 * sigma * sigma * 0.1;
        var drift = drive == MixingDrive.DenoiserOverSigma ? field.Evaluate(x0) * sigma : field.Evaluate(x0);
        var x1 = x0 + eps * drift + Math.Sqrt(2 * eps) * Noise();
        double d1 = SinkhornDivergence.Compute(x1, y).item<double>();
        double d0 = SinkhornDivergence.Compute(x0, y).item<double>();

        Assert.True(Numerics.RelativeError(Numerics.Values(x1), Numerics.Values(r.X1)) < 1e-14);
        Assert.Equal(d0, r.InitialDivergence.item<double>(), 1e-12);
        Assert.Equal(d1, r.Divergence.item<double>(), 1e-12);
        Assert.Equal(d1 / (d0 + 1e-3), r.Loss.item<double>(), 1e-12);
    }

    [Fact]
    public void The_two_drives_differ_by_the_factor_sigma_on_the_drift_only()
    {
        using var scope = NewDisposeScope();
        const double sigma = 0.3;
        var x = Batch(21);   // odd: the last sample is unused
        var field = new LinearField();
        var a = new MixingRegularizer().Compute(field, x, sigma, new Generator(5));
        var b = new MixingRegularizer(new MixingRegularizerOptions { Drive = MixingDrive.Score }).Compute(field, x, sigma, new Generator(5));
        Assert.Equal(MixingDrive.DenoiserOverSigma, MixingRegularizerOptions.Default.Drive);
        Assert.Equal([10L, 2L], a.X1.shape);
        Assert.Equal(a.InitialDivergence.item<double>(), b.InitialDivergence.item<double>());
        // x1 = x0 + ε·k·f(x0) + noise with k = σ (authors) or 1 (score); f is affine, so the difference is ε(σ − 1)f(x0).
        var diff = a.X1 - b.X1;
        var g = new Generator(5);
        var y = x.narrow(0, 0, 10) + sigma * randn([10, 2], ScalarType.Float64, generator: g);
        var x0 = x.narrow(0, 10, 10) + sigma * randn([10, 2], ScalarType.Float64, generator: g);
        x0 = x0 + sigma * randn([10, 2], ScalarType.Float64, generator: g);
        var want = field.Evaluate(x0) * (0.2 * sigma * sigma * (sigma - 1));
        Assert.True(Numerics.RelativeError(Numerics.Values(want), Numerics.Values(diff)) < 1e-12);
        Assert.True(diff.abs().max().item<double>() > 1e-3);
    }

    [Fact]
    public void A_noise_conditioned_field_is_evaluated_at_sigma_and_gradients_reach_the_field_but_not_the_denominator()
    {
        using var scope = NewDisposeScope();
        var conditioned = new LinearField(noiseConditioned: true);
        new MixingRegularizer().Compute(conditioned, Batch(), 0.6, new Generator(1));
        Assert.NotNull(conditioned.LastSigma);
        Assert.All(conditioned.LastSigma!, v => Assert.Equal(0.6, v, 1e-15));

        torch.manual_seed(0);
        var mlp = new MlpField(2, 16, 2).to(ScalarType.Float64);
        var r = new MixingRegularizer().Compute(mlp, Batch(), 0.45, new Generator(2));
        Assert.False(r.InitialDivergence.requires_grad);
        Assert.True(r.Loss.requires_grad);
        r.Loss.backward();
        Assert.Contains(mlp.parameters(), p => p.grad is not null && p.grad.abs().sum().item<double>() > 0);
    }

    [Fact]
    public void The_training_term_is_the_weighted_normalized_loss()
    {
        using var scope = NewDisposeScope();
        var normalizer = new LossNormalizer(8).to(ScalarType.Float64);
        var sigma = tensor(0.45);
        var loss = tensor(0.7);
        double m = normalizer.forward(sigma.reshape(1)).item<double>();
        double term = MixingRegularizer.Normalized(loss, normalizer, sigma, 0.01).item<double>();
        Assert.Equal(0.01 * ((0.7 / Math.Exp(m)) + m), term, 1e-14);
        Assert.Throws<ArgumentOutOfRangeException>(() => MixingRegularizer.Normalized(loss, normalizer, sigma, -1));
    }

    [Fact]
    public void Bad_inputs_are_refused_with_the_parameter_named()
    {
        using var scope = NewDisposeScope();
        var reg = new MixingRegularizer();
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => reg.Compute(new LinearField(), zeros(1, 2, ScalarType.Float64), 0.4)).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => reg.Compute(new LinearField(), Batch(), 0)).ParamName);
        Assert.Equal("StepScale", Assert.Throws<ArgumentOutOfRangeException>(() => new MixingRegularizer(new MixingRegularizerOptions { StepScale = -1 })).ParamName);
    }
}
