namespace FluxMatching.Tests.Meta;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Metrics;
using static FluxMatching.Tests.Meta.MetaDevice;

/// <summary>The Sinkhorn divergence and the mixing regularizer with every tensor on the meta device.</summary>
public class MetaMixingTests
{
    [Fact]
    public void The_sinkhorn_divergence_runs_and_differentiates_on_meta()
    {
        using var scope = NewDisposeScope();
        var x = Batch(8).requires_grad_(true);
        var sd = SinkhornDivergence.Compute(x, Batch(8));
        OnMeta(sd);
        var g = autograd.grad([sd], [x])[0];
        OnMeta(g, 8, 2);
    }

    [Fact]
    public void The_mixing_regularizer_of_an_mlp_runs_on_meta_with_its_normalizer()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2));
        var normalizer = new LossNormalizer(8);
        normalizer.to(Meta);
        var r = new MixingRegularizer().Compute(field, Batch(16), 0.45);
        OnMeta(r.Loss);
        OnMeta(r.X1, 8, 2);
        var term = MixingRegularizer.Normalized(r.Loss, normalizer, full([], 0.45, ScalarType.Float32, Meta), 0.01);
        OnMeta(term);
        term.backward();
        Assert.All(field.parameters(), p => OnMeta(p.grad!, p.shape));
    }
}
