namespace FluxMatching.Tests.Models;

using System.Text.Json.Nodes;
using FluxMatching.Data;
using FluxMatching.Fields.Images;
using FluxMatching.Losses;
using FluxMatching.Models;
using FluxMatching.Tests.Losses;
using FluxMatching.Training;

/// <summary>The U-Net as a field of the one model: configuration, checkpoints and one step of the one loop for each
/// image loss, on tiny 8×8 images (GroupNorm(32) needs ≥ 32 channels). No test here runs on the meta device: the
/// U-Net's convolutions have no meta kernel.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class ImageModelTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-image-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>16 random 1×8×8 byte images.</summary>
    internal static ImageDataSource TinyImages(bool flips = false)
    {
        var gen = new Generator(3);
        var images = randint(0, 256, [16, 1, 8, 8], ScalarType.Byte, generator: gen);
        var labels = randint(0, 10, [16], ScalarType.Int64, generator: gen);
        return new ImageDataSource(new ImageDataset("tiny", images, labels), flips);
    }

    internal static FluxModelConfig TinyUNet(LossKind loss) => new()
    {
        Data = "tiny", Field = "unet", Annealed = true, SigmaDistribution = SigmaDistribution.LogNormal, Loss = loss,
        Channels = 32, ChannelMultipliers = [1, 2], AttentionLevels = [false, true], Blocks = 1, Dropout = 0.0,
    };

    [Fact]
    public void A_unet_model_is_built_from_the_data_sources_image_shape()
    {
        using var model = new FluxModel(TinyUNet(LossKind.Flux), TinyImages(), seed: 1);
        var field = Assert.IsType<EdmUNetField>(model.Field);
        Assert.Equal((1, 8, 8), (field.Config.ImageChannels, field.Config.ImageHeight, field.Config.ImageWidth));
        Assert.Equal([1, 2], field.Config.ChannelMultipliers);
        Assert.NotNull(model.Normalizer);
    }

    [Fact]
    public void A_unet_on_flat_data_or_without_annealing_is_refused_with_one_line()
    {
        var flat = Assert.ThrowsAny<ArgumentException>(() => new FluxModel(TinyUNet(LossKind.Flux) with { Data = "ring" }, seed: 0));
        Assert.Contains("image data", flat.Message);
        var plain = Assert.ThrowsAny<ArgumentException>(() => new FluxModel(TinyUNet(LossKind.DsmX0) with { Annealed = false }, TinyImages()));
        Assert.Contains("--annealed", plain.Message);
        Assert.DoesNotContain('\n', plain.Message);
    }

    [Fact]
    public void A_unet_model_round_trips_through_a_checkpoint_with_its_configuration_and_weights()
    {
        var data = TinyImages();
        var config = TinyUNet(LossKind.DsmX0) with { PerSampleSigma = true, HorizontalFlips = true, Channels = 32, SigmaData = 0.6 };
        using var model = new FluxModel(config, data, seed: 2);
        model.to(ScalarType.Float64);
        var path = Path.Combine(dir, "unet.pt");
        model.Save(path);
        var info = Checkpoint.ReadInfo(path);
        Assert.Equal(model.Config, info.Config);
        using var loaded = Checkpoint.Load(path, data, null);
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(model.ParameterCount, loaded.ParameterCount);
        using var z = randn([3, 64], ScalarType.Float64, generator: new Generator(1));
        using var sigma = tensor(new[] { 0.1, 1.0, 3.0 }, ScalarType.Float64);
        using var _ = no_grad();
        model.Field.eval();
        loaded.Field.eval();
        Assert.Equal(Numerics.Values(model.Field.Evaluate(z, sigma)), Numerics.Values(loaded.Field.Evaluate(z, sigma)));
    }

    [Fact]
    public void A_checkpoint_written_before_the_image_settings_still_reads_with_their_defaults()
    {
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8, Annealed = true }, seed: 4);
        var path = Path.Combine(dir, "old.pt");
        model.Save(path);
        var sidecar = JsonNode.Parse(File.ReadAllText(path + ".json"))!;
        var config = sidecar["Config"]!.AsObject();
        foreach (var key in new[] { "HorizontalFlips", "Channels", "ChannelMultipliers", "AttentionLevels", "Blocks", "Dropout", "SigmaData", "SigmaDistribution", "PMean", "PStd", "PerSampleSigma" })
        {
            Assert.True(config.Remove(key), key);
        }

        File.WriteAllText(path + ".json", sidecar.ToJsonString());
        using var loaded = FluxModel.Load(path);
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(SigmaDistribution.LogUniform, loaded.Config.SigmaDistribution);
    }

    [Theory]
    [InlineData(LossKind.Flux, false)]
    [InlineData(LossKind.DsmX0, false)]
    [InlineData(LossKind.DsmX0, true)]
    [InlineData(LossKind.Edm, false)]
    public void One_step_of_the_one_loop_trains_a_unet_with_each_image_loss(LossKind loss, bool perSample)
    {
        // the flux loss as in the authors' exp3: learned normalizer and learned horizon proposal (REINFORCE)
        using var model = new FluxModel(TinyUNet(loss) with { PerSampleSigma = perSample, TimeProposal = loss == LossKind.Flux }, TinyImages(flips: true), seed: 5);
        var before = model.Field.parameters().Select(p => p.detach().clone()).ToList();
        using (var session = new TrainingSession(model, TrainerOptions.Exp3 with { Batch = 4, MicroBatches = 2, WarmupSteps = 0, LearningRate = 1e-3 }))
        {
            var outcome = session.Step();
            Assert.True(outcome.Applied, $"{loss}: loss {outcome.Loss}, gradient norm {outcome.GradientNorm}");
            Assert.True(double.IsFinite(outcome.Loss) && double.IsFinite(outcome.GradientNorm));
        }

        Assert.Equal(1, model.StepsTrained);
        Assert.Contains(model.Field.parameters().Zip(before), pair => !pair.First.detach().eq(pair.Second).all().item<bool>());
        Assert.Equal(loss == LossKind.Flux, model.Proposal is not null);
    }

    [Fact]
    public void The_dsm_x0_objective_is_the_authors_batch_kde_loss_of_the_unet_denoiser_with_the_same_draws()
    {
        using var model = new FluxModel(TinyUNet(LossKind.DsmX0), TinyImages(), seed: 6);
        model.to(ScalarType.Float64);
        var objective = model.CreateObjective(new TrainerOptions { Batch = 4, Dtype = ScalarType.Float64, Seed = 9 });
        var (got, x) = objective.Compute();

        var gen = new Generator(9 * 1_000_003L);
        var xAgain = model.Data.Sample(4, gen, model.Device, ScalarType.Float64);
        var sigma = SigmaSampler.EdmLogNormal().Sample(gen, model.Device, ScalarType.Float64);
        double s = sigma.ToDouble();
        var unet = (EdmUNetField)model.Field;
        var want = DsmLoss.X0Kde(z => unet.Denoise(z, sigma), xAgain, s * s, 0.5, generator: gen).mean();
        Assert.Equal(Numerics.Values(x), Numerics.Values(xAgain));
        Assert.True(Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got)) < 1e-12);
    }
}
