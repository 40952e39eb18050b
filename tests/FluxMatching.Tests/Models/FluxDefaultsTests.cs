namespace FluxMatching.Tests.Models;

using FluxMatching.Models;
using FluxMatching.Training;

/// <summary>The defaults both surfaces share.</summary>
public class FluxDefaultsTests
{
    [Fact]
    public void A_unet_model_trains_with_the_authors_image_preset_and_every_other_field_with_the_toy_defaults()
    {
        var unet = FluxDefaults.TrainingFor(new FluxModelConfig { Field = "unet", Data = "fashion-mnist", Annealed = true });
        Assert.Same(TrainerOptions.Exp3, unet);
        Assert.Equal((128, 1e-4, 2500, 1.0, 0.9993), (unet.Batch, unet.LearningRate, unet.WarmupSteps, unet.GradientClipNorm, unet.EmaDecay));
        Assert.Same(FluxDefaults.Training, FluxDefaults.TrainingFor(new FluxModelConfig { Field = "mlp" }));
        Assert.Same(FluxDefaults.Training, FluxDefaults.TrainingFor(new FluxModelConfig { Field = "gmm" }));
    }
}
