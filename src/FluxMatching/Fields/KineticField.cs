namespace FluxMatching.Fields;

using FluxMatching.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// A mechanistic, gene-local splicing-kinetics field for RNA velocity (the authors' <c>DynamicalKineticVectorField</c>,
/// <c>experiments/exp2_rna_velocity/scvelo/tools/velocity_flux.py</c>). Per gene g, with u the unspliced and s the
/// spliced abundance:
/// <code>
/// drive_g = softplus(a_g·u + b_g·s + c_g) + min_transcription
/// du_g    = drive_g − β_g·u
/// ds_g    = β_g·u − γ_g·s,        β_g = softplus(β̃_g) + min_rate,  γ_g = softplus(γ̃_g) + min_rate
/// </code>
/// Five parameters per gene, all starting at 0 (the field starts as a linear ODE with drive ln 2).
/// <para>Layout: points are [B, G, 2] (cell, gene, (u, s)); as an <see cref="IVectorField"/> the field takes the
/// row-major flattening [B, 2G] = (u₀, s₀, u₁, s₁, …) and returns the same layout (D = 2G). The authors' module returns
/// cat(du, ds) instead; <see cref="Velocity"/> gives du and ds separately.</para>
/// </summary>
public sealed class KineticField : TrainableField
{
#pragma warning disable IDE1006 // PyTorch's parameter names (state dictionaries, the authors' fixtures).
    private readonly Parameter beta_unconstrained;
    private readonly Parameter gamma_unconstrained;
    private readonly Parameter transcription_u;
    private readonly Parameter transcription_s;
    private readonly Parameter? transcription_bias;
#pragma warning restore IDE1006

    /// <summary>The authors' floor on β and γ (1e-6).</summary>
    public const double DefaultMinRate = 1e-6;

    /// <summary>The authors' floor on the transcription drive (1e-6).</summary>
    public const double DefaultMinTranscription = 1e-6;

    /// <summary>Creates the field with every parameter 0 (float32, CPU; move it with <c>to(...)</c>).</summary>
    /// <param name="genes">Number of genes G ≥ 1.</param>
    /// <param name="minRate">Floor added to softplus for β and γ (≥ 0, finite).</param>
    /// <param name="minTranscription">Floor added to softplus for the drive (≥ 0, finite).</param>
    /// <param name="useBias">Whether the drive has the per-gene bias c_g (the authors: true).</param>
    public KineticField(int genes, double minRate = DefaultMinRate, double minTranscription = DefaultMinTranscription,
        bool useBias = true) : base(nameof(KineticField))
    {
        if (genes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(genes), genes, "genes must be ≥ 1.");
        }

        if (!(minRate >= 0) || !double.IsFinite(minRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minRate), minRate, "minRate must be finite and ≥ 0.");
        }

        if (!(minTranscription >= 0) || !double.IsFinite(minTranscription))
        {
            throw new ArgumentOutOfRangeException(
                nameof(minTranscription), minTranscription, "minTranscription must be finite and ≥ 0.");
        }

        Genes = genes;
        MinRate = minRate;
        MinTranscription = minTranscription;
        beta_unconstrained = new Parameter(zeros(genes));
        gamma_unconstrained = new Parameter(zeros(genes));
        transcription_u = new Parameter(zeros(genes));
        transcription_s = new Parameter(zeros(genes));
        transcription_bias = useBias ? new Parameter(zeros(genes)) : null;
        RegisterComponents();
    }

