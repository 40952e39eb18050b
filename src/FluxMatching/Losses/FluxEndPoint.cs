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
            s = mean.sub(xt).mul_(sc[inv]);
        }

        var (f, quadratic, gradient) = terms(xt, probe, s);
        using var _ = no_grad();
        var y = f.add(s, sc[-2.0]);
        var (q, qv, cy) = kde.Moments(xt, state, mean, probe, y);
        var residual = f.sub(s).mul_(s).sum(1)
            .add_(quadratic, Scalars.One)
            .add_(q, sc[-inv * inv])
            .add_(probe.mul(probe).sum(1), sc[inv]);
        var g = gradient.add(cy, sc[inv * inv]).add_(y, sc[-inv]).add_(qv, sc[-inv * inv * inv]);
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
