namespace FluxMatching.Fields;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>The field with a hand-written first-order backward (parameter gradients of the loss's anchor term).</summary>
public sealed partial class MlpField
{
    /// <summary>Below this many multiply-adds in the widest hidden product libtorch's own autograd is as fast.</summary>
    private const long FirstOrderMinWork = 1L << 22;

    /// <summary>
    /// f(x; σ) for a loss that differentiates it once (the flux loss's anchor term −2(f(x0) − ŝ)·ĝ): on the CPU in
    /// float32 with the packed kernel available, forward and backward run as one custom autograd node whose products
    /// use <see cref="PackedGemm"/> (backward: δ_L = ∂ℓ/∂f, ∂W_l = δ_lᵀ a_{l−1}, ∂b_l = Σ_B δ_l,
    /// δ_{l−1} = (δ_l W_l) ⊙ silu'(h_{l−1})); elsewhere, and for small layers, it is <see cref="Evaluate"/>. The node
    /// is not differentiable twice: use <see cref="Evaluate"/> for divergences and other second-order uses.
    /// </summary>
    /// <param name="x">Points [B, D].</param>
    /// <param name="sigma">σ (one element or [B]) for a noise-conditioned field, else null.</param>
    /// <returns>f(x; σ) [B, D].</returns>
    internal Tensor EvaluateFirstOrder(Tensor x, Tensor? sigma)
    {
        if (!FirstOrderApplies(x))
        {
            return Evaluate(x, sigma);
        }

        return MlpFunction.apply(FirstOrderInputs(x, sigma, null)).view(x.shape);
    }

    /// <summary>The first-order nodes' inputs: a_0 = x [B, D] (with the σ column for a noise-conditioned field),
    /// then <paramref name="extra"/> when given, then W_0, b_0, …, W_{L−1}, b_{L−1}.</summary>
    private object[] FirstOrderInputs(Tensor x, Tensor? sigma, Tensor? extra)
    {
        long batch = x.size(0);
        var input = x.reshape(batch, dimension);
        if (noiseConditioned)
        {
            ArgumentNullException.ThrowIfNull(sigma);
            input = cat([input, sigma.to(x.dtype, x.device).reshape(-1, 1).expand(batch, 1)], 1);
        }

        int first = extra is null ? 1 : 2;
        var vars = new object[first + (2 * layers.Count)];
        vars[0] = input.contiguous();
        if (extra is not null)
        {
            vars[1] = extra;
        }

        for (int l = 0; l < layers.Count; l++)
        {
            vars[first + (2 * l)] = layers[l].weight!;
            vars[first + 1 + (2 * l)] = layers[l].bias!;
        }

        return vars;
    }

    Tensor IFirstOrderNode.EvaluateFirstOrder(Tensor x, Tensor? sigma) => EvaluateFirstOrder(x, sigma);

    private bool FirstOrderApplies(Tensor x)
    {
        if (!PackedGemm.Enabled || !PackedGemm.Supported || layers.Count < 2 || x.dim() != 2
            || x.dtype != ScalarType.Float32 || x.device_type != DeviceType.CPU || !TensorMemory.Available
            || layers.Any(l => l.weight!.dtype != ScalarType.Float32 || l.weight.device_type != DeviceType.CPU
                || !l.weight.is_contiguous() || l.bias is null))
        {
            return false;
        }

        long widest = layers.Take(layers.Count - 1).Max(l => l.weight!.size(0));
        return x.size(0) * widest * widest >= FirstOrderMinWork;
    }

    /// <summary>The custom autograd node: inputs (a_0, W_0, b_0, …, W_{L−1}, b_{L−1}), output f [B, D].</summary>
    private sealed class MlpFunction : autograd.SingleTensorFunction<MlpFunction>
    {
        public override string Name => "MlpFieldFirstOrder";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            int count = (vars.Length - 1) / 2;
            var saved = new List<Tensor>(3 * count);
            var f = FirstOrderPass.Forward(vars, 1, saved)!;
            ctx.save_for_backward(saved);
            ctx.save_data("count", count);
            ctx.save_data("inputGrad", ((Tensor)vars[0]).requires_grad);
            return f;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            int count = (int)ctx.get_data("count");
            var grads = new Tensor[1 + (2 * count)];
            FirstOrderPass.Backward(grad_output.contiguous(), ctx.get_saved_variables(), count,
                (bool)ctx.get_data("inputGrad"), grads, 1);
            return [.. grads];
        }
    }
}
