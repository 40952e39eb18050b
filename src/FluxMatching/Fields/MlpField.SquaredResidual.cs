namespace FluxMatching.Fields;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>DSM's whole objective as one first-order node (forward, loss and parameter gradients in one call).</summary>
public sealed partial class MlpField
{
    /// <summary>
    /// The mean squared residual mean_b Σ_d (f(x_b; σ) + y_b)_d² (0-d), the plain ε-DSM objective with y = ε/σ. On the
    /// CPU in float32 with the packed kernel (<see cref="EvaluateFirstOrder"/>'s conditions) and neither x nor y
    /// requiring a gradient (and gradients enabled), one custom autograd node computes the value and every parameter gradient when it is
    /// called (δ_L = 2(f + y)/B, then the first-order backward) and its backward only scales them by the incoming
    /// gradient: the residual, square, sum and mean and their autograd nodes disappear from the step. Elsewhere it is
    /// the same expression in libtorch on <see cref="EvaluateFirstOrder"/>.
    /// </summary>
    /// <param name="x">Points [B, D].</param>
    /// <param name="sigma">σ (one element or [B]) for a noise-conditioned field, else null.</param>
    /// <param name="offset">y [B, D], added to f before squaring.</param>
    /// <returns>The 0-d mean over the batch of Σ_d (f + y)².</returns>
    internal Tensor MeanSquaredResidual(Tensor x, Tensor? sigma, Tensor offset)
    {
        if (!SquaredResidualFuses(x, offset))
        {
            return FieldCapabilities.SquaredResidualMean(EvaluateFirstOrder(x, sigma), offset);
        }

        var y = offset.reshape(x.size(0), dimension).contiguous();
        return SquaredResidualFunction.apply(FirstOrderInputs(x, sigma, y));
    }

    /// <summary>Whether <see cref="MeanSquaredResidual"/> runs as the fused node for these operands (under no_grad it
    /// does not: the gradients would be computed for nothing).</summary>
    internal bool SquaredResidualFuses(Tensor x, Tensor offset) =>
        is_grad_enabled() && FirstOrderApplies(x) && !x.requires_grad && !offset.requires_grad && offset.dtype == ScalarType.Float32
        && offset.device_type == DeviceType.CPU && offset.numel() == x.numel();

    Tensor ISquaredResidualNode.MeanSquaredResidual(Tensor x, Tensor? sigma, Tensor offset) =>
        MeanSquaredResidual(x, sigma, offset);

    /// <summary>Inputs (a_0, y, W_0, b_0, …), output mean_b Σ_d (f + y)²; gradients computed in forward.</summary>
    private sealed class SquaredResidualFunction : autograd.SingleTensorFunction<SquaredResidualFunction>
    {
        public override string Name => "MlpFieldSquaredResidual";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            int count = (vars.Length - 2) / 2;
            var saved = new List<Tensor>(3 * count);
            var y = (Tensor)vars[1];
            long batch = y.size(0);
            var grads = new Tensor?[2 + (2 * count)];
            Tensor value;
            if (FirstOrderPass.NarrowEdges(vars, 2))
            {
                // the output layer, the residual, its square and δ_L = 2(f + y)/B in one pass with the output's backward
                FirstOrderPass.Forward(vars, 2, saved, withOutput: false);
                double squares = FirstOrderPass.NarrowOutput(saved, count, (Tensor)vars[^1], null, y, (float)(2.0 / batch),
                    grads, 2);
                FirstOrderPass.BackwardHidden(saved, count, inputGrad: false, grads, 2);
                value = tensor((float)(squares / batch), dtype: y.dtype, device: y.device);
            }
            else
            {
                var residual = FirstOrderPass.Forward(vars, 2, saved)!.add_(y, Scalars.One);
                using var mean = (1.0 / batch).ToScalar();
                using var twice = (2.0 / batch).ToScalar();
                value = residual.pow(Scalars.Two).sum().mul_(mean);
                FirstOrderPass.Backward(residual.mul_(twice), saved, count, inputGrad: false, grads, 2);
            }

            ctx.save_for_backward([.. grads.Skip(2).Select(g => g!)]);
            return value;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var grads = ctx.get_saved_variables();
            var result = new List<Tensor>(2 + grads.Count) { null!, null! };
            bool unit = grad_output.item<float>() == 1f;   // the usual loss.backward(): the gradients as computed
            result.AddRange(unit ? grads : grads.Select(g => g.mul(grad_output)));
            return result;
        }
    }
}
