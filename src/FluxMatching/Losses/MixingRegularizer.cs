namespace FluxMatching.Losses;

using FluxMatching.Fields;
using FluxMatching.Metrics;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// exp4's fast-mixing regularizer as the authors build it (experiments/exp4_fast_mixing/application_loss.py,
/// <c>mixing_loss_fixed_sigma_edm</c>; paper §4.4): the clean batch is split in halves x_a, x_b; targets
/// y = x_a + σξ (samples of the σ-smoothed data); over-noised anchors x₀ = x_b + σξ + σξ′; one Langevin step
/// x₁ = x₀ + ε·drift(x₀) + √(2ε)·ξ″ with ε = 0.2σ²; and L_mix = SD(x₁, y) / (SD(x₀, y) + τ) with SD the
/// <see cref="SinkhornDivergence"/> and the denominator detached (τ = 10⁻³). Minimizing it rewards a field whose one
/// step carries the over-noised anchors closest to the data: faster mixing, which the flux loss leaves free.
/// <para>The drift: the authors drive the step with (D − z)/σ = σ·f, not with the score (D − z)/σ² = f that a
/// Langevin step for the smoothed data would use (their <c>f_theta_wo_sigma</c> in EDM.py). That is the default
/// here (<see cref="MixingDrive.DenoiserOverSigma"/>); <see cref="MixingDrive.Score"/> uses f.</para>
/// <para>In training it is added as weight·(L_mix / e^{m(σ)} + m(σ)) with its own learned normalizer m (a
/// <see cref="LossNormalizer"/>; the authors' weight 0.01), see <see cref="Normalized"/>. For a fixed-σ field σ is
/// the training σ. Every draw comes from the given generator on x's device, in the order ξ (y), ξ, ξ′ (x₀), ξ″.</para>
/// </summary>
public sealed class MixingRegularizer
{
    /// <summary>Creates the regularizer.</summary>
    /// <param name="options">Settings (null: <see cref="MixingRegularizerOptions.Default"/>).</param>
    public MixingRegularizer(MixingRegularizerOptions? options = null)
    {
        Options = options ?? MixingRegularizerOptions.Default;
        Options.Validate();
    }

    /// <summary>The settings in use.</summary>
    public MixingRegularizerOptions Options { get; }

    /// <summary>L_mix of a field on a clean batch.</summary>
    /// <param name="field">The field f (score units); a noise-conditioned field is evaluated at σ.</param>
    /// <param name="x">Clean batch [B, *S] with B ≥ 2 (an odd last sample is unused), on the field's device and dtype.
    /// </param>
    /// <param name="sigma">Noise standard deviation σ &gt; 0 (for a fixed-σ field, the training σ).</param>
    /// <param name="generator">Generator of the draws, on x's device (null: the global generator).</param>
    public MixingRegularizerResult Compute(IVectorField field, Tensor x, double sigma, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() < 2 || x.shape[0] < 2)
        {
            throw new ArgumentException($"x [{string.Join(", ", x.shape)}] must be a batch [B, *S] with B ≥ 2.", nameof(x));
        }

        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be a finite number > 0.");
        }

        using var scope = NewDisposeScope();
        using var sc = new Scalars();
        long half = x.shape[0] / 2;
        var cleanY = x.narrow(0, 0, half);
        var cleanX = x.narrow(0, half, half);
        var y = cleanY.add(Noise(cleanY, generator), sc[sigma]).detach();
        var x0 = cleanX.add(Noise(cleanX, generator), sc[sigma]);
        x0 = x0.add(Noise(x0, generator), sc[sigma]).detach();
        var s = field.IsNoiseConditioned ? full([half], sc[sigma], x.dtype, x.device) : null;
        var f = field.Evaluate(x0, s);
        double eps = Options.StepScale * sigma * sigma;
        double driftScale = Options.Drive == MixingDrive.DenoiserOverSigma ? eps * sigma : eps;
        var x1 = x0.add(f, sc[driftScale]).add(Noise(x0, generator), sc[Math.Sqrt(2 * eps)]);
        var d1 = SinkhornDivergence.Compute(x1, y, Options.Sinkhorn);
        Tensor d0;
        using (no_grad())
        {
            d0 = SinkhornDivergence.Compute(x0, y, Options.Sinkhorn);
        }

        var loss = d1.div(d0.add(sc[Options.Tau], Scalars.One));
        return new MixingRegularizerResult(loss.MoveToOuterDisposeScope(), d1.MoveToOuterDisposeScope(),
            d0.MoveToOuterDisposeScope(), x1.MoveToOuterDisposeScope());
    }

    /// <summary>The training term weight·(L_mix / e^{m(σ)} + m(σ)), 0-d, with the normalizer's graph.</summary>
    /// <param name="loss">L_mix, 0-d.</param>
    /// <param name="normalizer">The regularizer's own learned normalizer m.</param>
    /// <param name="sigma">σ of the step, a 0-d tensor on the normalizer's device.</param>
    /// <param name="weight">The weight (the authors': 0.01), finite and ≥ 0.</param>
    public static Tensor Normalized(Tensor loss, LossNormalizer normalizer, Tensor sigma, double weight)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(normalizer);
        if (!(weight >= 0) || !double.IsFinite(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "the mixing weight must be a finite number ≥ 0.");
        }

        using var scope = NewDisposeScope();
        using var w = weight.ToScalar();
        return normalizer.Normalize(loss.reshape(1), sigma.reshape(1)).squeeze(0).mul(w).MoveToOuterDisposeScope();
    }

    private static Tensor Noise(Tensor like, Generator? generator) =>
        randn(like.shape, like.dtype, like.device, generator: generator);
}
