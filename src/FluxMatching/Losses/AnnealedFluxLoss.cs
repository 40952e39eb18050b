namespace FluxMatching.Losses;

using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Noise-annealed Flux Matching (paper §3.1, §3.5; the authors' examples/annealed_flux_matching_quickstart.ipynb): the flux loss of the σ-conditioned field
/// f_θ(·; σ) at variance σ² (KDE bandwidth and anchor noise), normalised by the learned per-σ scale,
/// total_i = ℓ_i / exp(s(σ)) + s(σ), plus, with a learned horizon proposal, its REINFORCE term
/// −mean_i(ℓ_i / exp(s(σ))).detach() · log q(t; σ).
/// </summary>
public sealed class AnnealedFluxLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="options">Flux-loss options (null: the reference defaults).</param>
    public AnnealedFluxLoss(FluxLossOptions? options = null)
    {
        Flux = new FluxMatchingLoss(options);
    }

    /// <summary>The underlying flux loss.</summary>
    public FluxMatchingLoss Flux { get; }

    /// <summary>Draws σ from <paramref name="sampler"/> (first draw, in x's dtype/device), then computes the loss.</summary>
    /// <param name="field">A noise-conditioned field (receives σ, not σ²).</param>
    /// <param name="x">Clean batch [B, *S].</param>
    /// <param name="sampler">σ sampler.</param>
    /// <param name="normalizer">Optional loss normaliser.</param>
    /// <param name="proposal">Optional horizon proposal.</param>
    /// <param name="draws">Optional pre-drawn flux-loss draws.</param>
    /// <param name="generator">Generator for σ and the flux-loss draws (null: global).</param>
    public AnnealedFluxLossResult Compute(IVectorField field, Tensor x, SigmaSampler sampler,
        LossNormalizer? normalizer = null, ExponentialTimeProposal? proposal = null, FluxLossDraws? draws = null,
        Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(x);
        using var sigma = sampler.Sample(generator, x.device, x.dtype);
        return Compute(field, x, sigma, normalizer, proposal, draws, generator);
    }

    /// <summary>Computes the loss of an <see cref="IVectorField"/> at σ, with the field's capabilities (closed-form
    /// end-point terms, first-order node; <see cref="FieldCapabilities"/>) where it offers them.</summary>
    /// <param name="field">A noise-conditioned field (receives σ, not σ²).</param>
    /// <param name="x">Clean batch [B, *S].</param>
    /// <param name="sigma">σ &gt; 0, one element.</param>
    /// <param name="normalizer">Optional loss normaliser.</param>
    /// <param name="proposal">Optional horizon proposal.</param>
    /// <param name="draws">Optional pre-drawn flux-loss draws.</param>
    /// <param name="generator">Generator for the flux-loss draws (null: global).</param>
    public AnnealedFluxLossResult Compute(IVectorField field, Tensor x, Tensor sigma,
        LossNormalizer? normalizer = null, ExponentialTimeProposal? proposal = null, FluxLossDraws? draws = null,
        Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!field.IsNoiseConditioned)
        {
            throw new ArgumentException("field must be noise-conditioned (IsNoiseConditioned = true).", nameof(field));
        }

        return Compute((z, s) => field.Evaluate(z, s), field, x, sigma, normalizer, proposal, draws, generator);
    }

    /// <summary>Computes the loss of a σ-conditioned callable.</summary>
    /// <param name="field">f(z, σ): z [B, *S] and σ (the 0-d tensor given) to a tensor shaped like z.</param>
    /// <param name="x">Clean batch [B, *S], B ≥ 2, float32/float64, finite.</param>
    /// <param name="sigma">σ &gt; 0 (standard deviation), one element; the loss uses σ² = σ·σ.</param>
    /// <param name="normalizer">Optional loss normaliser (in the dtype of σ after conversion to x's dtype).</param>
    /// <param name="proposal">Optional horizon proposal, evaluated at σ.</param>
    /// <param name="draws">Optional pre-drawn flux-loss draws.</param>
    /// <param name="generator">Generator for the flux-loss draws (null: global).</param>
    public AnnealedFluxLossResult Compute(Func<Tensor, Tensor, Tensor> field, Tensor x, Tensor sigma,
        LossNormalizer? normalizer = null, ExponentialTimeProposal? proposal = null, FluxLossDraws? draws = null,
        Generator? generator = null) =>
        Compute(field, null, x, sigma, normalizer, proposal, draws, generator);

    private AnnealedFluxLossResult Compute(Func<Tensor, Tensor, Tensor> field, IVectorField? typed, Tensor x,
        Tensor sigma, LossNormalizer? normalizer, ExponentialTimeProposal? proposal, FluxLossDraws? draws,
        Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sigma);
        if (sigma.numel() != 1)
        {
            throw new ArgumentException(
                $"sigma must hold exactly one element (one σ per batch), got shape [{string.Join(", ", sigma.shape)}].",
                nameof(sigma));
        }

        double sigmaValue = sigma.to(ScalarType.Float64).reshape(1).ItemAsDouble();
        if (!(sigmaValue > 0.0) || !double.IsFinite(sigmaValue))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigmaValue, "sigma must be finite and > 0.");
        }

        using var scope = NewDisposeScope();
        var s = sigma.to(x.dtype, x.device).reshape(Array.Empty<long>());
        var flux = typed is null
            ? Flux.Compute(z => field(z, s), x, sigmaValue * sigmaValue, proposal, draws, generator)
            : Flux.ComputeConditioned(typed, s, x, sigmaValue * sigmaValue, proposal, draws, generator);
        var raw = flux.PerSample;
        Tensor? normalizerOutput = normalizer?.forward(s.reshape(1));
        var total = normalizerOutput is null ? raw : raw.div(normalizerOutput.exp());
        Tensor? reinforce = null;
        if (proposal is not null)
        {
            var target = total.mean().detach();
            reinforce = proposal.ReinforceLoss(flux.T.expand(raw.shape[0]), s.reshape(1), target);
        }

        if (normalizerOutput is not null)
        {
            total = total.add(normalizerOutput, Scalars.One);
        }

        if (reinforce is not null)
        {
            total = total.add(reinforce, Scalars.One);
        }

        var result = new AnnealedFluxLossResult(raw, total, s, flux.T, reinforce, normalizerOutput, flux);
        foreach (var t in new[] { raw, total, s, flux.T, reinforce, normalizerOutput, flux.ProposalDensity, flux.X0,
                     flux.Xt, flux.Residual, flux.CarriedGradient })
        {
            t?.MoveToOuterDisposeScope();
        }

        return result;
    }
}
