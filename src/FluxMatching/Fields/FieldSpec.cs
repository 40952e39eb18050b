namespace FluxMatching.Fields;

/// <summary>
/// The sizes a <see cref="FieldRegistry"/> factory builds a field from. Each field reads the members that apply to it.
/// </summary>
public sealed record FieldSpec
{
    /// <summary>Data dimension D (the flattened size of one sample; the field maps [B, D] to [B, D]); ≥ 1.</summary>
    public int Dimension { get; init; } = 2;

    /// <summary>Hidden width (MLP layers, transformer tokens). Default 128.</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>Hidden layers (MLP) or blocks (transformer). Default 2.</summary>
    public int Depth { get; init; } = 2;

    /// <summary>The field takes σ as an extra input (annealed training). Default false.</summary>
    public bool NoiseConditioned { get; init; }

    /// <summary>Attention heads of a transformer (must divide <see cref="Hidden"/>). Default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Tokens a transformer splits one sample into (must divide D); 0 (default): one token per coordinate.
    /// </summary>
    public int SequenceLength { get; init; }

    /// <summary>Mixture components K of a Gaussian-mixture field ("gmm", "skew-gmm"). Default 8.</summary>
    public int Components { get; init; } = 8;
    /// <summary>Image shape [C, H, W] of image data (the data source's shape; C·H·W = <see cref="Dimension"/>), or
    /// null for flat data (default). The "unet" field needs it.</summary>
    public IReadOnlyList<int>? ImageShape { get; init; }

    /// <summary>U-Net: channels of the first feature map (a multiple of 32, GroupNorm(32)). Default 32.</summary>
    public int Channels { get; init; } = 32;

    /// <summary>U-Net: channel multiplier per resolution level (each level but the last halves H and W). Default
    /// 1, 2, 2.</summary>
    public IReadOnlyList<int> ChannelMultipliers { get; init; } = [1, 2, 2];

    /// <summary>U-Net: self-attention at each level (one entry per level). Default false, true, false.</summary>
    public IReadOnlyList<bool> AttentionLevels { get; init; } = [false, true, false];

    /// <summary>U-Net: residual blocks per level on the way down. Default 1.</summary>
    public int Blocks { get; init; } = 1;

    /// <summary>U-Net: dropout probability in the residual blocks, in [0, 1). Default 0.1.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>U-Net: σ_data of the EDM preconditioning (data standard deviation, images in [−1, 1]). Default 0.5.
    /// </summary>
    public double SigmaData { get; init; } = 0.5;

    /// <summary>Module name of the built field. Default "field".</summary>
    public string Name { get; init; } = "field";
}
