namespace FluxMatching.RnaVelocity;

using static TorchSharp.torch;

/// <summary>
/// Epochs of shuffled batches over a fixed cell set, as a PyTorch <c>DataLoader(shuffle=True, drop_last=False)</c>
/// (the authors' <c>VeloDataLoader</c>, batch 256): each epoch draws a permutation of the N cells from the injected
/// generator and hands out ⌈N/B⌉ batches in order; the last batch of an epoch holds the remaining N − (⌈N/B⌉ − 1)·B
/// cells (kept, not dropped).
/// </summary>
public sealed class ShuffledEpochBatches : IDisposable
{
    private readonly Tensor cells;
    private readonly Generator generator;
    private Tensor? order;
    private long position;

    /// <summary>Creates the stream.</summary>
    /// <param name="cells">The cells [N, *S] (any device; batches come back on it), N ≥ 1. Not owned.</param>
    /// <param name="batch">Batch size B ≥ 1.</param>
    /// <param name="generator">Draws the permutations (a CPU generator: <c>randperm</c> runs on the CPU and the indices
    /// move to the cells' device). Not owned.</param>
    public ShuffledEpochBatches(Tensor cells, int batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(generator);
        if (cells.dim() < 1 || cells.size(0) < 1)
        {
            throw new ArgumentException($"cells must hold at least one row, got [{string.Join(", ", cells.shape)}].", nameof(cells));
        }

        if (batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be ≥ 1.");
        }

        this.cells = cells;
        this.generator = generator;
        Batch = batch;
    }

    /// <summary>Cells per full batch B.</summary>
    public int Batch { get; }

    /// <summary>Cells N.</summary>
    public long Count => cells.size(0);

    /// <summary>Batches per epoch, ⌈N/B⌉.</summary>
    public int BatchesPerEpoch => (int)((Count + Batch - 1) / Batch);

    /// <summary>Epochs started so far (1 after the first batch).</summary>
    public int Epoch { get; private set; }

    /// <summary>True when the last batch handed out ended an epoch.</summary>
    public bool EpochEnded => order is not null && position >= Count;

    /// <summary>The next batch [b, *S] (b = B, or the remainder at the end of an epoch), on the cells' device.</summary>
    public Tensor Next()
    {
        if (order is null || position >= Count)
        {
            order?.Dispose();
            // (the CPU permutation is left to the caller's dispose scope when the copy is a new tensor)
            order = randperm(Count, generator: generator).to(cells.device).DetachFromDisposeScope();

            position = 0;
            Epoch++;
        }

        long end = Math.Min(position + Batch, Count);
        using var index = order.narrow(0, position, end - position);
        position = end;
        return cells.index_select(0, index);
    }

    /// <summary>Releases the current permutation.</summary>
    public void Dispose() => order?.Dispose();
}
