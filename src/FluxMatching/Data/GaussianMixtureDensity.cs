namespace FluxMatching.Data;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The exact score of a Gaussian mixture with isotropic or diagonal components,
/// p(x) = Σ_k w_k N(x; μ_k, diag(s_k²)), computed with a log-sum-exp over components:
/// ∇log p(x) = Σ_k r_k(x)·(μ_k − x)/s_k², r = softmax_k(log w_k + log N(x; μ_k, s_k²)).
/// </summary>
/// <remarks>
/// Given σ, the density and score are those of the σ-smoothed mixture p_σ = p * N(0, σ²I) (component variances
/// s_k² + σ²), the target of annealed training (paper §3.3). Parameters are held in float64 on the CPU and converted
/// once per (device, dtype) of the inputs; call <see cref="Dispose"/> to free those copies early. The vector field
/// over it is <c>Fields.GaussianMixtureScoreField</c>.
/// </remarks>
public sealed class GaussianMixtureDensity : IAnalyticDensity, IDisposable
{
    private static readonly Scalar NegHalf = (-0.5).ToScalar();
    private static readonly Scalar Half = 0.5.ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();

    private readonly double[] means;      // [K*D], row-major
    private readonly double[] variances;  // [K*D]
    private readonly double[] logWeights; // [K], normalised
    private readonly Scalar logNormalizer; // −D/2·log 2π
    private readonly Dictionary<(DeviceType, int, ScalarType), Parameters> cache = [];
    private readonly object gate = new();

    /// <summary>Creates the mixture.</summary>
    /// <param name="means">Component means μ, shape [K, D] (K ≥ 1, D ≥ 1), finite.</param>
    /// <param name="stds">Component standard deviations s: [K] (isotropic, one per component) or [K, D] (diagonal),
    /// finite and &gt; 0.</param>
    /// <param name="weights">Mixture weights [K], finite and &gt; 0 (normalised here); null: uniform 1/K.</param>
    public GaussianMixtureDensity(double[,] means, double[,] stds, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(stds);
        int k = means.GetLength(0), d = means.GetLength(1);
        if (k < 1 || d < 1)
        {
            throw new ArgumentException($"means has shape [{k}, {d}]; it must be [K, D] with K ≥ 1 and D ≥ 1.", nameof(means));
        }

        bool isotropic = stds.GetLength(1) == 1 && d != 1;
        if (stds.GetLength(0) != k || (stds.GetLength(1) != d && !isotropic))
        {
            throw new ArgumentException(
                $"stds has shape [{stds.GetLength(0)}, {stds.GetLength(1)}]; allowed: [{k}, 1] or [{k}, {d}].", nameof(stds));
        }

        this.means = new double[k * d];
        variances = new double[k * d];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double m = means[i, j], s = stds[i, isotropic ? 0 : j];
                if (!double.IsFinite(m))
                {
                    throw new ArgumentException($"means[{i}, {j}] = {m}; means must be finite.", nameof(means));
                }

                if (!double.IsFinite(s) || s <= 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(stds), s, $"stds[{i}, ..] must be finite and > 0.");
                }

