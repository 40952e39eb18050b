namespace FluxMatching.Fields.Images;

using static TorchSharp.torch;

/// <summary>A residual block that resamples (BigGAN style; <c>unet.py</c> <c>DownsampleRes</c> /
/// <c>UpsampleRes</c>, parameters <c>op.*</c>): 2×2 average pooling down or nearest 2× up inside the block.</summary>
public sealed class ResampleRes : UNetBlock
{
    private readonly ResidualBlock op;

    /// <summary>Creates the module.</summary>
    /// <param name="channels">Channels (kept).</param>
    /// <param name="timeChannels">Time-embedding width.</param>
    /// <param name="dropout">Dropout probability.</param>
    /// <param name="up">True: upsample; false: downsample.</param>
    public ResampleRes(int channels, int timeChannels, double dropout, bool up) : base(nameof(ResampleRes))
    {
        op = new ResidualBlock(channels, channels, timeChannels, dropout,
            up ? ResidualBlock.Resampling.Up : ResidualBlock.Resampling.Down);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override bool TakesSkip => false;

    /// <summary>Applies the resampling residual block.</summary>
    /// <param name="x">[B, C, H, W].</param>
    /// <param name="t">Time embedding [B, T].</param>
    /// <returns>[B, C, 2H, 2W] up or [B, C, H/2, W/2] down.</returns>
    public override Tensor forward(Tensor x, Tensor t) => op.forward(x, t);
}
