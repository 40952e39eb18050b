namespace FluxMatching.Tests.Models;

using FluxMatching.Losses;
using FluxMatching.Models;
using FluxMatching.Tests.Losses;
using FluxMatching.Training;

public class FluxModelObjectiveTests
{
    [Fact]
    public void Annealed_objective_equals_the_annealed_flux_loss_with_the_same_draws()
    {
        using var scope = NewDisposeScope();
        using var model = new FluxModel(new FluxModelConfig { Data = "ring", Annealed = true, Hidden = 32 }, seed: 0);
        model.to(ScalarType.Float64);
        var objective = new FluxModelObjective(model, 24, new Generator(7), ScalarType.Float64);
        var (got, x) = objective.Compute();

        var gen = new Generator(7);
        var xAgain = model.Data.Sample(24, gen, model.Device, ScalarType.Float64);
        var sampler = SigmaSampler.LogUniform(model.Config.SigmaMin, model.Config.SigmaMax);
        var want = new AnnealedFluxLoss().Compute(model.Field, xAgain, sampler, model.Normalizer, generator: gen);
        Assert.Equal(Numerics.Values(x), Numerics.Values(xAgain));
        Assert.True(Numerics.RelativeError(Numerics.Values(want.Total.mean()), Numerics.Values(got)) < 1e-11);
    }

    [Fact]
    public void Plain_objective_equals_the_mean_flux_loss_with_the_same_draws()
    {
        using var scope = NewDisposeScope();
        using var model = new FluxModel(new FluxModelConfig { Data = "ring", Hidden = 32 }, seed: 0);
        model.to(ScalarType.Float64);
        var objective = new FluxModelObjective(model, 24, new Generator(8), ScalarType.Float64);
        var (got, _) = objective.Compute();

        var gen = new Generator(8);
        var x = model.Data.Sample(24, gen, model.Device, ScalarType.Float64);
        var want = new FluxMatchingLoss().Compute(z => model.Field.Evaluate(z), x, model.Config.Sigma2, generator: gen);
        Assert.True(Numerics.RelativeError(Numerics.Values(want.PerSample.mean()), Numerics.Values(got)) < 1e-11);
    }
}
