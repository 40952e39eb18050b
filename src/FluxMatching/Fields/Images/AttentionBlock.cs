namespace FluxMatching.Fields.Images;

using FluxMatching.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// The authors' self-attention block (<c>block.py</c> <c>AttentionBlock</c>): h = GN32(x) as [B, HW, C];
/// Linear(C → 3·heads·d_k) viewed as [B, HW, heads, 3·d_k] and chunked into q, k, v; q and k each scaled by
/// d_k^(−1/4); softmax over keys; Linear(heads·d_k → C); residual + x. d_k = C (one head) unless
/// <c>attn_channels_per_head</c> is given. Parameters <c>norm</c>, <c>projection</c>, <c>output</c>.
/// </summary>
public sealed class AttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm norm;
    private readonly Linear projection;
    private readonly Linear output;
    private readonly int heads;
    private readonly int headChannels;
    private readonly Scalar scale;

    /// <summary>Creates the block with PyTorch's default initialization.</summary>
    /// <param name="channels">Channels C (a multiple of 32).</param>
    /// <param name="channelsPerHead">d_k (null: C, one head); must divide C.</param>
    public AttentionBlock(int channels, int? channelsPerHead = null) : base(nameof(AttentionBlock))
    {
        headChannels = channelsPerHead ?? channels;
        heads = channels / headChannels;
        scale = Runtime.Scalars.Shared(1.0 / Math.Sqrt(Math.Sqrt(headChannels)));
        norm = GroupNorms.Create(32, channels);
        projection = nn.Linear(channels, heads * headChannels * 3);
        output = nn.Linear(heads * headChannels, channels);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    /// <param name="x">Feature maps [B, C, H, W].</param>
    /// <returns>[B, C, H, W].</returns>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.size(0), c = x.size(1), height = x.size(2), width = x.size(3);
        var h = norm.forward(x).view(b, c, -1).permute(0, 2, 1);                         // [B, S, C]
        var qkv = projection.forward(h).view(b, -1, heads, 3 * headChannels).permute(0, 2, 1, 3); // [B, h, S, 3d]
        var parts = qkv.chunk(3, -1);
        var q = parts[0].mul(scale);
        var k = parts[1].mul(scale);
        var attention = q.matmul(k.transpose(-2, -1)).softmax(-1);                   // [B, h, S_i, S_j]
        var result = attention.matmul(parts[2]).permute(0, 2, 1, 3)                  // [B, S, h, d]
            .reshape(b, -1, heads * headChannels);
        var y = output.forward(result).permute(0, 2, 1).reshape(b, c, height, width);  // a channels-last view
        // x first: libtorch lays the sum out like its first operand, so the residual stream stays NCHW-contiguous (y
        // first made every later GroupNorm, SiLU and convolution run on channels-last strides, measurably slower).
        return x.add(y, Scalars.One).MoveToOuterDisposeScope();
    }
}
