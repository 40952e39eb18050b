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
        /// <summary>Whether the passes take the fused edge layers (<see cref="EdgeLayers.Fit"/>), from the node's inputs
        /// (W_0 [H, K] at vars[first], W_{L−1} [D, H] last but one).</summary>
        public static bool NarrowEdges(object[] vars, int first) =>
            EdgeLayers.Fit((vars.Length - first) / 2, ((Tensor)vars[first]).size(1), ((Tensor)vars[^2]).size(0));

        /// <summary>f [B, D] for the input a_0 = vars[0] and the layers (W_l, b_l) = vars[first + 2l], vars[first + 2l + 1]
        /// (null when <paramref name="withOutput"/> is false: the caller fuses the output layer); appends a_0, then
        /// (a_l, silu'(h_l)) per hidden layer, then every W_l to <paramref name="saved"/>.</summary>
        public static Tensor? Forward(object[] vars, int first, List<Tensor> saved, bool withOutput = true)
        {
            int count = (vars.Length - first) / 2;
            var activation = (Tensor)vars[0];
            saved.Add(activation);
            bool narrow = NarrowEdges(vars, first);
            for (int l = 0; l < count - 1; l++)
            {
                var weight = (Tensor)vars[first + (2 * l)];
                var bias = (Tensor)vars[first + (2 * l) + 1];
                Tensor slope;
                if (l == 0 && narrow)
                {
                    var input = activation;
                    activation = empty(input.size(0), weight.size(0), dtype: input.dtype, device: input.device);
                    slope = empty_like(activation);
                    EdgeLayers.FirstLayer(input, weight, bias, activation, slope);   // silu and silu' without h
                }
                else
                {
                    var h = PackedGemm.MatMul(activation, weight, transposedB: true, bias);
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
                }

                saved.Add(activation);
                saved.Add(slope);
            }

            for (int l = 0; l < count; l++)
            {
                saved.Add((Tensor)vars[first + (2 * l)]);
            }

            int last = first + (2 * (count - 1));
            return withOutput ? PackedGemm.MatMul(activation, (Tensor)vars[last], transposedB: true, (Tensor)vars[last + 1]) : null;
        }

        /// <summary>Backpropagates δ_L = ∂ℓ/∂f [B, D] through the saved layers: ∂W_l = δ_lᵀ a_l, ∂b_l = Σ_B δ_l,
        /// δ_{l−1} = (δ_l W_l) ⊙ silu'(h_{l−1}); writes ∂W_l, ∂b_l to grads[first + 2l], grads[first + 2l + 1] and,
        /// when <paramref name="inputGrad"/>, ∂a_0 to grads[0].</summary>
        public static void Backward(Tensor delta, IList<Tensor> saved, int count, bool inputGrad, Tensor?[] grads,
            int first)
        {
            if (EdgeLayers.Fit(count, saved[0].size(1), delta.size(1)))
            {
                NarrowOutput(saved, count, null, delta, null, 0f, grads, first);
                BackwardHidden(saved, count, inputGrad, grads, first);
                return;
            }

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

        /// <summary>The narrow output layer's backward in one pass (<see cref="EdgeLayers.OutputBackward"/>): writes
        /// ∂W_{L−1}, ∂b_{L−1}, ∂b_{L−2} to grads and keeps δ_{L−2} in grads[first + 2(L−2)] until
        /// <see cref="BackwardHidden"/> replaces it with ∂W_{L−2}; returns Σ (f + y)² when <paramref name="offset"/> is
        /// given (then with the output bias <paramref name="bias"/>: f = a W_{L−1}ᵀ + b, δ = <paramref name="scale"/>(f + y)).</summary>
        public static double NarrowOutput(IList<Tensor> saved, int count, Tensor? bias, Tensor? delta, Tensor? offset,
            float scale, Tensor?[] grads, int first)
        {
            var a = saved[(2 * count) - 3];
            var s = saved[(2 * count) - 2];
            var weight = saved[(3 * count) - 2];
            var weightGrad = empty_like(weight);
            var biasGrad = empty(weight.size(0), dtype: weight.dtype, device: weight.device);
            var previous = empty_like(a);
            var previousBiasGrad = empty(a.size(1), dtype: a.dtype, device: a.device);
            double squares = EdgeLayers.OutputBackward(a, s, weight, bias, delta?.contiguous(), offset, scale,
                weightGrad, biasGrad, previous, previousBiasGrad);
            grads[first + (2 * (count - 1))] = weightGrad;
            grads[first + (2 * (count - 1)) + 1] = biasGrad;
            grads[first + (2 * (count - 2))] = previous;
            grads[first + (2 * (count - 2)) + 1] = previousBiasGrad;
            return squares;
        }

        /// <summary>The hidden layers after <see cref="NarrowOutput"/>: for l = L−2 … 0, ∂W_l = δ_lᵀ a_{l−1} (for l = 0
        /// the narrow input's <see cref="EdgeLayers.InputWeightGradient"/>), δ_{l−1} = (δ_l W_l) ⊙ s_{l−1} with its
        /// column sums (<see cref="EdgeLayers.ScaleRows"/>).</summary>
        public static void BackwardHidden(IList<Tensor> saved, int count, bool inputGrad, Tensor?[] grads, int first)
        {
            for (int l = count - 2; l >= 0; l--)
            {
                var delta = grads[first + (2 * l)]!;
                var weight = saved[(2 * count) - 1 + l];
                if (l == 0)
                {
                    var input = saved[0];
                    var weightGrad = empty_like(weight);
                    EdgeLayers.InputWeightGradient(delta, input, weightGrad);
                    grads[first] = weightGrad;
                    if (inputGrad)
                    {
                        grads[0] = PackedGemm.MatMul(delta, weight, transposedB: false);
                    }

                    break;
                }

                grads[first + (2 * l)] = PackedGemm.MatMulTransposedA(delta, saved[(2 * l) - 1]);   // ∂W_l = δᵀa
                var previous = PackedGemm.MatMul(delta, weight, transposedB: false);
                var biasGrad = empty(previous.size(1), dtype: previous.dtype, device: previous.device);
                EdgeLayers.ScaleRows(previous, saved[2 * l], biasGrad);
                grads[first + (2 * (l - 1))] = previous;
                grads[first + (2 * (l - 1)) + 1] = biasGrad;
            }
        }
    }
}
