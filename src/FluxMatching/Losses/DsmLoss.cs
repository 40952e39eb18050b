namespace FluxMatching.Losses;

using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Kernels;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Denoising score matching baselines (the authors' examples/flux_vs_dsm_comparison.ipynb and §3.1 "DSM baselines"), per-sample losses [B] for a
/// batch x [B, *S] and one noise draw ε ~ N(0, I) of x's shape (injectable), x_σ = x + σε:
/// <list type="bullet">
/// <item><see cref="EpsilonPlain"/>: Σ_dims (f(x_σ) + ε/σ)² (the comparison notebook; true-noise target).</item>
/// <item><see cref="EpsilonKde"/>: mean_dims (f(x_σ) + ε̂)², ε̂ = (x_σ − x̂0)/σ with the batch-KDE denoiser
/// x̂0 = Σ_b softmax_b(−‖x_σ − x_b‖²/2σ²) x_b (exp5's <c>dsm_loss_epsilon</c>).</item>
/// <item><see cref="X0Kde"/>: mean_dims λ(σ)(x̂0 − D(x_σ))², λ(σ) = (σ² + σ_d²)/(σ σ_d)² (exp3's
/// <c>dsm_loss_x0</c>, EDM weighting).</item>
/// </list>
/// The callables are closed over σ by the caller (the reference passes σ to D and σ² to f).
/// </summary>
public static class DsmLoss
{
    /// <summary>Plain ε-form DSM with the true noise: Σ_dims (f(x + σε) + ε/σ)², shape [B].</summary>
    /// <param name="field">f: [B, *S] → [B, *S] (a score model).</param>
    /// <param name="x">Clean batch [B, *S].</param>
    /// <param name="sigma2">σ² &gt; 0.</param>
    /// <param name="noise">Optional ε of x's shape (null: randn from <paramref name="generator"/>).</param>
    /// <param name="generator">Generator (null: global).</param>
    public static Tensor EpsilonPlain(Func<Tensor, Tensor> field, Tensor x, double sigma2, Tensor? noise = null,
        Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var (eps, sigma) = Prepare(field, x, sigma2, noise, generator);
        using var sc = new Scalars();
        var xs = x.add(eps, sc[sigma]);
        var residual = Checked(field, xs).add(eps.div(sc[sigma]), Scalars.One);
        return residual.pow(Scalars.Two).reshape(x.shape[0], -1).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>The batch mean of <see cref="EpsilonPlain"/> for a field: mean_b Σ_dims (f(x_b + σε_b; σ) + ε_b/σ)², 0-d,
    /// with the same draws. A field with a fused squared-residual node (an MLP on the CPU) computes the value and its
    /// parameter gradients in one call; any other field runs <see cref="EpsilonPlain"/>'s expression.</summary>
    /// <param name="field">f(·; σ): [B, *S] → [B, *S] (a score model).</param>
    /// <param name="x">Clean batch [B, *S].</param>
    /// <param name="sigma2">σ² &gt; 0 of the noise.</param>
    /// <param name="sigma">σ passed to a noise-conditioned field (one element), else null.</param>
    /// <param name="noise">Optional ε of x's shape (null: randn from <paramref name="generator"/>).</param>
    /// <param name="generator">Generator (null: global).</param>
    public static Tensor EpsilonPlainMean(IVectorField field, Tensor x, double sigma2, Tensor? sigma = null,
        Tensor? noise = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        using var scope = NewDisposeScope();
        var (eps, s) = Prepare(z => field.Evaluate(z, sigma), x, sigma2, noise, generator);
        using var sc = new Scalars();
        var xs = x.add(eps, sc[s]);
        return FieldCapabilities.MeanSquaredResidual(field, xs, sigma, eps.div(sc[s])).MoveToOuterDisposeScope();
    }

    /// <summary>ε-form DSM with the batch-KDE target: mean_dims (f(x_σ) + (x_σ − x̂0)/σ)², shape [B].</summary>
    /// <param name="field">f: [B, *S] → [B, *S] (predicts −ε̂).</param>
    /// <param name="x">Clean batch [B, *S] (also the KDE reference set, detached).</param>
    /// <param name="sigma2">σ² &gt; 0.</param>
    /// <param name="noise">Optional ε of x's shape (null: randn from <paramref name="generator"/>).</param>
    /// <param name="generator">Generator (null: global).</param>
    public static Tensor EpsilonKde(Func<Tensor, Tensor> field, Tensor x, double sigma2, Tensor? noise = null,
        Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var (eps, sigma) = Prepare(field, x, sigma2, noise, generator);
        using var sc = new Scalars();
        using var kde = new BatchKde(x, sigma2);
        var xs = x.detach().add(eps, sc[sigma]);
        Tensor target;
        using (no_grad())
        {
            target = xs.sub(kde.Denoiser(xs)).div_(sc[sigma]);
        }

        var residual = Checked(field, xs).add(target, Scalars.One);
        return residual.pow(Scalars.Two).reshape(x.shape[0], -1).mean([1]).MoveToOuterDisposeScope();
    }

    /// <summary>x0-form DSM with the batch-KDE target and EDM weighting: mean_dims λ(σ)(x̂0 − D(x_σ))², shape [B].
    /// </summary>
    /// <param name="denoiser">D: [B, *S] → [B, *S] (predicts x0).</param>
    /// <param name="x">Clean batch [B, *S] (also the KDE reference set, detached).</param>
    /// <param name="sigma2">σ² &gt; 0.</param>
    /// <param name="sigmaData">σ_d &gt; 0 of the EDM weighting (EDM: 0.5).</param>
    /// <param name="noise">Optional ε of x's shape (null: randn from <paramref name="generator"/>).</param>
    /// <param name="generator">Generator (null: global).</param>
    public static Tensor X0Kde(Func<Tensor, Tensor> denoiser, Tensor x, double sigma2, double sigmaData = 0.5,
        Tensor? noise = null, Generator? generator = null)
    {
        if (!(sigmaData > 0.0) || !double.IsFinite(sigmaData))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaData), sigmaData, "sigmaData must be finite and > 0.");
        }

        using var scope = NewDisposeScope();
        var (eps, sigma) = Prepare(denoiser, x, sigma2, noise, generator);
        using var sc = new Scalars();
        using var kde = new BatchKde(x, sigma2);
        double weight = (sigma2 + sigmaData * sigmaData) / (sigma * sigmaData * (sigma * sigmaData));
        var xs = x.detach().add(eps, sc[sigma]);
        Tensor target;
        using (no_grad())
        {
            target = kde.Denoiser(xs);
        }

        var residual = target.sub(Checked(denoiser, xs));
        return residual.pow(Scalars.Two).mul_(sc[weight]).reshape(x.shape[0], -1).mean([1]).MoveToOuterDisposeScope();
    }

    /// <summary>x0-form DSM with the batch-KDE target, EDM weighting and one σ per sample (the authors'
    /// <c>dsm_loss_x0</c> with σ of shape [B]): x_σ,b = x_b + σ_b ε_b, x̂0_b = Σ_j softmax_j(−‖x_σ,b − x_j‖²/2σ_b²) x_j,
    /// ℓ_b = mean_dims λ(σ_b)(x̂0_b − D(x_σ)_b)², shape [B].</summary>
    /// <param name="denoiser">D: [B, *S] → [B, *S], closed over the same σ [B] by the caller.</param>
    /// <param name="x">Clean batch [B, *S] (also the KDE reference set, detached).</param>
    /// <param name="sigma">σ &gt; 0 per sample, [B] (x's dtype and device).</param>
    /// <param name="sigmaData">σ_d &gt; 0 of the EDM weighting (EDM: 0.5).</param>
    /// <param name="noise">Optional ε of x's shape (null: randn from <paramref name="generator"/>).</param>
    /// <param name="generator">Generator (null: global).</param>
    public static Tensor X0KdePerSample(Func<Tensor, Tensor> denoiser, Tensor x, Tensor sigma, double sigmaData = 0.5,
        Tensor? noise = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sigma);
        if (!(sigmaData > 0.0) || !double.IsFinite(sigmaData))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaData), sigmaData, "sigmaData must be finite and > 0.");
        }

        using var scope = NewDisposeScope();
        var (eps, _) = Prepare(denoiser, x, 1.0, noise, generator);
        long b = x.shape[0];
        if (sigma.numel() != b || !sigma.gt(Scalars.Zero).all().item<bool>())
        {
            throw new ArgumentException($"sigma must hold B = {b} values > 0, got [{string.Join(", ", sigma.shape)}].",
                nameof(sigma));
        }

        var s = sigma.to(x.dtype, x.device).reshape(b);
        var column = s.view([b, .. Enumerable.Repeat(1L, (int)x.dim() - 1)]);
        var xs = x.detach().add(eps.mul(column), Scalars.One);
        Tensor target;
        using (no_grad())
        {
            var ps = xs.reshape(b, -1);
            var rv = x.detach().reshape(b, -1);
            var dist2 = ps.pow(Scalars.Two).sum(1, keepdim: true).add(rv.pow(Scalars.Two).sum(1).unsqueeze(0), Scalars.One)
                .sub(ps.matmul(rv.t()).mul(Scalars.Two));
            var logits = dist2.div(s.pow(Scalars.Two).mul(Scalars.Two).unsqueeze(1)).neg();
            target = logits.softmax(1).matmul(rv);
        }

        double sd2 = sigmaData * sigmaData;
        var weight = s.pow(Scalars.Two).add(Scalars.Shared(sd2), Scalars.One).div(s.pow(Scalars.Two).mul(Scalars.Shared(sd2))).unsqueeze(1);
        var residual = target.sub(Checked(denoiser, xs).reshape(b, -1));
        return residual.pow(Scalars.Two).mul(weight).mean([1]).MoveToOuterDisposeScope();
    }

    private static (Tensor Eps, double Sigma) Prepare(Func<Tensor, Tensor> field, Tensor x, double sigma2,
        Tensor? noise, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(field);
        FluxMatchingLoss.ValidateBatch(x, nameof(x));
        BatchKde.ValidateSigma2(sigma2, nameof(sigma2));
        if (noise is null)
        {
            return (RandomDraws.Randn(x.shape, x.dtype, x.device, generator), Math.Sqrt(sigma2));
        }

        if (noise.numel() != x.numel())
        {
            throw new ArgumentException(
                $"noise must have x's shape [{string.Join(", ", x.shape)}], got [{string.Join(", ", noise.shape)}].",
                nameof(noise));
        }

        return (noise.to(x.dtype, x.device).reshape(x.shape), Math.Sqrt(sigma2));
    }

    private static Tensor Checked(Func<Tensor, Tensor> field, Tensor input)
    {
        var output = field(input);
        if (output is null || !output.shape.SequenceEqual(input.shape))
        {
            throw new ArgumentException(
                $"The field must map shape [{string.Join(", ", input.shape)}] to the same shape.", nameof(field));
        }

        return output;
    }
}
