namespace FluxMatching.Sampling;

using System.Diagnostics;
using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Negative log-likelihood by the probability-flow ODE (Song et al. 2021, App. D; the authors' exp3
/// <c>compute_nll</c>): x(σ) follows dx/dσ = v(x, σ) = (x − D(x; σ))/σ from the data point x(σ_min) = x to x(σ_max),
/// and by the instantaneous change of variables d log p_σ(x(σ))/dσ = −∇·v, so
/// log p_{σ_min}(x) = log N(x(σ_max); 0, σ_max² I) + ∫_{σ_min}^{σ_max} ∇·v(x(σ), σ) dσ.
/// The state (x, ∫∇·v) is integrated by the adaptive Heun–Euler pair (error norm: the larger RMS of the two parts);
/// ∇·v is Hutchinson's εᵀ(∂v/∂x)ε (one vector–Jacobian product per probe, probes drawn once per call from the
/// caller's generator on the input's device) or the exact trace. The prior ignores the data's spread at σ_max
/// (exact when σ_max ≫ the data's scale).
/// <para>Bits per dimension: NLL/(D ln 2) + offset. For 8-bit images scaled to [−1, 1] (x = 2k/255 − 1, k = 0..255)
/// the offset is 7, as the authors add it: a pixel value is a bin of width 1/256 of [0, 1], so its probability is
/// P(k) ≈ p_u(u)/256 with u ∈ [0, 1]; and x = 2u − 1 gives p_u = 2·p_x per dimension. Hence
/// −log₂ P = −log₂ p_x − 1 + 8 = −log₂ p_x + 7 per dimension (<see cref="LikelihoodOptions.EightBitImageOffset"/>).
/// The density is evaluated at the data points themselves (no uniform dequantization), as the authors do.</para>
/// </summary>
public sealed class ProbabilityFlowLikelihood
{
    /// <summary>Creates the estimator.</summary>
    /// <param name="options">Settings (null: defaults); validated here.</param>
    public ProbabilityFlowLikelihood(LikelihoodOptions? options = null)
    {
        Options = options ?? new LikelihoodOptions();
        Options.Validate();
    }

    /// <summary>The settings.</summary>
    public LikelihoodOptions Options { get; }

    /// <summary>Evaluates the NLL of data points.</summary>
    /// <param name="field">Noise-conditioned field (a score model of p_σ, or an <see cref="IDenoiser"/>); it must be
    /// differentiable in x by autograd.</param>
    /// <param name="data">Points [B, D] (flattened images in [−1, 1] for image fields); the run uses their device and
    /// dtype (float64 for accurate values).</param>
    /// <param name="generator">Source of the Hutchinson probes (null: the default generator; unused for the exact
    /// divergence).</param>
    /// <returns>NLL in nats and bits/dim [B], the latent x(σ_max) [B, D], the NFE and steps.</returns>
    public LikelihoodResult Evaluate(IVectorField field, Tensor data, Generator? generator = null)
    {
        SamplerChecks.Initial(field, data);
        if (!field.IsNoiseConditioned)
        {
            throw new ArgumentException("The likelihood needs a noise-conditioned field (IsNoiseConditioned = true).", nameof(field));
        }

        var clock = Stopwatch.StartNew();
        long b = data.size(0), d = data.size(1);
        using var run = NewDisposeScope();
        var probes = Options.Divergence == DivergenceEstimator.Exact
            ? []
            : Enumerable.Range(0, Options.Probes).Select(_ => Probe(data, generator)).ToArray();
        int evaluations = 0;
        Tensor Derivative(double sigma, Tensor state)
        {
            evaluations++;
            using var scope = NewDisposeScope();
            using var level = tensor(sigma, data.dtype, data.device);
            var (drift, divergence) = DriftAndDivergence(field, state.narrow(1, 0, d), level, probes);
            return cat([drift, divergence.unsqueeze(1)], 1).MoveToOuterDisposeScope();
        }

        var start = cat([data.detach(), zeros([b, 1], data.dtype, data.device)], 1);
        var solution = AdaptiveHeunEuler.Integrate(Derivative, start, Options.SigmaMin, Options.SigmaMax, Options.Rtol,
            Options.Atol, Options.MaxSteps, state => maximum(AdaptiveHeunEuler.Rms(state.narrow(1, 0, d)),
                AdaptiveHeunEuler.Rms(state.narrow(1, d, 1))));
        var latent = solution.State.narrow(1, 0, d);
        var integral = solution.State.select(1, d);
        double variance = Options.SigmaMax * Options.SigmaMax;
        // log N(z; 0, σ_max² I) = −D/2 ln(2π σ_max²) − |z|²/(2σ_max²).
        var logPrior = latent.pow(Scalars.Two).sum(1).mul(Scalars.Shared(-0.5 / variance))
            .add_(Scalars.Shared(-0.5 * d * Math.Log(2 * Math.PI * variance)), Scalars.One);
        var nll = logPrior.add_(integral, Scalars.One).neg_();
        var bits = nll.div(Scalars.Shared(d * Math.Log(2))).add_(Scalars.Shared(Options.BitsPerDimOffset), Scalars.One);
        return new LikelihoodResult(nll.MoveToOuterDisposeScope(), bits.MoveToOuterDisposeScope(),
            latent.clone().MoveToOuterDisposeScope(), evaluations, solution.Accepted, clock.Elapsed);
    }

    /// <summary>v = (x − D(x; σ))/σ [B, D] and its divergence [B] (Hutchinson mean over the probes, or exact), both
    /// detached.</summary>
    private (Tensor Drift, Tensor Divergence) DriftAndDivergence(IVectorField field, Tensor x, Tensor sigma, Tensor[] probes)
    {
        using var grad = enable_grad();
        var input = x.detach().requires_grad_(true);
        var drift = input.sub(FieldCapabilities.DifferentiableDenoise(field, input, sigma)).div(sigma);
        SamplerChecks.Drift(drift, input);
        Tensor divergence;
        if (probes.Length == 0)
        {
            long d = x.size(1);
            divergence = zeros([x.size(0)], x.dtype, x.device);
            for (long j = 0; j < d; j++)
            {
                var row = torch.autograd.grad([drift.select(1, j).sum()], [input], retain_graph: j < d - 1)[0];
                divergence.add_(row.select(1, j), Scalars.One);
            }
        }
        else
        {
            divergence = zeros([x.size(0)], x.dtype, x.device);
            for (int k = 0; k < probes.Length; k++)
            {
                var vjp = torch.autograd.grad([drift.mul(probes[k]).sum()], [input], retain_graph: k < probes.Length - 1)[0];
                divergence.add_(vjp.mul(probes[k]).sum(1), Scalars.One);
            }

            divergence.div_(Scalars.Shared(probes.Length));
        }

        return (drift.detach(), divergence.detach());
    }

    private Tensor Probe(Tensor data, Generator? generator) => Options.Divergence == DivergenceEstimator.Gaussian
        ? RandomDraws.Randn(data.shape, data.dtype, data.device, generator)
        : RandomDraws.Randint(0, 2, data.shape, data.dtype, data.device, generator).mul_(Scalars.Two).sub_(Scalars.One);
}
