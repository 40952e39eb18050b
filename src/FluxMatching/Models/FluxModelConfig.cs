namespace FluxMatching.Models;

using FluxMatching.Data;
using FluxMatching.Fields;

/// <summary>
/// Everything needed to rebuild a model: data set, field architecture, noise setting and objective. Stored in every
/// checkpoint's JSON sidecar.
/// </summary>
public sealed record FluxModelConfig
{
    /// <summary>Built-in data set name (see <see cref="DataSources.Names"/>: the toy sets and the image sets
    /// "fashion-mnist", "mnist"). Default "ring".</summary>
    public string Data { get; init; } = "ring";

    /// <summary>Image data only: flip each drawn image left–right with probability ½ (the authors' exp3
    /// <c>flip: True</c>). Default false.</summary>
    public bool HorizontalFlips { get; init; }

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

    /// <summary>U-Net ("unet" field): channels of the first feature map, a multiple of 32 (GroupNorm(32)). Default 32
    /// (the 28×28 bench configuration; the authors' CIFAR-10 run uses 128).</summary>
    public int Channels { get; init; } = 32;

    /// <summary>U-Net: channel multiplier per resolution level; every level but the last halves H and W, so H and W
    /// must be multiples of 2^(levels − 1). Default 1, 2, 2 (28×28 → 14×14 → 7×7).</summary>
    public IReadOnlyList<int> ChannelMultipliers { get; init; } = [1, 2, 2];

    /// <summary>U-Net: self-attention at each level, one entry per level. Default false, true, false (attention at
    /// 14×14).</summary>
    public IReadOnlyList<bool> AttentionLevels { get; init; } = [false, true, false];

    /// <summary>U-Net: residual blocks per level on the way down (one more on the way up). Default 1.</summary>
    public int Blocks { get; init; } = 1;

    /// <summary>U-Net: dropout probability before each residual block's second convolution, in [0, 1). Default 0.1.
    /// </summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>σ_data of the EDM preconditioning and of the EDM loss weight λ(σ) = (σ² + σ_d²)/(σσ_d)² (images in
    /// [−1, 1]). Default 0.5 (the authors' value).</summary>
    public double SigmaData { get; init; } = 0.5;

    /// <summary>How annealed training draws σ: log-uniform on [<see cref="SigmaMin"/>, <see cref="SigmaMax"/>]
    /// (default) or the EDM log-normal ln σ ~ N(<see cref="PMean"/>, <see cref="PStd"/>²) (exp3).</summary>
    public SigmaDistribution SigmaDistribution { get; init; } = SigmaDistribution.LogUniform;

    /// <summary>Mean of ln σ under the log-normal σ distribution. Default −1.2 (EDM, the authors' exp3).</summary>
    public double PMean { get; init; } = -1.2;

    /// <summary>Standard deviation of ln σ under the log-normal σ distribution (&gt; 0). Default 1.2.</summary>
    public double PStd { get; init; } = 1.2;

    /// <summary>One σ per sample instead of one per batch (the authors' exp3 uses one per batch, the default
    /// false). Applies to <see cref="LossKind.DsmX0"/>; <see cref="LossKind.Edm"/> always draws one per sample; the
    /// flux loss needs one σ per batch (σ² is its kernel bandwidth over the batch).</summary>
    public bool PerSampleSigma { get; init; }

    /// <summary>Noise variance σ² of fixed-σ training (the target is the σ-smoothed data). Default 0.05.</summary>
    public double Sigma2 { get; init; } = 0.05;

    /// <summary>Noise-annealed training: the field is conditioned on σ, σ drawn log-uniformly per step from
    /// [<see cref="SigmaMin"/>, <see cref="SigmaMax"/>], with the learned loss normalizer. Default false.</summary>
    public bool Annealed { get; init; }

    /// <summary>Smallest noise standard deviation of annealed training and sampling. Default 0.02.</summary>
    public double SigmaMin { get; init; } = 0.02;

    /// <summary>Largest noise standard deviation of annealed training and sampling. Default 2.0.</summary>
    public double SigmaMax { get; init; } = 2.0;

    /// <summary>
    /// Start the learned loss normalizer (annealed flux training) where it would converge for the initial model: before
    /// the first step, the raw flux loss is measured at <see cref="NormalizerCalibration.Levels"/> quantiles of the σ
    /// distribution on one batch, and s(σ) is set to the least-squares line through (ln σ, ln ℓ), since the optimum of
    /// ℓ/e^s + s is s = ln E[ℓ | σ]. Default false: PyTorch's random start, as the authors (s ≈ 0, while an untrained
    /// U-Net's loss is about 10⁸–10¹⁰ at small σ, so a short run spends hundreds of steps while s climbs; 500,000-step
    /// runs do not notice). Costs about as much as <see cref="NormalizerCalibration.Levels"/> training steps, once.
    /// </summary>
    public bool CalibrateNormalizer { get; init; }

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
        if (requireBuiltInData && !DataSources.Contains(Data))
        {
            throw new ArgumentException($"Unknown data set '{Data}'. Allowed: {string.Join(", ", DataSources.Names)}.", nameof(Data));
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
        ValidateImageSettings();
    }

    private void ValidateImageSettings()
    {
        if (Channels is < 32 or > 4096 || Channels % 32 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "channels must be a multiple of 32 between 32 and 4096 (GroupNorm with 32 groups).");
        }

        if (ChannelMultipliers is not { Count: >= 1 and <= 8 } || ChannelMultipliers.Any(m => m is < 1 or > 64))
        {
            throw new ArgumentException($"channel multipliers [{string.Join(", ", ChannelMultipliers ?? [])}] must hold 1 to 8 levels, each between 1 and 64.", nameof(ChannelMultipliers));
        }