                this.means[(i * d) + j] = m;
                variances[(i * d) + j] = s * s;
            }
        }

        logWeights = NormalizedLogWeights(weights, k);
        ComponentCount = k;
        Dimension = d;
        logNormalizer = (-0.5 * d * Math.Log(2 * Math.PI)).ToScalar();
    }

    /// <summary>Data dimension D.</summary>
    public int Dimension { get; }

    /// <summary>Number of components K.</summary>
    public int ComponentCount { get; }

    /// <summary>log p_σ(x), shape [B]; the unsmoothed mixture when σ is null. Differentiable in x.</summary>
    /// <param name="x">Points [B, D], float32 or float64, any device.</param>
    /// <param name="sigma">σ: 0-d or [B], or null.</param>
    public Tensor LogDensity(Tensor x, Tensor? sigma) => LogDensityCore(x, sigma, sigmaRequired: sigma is not null);

    /// <summary>log p(x) of the unsmoothed mixture (σ = 0), shape [B].</summary>
    /// <param name="x">Points [B, D].</param>
    public Tensor LogDensity(Tensor x) => LogDensityCore(x, null, sigmaRequired: false);

    /// <summary>∇log p_σ(x), shape [B, D]; the unsmoothed mixture when σ is null.</summary>
    /// <param name="x">Points [B, D], float32 or float64, any device.</param>
    /// <param name="sigma">σ: 0-d or [B], or null.</param>
    public Tensor Score(Tensor x, Tensor? sigma) => ScoreCore(x, sigma, sigmaRequired: sigma is not null);

    /// <summary>∇log p(x) of the unsmoothed mixture (σ = 0), shape [B, D].</summary>
    /// <param name="x">Points [B, D].</param>
    public Tensor Score(Tensor x) => ScoreCore(x, null, sigmaRequired: false);

    /// <summary>log p_σ(x) [B]; σ is required when <paramref name="sigmaRequired"/>.</summary>
    internal Tensor LogDensityCore(Tensor x, Tensor? sigma, bool sigmaRequired)
    {
        using var scope = torch.NewDisposeScope();
        var (_, _, logComp) = Components(x, sigma, sigmaRequired);
        return torch.logsumexp(logComp, 1).MoveToOuterDisposeScope();
    }

    /// <summary>∇log p_σ(x) [B, D]; σ is required when <paramref name="sigmaRequired"/>.</summary>
    internal Tensor ScoreCore(Tensor x, Tensor? sigma, bool sigmaRequired)
    {
        using var scope = torch.NewDisposeScope();
        var (diff, invVar, logComp) = Components(x, sigma, sigmaRequired);
        var resp = logComp.softmax(1).unsqueeze(-1);                        // [B, K, 1]
        return resp.mul(diff).mul(invVar).sum(1).neg().MoveToOuterDisposeScope(); // Σ_k r_k (μ_k − x)/var_k
    }

    /// <summary>Frees the per-device parameter copies.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            foreach (var p in cache.Values)
            {
                p.Means.Dispose();
                p.Variances.Dispose();
                p.LogWeights.Dispose();
            }

            cache.Clear();
        }
    }

    // diff = x − μ [B, K, D]; invVar [K, D] or [B, K, D]; logComp = log w_k + log N_k(x) [B, K].
    // σ is used only when sigmaRequired (a noise-conditioned evaluation); otherwise the unsmoothed mixture.
    private (Tensor Diff, Tensor InvVar, Tensor LogComp) Components(Tensor x, Tensor? sigma, bool sigmaRequired)
    {
        ValidatePoints(x);
        var p = ParametersFor(x);
        var variance = p.Variances;
        if (sigmaRequired)
        {
            if (sigma is null)
            {
                throw new ArgumentException("sigma is required: the mixture field is noise-conditioned.", nameof(sigma));
            }

            var s2 = sigma.to(x.dtype, x.device).pow(Scalars.Two);
            if (sigma.dim() == 1 && sigma.shape[0] == x.shape[0])
            {
                s2 = s2.reshape(-1, 1, 1);
            }
            else if (sigma.dim() != 0)
            {
                throw new ArgumentException(
                    $"sigma has shape [{string.Join(", ", sigma.shape)}]; allowed: 0-d or [{x.shape[0]}].", nameof(sigma));
            }

            variance = variance.add(s2, One);
        }

        var invVar = variance.reciprocal();
        var diff = x.unsqueeze(1).sub(p.Means);
        var quad = diff.pow(Scalars.Two).mul(invVar).sum(-1);                          // [B, K]
        var logDet = variance.log().sum(-1);                                   // [K] or [B, K]
        var logComp = quad.add(logDet, One).mul(NegHalf).add(p.LogWeights, One).add(logNormalizer, Scalars.One);
        return (diff, invVar, logComp);
    }

    private void ValidatePoints(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != Dimension)
        {
            throw new ArgumentException(
                $"x has shape [{string.Join(", ", x.shape)}]; expected [B, {Dimension}].", nameof(x));
        }

        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"x has dtype {x.dtype}; allowed: Float32 or Float64.", nameof(x));
        }
    }

    private Parameters ParametersFor(Tensor x)
    {
        var key = (x.device.type, x.device.index, x.dtype);
        lock (gate)
        {
            if (!cache.TryGetValue(key, out var p))
            {
                long k = ComponentCount, d = Dimension;
                p = new Parameters(
                    torch.tensor(means, [k, d], ScalarType.Float64).to(x.dtype, x.device).DetachFromDisposeScope(),
                    torch.tensor(variances, [k, d], ScalarType.Float64).to(x.dtype, x.device).DetachFromDisposeScope(),
                    torch.tensor(logWeights, [k], ScalarType.Float64).to(x.dtype, x.device).DetachFromDisposeScope());
                cache[key] = p;
            }

            return p;
        }
    }

    private static double[] NormalizedLogWeights(double[]? weights, int k)
    {
        if (weights is null)
        {
            return Enumerable.Repeat(Math.Log(1.0 / k), k).ToArray();
        }

        if (weights.Length != k)
        {
            throw new ArgumentException($"weights has length {weights.Length}; expected K = {k}.", nameof(weights));
        }

        double total = 0;
        foreach (var w in weights)
        {
            if (!double.IsFinite(w) || w <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(weights), w, "Every mixture weight must be finite and > 0.");
            }

            total += w;
        }

        return weights.Select(w => Math.Log(w / total)).ToArray();
    }

    private sealed record Parameters(Tensor Means, Tensor Variances, Tensor LogWeights);
}
