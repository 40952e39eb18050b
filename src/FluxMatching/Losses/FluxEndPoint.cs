namespace FluxMatching.Losses;

using FluxMatching.Kernels;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The end-point quantities of the flux loss, r̂ = pᵀ∇u p + u·ŝ with u = f − ŝ, and g = ∇r̂, computed with
/// second-order autograd through the field only: the batch-KDE parts have closed forms. With the softmax weights w
/// of z, m = Σ w_b X_b, ŝ = (m − z)/σ², Cov = Σ w_b (X_b − m)(X_b − m)ᵀ and q = pᵀ Cov p,
/// <code>∇ŝ = (Cov/σ² − I)/σ²   pᵀ∇ŝ p = q/σ⁴ − ‖p‖²/σ²   ∇q = Σ_b w_b (X_b·p − m·p)²(X_b − m)/σ²</code>
/// so, with F = f(z), ŝ held fixed in G = ∇_z(pᵀ∇f p + ŝ·f) (the only autograd term) and y = F − 2ŝ:
/// <code>r̂ = pᵀ∇f p + (F − ŝ)·ŝ − q/σ⁴ + ‖p‖²/σ²     g = G + (Cov y/σ² − y)/σ² − ∇q/σ⁴</code>
/// This equals the reference's double backward through the softmax (up to rounding) at a fraction of its cost.
/// </summary>
internal static class FluxEndPoint
{
    /// <summary>f(z), pᵀ∇f(z) p [B] and ∇_z(pᵀ∇f p + c·f) [B, D], all detached; z, p, c flattened to [B, D].</summary>
    /// <param name="z">End points [B, D] (detached).</param>
    /// <param name="probe">Probe p [B, D].</param>
    /// <param name="c">The fixed co-vector c [B, D] (here ŝ(z)).</param>
    public delegate (Tensor F, Tensor Quadratic, Tensor Gradient) FieldTerms(Tensor z, Tensor probe, Tensor c);

    /// <summary>Computes (r̂ [B], g [B, D]) at the end points.</summary>
    /// <param name="kde">The batch KDE.</param>
    /// <param name="xt">End points [B, D] (detached).</param>
    /// <param name="probe">Hutchinson probe p [B, D].</param>
    /// <param name="terms">The field's terms.</param>
    public static (Tensor Residual, Tensor Gradient) Compute(BatchKde kde, Tensor xt, Tensor probe, FieldTerms terms)
    {
        using var sc = new Scalars();
        double inv = 1.0 / kde.Sigma2;
        Tensor mean, state, s;
        using (no_grad())
        {
            mean = kde.DenoiseRows(xt, out state);
            s = Direct(mean, xt) ? Affine(mean, xt, -1.0, inv) : mean.sub(xt).mul_(sc[inv]);   // ŝ = (m − z)/σ²
        }

        var (f, quadratic, gradient) = terms(xt, probe, s);
        using var _ = no_grad();
        bool direct = Direct(f, s, probe, quadratic, gradient);
        var y = direct ? Affine(f, s, -2.0, 1.0) : f.add(s, sc[-2.0]);
        var (q, qv, cy) = kde.Moments(xt, state, mean, probe, y);
        if (direct && Direct(q, qv, cy))
        {
            return Combine(f, s, probe, y, quadratic, gradient, q, qv, cy, inv);
        }

        var residual = f.sub(s).mul_(s).sum(1)
            .add_(quadratic, Scalars.One)
            .add_(q, sc[-inv * inv])
            .add_(probe.mul(probe).sum(1), sc[inv]);
        var g = gradient.add(cy, sc[inv * inv]).add_(y, sc[-inv]).add_(qv, sc[-inv * inv * inv]);
        return (residual, g);
    }

    private static bool Direct(params Tensor[] tensors) => tensors.All(TensorMemory.IsDirect<float>);