        if (AttentionLevels is null || AttentionLevels.Count != ChannelMultipliers.Count)
        {
            throw new ArgumentException($"attention levels [{string.Join(", ", AttentionLevels ?? [])}] must have one entry per level ({ChannelMultipliers.Count}).", nameof(AttentionLevels));
        }

        if (Blocks is < 1 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(Blocks), Blocks, "blocks must be between 1 and 16.");
        }

        if (!(Dropout >= 0 && Dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "dropout must be in [0, 1).");
        }

        if (!(SigmaData > 0) || !double.IsFinite(SigmaData))
        {
            throw new ArgumentOutOfRangeException(nameof(SigmaData), SigmaData, "sigma-data must be a finite number > 0.");
        }

        if (!double.IsFinite(PMean) || !(PStd > 0) || !double.IsFinite(PStd))
        {
            throw new ArgumentOutOfRangeException(nameof(PStd), PStd, $"the log-normal σ distribution needs a finite P_mean (got {PMean}) and a finite P_std > 0.");
        }

        if (Loss is LossKind.DsmX0 or LossKind.Edm && !Annealed)
        {
            throw new ArgumentException($"The {(Loss == LossKind.Edm ? "edm" : "dsm-x0")} loss draws σ per step: it needs annealed training (--annealed).", nameof(Loss));
        }

        if (PerSampleSigma && Loss == LossKind.Flux)
        {
            throw new ArgumentException("Per-sample σ does not apply to the flux loss: σ² is its kernel bandwidth over the batch (one σ per batch); use it with --loss dsm-x0, or give the flux loss several σ per step with --micro-batches N (each micro-batch draws its own σ, t and kernel).", nameof(PerSampleSigma));
        }

        if (CalibrateNormalizer && !(Annealed && Loss == LossKind.Flux))
        {
            throw new ArgumentException("Calibrating the loss normalizer needs annealed flux training (--annealed, --loss flux): other objectives have no normalizer.", nameof(CalibrateNormalizer));
        }

        if (string.Equals(Field, "unet", StringComparison.OrdinalIgnoreCase) && !Annealed)
        {
            throw new ArgumentException("The unet field is noise-conditioned: it needs annealed training (--annealed).", nameof(Field));
        }
    }

    /// <inheritdoc />
    public bool Equals(FluxModelConfig? other) =>
        other is not null && Data == other.Data && HorizontalFlips == other.HorizontalFlips && Field == other.Field &&
        Heads == other.Heads && SequenceLength == other.SequenceLength && Hidden == other.Hidden &&
        Depth == other.Depth && Channels == other.Channels &&
        ChannelMultipliers.SequenceEqual(other.ChannelMultipliers) &&
        AttentionLevels.SequenceEqual(other.AttentionLevels) && Blocks == other.Blocks &&
        Dropout.Equals(other.Dropout) && SigmaData.Equals(other.SigmaData) &&
        SigmaDistribution == other.SigmaDistribution && PMean.Equals(other.PMean) && PStd.Equals(other.PStd) &&
        PerSampleSigma == other.PerSampleSigma && Sigma2.Equals(other.Sigma2) && Annealed == other.Annealed &&
        SigmaMin.Equals(other.SigmaMin) && SigmaMax.Equals(other.SigmaMax) && Loss == other.Loss &&
        TimeProposal == other.TimeProposal && Components == other.Components && Mixing.Equals(other.Mixing) &&
        MixingDrive == other.MixingDrive && CalibrateNormalizer == other.CalibrateNormalizer;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Data, Field, Hidden, Depth, Channels, Loss, Annealed,
        HashCode.Combine(Sigma2, SigmaMin, SigmaMax, SigmaDistribution, PerSampleSigma, TimeProposal, Blocks, HashCode.Combine(Components, Mixing)));

    /// <summary>The field's sizes for data of dimension <paramref name="dimension"/>.</summary>
    /// <param name="dimension">Data dimension D.</param>
    /// <param name="name">Module name.</param>
    public FieldSpec ToFieldSpec(int dimension, string name = "field") => ToFieldSpec(dimension, null, name);

    /// <summary>The field's sizes for data of dimension <paramref name="dimension"/> (images of shape
    /// <paramref name="imageShape"/>, the "unet" field's input).</summary>
    /// <param name="dimension">Data dimension D.</param>
    /// <param name="imageShape">[C, H, W] of image data (null: flat data).</param>
    /// <param name="name">Module name.</param>
    public FieldSpec ToFieldSpec(int dimension, IReadOnlyList<int>? imageShape, string name) => new()
    {
        Dimension = dimension, Hidden = Hidden, Depth = Depth, NoiseConditioned = Annealed, Heads = Heads,
        SequenceLength = SequenceLength, Components = Components, Name = name, ImageShape = imageShape, Channels = Channels,
        ChannelMultipliers = ChannelMultipliers, AttentionLevels = AttentionLevels, Blocks = Blocks, Dropout = Dropout,
        SigmaData = SigmaData,
    };

    /// <summary>The σ distribution of annealed training (<see cref="SigmaDistribution"/>).</summary>
    public Losses.SigmaSampler CreateSigmaSampler() => SigmaDistribution == SigmaDistribution.LogNormal
        ? Losses.SigmaSampler.EdmLogNormal(PMean, PStd)
        : Losses.SigmaSampler.LogUniform(SigmaMin, SigmaMax);
}
