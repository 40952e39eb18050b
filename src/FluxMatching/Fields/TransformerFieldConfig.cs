namespace FluxMatching.Fields;

/// <summary>
/// Sizes of <see cref="TransformerField"/> (exp5's <c>TrajectoryDriftModel</c>, the authors' experiments/exp5_embed_structure). The defaults are
/// small for CPU work; <see cref="Paper"/> holds the authors' training defaults (hidden 512, depth 12, 8 heads).
/// </summary>
public sealed record TransformerFieldConfig
{
    /// <summary>Sequence (time) length T attended over (default 50, the springs horizon; ≥ 1).</summary>
    public int SequenceLength { get; init; } = 50;

    /// <summary>Features per time step C (default 4: q1, v1, q2, v2; ≥ 1).</summary>
    public int Features { get; init; } = 4;

    /// <summary>Hidden width H (default 64; divisible by <see cref="Heads"/>; the paper's code: 512).</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Number of pre-LN transformer blocks (default 2; ≥ 0; the paper's code: 12).</summary>
    public int Depth { get; init; } = 2;

    /// <summary>Attention heads (default 4; ≥ 1; the paper's code: 8).</summary>
    public int Heads { get; init; } = 4;

    /// <summary>MLP expansion H → ratio·H → H inside each block (default 4; ≥ 1).</summary>
    public int MlpRatio { get; init; } = 4;

    /// <summary>
    /// True: causal attention (mask triu(ones, 1) = −∞), so output step t depends only on inputs at steps ≤ t and
    /// the Jacobian ∂f/∂x is block lower-triangular (paper §4.5). Default false.
    /// </summary>
    public bool Causal { get; init; }

    /// <summary>
    /// True (default): the field takes σ (sinusoidal features of log σ → Linear → GELU → Linear, added at every step)
    /// and returns raw/σ; false: no σ input, the field returns the raw head.
    /// </summary>
    public bool NoiseConditioned { get; init; } = true;

    /// <summary>
    /// True: scale the noisy input by c_in(σ) = 1/√(σ_d² + σ²) before the input projection (EDM's preconditioning,
    /// <see cref="InputScaleDataStd"/> = σ_d), so the tokens stay O(1) at every σ. Not in the reference (default
    /// false, its behaviour): there the projected tokens grow like σ, the pre-LN blocks' O(1) updates and the σ
    /// context are swamped at large σ and the head's LayerNorm keeps only each token's direction, which limits how
    /// well the ε-prediction fits at large σ. Only for noise-conditioned fields.
    /// </summary>
    public bool ScaleInput { get; init; }

    /// <summary>σ_d of <see cref="ScaleInput"/> (default 1, the std of standardised data; &gt; 0).</summary>
    public double InputScaleDataStd { get; init; } = 1.0;

    /// <summary>The authors' exp5 training sizes: hidden 512, depth 12, 8 heads (38,359,556 parameters without the
    /// auxiliary nets).</summary>
    public static TransformerFieldConfig Paper { get; } = new() { Hidden = 512, Depth = 12, Heads = 8 };

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        foreach (var (v, name, min) in new[]
        {
            (SequenceLength, nameof(SequenceLength), 1), (Features, nameof(Features), 1), (Hidden, nameof(Hidden), 2),
            (Depth, nameof(Depth), 0), (Heads, nameof(Heads), 1), (MlpRatio, nameof(MlpRatio), 1),
        })
        {
            if (v < min)
            {
                throw new ArgumentOutOfRangeException($"config.{name}", v, $"{name} must be ≥ {min}.");
            }
        }

        if (!(InputScaleDataStd > 0) || !double.IsFinite(InputScaleDataStd))
        {
            throw new ArgumentOutOfRangeException("config.InputScaleDataStd", InputScaleDataStd, "InputScaleDataStd must be finite and > 0.");
        }

        if (Hidden % Heads != 0)
        {
            throw new ArgumentException(
                $"config.Hidden = {Hidden} must be divisible by config.Heads = {Heads}.", "config");
        }
    }
}
