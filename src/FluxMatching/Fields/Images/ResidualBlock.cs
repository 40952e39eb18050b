namespace FluxMatching.Fields.Images;

using FluxMatching.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// The authors' residual block (<c>unet.py</c> <c>ResidualBlock</c>): h = conv1(SiLU(GN32(x))) (resampled first in
/// the BigGAN variant), h += Linear(SiLU(temb))[:, :, None, None], h = conv2(Dropout(SiLU(GN32(h)))), output
/// h + shortcut(x) with a 1×1 convolution when the channel count changes. Parameter names as in PyTorch:
/// <c>norm1</c>, <c>conv1</c>, <c>norm2</c>, <c>conv2.1</c>, <c>shortcut</c>, <c>time_emb.1</c>.
/// </summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly GroupNorm norm2;
    private readonly Sequential conv2;
    private readonly Conv2d? shortcut;
    private readonly Sequential time_emb;
    private readonly Resampling resampling;

    /// <summary>How the block resamples (the BigGAN up/down variant).</summary>
    public enum Resampling
    {
        /// <summary>No resampling.</summary>
        None,

        /// <summary>Nearest-neighbour 2× of both the normalized path and the shortcut.</summary>
        Up,

        /// <summary>2×2 average pooling of both paths.</summary>
        Down,
    }

    /// <summary>Creates the block with PyTorch's default initialization.</summary>
    /// <param name="inChannels">Input channels (a multiple of 32).</param>
    /// <param name="outChannels">Output channels (a multiple of 32).</param>
    /// <param name="timeChannels">Width of the time embedding.</param>
    /// <param name="dropout">Dropout probability before conv2.</param>
    /// <param name="resampling">Resampling (BigGAN variant) or none.</param>
    public ResidualBlock(int inChannels, int outChannels, int timeChannels, double dropout,
        Resampling resampling = Resampling.None) : base(nameof(ResidualBlock))
    {
        this.resampling = resampling;
        norm1 = GroupNorms.Create(32, inChannels);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        norm2 = GroupNorms.Create(32, outChannels);
        conv2 = nn.Sequential(nn.Dropout(dropout), nn.Conv2d(outChannels, outChannels, 3, padding: 1));
        shortcut = inChannels != outChannels ? nn.Conv2d(inChannels, outChannels, 1) : null;
        time_emb = nn.Sequential(nn.SiLU(), nn.Linear(timeChannels, outChannels));
        register_module(nameof(norm1), norm1);
        register_module(nameof(conv1), conv1);
        register_module(nameof(norm2), norm2);
        register_module(nameof(conv2), conv2);
        if (shortcut is not null)
        {
            register_module(nameof(shortcut), shortcut);
        }

        register_module(nameof(time_emb), time_emb);
    }

    /// <summary>Applies the block.</summary>
    /// <param name="x">Feature maps [B, C_in, H, W].</param>
    /// <param name="t">Time embedding [B, timeChannels].</param>
    /// <returns>[B, C_out, H', W'] (H' = 2H up, H/2 down).</returns>
    public override Tensor forward(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.silu(norm1.forward(x));
        if (resampling != Resampling.None)
        {
            h = Resample(h);
            x = Resample(x);
        }

        h = conv1.forward(h);
        h = h.add(time_emb.forward(t).unsqueeze(-1).unsqueeze(-1), Scalars.One);
        h = conv2.forward(nn.functional.silu(norm2.forward(h)));
        var skip = shortcut is null ? x : shortcut.forward(x);
        return h.add(skip, Scalars.One).MoveToOuterDisposeScope();
    }

    private Tensor Resample(Tensor z) => resampling == Resampling.Up
        ? Upsample.Nearest2x(z)
        : nn.functional.avg_pool2d(z, 2);
}
