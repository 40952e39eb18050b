namespace FluxMatching.Tests.Models;

using FluxMatching.Losses;
using FluxMatching.Models;
using FluxMatching.Tests.Losses;
using FluxMatching.Training;

[Collection(GlobalRngCollection.Name)]
public class MixingModelTests
{
    private static FluxModelConfig Config(double mixing) => new() { Data = "ring", Hidden = 16, Sigma2 = 0.2, Mixing = mixing };

    [Fact]
    public void A_model_with_mixing_holds_its_own_normalizer_as_a_trained_registered_submodule()
    {
        using var scope = NewDisposeScope();
        using var plain = new FluxModel(Config(0), seed: 0);
        using var mixed = new FluxModel(Config(0.01), seed: 0);
        Assert.Null(plain.MixingNormalizer);
        Assert.NotNull(mixed.MixingNormalizer);
        Assert.Contains(mixed.state_dict().Keys, k => k.StartsWith("mixing_normalizer.", StringComparison.Ordinal));
        Assert.Equal(plain.ParameterCount + mixed.MixingNormalizer!.parameters().Sum(p => p.numel()), mixed.ParameterCount);
    }

    [Fact]
    public void The_objective_with_mixing_is_the_flux_objective_plus_the_weighted_normalized_term_on_the_same_draws()
    {
        using var scope = NewDisposeScope();
        using var model = new FluxModel(Config(0.01), seed: 0);
        model.to(ScalarType.Float64);
        var (got, _) = new FluxModelObjective(model, 24, new Generator(7), ScalarType.Float64).Compute();

        var gen = new Generator(7);
        var x = model.Data.Sample(24, gen, model.Device, ScalarType.Float64);
        var flux = new FluxMatchingLoss().Compute(model.Field, x, 0.2, generator: gen).PerSample.mean();
        var mix = new MixingRegularizer().Compute(model.Field, x, Math.Sqrt(0.2), new Generator(7 + 2));   // its own draws
        var want = flux + MixingRegularizer.Normalized(mix.Loss, model.MixingNormalizer!, tensor(Math.Sqrt(0.2)), 0.01);
        Assert.True(Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got)) < 1e-11);
    }

    [Fact]
    public void The_term_draws_from_its_own_generator_so_the_control_sees_the_same_batch_and_flux_draws()
    {
        using var scope = NewDisposeScope();
        using var with = new FluxModel(Config(0.01), seed: 0);
        using var without = new FluxModel(Config(0.01) with { Mixing = 0 }, seed: 0);
        with.to(ScalarType.Float64);
        without.to(ScalarType.Float64);
        var withObjective = new FluxModelObjective(with, 24, new Generator(7), ScalarType.Float64);
        var withoutObjective = new FluxModelObjective(without, 24, new Generator(7), ScalarType.Float64);
        for (int step = 0; step < 2; step++)
        {
            var (_, a) = withObjective.Compute();
            var (_, b) = withoutObjective.Compute();
            Assert.Equal(Numerics.Values(b), Numerics.Values(a));
        }

        Assert.Equal(withoutObjective.Generators.Count + 1, withObjective.Generators.Count);
        Assert.Equal(withoutObjective.Generators[0].get_state().data<byte>().ToArray(), withObjective.Generators[0].get_state().data<byte>().ToArray());
    }

    [Fact]
    public void Training_with_mixing_updates_the_mixing_normalizer_and_a_checkpoint_keeps_it()
    {
        using var scope = NewDisposeScope();
        using var model = new FluxModel(Config(0.01), seed: 1);
        var before = Numerics.Values(model.MixingNormalizer!.parameters().First());
        Trainer.Train(model, new TrainerOptions { Steps = 3, Batch = 32, Seed = 1 });
        var after = Numerics.Values(model.MixingNormalizer!.parameters().First());
        Assert.NotEqual(before, after);
        var dir = Directory.CreateTempSubdirectory("mixing-ckpt");
        try
        {
            var path = Path.Combine(dir.FullName, "m.pt");
            model.Save(path);
            using var loaded = FluxModel.Load(path);
            Assert.Equal(0.01, loaded.Config.Mixing);
            Assert.Equal(after, Numerics.Values(loaded.MixingNormalizer!.parameters().First()));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Theory]
    [InlineData(-0.1, LossKind.Flux)]
    [InlineData(double.NaN, LossKind.Flux)]
    [InlineData(0.01, LossKind.Dsm)]
    public void Invalid_mixing_settings_are_refused_naming_mixing(double mixing, LossKind loss)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => (Config(mixing) with { Loss = loss }).Validate());
        Assert.Equal("Mixing", e.ParamName);
    }
}
