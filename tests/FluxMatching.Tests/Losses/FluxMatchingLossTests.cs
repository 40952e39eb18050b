namespace FluxMatching.Tests.Losses;

using FluxMatching.Fields;
using FluxMatching.Kernels;
using FluxMatching.Losses;

public class FluxMatchingLossTests
{
    private const double S2 = LossTestData.Sigma2;
    private static readonly FluxMatchingLoss Loss = new();

    private static double[] PerSample(Func<Tensor, Tensor> f, Tensor x, ulong seed, FluxMatchingLoss? loss = null) =>
        Numerics.Values((loss ?? Loss).Compute(f, x, S2, generator: new Generator(seed)).PerSample);

    [Fact]
    public void Loss_is_exactly_zero_when_the_field_is_the_batch_kde_score()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch();
        using var kde = new BatchKde(x, S2);
        for (ulong seed = 0; seed < 5; seed++)
        {
            Assert.All(PerSample(kde.Score, x, seed), v => Assert.Equal(0.0, v));
        }
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(-1.0)]
    public void Loss_scales_quadratically_with_the_distance_to_the_score(double c)
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch();
        using var kde = new BatchKde(x, S2);
        Tensor Fc(Tensor z) => kde.Score(z) + (LossTestData.Smooth(z) - kde.Score(z)) * c;
        var baseLoss = PerSample(LossTestData.Smooth, x, 3);
        var scaled = PerSample(Fc, x, 3);
        Assert.True(Numerics.RelativeError(baseLoss.Select(v => c * c * v).ToArray(), scaled) < 1e-12);
    }

    [Fact]
    public void Shifting_data_and_field_together_leaves_the_loss_unchanged()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch();
        var a = tensor(new double[] { 3.0, -5.0 });
        var plain = PerSample(LossTestData.Smooth, x, 11);
        var shifted = PerSample(z => LossTestData.Smooth(z - a), x + a, 11);
        Assert.True(plain.Zip(shifted).All(p => Math.Abs(p.First - p.Second) < 1e-11));
    }

    [Fact]
    public void A_proposal_only_rescales_the_carried_gradient_by_one_over_q()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(16);
        var proposal = new ExponentialTimeProposal(hidden: 4).to(ScalarType.Float64);
        var withProposal = Loss.Compute(LossTestData.Smooth, x, S2, proposal,
            new FluxLossDraws(HorizonUniform: tensor(new[] { 0.37 })), new Generator(5));
        double t = withProposal.T.ToDouble(), q = withProposal.ProposalDensity.ToDouble();
        var uniform = Loss.Compute(LossTestData.Smooth, x, S2, null,
            new FluxLossDraws(HorizonUniform: tensor(t / 4.0)), new Generator(5));
        Assert.Equal(t, uniform.T.ToDouble());
        var expected = Numerics.Values(uniform.PerSample).Select(v => v * 0.25 / q).ToArray();
        Assert.True(Numerics.RelativeError(expected, Numerics.Values(withProposal.PerSample)) < 1e-12);
    }

    [Fact]
    public void Parameters_get_gradient_only_through_the_anchor_evaluation_and_the_proposal_gets_none()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(12);
        var w = tensor(new double[] { -1.2, 0.3, -0.4, -0.9 }, [2, 2]).requires_grad_(true);
        var b = tensor(new double[] { 0.2, -0.1 }).requires_grad_(true);
        var proposal = new ExponentialTimeProposal(hidden: 4).to(ScalarType.Float64);
        Tensor F(Tensor z) => z.mm(w.t()) + b + z.tanh() * 0.5;
        var result = Loss.Compute(F, x, S2, proposal, generator: new Generator(2));
        result.PerSample.mean().backward();

        var g = result.CarriedGradient;
        Numerics.AssertRelative(Numerics.Values(g.sum(0L) * (-2.0 / 12)), b.grad!, 1e-12);
        Numerics.AssertRelative(Numerics.Values(g.t().mm(result.X0) * (-2.0 / 12)), w.grad!, 1e-12);
        Assert.All(proposal.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Any_sample_shape_gives_the_same_loss_as_its_flattened_form()
    {
        using var scope = NewDisposeScope();
        var x = randn(6, 2, 2, 3, dtype: ScalarType.Float64, generator: new Generator(1));
        Tensor F(Tensor z) => z.tanh() * 0.7 - z.flip(-1) * 0.2;
        var r4 = Loss.Compute(F, x, 0.5, generator: new Generator(9));
        var r2 = Loss.Compute(z => F(z.reshape(6, 2, 2, 3)).reshape(6, 12), x.reshape(6, 12), 0.5,
            generator: new Generator(9));

        Assert.Equal(new long[] { 6 }, r4.PerSample.shape);
        Assert.Equal(ScalarType.Float64, r4.PerSample.dtype);
        Assert.Equal(0, r4.T.dim());
        Assert.InRange(r4.T.ToDouble(), 0.0, 4.0);
        Assert.Equal(x.shape, r4.X0.shape);
        Assert.Equal(x.shape, r4.Xt.shape);
        Assert.Equal(x.shape, r4.CarriedGradient.shape);
        Assert.Equal(new long[] { 6 }, r4.Residual.shape);
        Assert.Equal(Numerics.Values(r2.PerSample), Numerics.Values(r4.PerSample));
    }

    [Fact]
    public void Float32_follows_float64_with_the_same_draws()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(32);
        var draws = new FluxLossDraws(randn(32, 2, dtype: ScalarType.Float64, generator: new Generator(1)),
            tensor(0.3),
            [.. Enumerable.Range(2, 4).Select(s => randn(32, 2, dtype: ScalarType.Float64, generator: new Generator((ulong)s)))],
            randint(0, 2, [32, 2], generator: new Generator(6)));
        var r64 = Loss.Compute(LossTestData.Smooth, x, S2, draws: draws);
        var r32 = Loss.Compute(LossTestData.Smooth, x.to(ScalarType.Float32), S2, draws: draws);
        Assert.Equal(ScalarType.Float32, r32.PerSample.dtype);
        double err = Numerics.RelativeError(Numerics.Values(r64.PerSample), Numerics.Values(r32.PerSample));
        Assert.True(err < 1e-4, $"{err:E2}");
    }

    [Fact]
    public void The_same_generator_seed_reproduces_the_loss_and_another_seed_changes_it()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(16);
        Assert.Equal(PerSample(LossTestData.Smooth, x, 4), PerSample(LossTestData.Smooth, x, 4));
        Assert.NotEqual(PerSample(LossTestData.Smooth, x, 4), PerSample(LossTestData.Smooth, x, 5));
    }

    [Fact]
    public void Exact_divergence_equals_the_rademacher_probe_for_a_diagonal_jacobian()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(16);
        using var kde = new BatchKde(x, S2);
        Tensor F(Tensor z) => kde.Score(z) + z.tanh() * 0.6;                 // u = f − ŝ has a diagonal Jacobian
        var exact = new FluxMatchingLoss(new FluxLossOptions { Divergence = DivergenceEstimator.Exact });
        Assert.True(Numerics.RelativeError(PerSample(F, x, 8), PerSample(F, x, 8, exact)) < 1e-12);
    }

    [Fact]
    public void Horizon_and_substeps_are_configurable()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(8);
        var loss = new FluxMatchingLoss(new FluxLossOptions { Horizon = 2.0, Substeps = 2 });
        var noises = new[] { zeros(8, 2, dtype: ScalarType.Float64), zeros(8, 2, dtype: ScalarType.Float64) };
        var r = loss.Compute(LossTestData.Smooth, x, S2,
            draws: new FluxLossDraws(zeros(8, 2, dtype: ScalarType.Float64), tensor(0.75), noises));
        Assert.Equal(1.5, r.T.ToDouble());
        Assert.Equal(0.5, r.ProposalDensity.ToDouble());

        // Noise-free substeps: z ← e^{−h} z + (1 − e^{−h}) m(z) with h = t/2, twice, from x0 = x.
        using var kde = new BatchKde(x, S2);
        var z = x;
        double rho = Math.Exp(-0.75);
        for (int k = 0; k < 2; k++)
        {
            z = z * rho + kde.Denoiser(z) * (1 - rho);
        }

        Numerics.AssertRelative(Numerics.Values(z), r.Xt, 1e-13);
    }

    [Fact]
    public void A_zero_horizon_gives_a_finite_loss_with_and_without_a_variance_clamp()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(8);
        var draws = new FluxLossDraws(HorizonUniform: tensor(0.0));
        var plain = Loss.Compute(LossTestData.Smooth, x, S2, draws: draws, generator: new Generator(1));
        var clamped = new FluxMatchingLoss(new FluxLossOptions { MinOneJumpVariance = 1e-12 })
            .Compute(LossTestData.Smooth, x, S2, draws: draws, generator: new Generator(1));
        Assert.True(plain.PerSample.isfinite().all().item<bool>());
        Assert.True(clamped.PerSample.isfinite().all().item<bool>());
        Assert.Equal(Numerics.Values(plain.Xt), Numerics.Values(plain.X0));
    }

    [Fact]
    public void A_vector_field_is_evaluated_like_its_callable_and_conditioned_fields_are_redirected()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(8);
        var field = new MlpField(2, 8, 2).to(ScalarType.Float64);
        var viaField = Loss.Compute(field, x, S2, generator: new Generator(1));
        var viaCallable = Loss.Compute(z => field.Evaluate(z), x, S2, generator: new Generator(1));
        // An MlpField takes the closed-form end-point path (MlpField.HutchinsonTerms), the callable autograd: equal up
        // to rounding.
        Assert.True(Numerics.RelativeError(Numerics.Values(viaCallable.PerSample), Numerics.Values(viaField.PerSample)) < 1e-12);
        var conditioned = new MlpField(2, 8, 2, noiseConditioned: true).to(ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => Loss.Compute(conditioned, x, S2));
    }

    [Fact]
    public void Generator_draws_follow_the_reference_order_including_gaussian_probes()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(8);
        var gaussian = new FluxMatchingLoss(new FluxLossOptions { Divergence = DivergenceEstimator.Gaussian });
        var drawn = gaussian.Compute(LossTestData.Smooth, x, S2, generator: new Generator(21));

        var g = new Generator(21);
        var anchor = randn(8, 2, dtype: ScalarType.Float64, generator: g);
        var u = rand(Array.Empty<long>(), dtype: ScalarType.Float64, generator: g);
        var noises = Enumerable.Range(0, 4).Select(_ => randn(8, 2, dtype: ScalarType.Float64, generator: g)).ToArray();
        var probe = randn(8, 2, dtype: ScalarType.Float64, generator: g);
        var injected = Loss.Compute(LossTestData.Smooth, x, S2, draws: new FluxLossDraws(anchor, u, noises, probe));
        Assert.Equal(Numerics.Values(injected.PerSample), Numerics.Values(drawn.PerSample));
    }

    [Fact]
    public void The_loss_can_be_evaluated_under_no_grad_without_a_parameter_graph()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(8);
        var field = new MlpField(2, 8, 2).to(ScalarType.Float64);
        var withGrad = Loss.Compute(field, x, S2, generator: new Generator(2));
        using (no_grad())
        {
            var without = Loss.Compute(field, x, S2, generator: new Generator(2));
            Assert.False(without.PerSample.requires_grad);
            Assert.Equal(Numerics.Values(withGrad.PerSample), Numerics.Values(without.PerSample));
        }

        Assert.True(withGrad.PerSample.requires_grad);
    }
}
