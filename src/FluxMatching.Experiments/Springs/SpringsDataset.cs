namespace FluxMatching.Springs;

using FluxMatching.Data;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// exp5's training set (the authors' experiments/exp5_embed_structure): trajectories [N, T, 4] of the coupled springs, standardised per feature
/// (<see cref="TrajectoryStandardizer"/>). As an <see cref="IDataSource"/> it has D = T·4 and returns flattened
/// normalised trajectories; <see cref="Epoch"/> yields shuffled mini-batches [b, T, 4] like the reference's
/// DataLoader (batch 256, last batch kept).
/// </summary>
public sealed class SpringsDataset : IDataSource, IDisposable
{
    /// <summary>Wraps raw trajectories and standardises them.</summary>
    /// <param name="raw">Raw trajectories [N, T, 4] (N ≥ 1), float32 or float64; copied.</param>
    public SpringsDataset(Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.dim() != 3 || raw.shape[0] < 1 || raw.shape[2] != 4)
        {
            throw new ArgumentException($"raw has shape [{string.Join(", ", raw.shape)}]; expected [N, T, 4].", nameof(raw));
        }

        Standardizer = TrajectoryStandardizer.Fit(raw);
        Raw = raw.detach().clone().DetachFromDisposeScope();
        Normalized = Standardizer.Normalize(Raw).DetachFromDisposeScope();
    }

    /// <summary>Simulates the training set with <see cref="SpringSimulator"/> (float32, on the CPU).</summary>
    /// <param name="config">Constants (null: the paper's defaults, 2,000 trajectories of 50 states).</param>
    /// <param name="generator">Generator of the initial states (null: the global generator).</param>
    public static SpringsDataset Simulate(SpringConfig? config = null, Generator? generator = null)
    {
        var simulator = new SpringSimulator(config);
        using var raw = simulator.Simulate(simulator.Config.Trajectories, generator);
        return new SpringsDataset(raw);
    }

    /// <inheritdoc />
    public string Name => "springs";

    /// <inheritdoc />
    public int Dimension => (int)(Raw.shape[1] * Raw.shape[2]);

    /// <summary>Number of trajectories N.</summary>
    public int Count => (int)Raw.shape[0];

    /// <summary>States per trajectory T.</summary>
    public int SequenceLength => (int)Raw.shape[1];

    /// <summary>Raw trajectories [N, T, 4].</summary>
    public Tensor Raw { get; }

    /// <summary>Standardised trajectories [N, T, 4].</summary>
    public Tensor Normalized { get; }

    /// <summary>The per-feature statistics.</summary>
    public TrajectoryStandardizer Standardizer { get; }

    /// <summary>
    /// n distinct normalised trajectories picked at random (a random permutation's first n), flattened to [n, T·4].
    /// </summary>
    /// <param name="n">1 ≤ n ≤ N.</param>
    /// <param name="generator">Generator of the permutation (null: the global generator).</param>
    /// <param name="device">Device of the result (null: CPU).</param>
    /// <param name="dtype">Float32 or Float64.</param>
    public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        if (n < 1 || n > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be in [1, {Count}] (the data set size).");
        }

        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype is {dtype}; allowed: Float32 or Float64.", nameof(dtype));
        }

        using var scope = NewDisposeScope();
        var index = randperm(Count, generator: generator)[..n];
        return Normalized.index_select(0, index).reshape(n, Dimension).to(dtype, device ?? CPU).MoveToOuterDisposeScope();
    }

    /// <summary>One shuffled pass over the normalised set: batches [b, T, 4] (the last one may be smaller).</summary>
    /// <param name="batchSize">Batch size ≥ 1 (the reference hard-codes 256).</param>
    /// <param name="generator">Generator of the shuffle (null: the global generator).</param>
    public IEnumerable<Tensor> Epoch(int batchSize = 256, Generator? generator = null)
    {
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be ≥ 1.");
        }

        return Batches(batchSize, generator);
    }

    /// <summary>Frees the stored tensors.</summary>
    public void Dispose()
    {
        Raw.Dispose();
        Normalized.Dispose();
    }

    private IEnumerable<Tensor> Batches(int batchSize, Generator? generator)
    {
        using var order = randperm(Count, generator: generator);
        for (int start = 0; start < Count; start += batchSize)
        {
            int end = Math.Min(start + batchSize, Count);
            using var index = order[start..end];
            yield return Normalized.index_select(0, index);
        }
    }
}
