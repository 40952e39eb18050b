namespace FluxMatching.Losses;

using static TorchSharp.torch;

/// <summary>A horizon drawn from <see cref="ExponentialTimeProposal"/>.</summary>
/// <param name="T">Horizons t ∈ [0, H], shape [n] (one per σ entry; all from one uniform; no grad).</param>
/// <param name="Density">q(t; σ), shape [n], with grad to the proposal's parameters (as the reference).</param>
/// <param name="Uniform">The uniform u that produced t, shape [1].</param>
public sealed record TimeSample(Tensor T, Tensor Density, Tensor Uniform);
