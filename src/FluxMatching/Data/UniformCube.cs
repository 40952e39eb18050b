namespace FluxMatching.Data;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>The uniform distribution on [−1, 1]^D (the synthetic data of the 784-D benchmark).</summary>
public sealed class UniformCube : IDataSource
{
    /// <summary>Creates the data source.</summary>
    /// <param name="dimension">D ≥ 1.</param>
    public UniformCube(int dimension)
    {
        if (dimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be ≥ 1.");
        }

        Dimension = dimension;
    }

    /// <inheritdoc />
    public string Name => $"uniform-cube-{Dimension}";

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 1.");
        }

        using var u = RandomDraws.Rand([n, Dimension], dtype, device ?? CPU, generator);
        return u.mul(Scalars.Two).sub_(Scalars.One);
    }
}
