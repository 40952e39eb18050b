namespace FluxMatching.Losses;

using static TorchSharp.torch;

/// <summary>The result of one <see cref="GeneLocalFluxLoss"/> call.</summary>
/// <param name="Loss">The 0-d loss σ⁴·mean_b ℓ_b (graph to θ through f(x0) only): what the authors back-propagate.
/// </param>
/// <param name="PerCell">σ⁴·ℓ_b per cell, [B] (graph attached); its mean is <paramref name="Loss"/>.</param>
/// <param name="Tau">The horizon τ ∈ [0, H] of this call.</param>
/// <param name="Residual">The estimated flux residual r̂(x_τ) per cell, [B] (detached).</param>
/// <param name="CarriedGradient">ĝ = H e^{−τ} resp·∇r̂(x_τ), [B, G, 2] (detached).</param>
public sealed record GeneLocalFluxLossResult(
    Tensor Loss,
    Tensor PerCell,
    double Tau,
    Tensor Residual,
    Tensor CarriedGradient);
