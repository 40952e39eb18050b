namespace FluxMatching.Tests.Interop;

using FluxMatching.Fields.Images;
using FluxMatching.Interop;
using FluxMatching.Losses;
using FluxMatching.Tests.Fields.Images;

public class EdmCheckpointTests
{
    [Fact]
    public void A_training_checkpoint_gives_back_the_ema_weights_by_default_and_the_model_weights_on_request()
    {
        string path = Path.GetTempFileName();
        try
        {
            manual_seed(11);
            using var model = new EdmUNetField(UNetTests.Small);
            using var ema = new EdmUNetField(UNetTests.Small);
            EdmCheckpoint.SaveTrainingCheckpoint(path, model, ema, step: 1234);

            using var loaded = new EdmUNetField(UNetTests.Small);
            Assert.Equal(EdmCheckpoint.EmaPrefix, EdmCheckpoint.Load(loaded, path));
            AssertSameWeights(ema, loaded);
            Assert.Equal(EdmCheckpoint.ModelPrefix, EdmCheckpoint.Load(loaded, path, CheckpointWeights.Model));
            AssertSameWeights(model, loaded);

            var tensors = StateDictFile.Read(path);
            Assert.Equal(1234L, tensors["EMA.step"].item<long>());
            Assert.True(tensors["EMA.initted"].item<bool>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_bare_unet_state_dict_round_trips_into_a_float64_field()
    {
        string path = Path.GetTempFileName();
        try
        {
            manual_seed(12);
            using var source = new EdmUNetField(UNetTests.Small);
            EdmCheckpoint.SaveNetwork(source, path);
            using var loaded = new EdmUNetField(UNetTests.Small).to(ScalarType.Float64);
            Assert.Equal("", EdmCheckpoint.Load(loaded, path));
            var z = randn(2, 1, 8, 8);
            using var _ = no_grad();
            var a = source.Denoise(z, tensor(0.5f)).to(ScalarType.Float64);
            var b = loaded.Denoise(z.to(ScalarType.Float64), tensor(0.5));
            Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-5));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Weights_of_another_architecture_give_one_message_listing_the_differences()
    {
        string path = Path.GetTempFileName();
        try
        {
            using var other = new EdmUNetField(UNetTests.Small with { ChannelMultipliers = [1, 1] });
            EdmCheckpoint.SaveNetwork(other, path);
            using var field = new EdmUNetField(UNetTests.Small);
            var e = Assert.Throws<InvalidDataException>(() => EdmCheckpoint.Load(field, path));
            Assert.StartsWith("The state dict does not fit the UNet (128 entries expected):", e.Message);
            Assert.Contains("of another shape (down.2.res.conv1.weight is [32, 32, 3, 3], expected [64, 32, 3, 3]",
                e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Asking_for_ema_weights_that_are_absent_names_what_was_looked_for()
    {
        string path = Path.GetTempFileName();
        try
        {
            using var field = new EdmUNetField(UNetTests.Small);
            EdmCheckpoint.SaveNetwork(field, path);
            var e = Assert.Throws<InvalidDataException>(() => EdmCheckpoint.Load(field, path, CheckpointWeights.Ema));
            Assert.Contains("holds no EMA U-Net weights (looked for 'EMA.ema_model.nn_model.image_proj.weight')",
                e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertSameWeights(EdmUNetField expected, EdmUNetField actual)
    {
        var got = actual.Network.state_dict();
        foreach (var (name, t) in expected.Network.state_dict())
        {
            Assert.True(t.equal(got[name]).all().item<bool>(), $"{name} differs");
        }
    }

    private static string AuthorsCheckpoint =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "authors-checkpoint", "tiny_training_checkpoint.pth");

    [Fact]
    public void A_checkpoint_written_by_the_authors_pytorch_code_passes_the_guard_and_reads_as_dotted_names()
    {
        var tensors = StateDictFile.Read(AuthorsCheckpoint);
        Assert.Contains("MODEL.nn_model.weight", tensors.Keys);
        Assert.Contains("EMA.ema_model.s_noise_normalizer.output_layer.bias", tensors.Keys);
        Assert.Contains("opt_backbone.state.0.exp_avg", tensors.Keys);          // Adam state under integer keys
        Assert.Equal(3L, tensors["EMA.step"].item<long>());
    }

    [Fact]
    public void The_authors_normalizer_and_its_ema_copy_load_and_give_pytorchs_values()
    {
        var probe = StateDictFile.Read(AuthorsCheckpoint);
        var sigma = probe["probe.sigma"];
        foreach (var (which, key) in new[]
                 {
                     (CheckpointWeights.Model, "probe.normalizer"), (CheckpointWeights.Auto, "probe.ema_normalizer"),
                 })
        {
            using var normalizer = new LossNormalizer(hidden: 8);
            using var proposal = new ExponentialTimeProposal(8, 4.0);
            EdmCheckpoint.LoadAuxiliary(AuthorsCheckpoint, normalizer, proposal, which);
            using var _ = no_grad();
            Assert.True(normalizer.forward(sigma).allclose(probe[key], rtol: 1e-6, atol: 1e-7), $"{which}");
        }
    }

    [Fact]
    public void A_checkpoint_without_unet_weights_says_what_it_looked_for()
    {
        using var field = new EdmUNetField(UNetTests.Small);
        var e = Assert.Throws<InvalidDataException>(() => EdmCheckpoint.Load(field, AuthorsCheckpoint));
        Assert.Contains("holds no U-Net weights (looked for 'EMA.ema_model.nn_model.image_proj.weight'", e.Message);
        using var wide = new LossNormalizer(hidden: 16);
        var e2 = Assert.Throws<InvalidDataException>(() => EdmCheckpoint.LoadAuxiliary(AuthorsCheckpoint, wide, null));
        Assert.Contains("is [8, 1], expected [16, 1]", e2.Message);
    }
}
