namespace FluxMatching.Tests.Experiments;

using FluxMatching.Experiments;
using FluxMatching.Fields;

public class SpringsRunOptionsTests
{
    [Fact]
    public void Defaults_are_the_reference_training_settings()
    {
        var o = new SpringsRunOptions();
        o.Validate();
        Assert.Equal(SpringsObjective.Flux, o.Objective);
        Assert.Equal(10_000, o.Steps);
        Assert.Equal(256, o.BatchSize);
        Assert.Equal(3e-4, o.LearningRate);
        Assert.Equal(1.0, o.GradientClipNorm);
        Assert.Equal(0.99, o.EmaDecay);
        Assert.Equal((0.002, 80.0), (o.SigmaMin, o.SigmaMax));
        Assert.Equal(1000, o.EvaluateEvery);
        Assert.Equal(2000, o.EvaluationSamples);
        Assert.Equal(512, o.Sampler.Steps);
        Assert.True(o.TimeProposal && o.LossNormalizer);
    }

    [Theory]
    [InlineData("Steps")]
    [InlineData("BatchSize")]
    [InlineData("LearningRate")]
    [InlineData("GradientClipNorm")]
    [InlineData("EmaDecay")]
    [InlineData("SigmaMin")]
    [InlineData("SigmaMax")]
    [InlineData("EvaluateEvery")]
    [InlineData("EvaluationSamples")]
    public void An_out_of_range_setting_is_named_in_the_exception(string name)
    {
        var o = name switch
        {
            "Steps" => new SpringsRunOptions { Steps = -1 },
            "BatchSize" => new SpringsRunOptions { BatchSize = 1 },
            "LearningRate" => new SpringsRunOptions { LearningRate = 0 },
            "GradientClipNorm" => new SpringsRunOptions { GradientClipNorm = -1 },
            "EmaDecay" => new SpringsRunOptions { EmaDecay = 1 },
            "SigmaMin" => new SpringsRunOptions { SigmaMin = 0 },
            "SigmaMax" => new SpringsRunOptions { SigmaMax = 0.001 },
            "EvaluateEvery" => new SpringsRunOptions { EvaluateEvery = -5 },
            _ => new SpringsRunOptions { EvaluationSamples = 2001 },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(o.Validate);
        Assert.Equal($"options.{name}", e.ParamName);
    }

    [Fact]
    public void A_field_without_sigma_input_is_rejected()
    {
        var o = new SpringsRunOptions { Field = new TransformerFieldConfig { NoiseConditioned = false } };
        Assert.Contains("NoiseConditioned", Assert.Throws<ArgumentException>(o.Validate).Message);
    }
}
