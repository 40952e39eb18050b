namespace FluxMatching.Fields.Images;

using FluxMatching.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>GroupNorm layers with PyTorch's initialization (weight 1, bias 0), set by hand because TorchSharp
/// leaves the affine parameters uninitialized.</summary>
internal static class GroupNorms
{
    /// <summary>GroupNorm(groups, channels), eps 1e-5, weight 1, bias 0.</summary>
    /// <param name="groups">Number of groups (32 in the blocks, 8 in the head: the authors' <c>block.py</c>).</param>
    /// <param name="channels">Channels (divisible by groups).</param>
    public static GroupNorm Create(int groups, int channels)
    {
        var norm = nn.GroupNorm(groups, channels);
        using (no_grad())
        {
            norm.weight!.fill_(Scalars.One);
            norm.bias!.zero_();
        }

        return norm;
    }
}
