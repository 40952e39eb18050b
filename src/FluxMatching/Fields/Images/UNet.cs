namespace FluxMatching.Fields.Images;

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// The authors' DDPM-style image U-Net (<c>experiments/shared/model/unet.py</c>), the raw network F(x, t) of the
/// paper's image experiments: a 3×3 stem, per level <c>n_blocks</c> residual(+attention) blocks and a downsampling
/// module (skip activations pushed after the stem and every module), a residual–attention–residual middle, per level
/// <c>n_blocks + 1</c> blocks each fed the concatenation of the running features and a popped skip, upsampling
/// between levels, and a GroupNorm(8) → SiLU → 3×3 head. Parameter names are PyTorch's (<c>image_proj</c>,
/// <c>time_emb.lin1</c>, <c>down.K.res.norm1</c>, <c>middle.attn.projection</c>, <c>up.K.conv</c>, <c>norm</c>,
/// <c>final</c>), so the authors' <c>state_dict</c> maps one to one.
/// </summary>
public sealed class UNet : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Conv2d image_proj;
    private readonly TimeEmbedding time_emb;
    private readonly ModuleList<UNetBlock> down;
    private readonly MiddleBlock middle;
    private readonly ModuleList<UNetBlock> up;
    private readonly GroupNorm norm;
    private readonly Conv2d final;

    /// <summary>Creates the network with PyTorch's default initialization (GroupNorm weight 1, bias 0).</summary>
    /// <param name="config">Architecture (validated).</param>
    public UNet(UNetConfig config) : base(nameof(UNet))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int n = config.Channels;
        int timeChannels = 4 * n;
        image_proj = nn.Conv2d(config.ImageChannels, n, 3, padding: 1);
        time_emb = new TimeEmbedding(timeChannels);

        var downBlocks = new List<UNetBlock>();
        var skips = new Stack<int>();
        skips.Push(n);
        int inChannels = n, outChannels = n;
        for (int i = 0; i < config.Levels; i++)
        {
            outChannels = n * config.ChannelMultipliers[i];
            for (int j = 0; j < config.Blocks; j++)
            {
                downBlocks.Add(new ResAttBlock(j == 0 ? inChannels : outChannels, outChannels, timeChannels,
                    config.IsAttention[i], config.AttentionChannelsPerHead, config.Dropout));
                skips.Push(outChannels);
            }

            if (i < config.Levels - 1)
            {
                downBlocks.Add(config.UseResForUpDown
                    ? new ResampleRes(outChannels, timeChannels, config.Dropout, up: false)
                    : new Downsample(outChannels));
                skips.Push(outChannels);
            }

            inChannels = outChannels;
        }

        middle = new MiddleBlock(outChannels, timeChannels, config.AttentionChannelsPerHead, config.Dropout);

        var upBlocks = new List<UNetBlock>();
        inChannels = outChannels;
        for (int i = config.Levels - 1; i >= 0; i--)
        {
            outChannels = n * config.ChannelMultipliers[i];
            for (int j = 0; j < config.Blocks + 1; j++)
            {
                upBlocks.Add(new ResAttBlock(inChannels + skips.Pop(), outChannels, timeChannels,
                    config.IsAttention[i], config.AttentionChannelsPerHead, config.Dropout));
                inChannels = outChannels;
            }

            if (i > 0)
            {
                upBlocks.Add(config.UseResForUpDown
                    ? new ResampleRes(outChannels, timeChannels, config.Dropout, up: true)
                    : new Upsample(outChannels));
            }
        }

        down = nn.ModuleList(downBlocks.ToArray());
        up = nn.ModuleList(upBlocks.ToArray());
        norm = GroupNorms.Create(8, outChannels);
        final = nn.Conv2d(outChannels, config.ImageChannels, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public UNetConfig Config { get; }

    /// <summary>Evaluates F(x, t).</summary>
    /// <param name="x">Images [B, C, H, W] in the parameters' dtype and device.</param>
    /// <param name="t">Time values [B] (EDM: c_noise = ln σ / 4).</param>
    /// <returns>[B, C, H, W].</returns>
    public override Tensor forward(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        var temb = time_emb.forward(t);
        var h = image_proj.forward(x);
        var skips = new Stack<Tensor>();
        skips.Push(h);
        foreach (var block in down)
        {
            h = block.forward(h, temb);
            skips.Push(h);
        }

        h = middle.forward(h, temb);
        foreach (var block in up)
        {
            h = block.TakesSkip ? block.forward(cat([h, skips.Pop()], 1), temb) : block.forward(h, temb);
        }

        return final.forward(nn.functional.silu(norm.forward(h))).MoveToOuterDisposeScope();
    }
}
