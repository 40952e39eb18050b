namespace FluxMatching.Fields;

using FluxMatching.Runtime;
using static TorchSharp.torch;

/// <summary>The closed-form end-point terms with the narrow first and last layers fused (<see cref="EdgeLayers"/>).</summary>
public sealed partial class MlpField
{
    /// <summary>Whether <see cref="HutchinsonEdges"/> applies: float32 contiguous CPU operands with the kernels on, at
    /// least one hidden layer, a narrow input and output, and one σ for the whole batch.</summary>
    private bool HutchinsonEdgesApply(Tensor z, Tensor? sigma, Tensor probe, Tensor c) =>
        layers.Count >= 2 && PackedGemm.Enabled && PackedGemm.Supported
        && layers[0].weight!.size(1) < EdgeLayers.MaxInput && layers[^1].weight!.size(0) <= EdgeLayers.MaxOutput
        && TensorMemory.IsDirect<float>(z) && TensorMemory.IsDirect<float>(probe) && TensorMemory.IsDirect<float>(c)
        && (!noiseConditioned || (sigma is not null && sigma.numel() == 1))
        && layers.All(l => l.bias is not null && TensorMemory.IsDirect<float>(l.weight!) && TensorMemory.IsDirect<float>(l.bias));

    /// <summary>
    /// <see cref="HutchinsonTerms"/> with the first layer, its tangent and silu in one pass
    /// (<see cref="EdgeLayers.FirstLayerTangent"/>) and the output layer, the seeds W_Lᵀ[c; p], pᵀ∇f p and the last
    /// hidden silu's reverse step in another (<see cref="EdgeLayers.OutputTangent"/>); the hidden layers in between as
    /// there (packed products on [2B, ·] rows, <see cref="SiluKernels"/>).
    /// </summary>
    private (Tensor F, Tensor Quadratic, Tensor Gradient) HutchinsonEdges(Tensor z, Tensor? sigma, Tensor probe, Tensor c)
    {
        long batch = z.size(0);
        int count = layers.Count;
        var first = layers[0];
        var slope = new Tensor[count - 1];
        var curvature = new Tensor[count - 1];
        double? sigmaValue = noiseConditioned ? sigma!.to(float64).item<double>() : null;

        var stacked = empty(2 * batch, first.weight!.size(0), dtype: ScalarType.Float32, device: z.device);
        var activation = stacked.narrow(0, 0, batch);
        var activationTangent = stacked.narrow(0, batch, batch);
        slope[0] = empty_like(activation);
        curvature[0] = empty_like(activation);
        EdgeLayers.FirstLayerTangent(z, sigmaValue, probe, first.weight, first.bias!, activation, activationTangent,
            slope[0], curvature[0]);
        for (int l = 1; l < count - 1; l++)
        {
            var next = layers[l];
            var both = PackedGemm.MatMul(stacked, next.weight!, transposedB: true);
            var h = both.narrow(0, 0, batch).add_(next.bias!, Scalars.One);
            stacked = empty(2 * batch, h.size(1), dtype: ScalarType.Float32, device: z.device);
            activation = stacked.narrow(0, 0, batch);
            activationTangent = stacked.narrow(0, batch, batch);
            slope[l] = empty_like(h);
            curvature[l] = empty_like(h);
            SiluKernels.Forward(h, both.narrow(0, batch, batch), activation, activationTangent, slope[l], curvature[l]);
        }

        var last = layers[count - 1];
        var f = empty(batch, last.weight!.size(0), dtype: ScalarType.Float32, device: z.device);
        var quadratic = empty(batch, dtype: ScalarType.Float32, device: z.device);
        int layer = count - 2;
        var (pair, hBar, tBar) = ReversePair(batch, activation.size(1), layer, z.device);
        EdgeLayers.OutputTangent(activation, activationTangent, slope[layer], curvature[layer], last.weight, last.bias!,
            c, probe, f, quadratic, hBar, tBar);
        while (layer > 0)
        {
            var back = PackedGemm.MatMul(pair, layers[layer].weight!, transposedB: false);
            layer--;
            (pair, hBar, tBar) = ReversePair(batch, back.size(1), layer, z.device);
            SiluKernels.Backward(back.narrow(0, 0, batch), back.narrow(0, batch, batch), slope[layer], curvature[layer],
                hBar, tBar);
        }

        var firstZ = noiseConditioned ? first.weight.narrow(1, 0, dimension).contiguous() : first.weight;
        return (f, quadratic, PackedGemm.MatMul(hBar, firstZ, transposedB: false));
    }

    /// <summary>The reverse pass's (h̄, ḣ̄) rows of one layer stacked [2B, H], or h̄ alone [B, H] for the first layer.</summary>
    private static (Tensor Pair, Tensor HBar, Tensor? TangentBar) ReversePair(long batch, long width, int layer, Device device)
    {
        var pair = empty(layer == 0 ? batch : 2 * batch, width, dtype: ScalarType.Float32, device: device);
        return (pair, pair.narrow(0, 0, batch), layer == 0 ? null : pair.narrow(0, batch, batch));
    }
}
