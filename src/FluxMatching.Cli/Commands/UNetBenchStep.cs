namespace FluxMatching.Cli.Commands;

using FluxMatching.Data;
using FluxMatching.Models;
using FluxMatching.Runtime;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// One training step of the PyTorch anchor's image configurations (reference_step.py <c>unet-fmnist</c>,
/// <c>unet-fmnist-dsm</c>), run by the one training loop: a <see cref="FluxModel"/> with the "unet" field (the authors'
/// U-Net at 1×28×28: 32 channels, levels ×1 ×2 ×2, attention at 14×14, one block per level, dropout 0.1, EDM
/// preconditioning) on uniform images in [−1, 1], one σ per batch with ln σ ~ N(−1.2, 1.2²); Flux: f = (D − z)/σ², the
/// flux loss with uniform t and the learned loss normalizer (ℓ/e^s + s); DSM: the authors' <c>dsm_loss_x0</c>; a
/// <see cref="TrainingSession"/> with Adam (lr 1e-4), batch 64, no clipping, no EMA.
/// </summary>
internal sealed class UNetBenchStep : IDisposable
{
    /// <summary>The anchor's model: the U-Net settings of <see cref="FluxModelConfig"/>'s defaults at 28×28.</summary>
    public static FluxModelConfig Config(bool dsm) => new()
    {
        Data = "uniform-images", Field = "unet", Annealed = true, SigmaDistribution = SigmaDistribution.LogNormal,
        Loss = dsm ? LossKind.DsmX0 : LossKind.Flux, Channels = 32, ChannelMultipliers = [1, 2, 2],
        AttentionLevels = [false, true, false], Blocks = 1, Dropout = 0.1, SigmaData = 0.5,
    };

    private const int Batch = 64;
    private readonly FluxModel model;
    private readonly TrainingSession session;

    public UNetBenchStep(bool dsm, ScalarType dtype, Device device, bool fast)
    {
        model = new FluxModel(Config(dsm), new UniformImages(1, 28, 28), seed: 0, device);
        session = new TrainingSession(model, new TrainerOptions
        {
            Batch = Batch, LearningRate = 1e-4, EmaDecay = 0, GradientClipNorm = 0, Dtype = dtype, FastRuntime = fast,
            FusedAdam = fast, Seed = 0, Threads = get_num_threads(),
        });
    }

    /// <summary>Parameters of the U-Net.</summary>
    public long Parameters => model.Field.parameters().Sum(p => p.numel());

    public void Step() => session.Step();

    public void Dispose()
    {
        session.Dispose();
        model.Dispose();
    }

    /// <summary>Uniform images in [−1, 1] (the anchor's synthetic batch), drawn from the step's generator.</summary>
    private sealed class UniformImages(int channels, int height, int width) : IImageSource
    {
        public string Name => "uniform-images";

        public int Dimension => Channels * Height * Width;

        public int Channels => channels;

        public int Height => height;

        public int Width => width;

        public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32) =>
            rand([n, Dimension], dtype, device ?? CPU, generator: generator).mul_(Runtime.Scalars.Two).sub_(Runtime.Scalars.One);
    }
}
