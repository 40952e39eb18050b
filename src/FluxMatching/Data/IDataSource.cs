namespace FluxMatching.Data;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>A source of training data: draws i.i.d. samples of a distribution on R^D.</summary>
public interface IDataSource
{
    /// <summary>Short name used on the command line and in notebooks (e.g. "ring").</summary>
    string Name { get; }

    /// <summary>Data dimension D.</summary>
    int Dimension { get; }

    /// <summary>
    /// Draws <paramref name="n"/> samples, shape [n, D].
    /// </summary>
    /// <param name="n">Number of samples, ≥ 1.</param>
    /// <param name="generator">Random generator (null: TorchSharp's default generator).</param>
    /// <param name="device">Device of the result (null: CPU).</param>
    /// <param name="dtype">Element type of the result (float32 or float64).</param>
    Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32);
}

/// <summary>A data source whose density and score are known in closed form (for oracles and plots).</summary>
public interface IAnalyticDensity
{
    /// <summary>log p(x) for x [N, D]; returns [N].</summary>
    Tensor LogDensity(Tensor x);

    /// <summary>∇log p(x) for x [N, D]; returns [N, D].</summary>
    Tensor Score(Tensor x);
}
