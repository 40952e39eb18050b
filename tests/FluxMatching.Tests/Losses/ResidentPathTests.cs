namespace FluxMatching.Tests.Losses;

using FluxMatching.Fields;
using FluxMatching.Losses;

/// <summary>The loss's path for devices other than the CPU (horizon kept as a tensor) against the CPU path.</summary>
public class ResidentPathTests
{
    [Theory]
    [InlineData(false, DivergenceEstimator.Rademacher)]
    [InlineData(true, DivergenceEstimator.Rademacher)]
    [InlineData(false, DivergenceEstimator.Exact)]
    public void The_device_path_gives_the_cpu_paths_values_from_the_same_draws(bool withProposal, DivergenceEstimator divergence)
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(32);
        var field = new MlpField(2, 16, 2).to(ScalarType.Float64);
        var proposal = withProposal ? new ExponentialTimeProposal(8).to(ScalarType.Float64) : null;
        var options = FluxLossOptions.Default with { Divergence = divergence };
        var cpu = new FluxMatchingLoss(options).Compute(field, x, LossTestData.Sigma2, proposal, generator: new Generator(5));
        var resident = new FluxMatchingLoss(options) { ResidentOnCpu = true }
            .Compute(field, x, LossTestData.Sigma2, proposal, generator: new Generator(5));
        Assert.Equal(cpu.T.ToDouble(), resident.T.ToDouble(), 12);
        Assert.Equal(cpu.ProposalDensity.ToDouble(), resident.ProposalDensity.ToDouble(), 12);
        Assert.True(Numerics.RelativeError(Numerics.Values(cpu.Xt), Numerics.Values(resident.Xt)) < 1e-12);
        Assert.True(Numerics.RelativeError(Numerics.Values(cpu.CarriedGradient), Numerics.Values(resident.CarriedGradient)) < 1e-10);
        Assert.True(Numerics.RelativeError(Numerics.Values(cpu.PerSample), Numerics.Values(resident.PerSample)) < 1e-10);
    }
}
