namespace FluxMatching.Losses;

using static TorchSharp.torch;

/// <summary>One evaluation of <see cref="MixingRegularizer"/>.</summary>
/// <param name="Loss">L_mix = SD(x₁, y) / (SD(x₀, y) + τ), 0-d, with the field's graph.</param>
/// <param name="Divergence">SD(x₁, y) after the Langevin step, 0-d, with the field's graph.</param>
/// <param name="InitialDivergence">SD(x₀, y) of the over-noised anchors, 0-d, detached.</param>
/// <param name="X1">The moved anchors x₁ [B/2, *S], with the field's graph.</param>
public sealed record MixingRegularizerResult(Tensor Loss, Tensor Divergence, Tensor InitialDivergence, Tensor X1);
