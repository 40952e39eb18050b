namespace FluxMatching.Data;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A data source for a Gaussian mixture with isotropic or diagonal components, with its density and score in
/// closed form (<see cref="GaussianMixtureDensity"/>). Sampling draws all n component indices first
/// (<c>multinomial(w, n, replacement: true)</c>), then all n×D standard normals, x = μ_k + s_k ⊙ z.
/// </summary>
public class GaussianMixtureDataset : IDataSource, IAnalyticDensity, IDisposable
{
    private readonly double[,] means;
    private readonly double[,] stds;
    private readonly double[] weights;
    private static readonly Scalar One = 1.0.ToScalar();
    private readonly GaussianMixtureDensity density;

    /// <summary>Creates the mixture source.</summary>
    /// <param name="name">Short name (non-empty).</param>
    /// <param name="means">Component means [K, D], finite.</param>
    /// <param name="stds">Component standard deviations [K, 1] (isotropic) or [K, D] (diagonal), finite and &gt; 0.</param>
    /// <param name="weights">Mixture weights [K], finite and &gt; 0 (normalised); null: uniform.</param>
    public GaussianMixtureDataset(string name, double[,] means, double[,] stds, double[]? weights = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("The data source name must be non-empty.", nameof(name));
        }

        density = new GaussianMixtureDensity(means, stds, weights); // validates shapes and values
        Name = name;
        this.means = (double[,])means.Clone();
        this.stds = (double[,])stds.Clone();
        int k = means.GetLength(0);
        this.weights = weights is null ? Enumerable.Repeat(1.0 / k, k).ToArray() : weights.Select(w => w / weights.Sum()).ToArray();
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Dimension => density.Dimension;

    /// <summary>Number of mixture components K.</summary>
    public int ComponentCount => density.ComponentCount;

    /// <summary>The mixture's density and score in closed form (shared; its vector field is
    /// <c>new GaussianMixtureScoreField(Density)</c>).</summary>
    public GaussianMixtureDensity Density => density;

    /// <summary>Component means [K, D] (a copy).</summary>
    public double[,] Means => (double[,])means.Clone();

    /// <summary>Normalised mixture weights [K] (a copy).</summary>
    public double[] Weights => (double[])weights.Clone();

    /// <inheritdoc />
    public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var dev = RandomDraws.ValidateSampleArguments(n, device, dtype);
        using var scope = torch.NewDisposeScope();
        var mu = torch.tensor(means, dtype, dev);
        var sd = torch.tensor(stds, dtype, dev);
        var idx = RandomDraws.Categorical(torch.tensor(weights, ScalarType.Float64), n, dev, generator);
        var z = RandomDraws.Randn([n, Dimension], dtype, dev, generator);
        return mu.index_select(0, idx).add(sd.index_select(0, idx).mul(z), One).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor LogDensity(Tensor x) => density.LogDensity(x);

    /// <inheritdoc />
    public Tensor Score(Tensor x) => density.Score(x);

    /// <summary>Frees the per-device tensors of the score field.</summary>
    public void Dispose()
    {
        density.Dispose();
        GC.SuppressFinalize(this);
    }
}
