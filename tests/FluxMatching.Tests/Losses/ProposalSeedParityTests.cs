namespace FluxMatching.Tests.Losses;

using FluxMatching.Losses;

/// <summary>torch.manual_seed(0) parity of the proposal's own uniform draw (the authors' src/exponential.py and src/normalizer.py).</summary>
[Collection(GlobalRngCollection.Name)]
public class ProposalSeedParityTests
{
    [Fact]
    public void Sampling_after_manual_seed_zero_reproduces_the_golden_horizon()
    {
        using var scope = NewDisposeScope();
        var q = new ExponentialTimeProposal().to(ScalarType.Float64);
        using (no_grad())
        {
            foreach (var p in q.parameters())
            {
                p.zero_();
            }

            q.InputLayer.weight![0, 0] = tensor(1.0);
            q.OutputLayer.weight![0, 0] = tensor(2.0);
            q.OutputLayer.bias![0] = tensor(0.5);
        }

        manual_seed(0);
        var sample = q.Sample(tensor(new[] { 1.0 }));
        Assert.Equal(0.970053001806553, sample.Uniform.ToDouble(), 1e-15);
        Assert.Equal(1.77112879297695, sample.T.ToDouble(), 1e-13);
        Assert.Equal(0.0598525367483409, sample.Density.ToDouble(), 1e-15);
    }
}
