namespace FluxMatching.Losses;

using static TorchSharp.torch;

/// <summary>The result of one flux-loss call (the authors' src/flux_matching.py (flux_matching_loss)).</summary>
/// <param name="PerSample">ℓ_i = −2 (f_θ(x0_i) − ŝ(x0_i))·ĝ_i, shape [B], x's dtype; carries the graph to θ through
/// f_θ(x0) only. Only its batch mean is meaningful (§1.4).</param>
/// <param name="T">The horizon t, a 0-d tensor in [0, H] (no grad).</param>
/// <param name="ProposalDensity">q(t), a 0-d tensor (1/H for the uniform proposal; detached).</param>
/// <param name="X0">The anchors x0 = x + σξ0, shape of x (detached).</param>
/// <param name="Xt">The end points after K substeps, shape of x (detached).</param>
/// <param name="Residual">The estimated flux residual r̂(x_t) = ∇·u + u·ŝ at the end points, shape [B] (detached).
/// </param>
/// <param name="CarriedGradient">ĝ = (e^{−t}/q(t)) W ∇r̂(x_t), the gradient carried back to the anchors, shape of x
/// (detached).</param>
public sealed record FluxLossResult(
    Tensor PerSample,
    Tensor T,
    Tensor ProposalDensity,
    Tensor X0,
    Tensor Xt,
    Tensor Residual,
    Tensor CarriedGradient);
