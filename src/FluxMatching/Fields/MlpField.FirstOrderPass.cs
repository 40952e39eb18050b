namespace FluxMatching.Fields;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>The forward and backward passes shared by the first-order nodes (<see cref="MlpField.EvaluateFirstOrder"/>
/// and the fused squared residual of DSM).</summary>
public sealed partial class MlpField
{
    private static class FirstOrderPass
    {
        /// <summary>f [B, D] for the input a_0 = vars[0] and the layers (W_l, b_l) = vars[first + 2l], vars[first + 2l + 1];
        /// appends a_0, then (a_l, silu'(h_l)) per hidden layer, then every W_l to <paramref name="saved"/>.</summary>
        public static Tensor Forward(object[] vars, int first, List<Tensor> saved)
        {
            int count = (vars.Length - first) / 2;
            var activation = (Tensor)vars[0];
            saved.Add(activation);
            for (int l = 0; l < count - 1; l++)
            {
                var h = PackedGemm.MatMul(activation, (Tensor)vars[first + (2 * l)], transposedB: true, (Tensor)vars[first + (2 * l) + 1]);
                Tensor slope;
                if (SiluKernels.Applicable(h))
                {
                    activation = empty_like(h);
                    slope = empty_like(h);
                    SiluKernels.ActivationSlope(h, activation, slope);   // silu(h) and silu'(h) in one pass
                }
                else
                {
                    var sig = h.sigmoid();
                    activation = h.mul(sig);
                    slope = sig.neg().add_(Scalars.One, Scalars.One).mul_(h).add_(Scalars.One, Scalars.One).mul_(sig);   // silu'(h)
                }

                saved.Add(activation);
                saved.Add(slope);
            }

            for (int l = 0; l < count; l++)
            {
                saved.Add((Tensor)vars[first + (2 * l)]);
            }

            int last = first + (2 * (count - 1));
            return PackedGemm.MatMul(activation, (Tensor)vars[last], transposedB: true, (Tensor)vars[last + 1]);
        }

        /// <summary>Backpropagates δ_L = ∂ℓ/∂f [B, D] through the saved layers: ∂W_l = δ_lᵀ a_l, ∂b_l = Σ_B δ_l,
        /// δ_{l−1} = (δ_l W_l) ⊙ silu'(h_{l−1}); writes ∂W_l, ∂b_l to grads[first + 2l], grads[first + 2l + 1] and,
        /// when <paramref name="inputGrad"/>, ∂a_0 to grads[0].</summary>
        public static void Backward(Tensor delta, IList<Tensor> saved, int count, bool inputGrad, Tensor?[] grads,
            int first)
        {
            for (int l = count - 1; l >= 0; l--)
            {
                var previous = saved[l == 0 ? 0 : (2 * l) - 1];            // a_l: the input of layer l
                var weight = saved[(2 * count) - 1 + l];
                grads[first + (2 * l)] = previous.size(1) >= 16
                    ? PackedGemm.MatMulTransposedA(delta, previous)                    // ∂W_l = δᵀa
                    : PackedGemm.MatMulTransposedA(previous, delta).t().contiguous();  // thin input: (aᵀδ)ᵀ
                grads[first + (2 * l) + 1] = delta.sum(dim: 0);
                if (l > 0)
                {
                    delta = PackedGemm.MatMul(delta, weight, transposedB: false).mul_(saved[2 * l]);
                }
                else if (inputGrad)
                {
                    grads[0] = PackedGemm.MatMul(delta, weight, transposedB: false);
                }
            }
        }
    }
}
