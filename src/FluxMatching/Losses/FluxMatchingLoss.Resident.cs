namespace FluxMatching.Losses;

using FluxMatching.Kernels;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>The loss on a device other than the CPU: the horizon stays a tensor, so the loss reads nothing back.</summary>
public sealed partial class FluxMatchingLoss
{
    /// <summary>
    /// Draws 2.. of <see cref="Compute(Func{Tensor, Tensor}, Tensor, double, ExponentialTimeProposal?, FluxLossDraws?, Generator?)"/>
    /// with t, q(t) and every factor derived from them as 0-d tensors on x's device (same formulas, same draw order):
    /// the substep factors e^{−h}, 1 − e^{−h}, √(σ²(1 − e^{−2h})), the one-jump mean and variance, and the carry-back
    /// ĝ = (e^{−t}/q) W g with W = softmax over anchors of −‖μ_j − x_t,i‖²/2v (v clamped to a tiny positive number,
    /// which at t = 0 picks each point's own anchor: the limit W = I).
    /// </summary>
    private FluxLossResult ComputeResident(Func<Tensor, Tensor> field, Tensor x, double sigma2,
        ExponentialTimeProposal? proposal, BatchKde kde, FluxDrawSource source, Tensor x0,
        FluxEndPoint.FieldTerms? terms, Func<Tensor, Tensor>? anchorField)
    {
        double horizon = Options.Horizon;
        int substeps = Options.Substeps;
        using var sc = new Scalars();
        Tensor t, qt;
        if (proposal is null)
        {
            t = source.HorizonUniformTensor().mul(sc[horizon]);
            qt = full([], sc[1.0 / horizon], x.dtype, x.device);
        }
        else
        {
            ValidateProposal(proposal, horizon);
            using (no_grad())
            {
                var sigma = full([1], sc[Math.Sqrt(sigma2)], proposal.ParameterType, x.device);
                var sample = proposal.Sample(sigma, source.ProposalUniform(), source.Generator);
                t = sample.T.to(x.dtype).reshape(Array.Empty<long>());
                qt = sample.Density.to(x.dtype).reshape(Array.Empty<long>());
            }
        }

        Tensor xt = x0;
        Tensor? denoisedX0 = null;
        using (no_grad())
        {
            var keep = t.div(sc[-substeps]).exp();                                           // e^{−h}
            var pull = keep.neg().add(Scalars.One, Scalars.One);                                      // 1 − e^{−h}
            var noise = keep.pow(Scalars.Two).neg().add(Scalars.One, Scalars.One).clamp_min(Scalars.Zero).mul(sc[sigma2]).sqrt();
            for (int k = 0; k < substeps; k++)
            {
                var m = kde.DenoiseRows(xt, out _);
                denoisedX0 ??= m;
                xt = m.mul(pull).add_(xt.mul(keep), Scalars.One).add_(source.SubstepNoise().mul(noise), Scalars.One);
            }
        }

        Tensor? probe = Options.Divergence == DivergenceEstimator.Exact ? null : source.Probe(Options.Divergence);
        var (residual, endGradient) = probe is null
            ? EndPoint(field, kde, xt, x.shape, probe)
            : FluxEndPoint.Compute(kde, xt, probe, terms ?? FluxEndPoint.Autograd(field, x.shape));

        Tensor scoreX0, carried;
        using (no_grad())
        {
            var rho = t.neg().exp();
            var m0 = denoisedX0 ?? kde.DenoiseRows(x0, out _);
            scoreX0 = m0.sub(x0).mul_(sc[1.0 / sigma2]);
            var mu = m0.mul(rho.neg().add(Scalars.One, Scalars.One)).add_(x0.mul(rho), Scalars.One);              // x0 + (1 − ρ)σ²ŝ(x0)
            var v = rho.pow(Scalars.Two).neg().add(Scalars.One, Scalars.One).mul(sc[sigma2]);
            if (Options.MinOneJumpVariance is { } minV)
            {
                v = v.clamp_min(sc[minV]);
            }

            v = v.clamp_min(sc[x.dtype == ScalarType.Float32 ? 1e-30 : 1e-300]);   // t = 0 exactly: W → I, no overflow
            var logits = xt.mm(mu.t()).sub(mu.pow(Scalars.Two).sum(1).mul(Scalars.Half)).div(v);         // [N, B]: −‖μ_j − x_t,i‖²/2v + const_i
            var mixed = logits.softmax(1).t().mm(endGradient);
            carried = mixed.mul(rho.div(qt));
        }

        var f0 = CheckedField(anchorField ?? field, x0, x.shape);
        var loss = f0.sub(scoreX0).mul(carried).sum(1).mul_(Scalars.MinusTwo);
        var result = new FluxLossResult(loss, t.detach().clone(), qt.detach().clone(), x0.view(x.shape),
            xt.view(x.shape), residual, carried.view(x.shape));
        foreach (var r in new[] { result.PerSample, result.T, result.ProposalDensity, result.X0, result.Xt,
                     result.Residual, result.CarriedGradient })
        {
            r.MoveToOuterDisposeScope();
        }

        return result;
    }
}
