namespace FluxMatching.Fields;

using FluxMatching.Runtime;
using static TorchSharp.torch;

/// <summary>The flux loss's end-point terms of an MLP field in closed form (no autograd graph).</summary>
public sealed partial class MlpField
{
    /// <summary>
    /// f(z), pᵀ∇f(z) p [B] and ∇_z(pᵀ∇f p + c·f) [B, D] for flattened z, p, c [B, D], by one forward pass carrying
    /// the tangent ∇f·p and one reverse pass through both (forward-over-reverse by hand). With h_l the
    /// pre-activations, a_l = silu(h_l), ḣ_l the tangents (ḣ_1 = W_1 p, ȧ_l = silu'(h_l) ḣ_l) and adjoints
    /// ā, ǡ seeded with W_Lᵀc and W_Lᵀp:
    /// <code>h̄_l = ā_l silu'(h_l) + ǡ_l silu''(h_l) ḣ_l    ḣ̄_l = ǡ_l silu'(h_l)    [ā; ǡ]_{l−1} = [h̄; ḣ̄]_l W_l</code>
    /// and ∇_z = h̄_1 W_1 (the z columns), pᵀ∇f p = Σ ǡ_{L−1} ȧ_{L−1}. The primal and tangent rows share each matrix
    /// product ([2B, ·] operands), through <see cref="PackedGemm"/> where it applies. Same values as double backward
    /// through <see cref="Evaluate"/>, up to rounding.
    /// </summary>
    (Tensor F, Tensor Quadratic, Tensor Gradient) IClosedFormEndPoint.EndPointTerms(Tensor z, Tensor? sigma,
        Tensor probe, Tensor c) => HutchinsonTerms(z, sigma, probe, c);

