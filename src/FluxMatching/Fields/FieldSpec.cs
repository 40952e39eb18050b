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

    /// <summary>Module name of the built field. Default "field".</summary>
    public string Name { get; init; } = "field";
}
