namespace FluxMatching.Tests.Sampling;

using FluxMatching.Fields;
using FluxMatching.Sampling;
using FluxMatching.Tests.Losses;

/// <summary>The samplers' chain-parallel path (MLP drift, several libtorch threads, no trajectory) against the
/// step-by-step loop (forced by recording a trajectory): same draws, same chains up to rounding.</summary>
public class ParallelChainsTests
{
    [Theory]
    [InlineData(ScalarType.Float64, 1e-12)]
    [InlineData(ScalarType.Float32, 1e-5)]
    public void Langevin_chain_blocks_match_the_sequential_loop(ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        manual_seed(31);
        var field = new MlpField(2, 32, 2).to(dtype);
        var x0 = randn(512, 2, dtype: dtype, generator: new Generator(32));
        Assert.True(torch.get_num_threads() < 2 || ParallelChains.Applicable(field, x0, 0));
        var parallel = new LangevinSampler(new LangevinOptions { Steps = 120, StepSize = 0.01 }).Sample(field, x0, new Generator(33));
        var sequential = new LangevinSampler(new LangevinOptions { Steps = 120, StepSize = 0.01, RecordEvery = 120 }).Sample(field, x0, new Generator(33));
        Assert.True(Numerics.RelativeError(Numerics.Values(sequential.Samples), Numerics.Values(parallel.Samples)) < tolerance);
    }

    [Fact]
    public void Reverse_sde_chain_blocks_match_the_sequential_loop()
    {
        using var scope = NewDisposeScope();
        manual_seed(34);
        var field = new MlpField(2, 32, 2, noiseConditioned: true).to(ScalarType.Float64);
        var x0 = randn(384, 2, dtype: ScalarType.Float64, generator: new Generator(35));
        var parallel = new ReverseSdeSampler(new ReverseSdeOptions { Steps = 70 }).Sample(field, x0, new Generator(36));
        var sequential = new ReverseSdeSampler(new ReverseSdeOptions { Steps = 70, RecordEvery = 70 }).Sample(field, x0, new Generator(36));
        Assert.True(Numerics.RelativeError(Numerics.Values(sequential.Samples), Numerics.Values(parallel.Samples)) < 1e-12);
    }
}
