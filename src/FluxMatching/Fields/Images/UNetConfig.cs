namespace FluxMatching.Fields.Images;

/// <summary>
/// Constructor arguments of the authors' image U-Net (<c>experiments/shared/model/unet.py</c>, <c>UNet(image_shape,
/// n_channels, ch_mults, is_attn, attn_channels_per_head, dropout, n_blocks, use_res_for_updown)</c>). The defaults
/// are the authors' CIFAR-10 configuration (35,746,307 parameters at 3×32×32).
/// </summary>
public sealed record UNetConfig
{
    /// <summary>Image channels C (default 3; ≥ 1).</summary>
    public int ImageChannels { get; init; } = 3;

    /// <summary>Image height H in pixels (default 32; divisible by 2^(levels − 1)).</summary>
    public int ImageHeight { get; init; } = 32;

    /// <summary>Image width W in pixels (default 32; divisible by 2^(levels − 1)).</summary>
    public int ImageWidth { get; init; } = 32;

    /// <summary>Channels of the first feature map, <c>n_channels</c> (default 128; a multiple of 32, the GroupNorm
    /// group count). The time embedding is 4·n_channels wide.</summary>
    public int Channels { get; init; } = 128;

    /// <summary>Channel multiplier per resolution level, <c>ch_mults</c> (default 1, 2, 2, 2; each ≥ 1). Level i has
    /// Channels·ChannelMultipliers[i] channels; every level but the last halves the resolution.</summary>
    public IReadOnlyList<int> ChannelMultipliers { get; init; } = [1, 2, 2, 2];

    /// <summary>Whether each level's blocks carry self-attention, <c>is_attn</c> (default false, true, false, false;
    /// one entry per level). The middle block always has attention.</summary>
    public IReadOnlyList<bool> IsAttention { get; init; } = [false, true, false, false];

    /// <summary>Channels per attention head, <c>attn_channels_per_head</c> (default null: one head over all channels;
    /// otherwise it must divide every attended channel count).</summary>
    public int? AttentionChannelsPerHead { get; init; }

    /// <summary>Dropout probability before each residual block's second convolution (default 0.1; in [0, 1)).
    /// Active in training mode only.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Residual blocks per level on the way down, <c>n_blocks</c> (default 2; ≥ 1); the way up has one
    /// more per level.</summary>
    public int Blocks { get; init; } = 2;

    /// <summary>True: resample between levels with residual blocks (BigGAN style: average pooling / nearest inside,
    /// parameters <c>down.K.op.*</c>); false (default): a stride-2 3×3 convolution down and nearest 2× then a 3×3
    /// convolution up (<c>down.K.conv.*</c>, <c>up.K.conv.*</c>).</summary>
    public bool UseResForUpDown { get; init; }

    /// <summary>Number of resolution levels.</summary>
    public int Levels => ChannelMultipliers.Count;

    /// <summary>Flattened data dimension D = C·H·W.</summary>
    public int Dimension => ImageChannels * ImageHeight * ImageWidth;

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting, its value and what is allowed.</summary>
    public void Validate()
    {
        Require(ImageChannels >= 1, nameof(ImageChannels), ImageChannels, "must be >= 1");
        Require(Channels >= 32 && Channels % 32 == 0, nameof(Channels), Channels,
            "must be a positive multiple of 32 (GroupNorm with 32 groups)");
        Require(Blocks >= 1, nameof(Blocks), Blocks, "must be >= 1");
        Require(Dropout >= 0.0 && Dropout < 1.0, nameof(Dropout), Dropout, "must be in [0, 1)");
        Require(ChannelMultipliers is { Count: >= 1 } && ChannelMultipliers.All(m => m >= 1),
            nameof(ChannelMultipliers), Describe(ChannelMultipliers), "must hold at least one level, each >= 1");
        Require(IsAttention is not null && IsAttention.Count == ChannelMultipliers!.Count, nameof(IsAttention),
            Describe(IsAttention), $"must have one entry per level ({ChannelMultipliers?.Count})");
        int factor = 1 << (Levels - 1);
        Require(ImageHeight >= factor && ImageHeight % factor == 0, nameof(ImageHeight), ImageHeight,
            $"must be a positive multiple of {factor} (2^(levels - 1))");
        Require(ImageWidth >= factor && ImageWidth % factor == 0, nameof(ImageWidth), ImageWidth,
            $"must be a positive multiple of {factor} (2^(levels - 1))");
        if (AttentionChannelsPerHead is { } perHead)
        {
            var attended = ChannelMultipliers!.Where((_, i) => IsAttention![i]).Select(m => m * Channels)
                .Append(Channels * ChannelMultipliers![^1]);
            Require(perHead >= 1 && attended.All(c => c % perHead == 0), nameof(AttentionChannelsPerHead), perHead,
                "must be >= 1 and divide the channel count of every attention block");
        }
    }

    private static void Require(bool ok, string name, object? value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"UNetConfig.{name} = {value} {rule}.", name);
        }
    }

    private static string Describe<T>(IReadOnlyList<T>? list) =>
        list is null ? "null" : "[" + string.Join(", ", list) + "]";
}
