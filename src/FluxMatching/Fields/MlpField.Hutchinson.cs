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
        if (allowFused && HutchinsonEdgesApply(z, sigma, probe, c))
        {
            return HutchinsonEdges(z, sigma, probe, c);
        }

        long batch = z.size(0);
        var input = z;
        if (noiseConditioned)
        {
            ArgumentNullException.ThrowIfNull(sigma);
            input = cat([z, sigma.to(z.dtype, z.device).reshape(-1, 1).expand(batch, 1)], 1);
        }

        int count = layers.Count;
        var first = layers[0];
        var firstZ = noiseConditioned ? first.weight!.narrow(1, 0, dimension).contiguous() : first.weight!;   // contiguous: the narrow kernels take it
        var last = layers[count - 1];
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
        h[0] = PackedGemm.MatMul(input, first.weight!, transposedB: true, first.bias);
        tangent[0] = PackedGemm.MatMul(probe, firstZ, transposedB: true);
        bool fused = allowFused && SiluKernels.Applicable(h[0], tangent[0]);
        Tensor activation = null!, activationTangent = null!;
        for (int l = 0; l < count - 1; l++)
        {
            Tensor? stacked = null;
            if (fused)
            {
                stacked = empty(2 * batch, h[l].size(1), dtype: h[l].dtype, device: h[l].device);
                activation = stacked.narrow(0, 0, batch);
                activationTangent = stacked.narrow(0, batch, batch);
                slope[l] = empty_like(h[l]);
                curvature[l] = empty_like(h[l]);
                SiluKernels.Forward(h[l], tangent[l], activation, activationTangent, slope[l], curvature[l]);
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

        var f = PackedGemm.MatMul(activation, last.weight!, transposedB: true, last.bias);

        // Reverse: adjoints of (a, ȧ) seeded by c·f and p·(∇f p).
        var seeds = PackedGemm.MatMul(cat([c, probe], 0), last.weight!, transposedB: false);   // [2B, H]
        var adjoint = seeds.narrow(0, 0, batch);
        var tangentAdjoint = seeds.narrow(0, batch, batch);
        var quadratic = tangentAdjoint.mul(activationTangent).sum(1);
        Tensor gradient = null!;
        for (int l = count - 2; l >= 0; l--)
        {
            Tensor hBar, tBar, pair;
            if (fused)
            {
                pair = empty(l == 0 ? batch : 2 * batch, adjoint.size(1), dtype: adjoint.dtype, device: adjoint.device);
                hBar = pair.narrow(0, 0, batch);
                tBar = l == 0 ? null! : pair.narrow(0, batch, batch);
                SiluKernels.Backward(adjoint, tangentAdjoint, slope[l], curvature[l], hBar, l == 0 ? null : tBar);
            }
            else
            {
                hBar = tangentAdjoint.mul(curvature[l]).addcmul_(adjoint, slope[l], Scalars.One);
                tBar = tangentAdjoint.mul(slope[l]);
                pair = null!;
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
}
