namespace FluxMatching.Fields.Images;

using static TorchSharp.torch;

/// <summary>The bottleneck (<c>unet.py</c> <c>MiddleBlock</c>): residual block, attention, residual block
/// (parameters <c>res1</c>, <c>attn</c>, <c>res2</c>).</summary>
public sealed class MiddleBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ResidualBlock res1;
    private readonly AttentionBlock attn;
    private readonly ResidualBlock res2;

    /// <summary>Creates the block.</summary>
    /// <param name="channels">Channels.</param>
    /// <param name="timeChannels">Time-embedding width.</param>
    /// <param name="channelsPerHead">Attention d_k (null: one head).</param>
    /// <param name="dropout">Dropout probability.</param>
    public MiddleBlock(int channels, int timeChannels, int? channelsPerHead, double dropout)
        : base(nameof(MiddleBlock))
    {
        res1 = new ResidualBlock(channels, channels, timeChannels, dropout);
        attn = new AttentionBlock(channels, channelsPerHead);
        res2 = new ResidualBlock(channels, channels, timeChannels, dropout);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    /// <param name="x">[B, C, H, W].</param>
    /// <param name="t">Time embedding [B, T].</param>
    /// <returns>[B, C, H, W].</returns>
    public override Tensor forward(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        return res2.forward(attn.forward(res1.forward(x, t)), t).MoveToOuterDisposeScope();
    }
}
