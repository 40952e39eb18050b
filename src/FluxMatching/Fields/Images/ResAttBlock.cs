namespace FluxMatching.Fields.Images;

using static TorchSharp.torch;

/// <summary>A residual block followed by optional self-attention (<c>unet.py</c> <c>ResAttBlock</c>; parameters
/// <c>res.*</c> and <c>attn.*</c>).</summary>
public sealed class ResAttBlock : UNetBlock
{
    private readonly ResidualBlock res;
    private readonly AttentionBlock? attn;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="timeChannels">Time-embedding width.</param>
    /// <param name="hasAttention">Whether attention follows the residual block.</param>
    /// <param name="channelsPerHead">Attention d_k (null: one head).</param>
    /// <param name="dropout">Dropout probability.</param>
    public ResAttBlock(int inChannels, int outChannels, int timeChannels, bool hasAttention, int? channelsPerHead,
        double dropout) : base(nameof(ResAttBlock))
    {
        res = new ResidualBlock(inChannels, outChannels, timeChannels, dropout);
        attn = hasAttention ? new AttentionBlock(outChannels, channelsPerHead) : null;
        register_module(nameof(res), res);
        if (attn is not null)
        {
            register_module(nameof(attn), attn);
        }
    }

    /// <inheritdoc />
    public override bool TakesSkip => true;

    /// <summary>Applies the block.</summary>
    /// <param name="x">[B, C_in, H, W].</param>
    /// <param name="t">Time embedding [B, T].</param>
    /// <returns>[B, C_out, H, W].</returns>
    public override Tensor forward(Tensor x, Tensor t)
    {
        var h = res.forward(x, t);
        if (attn is null)
        {
            return h;
        }

        using (h)
        {
            return attn.forward(h);
        }
    }
}
