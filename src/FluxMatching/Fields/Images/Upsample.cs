namespace FluxMatching.Fields.Images;

using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>Doubles the resolution by nearest-neighbour 2× then a 3×3 convolution (<c>block.py</c>
/// <c>Upsample</c> with use_conv; parameters <c>conv.*</c>).</summary>
public sealed class Upsample : UNetBlock
{
    private static readonly double[] Factor2 = [2.0, 2.0];
    private readonly Conv2d conv;

    /// <summary>Creates the module.</summary>
    /// <param name="channels">Channels (kept).</param>
    public Upsample(int channels) : base(nameof(Upsample))
    {
        conv = nn.Conv2d(channels, channels, 3, padding: 1);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override bool TakesSkip => false;

    /// <summary>Nearest-neighbour 2× (<c>interpolate(scale_factor=2, mode="nearest")</c>).</summary>
    /// <param name="x">[B, C, H, W].</param>
    /// <returns>[B, C, 2H, 2W].</returns>
    public static Tensor Nearest2x(Tensor x) =>
        nn.functional.interpolate(x, scale_factor: Factor2, mode: InterpolationMode.Nearest);

    /// <summary>Upsamples and convolves; the time embedding is unused.</summary>
    /// <param name="x">[B, C, H, W].</param>
    /// <param name="t">Unused.</param>
    /// <returns>[B, C, 2H, 2W].</returns>
    public override Tensor forward(Tensor x, Tensor t)
    {
        using var up = Nearest2x(x);
        return conv.forward(up);
    }
}
