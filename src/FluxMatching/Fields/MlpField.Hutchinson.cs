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
    /// product ([2B, ·] operands). Same values as double backward through <see cref="Evaluate"/>, up to rounding.
    /// </summary>
    /// <param name="z">Points [B, D] (no gradient needed).</param>
    /// <param name="sigma">σ for a noise-conditioned field (one element), else null.</param>
    /// <param name="probe">Probe p [B, D].</param>
    /// <param name="c">Co-vector c [B, D].</param>
    internal (Tensor F, Tensor Quadratic, Tensor Gradient) HutchinsonTerms(Tensor z, Tensor? sigma, Tensor probe,
        Tensor c)
    {
        using var _ = no_grad();
        long batch = z.shape[0];
        var input = z;
        if (noiseConditioned)
        {
            ArgumentNullException.ThrowIfNull(sigma);
            input = cat([z, sigma.to(z.dtype, z.device).reshape(-1, 1).expand(batch, 1)], 1);
        }

        int count = layers.Count;
        var first = layers[0];
        var firstZ = noiseConditioned ? first.weight!.narrow(1, 0, dimension) : first.weight!;
        var last = layers[count - 1];
        if (count == 1)
        {
            var linear = first.forward(input);
            return (linear, probe.mm(firstZ.t()).mul_(probe).sum(1), c.mm(firstZ));
        }

        // Forward: pre-activations h_l, tangents ḣ_l, and silu'(h_l).
        var h = new Tensor[count - 1];
        var tangent = new Tensor[count - 1];
        var slope = new Tensor[count - 1];
        var sig = new Tensor[count - 1];
        h[0] = first.forward(input);
        tangent[0] = probe.mm(firstZ.t());
        Tensor activation = null!, activationTangent = null!;
        for (int l = 0; l < count - 1; l++)
        {
            sig[l] = h[l].sigmoid();
            slope[l] = sig[l].neg().add_(Scalars.One).mul_(h[l]).add_(Scalars.One).mul_(sig[l]);   // silu'
            activation = h[l].mul(sig[l]);
            activationTangent = slope[l].mul(tangent[l]);
            if (l + 1 < count - 1)
            {
                var next = layers[l + 1];
                var both = cat([activation, activationTangent], 0).mm(next.weight!.t());
                h[l + 1] = both.narrow(0, 0, batch).add_(next.bias!);
                tangent[l + 1] = both.narrow(0, batch, batch);
            }
        }

        var f = last.forward(activation);

        // Reverse: adjoints of (a, ȧ) seeded by c·f and p·(∇f p).
        var seeds = cat([c, probe], 0).mm(last.weight!);                          // [2B, H]
        var adjoint = seeds.narrow(0, 0, batch);
        var tangentAdjoint = seeds.narrow(0, batch, batch);
        var quadratic = tangentAdjoint.mul(activationTangent).sum(1);
        Tensor gradient = null!;
        for (int l = count - 2; l >= 0; l--)
        {
            // silu''(h) = σ(1 − σ)(2 + h(1 − 2σ))
            var oneMinus = sig[l].neg().add_(Scalars.One);
            var curvature = oneMinus.sub(sig[l]).mul_(h[l]).add_(Scalars.Two).mul_(oneMinus).mul_(sig[l]);
            var hBar = curvature.mul_(tangent[l]).mul_(tangentAdjoint).addcmul_(adjoint, slope[l], Scalars.One);
            if (l == 0)
            {
                gradient = hBar.mm(firstZ);
                break;
            }

            var tBar = tangentAdjoint.mul(slope[l]);
            var back = cat([hBar, tBar], 0).mm(layers[l].weight!);                   // [2B, H]
            adjoint = back.narrow(0, 0, batch);
            tangentAdjoint = back.narrow(0, batch, batch);
        }

        return (f, quadratic, gradient);
    }
}
