namespace FluxMatching.Tests.Models;

using FluxMatching.Models;

public class ModelChoicesTests
{
    [Fact]
    public void Loss_and_sampler_words_parse_to_their_kinds_and_back()
    {
        foreach (var word in ModelChoices.Losses)
        {
            Assert.Equal(word, ModelChoices.Name(ModelChoices.ParseLoss(word)));
        }

        foreach (var word in ModelChoices.Samplers)
        {
            Assert.Equal(word, ModelChoices.Name(ModelChoices.ParseSampler(word)!.Value));
        }

        Assert.Equal(LossKind.Dsm, ModelChoices.ParseLoss("dsm"));
        Assert.Equal(SamplerKind.ReverseSde, ModelChoices.ParseSampler("reverse-sde"));
        Assert.Null(ModelChoices.ParseSampler(null));
    }

    [Fact]
    public void Unknown_words_are_one_line_naming_the_option_the_value_and_the_allowed_words()
    {
        Assert.Equal("--loss must be one of flux, dsm, dsm-x0, edm, not 'sm'.", Assert.Throws<ArgumentException>(() => ModelChoices.ParseLoss("sm")).Message);
        Assert.Equal("--sampler must be one of langevin, reverse-sde, heun, pc, ode, not 'euler'.",
            Assert.Throws<ArgumentException>(() => ModelChoices.ParseSampler("euler")).Message);
        var field = Assert.Throws<ArgumentException>(() => ModelChoices.ParseField("vit", "#!flux new: --field"));
        Assert.Equal($"#!flux new: --field must be one of {string.Join(", ", ModelChoices.Fields)}, not 'vit'.", field.Message);
    }

    [Fact]
    public void The_field_option_sets_the_configurations_field_and_keeps_the_rest()
    {
        Assert.Equal("mlp", FluxDefaults.Model.Field);
        Assert.Equal(FluxMatching.Fields.FieldRegistry.Names, ModelChoices.Fields);
        var config = new FluxModelConfig { Data = "moons", Hidden = 16 };
        Assert.Same(config, ModelChoices.WithField(config, null));
        var transformer = ModelChoices.WithField(config, "transformer");
        Assert.Equal(config with { Field = "transformer" }, transformer);
        Assert.Throws<ArgumentException>(() => ModelChoices.WithField(config, "resnet"));
    }

    [Fact]
    public void Fields_are_described_by_their_sizes()
    {
        Assert.Equal("MLP 2 + σ → 64 × 3 → 2", ModelChoices.DescribeField(new FluxModelConfig { Hidden = 64, Depth = 3, Annealed = true }, 2));
        Assert.Equal("transformer, 2 tokens × 8, 2 blocks, 4 heads",
            ModelChoices.DescribeField(new FluxModelConfig { Field = "transformer", Hidden = 8 }, 2));
    }
}