    /// <summary>(a + βb)·γ element-wise for contiguous float32 CPU tensors of one shape, in one pass.</summary>
    private static unsafe Tensor Affine(Tensor a, Tensor b, double beta, double gamma)
    {
        var result = empty_like(a);
        float* pa = TensorMemory.Pointer<float>(a), pb = TensorMemory.Pointer<float>(b), r = TensorMemory.Pointer<float>(result);
        float fb = (float)beta, fg = (float)gamma;
        for (long i = 0, n = a.numel(); i < n; i++)
        {
            r[i] = (pa[i] + (fb * pb[i])) * fg;
        }

        return result;
    }

    /// <summary>r̂ and g of <see cref="Compute"/> in one pass over the rows (contiguous float32 CPU operands).</summary>
    private static unsafe (Tensor Residual, Tensor Gradient) Combine(Tensor f, Tensor s, Tensor probe, Tensor y,
        Tensor quadratic, Tensor gradient, Tensor q, Tensor qv, Tensor cy, double inv)
    {
        long n = f.size(0), d = f.size(1);
        var residual = empty(n, dtype: f.dtype, device: f.device);
        var g = empty_like(f);
        float* pf = TensorMemory.Pointer<float>(f), ps = TensorMemory.Pointer<float>(s), pp = TensorMemory.Pointer<float>(probe);
        float* py = TensorMemory.Pointer<float>(y), pquad = TensorMemory.Pointer<float>(quadratic);
        float* pgrad = TensorMemory.Pointer<float>(gradient), pq = TensorMemory.Pointer<float>(q);
        float* pqv = TensorMemory.Pointer<float>(qv), pcy = TensorMemory.Pointer<float>(cy);
        float* pr = TensorMemory.Pointer<float>(residual), pg = TensorMemory.Pointer<float>(g);
        float inv1 = (float)inv, inv2 = (float)(inv * inv), inv3 = (float)(inv * inv * inv);
        for (long i = 0; i < n; i++)
        {
            float us = 0f, pp2 = 0f;
            for (long k = i * d, end = k + d; k < end; k++)
            {
                us += (pf[k] - ps[k]) * ps[k];
                pp2 += pp[k] * pp[k];
                pg[k] = pgrad[k] + (inv2 * pcy[k]) - (inv1 * py[k]) - (inv3 * pqv[k]);
            }

            pr[i] = us + pquad[i] - (inv2 * pq[i]) + (inv1 * pp2);
        }

        return (residual, g);
    }

    /// <summary>The field terms by autograd through any field (one create-graph VJP and one gradient).</summary>
    /// <param name="field">f: [B, *S] → [B, *S].</param>
    /// <param name="shape">The batch shape [B, *S].</param>
    public static FieldTerms Autograd(Func<Tensor, Tensor> field, long[] shape) => (xt, probe, c) =>
    {
        var z = xt.detach().requires_grad_(true);
        using var grad = enable_grad();
        var output = field(z.view(shape));
        if (output is null || !output.shape.SequenceEqual(shape))
        {
            throw new ArgumentException(
                $"field must map a tensor of shape [{string.Join(", ", shape)}] to the same shape, got " +
                $"[{(output is null ? "null" : string.Join(", ", output.shape))}].", nameof(field));
        }

        var f = output.reshape(xt.shape[0], xt.shape[1]);
        if (!f.requires_grad)
        {
            return (f.detach(), zeros(xt.shape[0], dtype: xt.dtype, device: xt.device), zeros_like(xt));
        }

        var v = autograd.grad([f], [z], [probe], retain_graph: true, create_graph: true, allow_unused: true)[0];
        bool hasJacobian = v is not null && !v.IsInvalid;
        var vp = hasJacobian ? v!.mul(probe) : null;
        var quadratic = vp is null ? zeros(xt.shape[0], dtype: xt.dtype, device: xt.device) : vp.sum(1).detach();
        var objective = vp is null ? f.mul(c).sum() : vp.addcmul_(f, c, Scalars.One).sum();
        Tensor? g = objective.requires_grad
            ? autograd.grad([objective], [z], allow_unused: true)[0]
            : null;
        var gradient = g is null || g.IsInvalid ? zeros_like(xt) : g.detach();
        return (f.detach(), quadratic, gradient);
    };
}
