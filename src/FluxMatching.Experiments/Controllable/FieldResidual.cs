namespace FluxMatching.Controllable;

using static TorchSharp.torch;

/// <summary>
/// The flux residual of a member f = s + δu of the exp1 family at points x (the authors' experiments/exp1_controllable/test.py):
/// r = ∇·δu + δu·s = (1/p)∇·(p δu), exact (autograd divergence). r ≡ 0 exactly when p is stationary under
/// dX = f dt + √2 dW (paper Prop. 2.1).
/// </summary>
/// <param name="Residual">r(x), shape [B], still attached to the graph of x (differentiate it for ∇r).</param>
/// <param name="Perturbation">δu(x) = f(x) − s(x) = Σ_k θ_k b_k(x), shape [B, 2], attached to the graph of x.</param>
public sealed record FieldResidual(Tensor Residual, Tensor Perturbation);
