namespace FluxMatching.Tests.Meta;

using FluxMatching.Fields;
using FluxMatching.Losses;
using static FluxMatching.Tests.Meta.MetaDevice;

/// <summary>
/// The losses with every tensor on the meta device. Off the CPU the horizon t stays a tensor (drawn on the device, or
/// by the learned proposal); σ of the annealed loss is a host number by design (the kernel bandwidth), given as a CPU
/// scalar as the training objective draws it off the CPU. Some tests also give the horizon uniform as a host number.
/// </summary>
public class MetaLossTests
{
    private static FluxLossDraws HostHorizon(double u = 0.3) => new(HorizonUniform: tensor(u));

    [Fact]
    public void The_fixed_sigma_flux_loss_of_an_mlp_runs_on_meta()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2));
        var r = new FluxMatchingLoss().Compute(field, Batch(16), 0.05, draws: HostHorizon());
        OnMeta(r.PerSample, 16);
        OnMeta(r.Xt, 16, 2);
        r.PerSample.mean().backward();
        Assert.All(field.parameters(), p => OnMeta(p.grad!, p.shape));
    }

    [Fact]
    public void The_flux_loss_of_a_callable_field_with_the_exact_divergence_runs_on_meta()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2));
        var loss = new FluxMatchingLoss(FluxLossOptions.Default with { Divergence = DivergenceEstimator.Exact });
        var r = loss.Compute(z => field.Evaluate(z), Batch(16), 0.05, draws: HostHorizon());
        OnMeta(r.PerSample, 16);
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("transformer")]
    public void The_annealed_flux_loss_with_normalizer_runs_on_meta(string name)
    {
        using var scope = NewDisposeScope();
        TrainableField field = name == "mlp"
            ? new MlpField(2, 16, 2, noiseConditioned: true)
            : new TransformerField(new TransformerFieldConfig { SequenceLength = 2, Features = 1, Hidden = 8, Depth = 1, Heads = 2 });
        Moved(field);
        var normalizer = new LossNormalizer(8);
        normalizer.to(Meta);
        var r = new AnnealedFluxLoss().Compute(field, Batch(16), tensor(0.4), normalizer, draws: HostHorizon());
        OnMeta(r.Total, 16);
        OnMeta(r.NormalizerOutput!, 1);
        r.Total.mean().backward();
        Assert.All(normalizer.parameters(), p => OnMeta(p.grad!, p.shape));
    }

    [Fact]
    public void The_flux_loss_with_a_learned_horizon_proposal_draws_and_keeps_t_on_meta()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2));
        var proposal = new ExponentialTimeProposal(8);
        proposal.to(Meta);
        var r = new FluxMatchingLoss().Compute(field, Batch(16), 0.05, proposal);
        OnMeta(r.PerSample, 16);
        OnMeta(r.T);
        OnMeta(r.ProposalDensity);
        r.PerSample.mean().backward();
        Assert.All(field.parameters(), p => OnMeta(p.grad!, p.shape));
    }

    [Fact]
    public void The_annealed_flux_loss_with_normalizer_and_proposal_draws_everything_on_meta_but_sigma()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2, noiseConditioned: true));
        var normalizer = new LossNormalizer(8);
        normalizer.to(Meta);
        var proposal = new ExponentialTimeProposal(8);
        proposal.to(Meta);
        var r = new AnnealedFluxLoss().Compute(field, Batch(16), tensor(0.4), normalizer, proposal);
        OnMeta(r.Total, 16);
        OnMeta(r.Reinforce!, 16);
        r.Total.mean().backward();
        Assert.All(proposal.parameters(), p => OnMeta(p.grad!, p.shape));
    }

    [Fact]
    public void The_dsm_losses_run_on_meta()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2));
        var x = Batch(16);
        OnMeta(DsmLoss.EpsilonPlain(z => field.Evaluate(z), x, 0.05), 16);
        OnMeta(DsmLoss.EpsilonKde(z => field.Evaluate(z), x, 0.05), 16);
        OnMeta(DsmLoss.X0Kde(z => field.Evaluate(z), x, 0.05), 16);
        OnMeta(DsmLoss.EpsilonPlain(FieldCapabilities.FirstOrder(field, null), x, 0.05), 16);
    }

    [Fact]
    public void The_dsm_x0_loss_of_a_sigma_conditioned_mlp_through_its_tweedie_denoiser_runs_on_meta()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2, noiseConditioned: true));
        var x = Batch(16);
        var sigma = SigmaSampler.EdmLogNormal().SampleBatch(16, perSample: false, null, Meta);
        var denoiser = FieldCapabilities.Denoiser(field);
        OnMeta(denoiser(x, sigma), 16, 2);
        OnMeta(DsmLoss.X0Kde(z => denoiser(z, sigma), x, 0.25), 16);
    }

    [Fact]
    public void Sigmas_for_a_batch_drawn_for_meta_land_on_meta_shaped_b()
    {
        using var scope = NewDisposeScope();
        OnMeta(SigmaSampler.EdmLogNormal().SampleBatch(8, perSample: true, null, Meta), 8);
        OnMeta(SigmaSampler.LogUniform(0.02, 2.0).SampleBatch(8, perSample: false, null, Meta), 8);
    }

    [Fact]
    public void A_sigma_drawn_for_meta_lands_on_meta()
    {
        using var scope = NewDisposeScope();
        OnMeta(SigmaSampler.LogUniform(0.02, 2.0).Sample(null, Meta, ScalarType.Float32));
    }
}
