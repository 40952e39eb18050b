namespace FluxMatching.Losses;

using static TorchSharp.torch;

/// <summary>
/// Pre-drawn random numbers of one flux-loss call (fixture replay, variance studies). Each member left null is drawn
/// from the generator at its place in the reference order (the authors' src/flux_matching.py (flux_matching_loss)): anchor noise, horizon uniform,
/// K substep noises, probe.
/// </summary>
/// <param name="AnchorNoise">ξ0 for the anchors x0 = x + σ ξ0: shape of x ([B, *S]) or [B, D].</param>
/// <param name="HorizonUniform">u ∈ [0, 1), a single-element tensor: t = u·H without a proposal, or the proposal's own
/// uniform (inverse-CDF input) with one. On the CPU its value is read on the host (t sets the integrator's step
/// sizes); on other devices it stays a tensor.</param>
/// <param name="SubstepNoises">The K Langevin noises ξ1..ξK, each the shape of x or [B, D].</param>
/// <param name="Probe">The Hutchinson probe, shape of x or [B, D]: an integer tensor holds the reference's {0,1}
/// draws (probe = 2i − 1); a floating tensor is used as the probe itself (±1, or Gaussian values). Ignored by
/// <see cref="DivergenceEstimator.Exact"/>.</param>
public sealed record FluxLossDraws(
    Tensor? AnchorNoise = null,
    Tensor? HorizonUniform = null,
    IReadOnlyList<Tensor>? SubstepNoises = null,
    Tensor? Probe = null);