    /// <summary>The closed-form end-point terms (see <see cref="IClosedFormEndPoint"/> and above).</summary>
    /// <param name="z">Points [B, D] (no gradient needed).</param>
    /// <param name="sigma">σ for a noise-conditioned field (one element), else null.</param>
    /// <param name="probe">Probe p [B, D].</param>
    /// <param name="c">Co-vector c [B, D].</param>
    /// <param name="allowFused">Use the fused CPU element-wise kernels when possible (false: tensor operations).</param>
    /// <returns>f(z) [B, D], pᵀ∇f p [B], ∇_z(pᵀ∇f p + c·f) [B, D].</returns>
    internal (Tensor F, Tensor Quadratic, Tensor Gradient) HutchinsonTerms(Tensor z, Tensor? sigma, Tensor probe,
        Tensor c, bool allowFused = true)
    {
        using var _ = no_grad();
        long batch = z.size(0);
        int count = layers.Count;
        var first = layers[0];
        var firstZ = noiseConditioned ? first.weight!.narrow(1, 0, dimension).contiguous() : first.weight!;   // contiguous: the narrow kernels take it
        var last = layers[count - 1];

        // The fused edge layers (EdgeLayers): the first layer with its tangent and silu in one pass, without h_1, ḣ_1
        // or the concatenated input; the output layer with the seeds, pᵀ∇f p and the last silu's reverse step.
        bool edges = allowFused && HutchinsonEdgesApply(z, sigma, probe, c);
        var input = z;
        if (noiseConditioned && !edges)
        {
            ArgumentNullException.ThrowIfNull(sigma);
            input = cat([z, sigma.to(z.dtype, z.device).reshape(-1, 1).expand(batch, 1)], 1);
        }

        if (count == 1)
        {
            var linear = first.forward(input);
            return (linear, probe.mm(firstZ.t()).mul_(probe).sum(1), c.mm(firstZ));
        }

        // Forward: pre-activations h_l and tangents ḣ_l; silu'(h_l) and silu''(h_l)ḣ_l kept for the reverse pass.
        var h = new Tensor[count - 1];
        var tangent = new Tensor[count - 1];
        var slope = new Tensor[count - 1];
        var curvature = new Tensor[count - 1];
        bool fused = edges;
        if (!edges)
        {
            h[0] = PackedGemm.MatMul(input, first.weight!, transposedB: true, first.bias);
            tangent[0] = PackedGemm.MatMul(probe, firstZ, transposedB: true);
            fused = allowFused && SiluKernels.Applicable(h[0], tangent[0]);
        }

        Tensor activation = null!, activationTangent = null!;
        for (int l = 0; l < count - 1; l++)
        {
            Tensor? stacked = null;
            if (fused)
            {
                bool firstEdge = edges && l == 0;
                long width = firstEdge ? first.weight!.size(0) : h[l].size(1);
                stacked = empty(2 * batch, width, dtype: z.dtype, device: z.device);
                activation = stacked.narrow(0, 0, batch);
                activationTangent = stacked.narrow(0, batch, batch);
                slope[l] = empty_like(activation);
                curvature[l] = empty_like(activation);
                if (firstEdge)
                {
                    double? sigmaValue = noiseConditioned ? sigma!.to(float64).item<double>() : null;
                    EdgeLayers.FirstLayerTangent(z, sigmaValue, probe, first.weight!, first.bias!, activation,
                        activationTangent, slope[0], curvature[0]);
                }
                else
                {
                    SiluKernels.Forward(h[l], tangent[l], activation, activationTangent, slope[l], curvature[l]);
                }
            }
            else
            {
                var sig = h[l].sigmoid();
                var rest = sig.neg().add_(Scalars.One, Scalars.One);
                slope[l] = rest.mul(h[l]).add_(Scalars.One, Scalars.One).mul_(sig);                            // silu'
                curvature[l] = rest.sub(sig).mul_(h[l]).add_(Scalars.Two, Scalars.One).mul_(rest).mul_(sig)   // silu''·ḣ
                    .mul_(tangent[l]);
                activation = h[l].mul(sig);
                activationTangent = slope[l].mul(tangent[l]);
            }

            if (l + 1 < count - 1)
            {
                var next = layers[l + 1];
                var both = PackedGemm.MatMul(stacked ?? cat([activation, activationTangent], 0), next.weight!, transposedB: true);
                h[l + 1] = both.narrow(0, 0, batch).add_(next.bias!, Scalars.One);
                tangent[l + 1] = both.narrow(0, batch, batch);
            }
        }

        // Reverse: adjoints of (a, ȧ) seeded by c·f and p·(∇f p).
        int top = count - 2;
        Tensor f, quadratic, adjoint = null!, tangentAdjoint = null!, hBar = null!, tBar = null!, pair = null!;
        if (edges)
        {
            f = empty(batch, last.weight!.size(0), dtype: z.dtype, device: z.device);
            quadratic = empty(batch, dtype: z.dtype, device: z.device);
            (pair, hBar, var tb) = ReversePair(batch, activation, top);
            EdgeLayers.OutputTangent(activation, activationTangent, slope[top], curvature[top], last.weight, last.bias!,
                c, probe, f, quadratic, hBar, tb);
        }
        else
        {
            f = PackedGemm.MatMul(activation, last.weight!, transposedB: true, last.bias);
            var seeds = PackedGemm.MatMul(cat([c, probe], 0), last.weight!, transposedB: false);   // [2B, H]
            adjoint = seeds.narrow(0, 0, batch);
            tangentAdjoint = seeds.narrow(0, batch, batch);
            quadratic = tangentAdjoint.mul(activationTangent).sum(1);
        }

        Tensor gradient = null!;
        for (int l = top; l >= 0; l--)
        {
            if (!fused)
            {
                hBar = tangentAdjoint.mul(curvature[l]).addcmul_(adjoint, slope[l], Scalars.One);
                tBar = tangentAdjoint.mul(slope[l]);
            }
            else if (!edges || l < top)   // with the edge layers the last hidden layer's (h̄, ḣ̄) came with the output pass
            {
                (pair, hBar, var tb) = ReversePair(batch, adjoint, l);
                SiluKernels.Backward(adjoint, tangentAdjoint, slope[l], curvature[l], hBar, tb);
            }

            if (l == 0)
            {
                gradient = PackedGemm.MatMul(hBar, firstZ, transposedB: false);
                break;
            }

            var back = PackedGemm.MatMul(fused ? pair : cat([hBar, tBar], 0), layers[l].weight!, transposedB: false);
            adjoint = back.narrow(0, 0, batch);
            tangentAdjoint = back.narrow(0, batch, batch);
        }

        return (f, quadratic, gradient);
    }

    /// <summary>Whether the fused edge layers apply to the end-point terms: float32 contiguous CPU operands with the
    /// kernels on, a narrow input and output (<see cref="EdgeLayers.Fit"/>), and one σ for the whole batch.</summary>
    private bool HutchinsonEdgesApply(Tensor z, Tensor? sigma, Tensor probe, Tensor c) =>
        PackedGemm.Enabled && PackedGemm.Supported
        && EdgeLayers.Fit(layers.Count, layers[0].weight!.size(1), layers[^1].weight!.size(0))
        && TensorMemory.IsDirect<float>(z) && TensorMemory.IsDirect<float>(probe) && TensorMemory.IsDirect<float>(c)
        && (!noiseConditioned || (sigma is not null && sigma.numel() == 1))
        && layers.All(l => l.bias is not null && TensorMemory.IsDirect<float>(l.weight!) && TensorMemory.IsDirect<float>(l.bias));

    /// <summary>The reverse pass's (h̄, ḣ̄) rows of one layer stacked [2B, H] (H, dtype and device of
    /// <paramref name="like"/>), or h̄ alone [B, H] for the first layer.</summary>
    private static (Tensor Pair, Tensor HBar, Tensor? TangentBar) ReversePair(long batch, Tensor like, int layer)
    {
        var pair = empty(layer == 0 ? batch : 2 * batch, like.size(1), dtype: like.dtype, device: like.device);
        return (pair, pair.narrow(0, 0, batch), layer == 0 ? null : pair.narrow(0, batch, batch));
    }
}
