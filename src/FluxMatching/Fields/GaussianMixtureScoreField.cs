namespace FluxMatching.Fields;

using FluxMatching.Data;
using static TorchSharp.torch;

/// <summary>
/// The exact score of a Gaussian mixture as a vector field, ∇log p(x) = Σ_k r_k(x)·(μ_k − x)/s_k² with
/// r = softmax_k(log w_k + log N(x; μ_k, s_k²)) (<see cref="GaussianMixtureDensity"/>). Not trainable.
/// </summary>
/// <remarks>
/// When <see cref="IsNoiseConditioned"/> is true the field is the score of the σ-smoothed mixture
/// p_σ = p * N(0, σ²I) (component variances s_k² + σ²), the target of annealed training (paper §3.3) and the exact
/// drift of the reverse-SDE sampler. The field follows its input's device and dtype.
/// </remarks>
public sealed class GaussianMixtureScoreField : IVectorField, IAnalyticDensity, IDisposable
{
    private readonly bool ownsDensity;

    /// <summary>Creates the mixture.</summary>
    /// <param name="means">Component means μ, shape [K, D] (K ≥ 1, D ≥ 1), finite.</param>
    /// <param name="stds">Component standard deviations s: [K, 1] (isotropic) or [K, D] (diagonal), finite and &gt; 0.
    /// </param>
    /// <param name="weights">Mixture weights [K], finite and &gt; 0 (normalised here); null: uniform 1/K.</param>
    /// <param name="noiseConditioned">True: <see cref="Evaluate"/> takes σ and returns the score of p * N(0, σ²I).</param>
    public GaussianMixtureScoreField(double[,] means, double[,] stds, double[]? weights = null, bool noiseConditioned = false)
        : this(new GaussianMixtureDensity(means, stds, weights), noiseConditioned)
    {
        ownsDensity = true;
    }

    /// <summary>The score field of an existing mixture density (e.g. a data set's; not disposed with the field).
    /// </summary>
    /// <param name="density">The mixture.</param>
    /// <param name="noiseConditioned">True: <see cref="Evaluate"/> takes σ and returns the score of p * N(0, σ²I).</param>
    public GaussianMixtureScoreField(GaussianMixtureDensity density, bool noiseConditioned = false)
    {
        ArgumentNullException.ThrowIfNull(density);
        Density = density;
        IsNoiseConditioned = noiseConditioned;
    }

    /// <summary>An isotropic mixture: every component has standard deviation <paramref name="std"/>.</summary>
    /// <param name="means">Component means [K, D].</param>
    /// <param name="std">Common standard deviation, finite and &gt; 0.</param>
    /// <param name="weights">Mixture weights [K] (null: uniform).</param>
    /// <param name="noiseConditioned">See the main constructor.</param>
    public static GaussianMixtureScoreField Isotropic(double[,] means, double std, double[]? weights = null, bool noiseConditioned = false)
    {
        ArgumentNullException.ThrowIfNull(means);
        var stds = new double[means.GetLength(0), 1];
        for (int i = 0; i < stds.GetLength(0); i++)
        {
            stds[i, 0] = std;
        }

        return new GaussianMixtureScoreField(means, stds, weights, noiseConditioned);
    }

    /// <summary>The mixture density.</summary>
    public GaussianMixtureDensity Density { get; }

    /// <inheritdoc />
    public int Dimension => Density.Dimension;

    /// <inheritdoc />
    public bool IsNoiseConditioned { get; }

    /// <summary>The device samplers and evaluators use by default (the field itself follows its input; default CPU).
    /// </summary>
    public Device Device { get; init; } = CPU;

    /// <summary>The element type samplers and evaluators use by default (the field itself follows its input; default
    /// float32).</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>Number of components K.</summary>
    public int ComponentCount => Density.ComponentCount;

    /// <inheritdoc />
    /// <param name="x">Points [B, D], float32 or float64, any device.</param>
    /// <param name="sigma">σ: 0-d or [B]; required when <see cref="IsNoiseConditioned"/>, ignored otherwise.</param>
    public Tensor Evaluate(Tensor x, Tensor? sigma = null) =>
        Density.ScoreCore(x, IsNoiseConditioned ? sigma : null, sigmaRequired: IsNoiseConditioned);

    /// <summary>log p(x) (or log p_σ(x) when noise-conditioned), shape [B]. Differentiable in x.</summary>
    /// <param name="x">Points [B, D].</param>
    /// <param name="sigma">σ: 0-d or [B]; required when <see cref="IsNoiseConditioned"/>, ignored otherwise.</param>
    public Tensor LogDensity(Tensor x, Tensor? sigma) =>
        Density.LogDensityCore(x, IsNoiseConditioned ? sigma : null, sigmaRequired: IsNoiseConditioned);

    /// <summary>log p(x) of the unsmoothed mixture (σ = 0), shape [B].</summary>
    /// <param name="x">Points [B, D].</param>
    public Tensor LogDensity(Tensor x) => Density.LogDensity(x);

    /// <summary>∇log p(x) of the unsmoothed mixture (σ = 0), shape [B, D].</summary>
    /// <param name="x">Points [B, D].</param>
    public Tensor Score(Tensor x) => Density.Score(x);

    /// <summary>Frees the mixture's per-device parameter copies when this field created the mixture.</summary>
    public void Dispose()
    {
        if (ownsDensity)
        {
            Density.Dispose();
        }
    }
}
