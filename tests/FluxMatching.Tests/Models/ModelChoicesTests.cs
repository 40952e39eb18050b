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
        Assert.Equal("--loss must be one of flux, dsm, not 'sm'.", Assert.Throws<ArgumentException>(() => ModelChoices.ParseLoss("sm")).Message);
        Assert.Equal("--sampler must be one of langevin, reverse-sde, not 'euler'.",
            Assert.Throws<ArgumentException>(() => ModelChoices.ParseSampler("euler")).Message);
        var field = Assert.Throws<ArgumentException>(() => ModelChoices.ParseField("unet", "#!flux new: --field"));
        Assert.Equal($"#!flux new: --field must be one of {string.Join(", ", ModelChoices.Fields)}, not 'unet'.", field.Message);
    }

    [Fact]
    public void The_mlp_field_is_the_default_and_the_field_option_keeps_the_rest_of_the_configuration()
    {
        Assert.Equal("mlp", ModelChoices.Fields[0]);
        var config = new FluxModelConfig { Data = "moons", Hidden = 16 };
        Assert.Same(config, ModelChoices.WithField(config, null));
        var mlp = ModelChoices.WithField(config, "mlp");
        Assert.Equal(config, mlp);
        Assert.Throws<ArgumentException>(() => ModelChoices.WithField(config, "resnet"));
    }
}
