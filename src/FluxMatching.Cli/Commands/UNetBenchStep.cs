namespace FluxMatching.Cli.Commands;

using FluxMatching.Fields.Images;
using FluxMatching.Losses;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// One training step of the PyTorch anchor's image configurations (reference_step.py <c>unet-fmnist</c>,
/// <c>unet-fmnist-dsm</c>): the authors' U-Net at 1×28×28 (32 channels, levels ×1 ×2 ×2, attention at 14×14, one
/// block per level, dropout 0.1) with EDM preconditioning; a batch of 64 uniform images in [−1, 1]; one σ per batch
/// with ln σ ~ N(−1.2, 1.2²); Flux: f = (D − z)/σ², the flux loss with uniform t, the learned loss normalizer
/// (ℓ/e^s + s); DSM: the authors' <c>dsm_loss_x0</c>; Adam (lr 1e-4) over the U-Net (and normalizer).
/// </summary>
internal sealed class UNetBenchStep : IDisposable
{
    /// <summary>The anchor's U-Net configuration.</summary>
    public static readonly UNetConfig FashionMnist = new()
    {
        ImageChannels = 1, ImageHeight = 28, ImageWidth = 28, Channels = 32, ChannelMultipliers = [1, 2, 2],
        IsAttention = [false, true, false], Blocks = 1, Dropout = 0.1,
    };

    private const int Batch = 64;
    private readonly EdmUNetField unet;
    private readonly LossNormalizer? normalizer;
    private readonly optim.Optimizer optimizer;
    private readonly FluxMatchingLoss flux = new();
    private readonly Generator generator;
    private readonly ScalarType dtype;
    private readonly Device device;

    public UNetBenchStep(bool dsm, ScalarType dtype, Device device)
    {
        manual_seed(0);
        this.dtype = dtype;
        this.device = device;
        generator = new Generator(0, device);
        unet = new EdmUNetField(FashionMnist).to(dtype).to(device);
        unet.train();
        var parameters = unet.parameters().ToList();
        if (!dsm)
        {
            normalizer = new LossNormalizer().to(dtype).to(device);
            parameters.AddRange(normalizer.parameters());
        }

        optimizer = optim.Adam(parameters, lr: 1e-4);
    }

    /// <summary>Parameters of the U-Net.</summary>
    public long Parameters => unet.Network.parameters().Sum(p => p.numel());

    public void Step()
    {
        using var scope = NewDisposeScope();
        var x = rand([Batch, 1, 28, 28], dtype, device, generator: generator).mul_(2.0).sub_(1.0);
        var sigma = randn([1], dtype, device, generator: generator).mul_(1.2).sub_(1.2).exp_();
        double s = sigma.to(ScalarType.Float64).item<double>();
        var sigmaBatch = sigma.expand(Batch);
        Tensor loss;
        if (normalizer is null)
        {
            loss = DsmLoss.X0Kde(z => unet.Denoise(z, sigmaBatch), x, s * s, unet.SigmaData, generator: generator)
                .mean();
        }
        else
        {
            var perSample = flux.Compute(z => unet.Evaluate(z, sigmaBatch), x, s * s, generator: generator).PerSample;
            loss = normalizer.Normalize(perSample, sigma).mean();
        }

        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }

    public void Dispose()
    {
        optimizer.Dispose();
        unet.Dispose();
        normalizer?.Dispose();
        generator.Dispose();
    }
}
