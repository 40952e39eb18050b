namespace FluxMatching.Controllable;

using FluxMatching.Data;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// exp1's "detached" Monte-Carlo flux loss (<c>detached_flux_loss_mc</c>, the authors' experiments/exp1_controllable/test.py): the estimator of
/// §1.3 (paper Eq. 6) with three changes: the anchors x0 are exact samples of p (no data noise), the reference score
/// is the exact mixture score s (no kernel), and the divergence in r = ∇·δu + δu·s is exact (autograd, third order
/// through ψ). Per repeat: x0 ~ p [B, 2]; t = U·H; K substeps z ← ρ_h z + (1 − ρ_h)(z + σ² s(z)) + √(σ²(1 − ρ_h²)) ξ
/// with ρ_h = e^{−t/K}; g = ∇r(x_t) (stop-gradient); W = softmax over anchors of −‖μ_i − x_t,j‖²/2v with
/// μ = x0 + (1 − e^{−t}) σ² s(x0), v = max(σ²(1 − e^{−2t}), floor); ĝ = (e^{−t}/q)·W g with q = 1/H; the batch mean
/// of −2 δu(x0)·ĝ. Returns the mean over repeats; only the value is used (no parameters).
/// </summary>
/// <remarks>Draw order per repeat (the reference's, so seeds reproduce it with TorchSharp's CPU generator):
/// multinomial component indices [B], randn [B, 2], rand () for t, then K randn [B, 2]. Draws happen on the
/// generator's device and are moved to <c>device</c> (a CPU generator can drive a GPU run).</remarks>
public static class MonteCarloFluxLoss
{
    /// <summary>Estimates the flux loss of f_θ = s + Σ θ_k b_k.</summary>
    /// <param name="family">The field family (σ = family.Config.Sigma).</param>
    /// <param name="theta">θ [3], finite.</param>
    /// <param name="kind">Which mode column.</param>
    /// <param name="options">Settings (null: the exp1 defaults).</param>
    /// <param name="generator">Generator of every draw (null: the global generator).</param>
    /// <param name="device">Device of the computation (null: CPU).</param>
    /// <param name="dtype">Float64 (default, as the reference) or Float32.</param>
    public static MonteCarloFluxResult Compute(ControllableFieldFamily family, IReadOnlyList<double> theta, ModeKind kind,
        MonteCarloFluxOptions? options = null, Generator? generator = null, Device? device = null,
        ScalarType dtype = ScalarType.Float64)
    {
        ArgumentNullException.ThrowIfNull(family);
        ControllableFieldFamily.ValidateTheta(theta);
        options ??= new MonteCarloFluxOptions();
        options.Validate();
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype is {dtype}; allowed: Float32 or Float64.", nameof(dtype));
        }

        var dev = device ?? CPU;
        var means = new double[options.Repeats];
        var horizons = new double[options.Repeats];
        for (int rep = 0; rep < options.Repeats; rep++)
        {
            (means[rep], horizons[rep]) = Repeat(family, theta, kind, options, generator, dev, dtype);
        }

        return new MonteCarloFluxResult(means.Average(), means, horizons);
    }

    private static (double Mean, double T) Repeat(ControllableFieldFamily family, IReadOnlyList<double> theta,
        ModeKind kind, MonteCarloFluxOptions options, Generator? generator, Device device, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var sc = new Scalars();
        double sigma2 = family.Config.Sigma * family.Config.Sigma;
        int b = options.BatchSize;
        var x0 = family.Mixture.Sample(b, generator, device, dtype);
        double t = RandomDraws.Rand([], dtype, device, generator).ItemAsDouble() * options.Horizon;
        double q = 1.0 / options.Horizon;

        Tensor xt = x0;
        using (no_grad())
        {
            double rhoH = Math.Exp(-t / options.Substeps);
            var keep = sc[rhoH];
            var pull = sc[1.0 - rhoH];
            var s2 = sc[sigma2];
            var noise = sc[Math.Sqrt(Math.Max(sigma2 * (1.0 - (rhoH * rhoH)), 0.0))];
            for (int k = 0; k < options.Substeps; k++)
            {
                var xi = RandomDraws.Randn(xt.shape, dtype, device, generator);
                var mean = xt.add(family.Score(xt), s2);                      // z + σ² s(z)
                xt = xt.mul(keep).add_(mean, pull).add_(xi, noise);
            }
        }

        var z = xt.detach().requires_grad_(true);
        var residual = family.Residual(z, theta, kind).Residual;
        var g = autograd.grad([residual.sum()], [z])[0].detach();

        using (no_grad())
        {
            double rho = Math.Exp(-t);
            double v = Math.Max(sigma2 * (1.0 - (rho * rho)), options.VarianceFloor);
            var mu = x0.add(family.Score(x0), sc[(1.0 - rho) * sigma2]);
            var dist2 = mu.pow(Scalars.Two).sum(1, keepdim: true).add(xt.pow(Scalars.Two).sum(1).unsqueeze(0), Scalars.One)
                .add(mu.matmul(xt.t()), Scalars.MinusTwo);
            var w = dist2.mul(sc[-0.5 / v]).softmax(0);                       // [B anchors, B end points]
            var carried = w.matmul(g).mul(sc[rho / q]);
            var u0 = family.Perturbation(x0, theta, kind);
            double mean = u0.mul(carried).sum(1).mul(Scalars.MinusTwo).mean().ItemAsDouble();
            return (mean, t);
        }
    }
}
