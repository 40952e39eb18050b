namespace FluxMatching.Tests.Losses;

using FluxMatching.Fields;
using FluxMatching.Losses;

public class AnnealedFluxLossTests
{
    private static readonly AnnealedFluxLoss Loss = new();

    [Fact]
    public void The_annealed_loss_is_the_flux_loss_of_the_sigma_conditioned_field_at_sigma_squared()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(16);
        var field = new MlpField(2, 16, 2, noiseConditioned: true).to(ScalarType.Float64);
        var sigma = tensor(0.4);
        var annealed = Loss.Compute(field, x, sigma, generator: new Generator(3));
        var plain = new FluxMatchingLoss().Compute(z => field.Evaluate(z, sigma), x, 0.4 * 0.4,
            generator: new Generator(3));
        // The field overload takes the MLP's closed-form end-point terms, the callable autograd: equal up to rounding.
        Assert.True(Numerics.RelativeError(Numerics.Values(plain.PerSample), Numerics.Values(annealed.Raw)) < 1e-12);
        Assert.Equal(Numerics.Values(annealed.Raw), Numerics.Values(annealed.Total));
        Assert.Null(annealed.Reinforce);
        Assert.Null(annealed.NormalizerOutput);
        Assert.Equal(0.4, annealed.Sigma.ToDouble());
    }

    [Fact]
    public void Normaliser_and_proposal_terms_are_added_as_in_the_reference()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(16);
        var field = new MlpField(2, 16, 2, noiseConditioned: true).to(ScalarType.Float64);
        var normalizer = new LossNormalizer(8).to(ScalarType.Float64);
        var proposal = new ExponentialTimeProposal(8).to(ScalarType.Float64);
        var sigma = tensor(0.25);
        var r = Loss.Compute(field, x, sigma, normalizer, proposal, generator: new Generator(4));

        double s = normalizer.forward(tensor(new[] { 0.25 })).ToDouble();
        var normalised = Numerics.Values(r.Raw).Select(v => v / Math.Exp(s)).ToArray();
        double target = normalised.Average();
        double logQ = proposal.LogDensity(r.T, tensor(new[] { 0.25 })).ToDouble();
        var expected = normalised.Select(v => v + s - target * logQ).ToArray();
        Assert.True(Numerics.RelativeError(expected, Numerics.Values(r.Total)) < 1e-13);
        Assert.All(Numerics.Values(r.Reinforce!), v => Assert.Equal(-target * logQ, v, 1e-12));

        r.Total.mean().backward();
        Assert.All(field.parameters(), p => Assert.NotNull(p.grad));
        Assert.All(normalizer.parameters(), p => Assert.NotNull(p.grad));
        Assert.All(proposal.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void A_sampler_draws_sigma_first_from_the_generator()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(8);
        var field = new MlpField(2, 8, 1, noiseConditioned: true).to(ScalarType.Float64);
        var sampler = SigmaSampler.LogUniform(0.02, 2.0);
        var viaSampler = Loss.Compute(field, x, sampler, generator: new Generator(9));

        var g = new Generator(9);
        var sigma = sampler.Sample(g, dtype: ScalarType.Float64);
        var direct = Loss.Compute(field, x, sigma, generator: g);
        Assert.Equal(sigma.ToDouble(), viaSampler.Sigma.ToDouble());
        Assert.Equal(Numerics.Values(direct.Raw), Numerics.Values(viaSampler.Raw));
    }

    [Fact]
    public void Unconditioned_fields_and_bad_sigmas_are_rejected()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(4);
        var conditioned = new MlpField(2, 4, 1, noiseConditioned: true).to(ScalarType.Float64);
        Assert.Throws<ArgumentException>(() =>
            Loss.Compute(new MlpField(2, 4, 1).to(ScalarType.Float64), x, tensor(0.3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Compute(conditioned, x, tensor(-0.3)));
        Assert.Throws<ArgumentException>(() => Loss.Compute(conditioned, x, tensor(new[] { 0.3, 0.4 })));
    }
}
