namespace FluxMatching.Fields;

using FluxMatching.Data;
using FluxMatching.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// A trainable analytic field: the score of a learned Gaussian mixture with diagonal covariances,
/// p_θ(x) = Σ_k π_k N(x; μ_k, diag(s_k²)), optionally with a learned skew-symmetric part,
/// f(x) = (I + A)·∇log p_θ(x), A = W − Wᵀ. Every term of the skewed field keeps p_θ stationary (∇·(p_θ A∇log p_θ) = 0,
/// paper Eq. 3), so Flux Matching can fit the mixture and leave A free, which is what makes the field a design choice;
/// DSM, whose only minimizer is the score, can only drive A's contribution to zero. Its parameters mean something:
/// <see cref="Means"/>, <see cref="Scales"/>, <see cref="Weights"/>, <see cref="Skew"/>.
/// σ-conditioned, the field is the exact score of the mixture smoothed by N(0, σ²I): each variance becomes s_k² + σ².
/// Registered as "gmm" and "skew-gmm" (<see cref="FieldRegistry"/>); parameters: means [K, D] ~ N(0, 1) from the global
/// generator, log-scales [K, D] = 0, logits [K] = 0, W [D, D] = 0.
/// </summary>
public sealed class GaussianMixtureField : TrainableField, IAnalyticDensity
{
    private readonly Parameter means;
    private readonly Parameter log_scales;
    private readonly Parameter logits;
    private readonly Parameter? skew;
    private readonly int dimension;
    private readonly bool noiseConditioned;

    /// <summary>Creates the field.</summary>
    /// <param name="dimension">Data dimension D ≥ 1.</param>
    /// <param name="components">Mixture components K, 1 to 4,096.</param>
    /// <param name="skew">True to learn the skew-symmetric part A (zero at the start).</param>
    /// <param name="noiseConditioned">True to take σ and return the score of the σ-smoothed mixture.</param>
    /// <param name="name">Module name.</param>
    public GaussianMixtureField(int dimension, int components = 8, bool skew = false, bool noiseConditioned = false,
        string name = "gmm_field") : base(name)
    {
        if (dimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be ≥ 1.");
        }

        if (components is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(components), components, "components must be between 1 and 4,096.");
        }

        this.dimension = dimension;
        this.noiseConditioned = noiseConditioned;
        // Built outside any dispose scope of the caller (a model builds its fields inside one).
        means = Owned(randn(components, dimension));
        log_scales = Owned(zeros(components, dimension));
        logits = Owned(zeros(components));
        this.skew = skew ? Owned(zeros(dimension, dimension)) : null;
        RegisterComponents();
    }

    /// <summary>Mixture components K.</summary>
    public int Components => (int)means.shape[0];

    /// <summary>True when the field learns a skew-symmetric part.</summary>
    public bool HasSkew => skew is not null;

    /// <inheritdoc />
    public override int Dimension => dimension;

    /// <inheritdoc />
    public override bool IsNoiseConditioned => noiseConditioned;

    /// <summary>The component means μ [K, D] (a detached copy).</summary>
    public Tensor Means => means.detach().clone();

    /// <summary>The component standard deviations s [K, D] (a detached copy).</summary>
    public Tensor Scales => log_scales.detach().exp();

    /// <summary>The mixture weights π [K] (softmax of the logits; a detached copy).</summary>
    public Tensor Weights => logits.detach().softmax(0);

    /// <summary>The skew-symmetric matrix A = W − Wᵀ [D, D] (a detached copy), or null without one.</summary>
    public Tensor? Skew => skew is null ? null : skew.detach().sub(skew.detach().t());

    /// <summary>f(x; σ) = (I + A)·∇log (p_θ ∗ N(0, σ²I))(x) (σ = 0 when not noise-conditioned).</summary>
    /// <param name="x">Points [B, D] (or [B, *S] with D elements per sample), the parameters' device and dtype.</param>
    /// <param name="sigma">σ: one element or [B]; required when noise-conditioned.</param>
    /// <returns>f, shaped like <paramref name="x"/>.</returns>
    public override Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (noiseConditioned && sigma is null)
        {
            throw new ArgumentNullException(nameof(sigma), "this field is noise-conditioned: pass σ.");
        }

        using var scope = NewDisposeScope();
        var flat = x.reshape(x.shape[0], dimension);
        var (diff, variance, responsibilities) = Components3(flat, noiseConditioned ? sigma : null);
        // ∇log p = −Σ_k r_k (x − μ_k)/v_k
        var score = responsibilities.unsqueeze(-1).mul(diff.div(variance)).sum(1).neg();
        if (skew is not null)
        {
            var a = skew.sub(skew.t());
            score = score.add(score.matmul(a.t()), Scalars.One);
        }

        return score.reshape(x.shape).MoveToOuterDisposeScope();
    }

    /// <summary>log p_θ(x) of the mixture itself (no σ-smoothing, no skew), [N] for x [N, D].</summary>
    /// <param name="x">Points [N, D] on the parameters' device and dtype.</param>
    public Tensor LogDensity(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var flat = x.reshape(x.shape[0], dimension);
        var variance = log_scales.mul(Scalars.Two).exp();
        var diff = flat.unsqueeze(1).sub(means);
        var logNormal = diff.pow(Scalars.Two).div(variance).add(variance.log(), Scalars.One).sum(-1).add(Scalars.Shared(dimension * Math.Log(2 * Math.PI)), Scalars.One).mul(Scalars.MinusHalf);
        return logNormal.add(logits.log_softmax(0), Scalars.One).logsumexp(1).MoveToOuterDisposeScope();
    }

    /// <summary>∇log p_θ(x) of the mixture itself (no σ-smoothing, no skew), [N, D].</summary>
    /// <param name="x">Points [N, D].</param>
    public Tensor Score(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var flat = x.reshape(x.shape[0], dimension);
        var (diff, variance, r) = Components3(flat, null);
        return r.unsqueeze(-1).mul(diff.div(variance)).sum(1).neg().MoveToOuterDisposeScope();
    }

    private static Parameter Owned(Tensor value)
    {
        var parameter = new Parameter(value.DetachFromDisposeScope());
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    /// <summary>x − μ_k [B, K, D], the variances s_k² (+ σ²) [K, D] or [B, K, D], and the responsibilities [B, K].</summary>
    private (Tensor Diff, Tensor Variance, Tensor Responsibilities) Components3(Tensor x, Tensor? sigma)
    {
        var variance = log_scales.mul(Scalars.Two).exp();
        if (sigma is not null)
        {
            var s2 = sigma.to(x.dtype).to(x.device).reshape(-1, 1, 1).pow(Scalars.Two);
            variance = variance.unsqueeze(0).add(s2, Scalars.One);
        }

        var diff = x.unsqueeze(1).sub(means);
        var logNormal = diff.pow(Scalars.Two).div(variance).add(variance.log(), Scalars.One).sum(-1).mul(Scalars.MinusHalf);
        var r = logNormal.add(logits.log_softmax(0), Scalars.One).softmax(1);
        return (diff, variance, r);
    }
}
