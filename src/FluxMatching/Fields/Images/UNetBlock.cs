namespace FluxMatching.Fields.Images;

using static TorchSharp.torch;

/// <summary>A module of the U-Net's down or up path: maps feature maps [B, C, H, W] and the time embedding
/// [B, 4·n_channels] to feature maps.</summary>
public abstract class UNetBlock : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the block.</summary>
    /// <param name="name">Module name.</param>
    protected UNetBlock(string name) : base(name) { }

    /// <summary>True when the up path concatenates a skip connection onto the block's input (residual/attention
    /// blocks); false for resampling modules.</summary>
    public abstract bool TakesSkip { get; }
}
