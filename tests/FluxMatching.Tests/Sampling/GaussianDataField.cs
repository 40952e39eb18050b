namespace FluxMatching.Tests.Sampling;

using FluxMatching.Fields;
using FluxMatching.Runtime;

/// <summary>
/// The exact σ-conditioned score of data N(μ, diag(s²)): p_σ = N(μ, diag(s² + σ²)), f(x; σ) = −(x − μ)/(s² + σ²),
/// whose denoiser is D(x; σ) = (s²x + σ²μ)/(s² + σ²). Counts its evaluations. Along the probability-flow ODE
/// dx/dσ = (x − D)/σ = σ(x − μ)/(s² + σ²) every coordinate scales exactly: x(σ) − μ = (x(σ') − μ)·√((s² + σ²)/(s² + σ'²)),
/// and ∇·v = Σ_i σ/(s_i² + σ²).
/// </summary>
internal class GaussianDataField(double[] mean, double[] std) : IVectorField
{
    public GaussianDataField(double[] mean, double std) : this(mean, mean.Select(_ => std).ToArray()) { }

    public double[] Mean => mean;

    public double[] Std => std;

    /// <summary>Calls of <see cref="Evaluate"/>.</summary>
    public int Evaluations { get; protected set; }

    public int Dimension => mean.Length;

    public bool IsNoiseConditioned => true;

    public ScalarType DType => ScalarType.Float64;

    public virtual Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        Evaluations++;
        using var scope = NewDisposeScope();
        var (mu, variance) = Moments(x);
        var s2 = Column(sigma!, x).pow(Scalars.Two);
        return x.sub(mu).neg().div(variance.add(s2, Scalars.One)).MoveToOuterDisposeScope();
    }

    /// <summary>The exact denoiser (σ 0-d or [B]).</summary>
    protected Tensor ExactDenoise(Tensor x, Tensor sigma)
    {
        using var scope = NewDisposeScope();
        var (mu, variance) = Moments(x);
        var s2 = Column(sigma, x).pow(Scalars.Two);
        return x.mul(variance).add(mu.mul(s2), Scalars.One).div(variance.add(s2, Scalars.One)).MoveToOuterDisposeScope();
    }

    /// <summary>The exact flow map from σ_from to σ_to for points [N, D] (float64 on the CPU).</summary>
    public Tensor Flow(Tensor x, double sigmaFrom, double sigmaTo)
    {
        using var scope = NewDisposeScope();
        var (mu, variance) = Moments(x);
        using var to2 = (sigmaTo * sigmaTo).ToScalar();
        using var from2 = (sigmaFrom * sigmaFrom).ToScalar();
        var factor = variance.add(to2, Scalars.One).div(variance.add(from2, Scalars.One)).sqrt();
        return x.sub(mu).mul(factor).add(mu, Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>−log N(x; μ, diag(s² + σ²)) [N] in nats.</summary>
    public Tensor NegativeLogDensity(Tensor x, double sigma)
    {
        using var scope = NewDisposeScope();
        var (mu, variance) = Moments(x);
        using var s2 = (sigma * sigma).ToScalar();
        var v = variance.add(s2, Scalars.One);
        return x.sub(mu).pow(Scalars.Two).div(v).add(v.mul(Scalars.Shared(2 * Math.PI)).log(), Scalars.One).sum(1).mul(Scalars.Half).MoveToOuterDisposeScope();
    }

    private (Tensor Mean, Tensor Variance) Moments(Tensor x) =>
        (tensor(mean, x.dtype, x.device), tensor(std.Select(s => s * s).ToArray(), x.dtype, x.device));

    private static Tensor Column(Tensor sigma, Tensor x) => sigma.dim() == 0 ? sigma : sigma.reshape(-1, 1);
}

/// <summary>The same Gaussian data with its own denoiser (<see cref="IDenoiser"/>); counts the denoiser calls and
/// refuses <see cref="Evaluate"/>, so a sampler that asks for f instead of D fails.</summary>
internal sealed class GaussianDenoiserField(double[] mean, double std) : GaussianDataField(mean, std), IDenoiser
{
    public int Denoisings { get; private set; }

    public Tensor Denoise(Tensor x, Tensor sigma)
    {
        Denoisings++;
        return ExactDenoise(x, sigma);
    }

    public override Tensor Evaluate(Tensor x, Tensor? sigma = null) =>
        throw new InvalidOperationException("A sampler called Evaluate on a field that has its own denoiser.");
}
