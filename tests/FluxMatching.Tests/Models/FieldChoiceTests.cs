namespace FluxMatching.Tests.Models;

using System.Text.Json.Nodes;
using FluxMatching.Fields;
using FluxMatching.Models;
using FluxMatching.Training;

/// <summary>One model over any registered field, chosen by <see cref="FluxModelConfig.Field"/>.</summary>
public sealed class FieldChoiceTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-field-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_transformer_model_trains_in_the_one_loop_and_round_trips_through_a_checkpoint()
    {
        var config = new FluxModelConfig { Field = "transformer", Hidden = 8, Depth = 1, Heads = 2, Annealed = true };
        using var model = new FluxModel(config, seed: 2);
        Assert.IsType<TransformerField>(model.Field);
        var result = Trainer.Train(model, new TrainerOptions { Steps = 2, Batch = 16 });
        Assert.Equal(2, result.StepsCompleted);
        var path = Path.Combine(dir, "t.pt");
        model.Save(path);
        using var loaded = FluxModel.Load(path);
        Assert.Equal("transformer", loaded.Config.Field);
        Assert.IsType<TransformerField>(loaded.Field);
        using var x = torch.randn(5, 2);
        using var sigma = torch.tensor(0.3f);
        Assert.True(model.Ema.Evaluate(x, sigma).eq(loaded.Ema.Evaluate(x, sigma)).all().item<bool>());
    }

    [Fact]
    public void A_checkpoint_written_before_the_field_setting_loads_as_an_mlp()
    {
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8 }, seed: 3);
        var path = Path.Combine(dir, "old.pt");
        model.Save(path);
        var sidecar = JsonNode.Parse(File.ReadAllText(path + ".json"))!;
        var config = sidecar["Config"]!.AsObject();
        Assert.True(config.Remove("Field") && config.Remove("Heads") && config.Remove("SequenceLength"));
        File.WriteAllText(path + ".json", sidecar.ToJsonString());
        using var loaded = FluxModel.Load(path);
        Assert.Equal("mlp", loaded.Config.Field);
        Assert.IsType<MlpField>(loaded.Field);
    }

    [Fact]
    public void An_unknown_field_name_is_rejected_with_the_allowed_names()
    {
        var e = Assert.Throws<ArgumentException>(() => new FluxModel(new FluxModelConfig { Field = "resnet" }));
        Assert.Equal("Field", e.ParamName);
        Assert.Contains("Allowed: gmm, kinetic, mlp", e.Message);
        Assert.Contains("transformer", e.Message);
    }

    [Fact]
    public void The_kinetic_field_is_built_by_name_with_half_the_dimension_as_genes_and_refuses_odd_or_sigma_specs()
    {
        using var field = (KineticField)FieldRegistry.Create("kinetic", new FieldSpec { Dimension = 8 });
        Assert.Equal(4, field.Genes);
        Assert.Equal(8, field.Dimension);
        var odd = Assert.Throws<ArgumentException>(() => FieldRegistry.Create("kinetic", new FieldSpec { Dimension = 7 }));
        Assert.Contains("even data dimension", odd.Message);
        var sigma = Assert.Throws<ArgumentException>(() => FieldRegistry.Create("kinetic", new FieldSpec { Dimension = 8, NoiseConditioned = true }));
        Assert.Contains("not σ-conditioned", sigma.Message);
        Assert.Equal("kinetic, 4 genes", ModelChoices.DescribeField(new FluxModelConfig { Field = "kinetic" }, 8));
    }

    [Fact]
    public void A_registered_field_is_built_by_name()
    {
        FieldRegistry.Register("tiny-mlp", s => new MlpField(s.Dimension, 4, 1, s.NoiseConditioned, s.Name));
        using var model = new FluxModel(new FluxModelConfig { Field = "tiny-mlp" }, seed: 1);
        Assert.Equal(4, ((MlpField)model.Field).Layers[0].weight!.size(0));
    }
}
