namespace FluxMatching.Fields.Images;

using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>Halves the resolution with a 3×3 convolution of stride 2, padding 1 (<c>block.py</c>
/// <c>Downsample</c> with use_conv; parameters <c>conv.*</c>).</summary>
public sealed class Downsample : UNetBlock
{
    private readonly Conv2d conv;

    /// <summary>Creates the module.</summary>
    /// <param name="channels">Channels (kept).</param>
    public Downsample(int channels) : base(nameof(Downsample))
    {
        conv = nn.Conv2d(channels, channels, 3, stride: 2, padding: 1);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override bool TakesSkip => false;

    /// <summary>Applies the convolution; the time embedding is unused.</summary>
    /// <param name="x">[B, C, H, W].</param>
    /// <param name="t">Unused.</param>
    /// <returns>[B, C, H/2, W/2].</returns>
    public override Tensor forward(Tensor x, Tensor t) => conv.forward(x);
}
