namespace FluxMatching.Losses;

using static TorchSharp.torch;

/// <summary>The result of one annealed flux-loss call (paper §3.1–3.5).</summary>
/// <param name="Raw">The flux loss ℓ_i of the σ-conditioned field at σ², shape [B] (graph to the field).</param>
/// <param name="Total">What to average and back-propagate, shape [B]: ℓ_i / exp(s(σ)) + s(σ) with a normaliser
/// (ℓ_i without), plus the REINFORCE term when a proposal is used (graph to field, normaliser and proposal).</param>
/// <param name="Sigma">σ, a 0-d tensor.</param>
/// <param name="T">The horizon t, a 0-d tensor.</param>
/// <param name="Reinforce">The proposal's REINFORCE term −target·log q(t; σ) expanded to [B] (target = detached
/// batch mean of the normalised loss), or null without a proposal.</param>
/// <param name="NormalizerOutput">s(σ), shape [1], or null without a normaliser.</param>
/// <param name="Flux">The underlying flux-loss result (anchors, end points, residual, …).</param>
public sealed record AnnealedFluxLossResult(
    Tensor Raw,
    Tensor Total,
    Tensor Sigma,
    Tensor T,
    Tensor? Reinforce,
    Tensor? NormalizerOutput,
    FluxLossResult Flux);
