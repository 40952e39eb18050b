namespace FluxMatching.Models;

using FluxMatching.Data;
using FluxMatching.Fields;

/// <summary>
/// Everything needed to rebuild a model: data set, field architecture, noise setting and objective. Stored in every
/// checkpoint's JSON sidecar.
/// </summary>
public sealed record FluxModelConfig
{
    /// <summary>Built-in data set name (see <see cref="ToyDatasets.Names"/>). Default "ring".</summary>
    public string Data { get; init; } = "ring";

    /// <summary>The field's name in <see cref="FieldRegistry"/>: "mlp" (default; σ-conditioned when
    /// <see cref="Annealed"/>), "transformer", or a registered one. Checkpoints written before this setting existed
    /// read as "mlp".</summary>
    public string Field { get; init; } = "mlp";

    /// <summary>Attention heads of a transformer field (must divide <see cref="Hidden"/>). Default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Tokens a transformer field splits one sample into (must divide D); 0 (default): one per coordinate.
    /// </summary>
    public int SequenceLength { get; init; }

    /// <summary>Mixture components K of a Gaussian-mixture field ("gmm", "skew-gmm"); 1 to 4,096. Default 8.</summary>
    public int Components { get; init; } = 8;

    /// <summary>Width of each hidden layer of the field (MLP layers, transformer tokens). Default 128 (the authors'
    /// quickstart).</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>Number of hidden layers of the MLP field (blocks of a transformer). Default 2.</summary>
    public int Depth { get; init; } = 2;

    /// <summary>Noise variance σ² of fixed-σ training (the target is the σ-smoothed data). Default 0.05.</summary>
    public double Sigma2 { get; init; } = 0.05;

    /// <summary>Noise-annealed training: the field is conditioned on σ, σ drawn log-uniformly per step from
    /// [<see cref="SigmaMin"/>, <see cref="SigmaMax"/>], with the learned loss normalizer. Default false.</summary>
    public bool Annealed { get; init; }

    /// <summary>Smallest noise standard deviation of annealed training and sampling. Default 0.02.</summary>
    public double SigmaMin { get; init; } = 0.02;

    /// <summary>Largest noise standard deviation of annealed training and sampling. Default 2.0.</summary>
    public double SigmaMax { get; init; } = 2.0;

    /// <summary>Objective. Default <see cref="LossKind.Flux"/>.</summary>
    public LossKind Loss { get; init; } = LossKind.Flux;

    /// <summary>Learn the truncated-exponential horizon proposal q(t) (REINFORCE) instead of t ~ U[0, 4].
    /// Flux only. Default false.</summary>
    public bool TimeProposal { get; init; }

    /// <summary>Weight of exp4's fast-mixing regularizer (<see cref="Losses.MixingRegularizer"/>), added to the flux
    /// objective as Mixing·(L_mix / e^{m(σ)} + m(σ)) with its own learned normalizer m; 0 (default): off. The authors
    /// use 0.01. Flux only.</summary>
    public double Mixing { get; init; }

    /// <summary>The drift of the mixing regularizer's Langevin step. Default
    /// <see cref="Losses.MixingDrive.DenoiserOverSigma"/> (the authors' (D − z)/σ = σ·f).</summary>
    public Losses.MixingDrive MixingDrive { get; init; } = Losses.MixingDrive.DenoiserOverSigma;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    /// <param name="requireBuiltInData">Require <see cref="Data"/> to name a built-in data set.</param>
    public void Validate(bool requireBuiltInData = true)
    {
        if (requireBuiltInData && !ToyDatasets.Names.Contains(Data))
        {
            throw new ArgumentException($"Unknown data set '{Data}'. Allowed: {string.Join(", ", ToyDatasets.Names)}.", nameof(Data));
        }

        if (!FieldRegistry.Contains(Field))
        {
            throw new ArgumentException($"Unknown field '{Field}'. Allowed: {string.Join(", ", FieldRegistry.Names)}.", nameof(Field));
        }

        if (Heads is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(Heads), Heads, "heads must be between 1 and 1024.");
        }

        if (SequenceLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SequenceLength), SequenceLength, "sequence length must be ≥ 0 (0: one token per coordinate).");
        }

        if (Components is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(Components), Components, "components must be between 1 and 4,096.");
        }

        if (Hidden is < 1 or > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(Hidden), Hidden, "hidden must be between 1 and 65536.");
        }

        if (Depth is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Depth), Depth, "depth must be between 1 and 64.");
        }

        if (!(Sigma2 > 0) || !double.IsFinite(Sigma2))
        {
            throw new ArgumentOutOfRangeException(nameof(Sigma2), Sigma2, "sigma2 must be a finite number > 0.");
        }

        if (!(SigmaMin > 0) || !double.IsFinite(SigmaMin))
        {
            throw new ArgumentOutOfRangeException(nameof(SigmaMin), SigmaMin, "sigma-min must be a finite number > 0.");
        }

        if (!(SigmaMax > SigmaMin) || !double.IsFinite(SigmaMax))
        {
            throw new ArgumentOutOfRangeException(nameof(SigmaMax), SigmaMax, $"sigma-max must be finite and greater than sigma-min ({SigmaMin}).");
        }

        if (TimeProposal && Loss != LossKind.Flux)
        {
            throw new ArgumentException("The time proposal applies to the flux loss only.", nameof(TimeProposal));
        }

        if (!(Mixing >= 0) || !double.IsFinite(Mixing) || (Mixing > 0 && Loss != LossKind.Flux) || !Enum.IsDefined(MixingDrive))
        {
            throw new ArgumentOutOfRangeException(nameof(Mixing), Mixing, "mixing must be a finite number ≥ 0 (with a known drive), and > 0 only with the flux loss.");
        }
    }

    /// <summary>The field's sizes for data of dimension <paramref name="dimension"/>.</summary>
    /// <param name="dimension">Data dimension D.</param>
    /// <param name="name">Module name.</param>
    public FieldSpec ToFieldSpec(int dimension, string name = "field") => new()
    {
        Dimension = dimension, Hidden = Hidden, Depth = Depth, NoiseConditioned = Annealed, Heads = Heads,
        SequenceLength = SequenceLength, Components = Components, Name = name,
    };
}
