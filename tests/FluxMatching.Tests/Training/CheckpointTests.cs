namespace FluxMatching.Tests.Training;

using FluxMatching.Models;
using FluxMatching.Training;

public sealed class CheckpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-ckpt-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_saved_model_loads_back_with_the_same_field_and_training_state()
    {
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8, Depth = 2, Annealed = true }, seed: 4);
        Trainer.Train(model, new TrainerOptions { Steps = 2, Batch = 16 });
        var path = Path.Combine(dir, "m.pt");
        model.Save(path);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
        using var loaded = FluxModel.Load(path);
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(2, loaded.StepsTrained);
        Assert.Equal(model.LossHistory, loaded.LossHistory);
        using var x = torch.randn(5, 2);
        using var sigma = torch.tensor(0.3f);
        Assert.True(model.Field.Evaluate(x, sigma).eq(loaded.Field.Evaluate(x, sigma)).all().item<bool>());
        Assert.True(model.Ema.Evaluate(x, sigma).eq(loaded.Ema.Evaluate(x, sigma)).all().item<bool>());
        Assert.NotNull(loaded.Normalizer);
    }

    [Fact]
    public void A_corrupt_checkpoint_gives_a_clear_error()
    {
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8 });
        var path = Path.Combine(dir, "bad.pt");
        model.Save(path);
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        var e = Assert.Throws<InvalidDataException>(() => FluxModel.Load(path));
        Assert.Contains("is corrupt", e.Message);
        File.WriteAllText(path + ".json", "{ not json");
        Assert.Throws<InvalidDataException>(() => FluxModel.Load(path));
    }

    [Fact]
    public void A_checkpoint_of_another_dimension_or_architecture_is_rejected()
    {
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8 });
        var path = Path.Combine(dir, "m.pt");
        model.Save(path);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, expectedDimension: 3));
        Assert.Contains("dimension 2, expected 3", e.Message);
        var json = File.ReadAllText(path + ".json").Replace("\"Hidden\": 8", "\"Hidden\": 9");
        File.WriteAllText(path + ".json", json);
        Assert.Throws<InvalidDataException>(() => FluxModel.Load(path));
    }

    [Fact]
    public void Saving_into_an_unwritable_place_names_the_path()
    {
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8 });
        var blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "x");
        var e = Assert.Throws<IOException>(() => model.Save(Path.Combine(blocker, "m.pt")));
        Assert.Contains(blocker, e.Message);
    }
}
