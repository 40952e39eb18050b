namespace FluxMatching.Runtime;

/// <summary>How many workers the fused CPU kernels (<see cref="PackedGemm"/>, the SiLU, KDE, thin-layer and Adam
/// passes) split their work across: <c>torch.get_num_threads()</c>, unless the calling thread overrides it.</summary>
internal static class KernelThreads
{
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
}
