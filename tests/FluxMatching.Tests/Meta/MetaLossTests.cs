namespace FluxMatching.Tests.Meta;

using FluxMatching.Fields;
using FluxMatching.Losses;
using static FluxMatching.Tests.Meta.MetaDevice;

/// <summary>
/// The losses with every tensor on the meta device. Two numbers are host values by design (they set the kernel
/// bandwidth and the integrator's steps, so the loss reads them): σ of the annealed loss and the horizon uniform u,
/// given here as CPU scalars, as the training objective draws them off the CPU.
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
    public void A_sigma_drawn_for_meta_lands_on_meta()
    {
        using var scope = NewDisposeScope();
        OnMeta(SigmaSampler.LogUniform(0.02, 2.0).Sample(null, Meta, ScalarType.Float32));
    }
}
