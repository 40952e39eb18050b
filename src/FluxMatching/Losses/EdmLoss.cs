namespace FluxMatching.Losses;

using FluxMatching.Runtime;
using static TorchSharp.torch;

/// <summary>
/// The standard EDM denoising loss (Karras et al. 2022, Eq. 8 with their weighting), the clean image as target:
/// y_b = x_b + σ_b ε_b, ℓ_b = mean_dims λ(σ_b)(D(y)_b − x_b)², λ(σ) = (σ² + σ_d²)/(σ σ_d)², one σ per sample.
/// The mean over dimensions (rather than EDM's sum) keeps it on the scale of the authors' <c>dsm_loss_x0</c>
/// (<see cref="DsmLoss.X0KdePerSample"/>), which differs from it only in its target (the batch-KDE posterior mean).
/// </summary>
public static class EdmLoss
{
    /// <summary>Per-sample losses [B].</summary>
    /// <param name="denoiser">D: [B, *S] → [B, *S], closed over the same σ [B] by the caller.</param>
    /// <param name="x">Clean batch [B, *S], float32 or float64.</param>
    /// <param name="sigma">σ &gt; 0 per sample, [B].</param>
    /// <param name="sigmaData">σ_d &gt; 0 (EDM: 0.5).</param>
    /// <param name="noise">Optional ε of x's shape (null: randn from <paramref name="generator"/>).</param>
    /// <param name="generator">Generator (null: global).</param>
    public static Tensor Compute(Func<Tensor, Tensor> denoiser, Tensor x, Tensor sigma, double sigmaData = 0.5,
        Tensor? noise = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sigma);
        if (!(sigmaData > 0.0) || !double.IsFinite(sigmaData))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaData), sigmaData, "sigmaData must be finite and > 0.");
        }

        if (x.dim() < 2 || x.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"x must be a float32/float64 batch [B, *S], got {x.dtype} " +
                                        $"[{string.Join(", ", x.shape)}].", nameof(x));
        }

        long b = x.shape[0];
        if (sigma.numel() != b || !sigma.gt(Scalars.Zero).all().item<bool>())
        {
            throw new ArgumentException($"sigma must hold B = {b} values > 0, got [{string.Join(", ", sigma.shape)}].",
                nameof(sigma));
        }

        if (noise is not null && noise.numel() != x.numel())
        {
            throw new ArgumentException($"noise must have x's shape [{string.Join(", ", x.shape)}], got " +
                                        $"[{string.Join(", ", noise.shape)}].", nameof(noise));
        }

        using var scope = NewDisposeScope();
        var eps = noise?.to(x.dtype, x.device).reshape(x.shape) ??
                  randn(x.shape, x.dtype, x.device, generator: generator);
        var s = sigma.to(x.dtype, x.device).reshape(b);
        var column = s.view([b, .. Enumerable.Repeat(1L, (int)x.dim() - 1)]);
        var clean = x.detach();
        var y = clean.add(eps.mul(column), Scalars.One);
        var d = denoiser(y);
        if (d is null || !d.shape.SequenceEqual(x.shape))
        {
            throw new ArgumentException($"The denoiser must map shape [{string.Join(", ", x.shape)}] to the same shape.",
                nameof(denoiser));
        }

        double sd2 = sigmaData * sigmaData;
        var weight = s.pow(Scalars.Two).add(Scalars.Shared(sd2), Scalars.One).div(s.pow(Scalars.Two).mul(Scalars.Shared(sd2))).unsqueeze(1);
        return d.sub(clean).reshape(b, -1).pow(Scalars.Two).mul(weight).mean([1]).MoveToOuterDisposeScope();
    }
}