/// <summary>β̃ [G]: β = softplus(β̃) + min_rate (splicing rate). PyTorch name <c>beta_unconstrained</c>.</summary>
    public Parameter BetaUnconstrained => beta_unconstrained;

    /// <summary>γ̃ [G]: γ = softplus(γ̃) + min_rate (degradation rate). PyTorch name <c>gamma_unconstrained</c>.</summary>
    public Parameter GammaUnconstrained => gamma_unconstrained;

    /// <summary>a [G]: the drive's weight on u. PyTorch name <c>transcription_u</c>.</summary>
    public Parameter TranscriptionU => transcription_u;

    /// <summary>b [G]: the drive's weight on s. PyTorch name <c>transcription_s</c>.</summary>
    public Parameter TranscriptionS => transcription_s;

    /// <summary>c [G]: the drive's bias, or null when built without one. PyTorch name <c>transcription_bias</c>.</summary>
    public Parameter? TranscriptionBias => transcription_bias;

    /// <summary>Number of genes G.</summary>
    public int Genes { get; }

    /// <summary>Floor on β and γ.</summary>
    public double MinRate { get; }

    /// <summary>Floor on the drive.</summary>
    public double MinTranscription { get; }

    /// <inheritdoc />
    public override int Dimension => 2 * Genes;

    /// <inheritdoc />
    public override bool IsNoiseConditioned => false;

    /// <summary>β = softplus(β̃) + min_rate, shape [G] (graph attached).</summary>
    public Tensor Beta() => TorchOps.Softplus(beta_unconstrained).add(Scalars.Shared(MinRate), Scalars.One);

    /// <summary>γ = softplus(γ̃) + min_rate, shape [G] (graph attached).</summary>
    public Tensor Gamma() => TorchOps.Softplus(gamma_unconstrained).add(Scalars.Shared(MinRate), Scalars.One);

    /// <summary>Evaluates the field on [B, 2G] (or [B, G, 2]) points; returns (du, ds) interleaved in the same shape.
    /// </summary>
    /// <param name="x">Points [B, 2G] or [B, G, 2] (u, s per gene), on the field's device and dtype.</param>
    /// <param name="sigma">Ignored (not noise-conditioned).</param>
    public override Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        bool flat = x.dim() == 2 && x.size(1) == Dimension;
        bool paired = x.dim() == 3 && x.size(1) == Genes && x.size(2) == 2;
        if (!flat && !paired)
        {
            throw new ArgumentException(
                $"x must have shape [B, {Dimension}] or [B, {Genes}, 2], got [{string.Join(", ", x.shape)}].", nameof(x));
        }

        var cells = x.reshape(x.size(0), Genes, 2);
        var v = Velocity(cells.select(2, 0), cells.select(2, 1));
        return stack([v.Du, v.Ds], 2).reshape(x.shape);
    }

    /// <summary>The kinetics at (u, s): du, ds, the drive and its pre-activation, each [B, G].</summary>
    /// <param name="u">Unspliced abundances [B, G].</param>
    /// <param name="s">Spliced abundances [B, G].</param>
    /// <param name="detachParameters">Use detached parameters (no graph to θ; the gene-local loss's end point).</param>
    public KineticVelocity Velocity(Tensor u, Tensor s, bool detachParameters = false)
    {
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(s);
        Tensor P(Tensor p) => detachParameters ? p.detach() : p;
        var beta = P(Beta());
        var gamma = P(Gamma());
        var preact = u.mul(P(transcription_u)).add(s.mul(P(transcription_s)), Scalars.One);
        if (transcription_bias is not null)
        {
            preact = preact.add(P(transcription_bias), Scalars.One);
        }

        var drive = TorchOps.Softplus(preact).add(Scalars.Shared(MinTranscription), Scalars.One);
        var spliced = u.mul(beta);
        return new KineticVelocity(drive.sub(spliced), spliced.sub(s.mul(gamma)), drive, preact);
    }

    /// <summary>Copies parameter values in (the authors' names; [G] each; bias ignored when absent).</summary>
    /// <param name="betaUnconstrained">β̃ [G].</param>
    /// <param name="gammaUnconstrained">γ̃ [G].</param>
    /// <param name="transcriptionU">a [G].</param>
    /// <param name="transcriptionS">b [G].</param>
    /// <param name="transcriptionBias">c [G], or null to leave it.</param>
    public void Load(double[] betaUnconstrained, double[] gammaUnconstrained, double[] transcriptionU,
        double[] transcriptionS, double[]? transcriptionBias)
    {
        using var _ = no_grad();
        Copy(beta_unconstrained, betaUnconstrained, nameof(betaUnconstrained));
        Copy(gamma_unconstrained, gammaUnconstrained, nameof(gammaUnconstrained));
        Copy(transcription_u, transcriptionU, nameof(transcriptionU));
        Copy(transcription_s, transcriptionS, nameof(transcriptionS));
        if (transcriptionBias is not null && transcription_bias is not null)
        {
            Copy(transcription_bias, transcriptionBias, nameof(transcriptionBias));
        }
    }

    private void Copy(Parameter target, double[] values, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != Genes)
        {
            throw new ArgumentException($"{name} must hold {Genes} values (one per gene), got {values.Length}.", name);
        }

        target.copy_(tensor(values, dtype: target.dtype, device: target.device));
    }
}
