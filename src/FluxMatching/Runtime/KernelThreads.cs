namespace FluxMatching.Runtime;

/// <summary>How many workers the fused CPU kernels (<see cref="PackedGemm"/>, the SiLU, KDE, thin-layer and Adam
/// passes) split their work across: <c>torch.get_num_threads()</c>, unless the calling thread overrides it.</summary>
internal static class KernelThreads
{
    /// <summary>Ranges per worker: the workers claim them one at a time (<see cref="KernelPool.ForEach"/>), so a
    /// worker that starts late takes fewer.</summary>
    private const int ItemsPerThread = 4;

    [ThreadStatic]
    private static int? overrideCount;

    /// <summary>The calling thread's worker count (null: libtorch's intra-op thread count). The trainer sets it per
    /// step, so an MLP's kernels use n .NET workers while libtorch itself runs single-threaded.</summary>
    public static int? Override
    {
        get => overrideCount;
        set => overrideCount = value;
    }

    /// <summary>The worker count, between 1 and the processor count.</summary>
    public static int Count =>
        Math.Max(1, Math.Min(overrideCount ?? TorchSharp.torch.get_num_threads(), Environment.ProcessorCount));

    /// <summary>Runs <paramref name="body"/> over rows [0, n) in contiguous ranges, a few per worker, or on the calling
    /// thread when there is one worker, fewer than two rows per worker, or under <paramref name="minWork"/> work.</summary>
    public static void Rows(int n, long workPerRow, long minWork, Action<int, int> body)
    {
        int threads = Count;
        if (threads <= 1 || n < 2 * threads || n * workPerRow < minWork)
        {
            body(0, n);
            return;
        }

        int items = Math.Min(ItemsPerThread * threads, n / 2);
        int chunk = (n + items - 1) / items;
        KernelPool.ForEach(threads, (n + chunk - 1) / chunk, t => body(t * chunk, Math.Min(n, (t + 1) * chunk)));
    }

    /// <summary>Runs <paramref name="body"/> over elements [0, n) in a few ranges per worker (range starts aligned to
    /// 64 elements), or on the calling thread below <paramref name="minLength"/> elements.</summary>
    public static void Chunks(long n, long minLength, Action<long, long> body)
    {
        int threads = Count;
        if (threads <= 1 || n < minLength)
        {
            body(0, n);
            return;
        }

        long chunk = ((n + (ItemsPerThread * threads) - 1) / (ItemsPerThread * threads) + 63) / 64 * 64;
        KernelPool.ForEach(threads, (int)((n + chunk - 1) / chunk), t => body(t * chunk, Math.Min(n, (t + 1) * chunk)));
    }
}
