namespace FluxMatching.Runtime;

using System.Runtime.InteropServices;
using TorchSharp;

/// <summary>
/// Process-wide native settings that make TorchSharp fast and predictable for Flux Matching.
/// <see cref="Configure"/> is called by the trainer, the samplers' callers (`flux`, the notebook extension); it is
/// idempotent and cheap.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool denormalsFlushed;
    private static bool allocatorTuned;

    /// <summary>True once float32/float64 denormals are flushed to zero on the configuring thread.</summary>
    public static bool DenormalsFlushed => denormalsFlushed;

    /// <summary>
    /// Whether libtorch's intra-op (OpenMP) worker threads flush denormals too, as measured by a probe when
    /// <see cref="Configure"/> ran (null before, or with a single intra-op thread). Workers copy the flag from the
    /// thread that starts the first parallel operation when they are created, so <see cref="Configure"/> must run
    /// before any parallel tensor operation of the process; later calls cannot reach existing workers (false).
    /// </summary>
    public static bool? WorkersFlushDenormals { get; private set; }

    /// <summary>
    /// Whether float32 matrix products of the MLP fields' closed-form terms and of the samplers run on the packed
    /// kernel (512-bit or 256-bit registers, as <see cref="Isa"/> chooses; default true). Set false to compare against
    /// libtorch's <c>mm</c>; results agree up to float32 rounding.
    /// </summary>
    public static bool PackedMatMul
    {
        get => PackedGemm.Enabled;
        set => PackedGemm.Enabled = value;
    }

    /// <summary>A·B for A [M, K] and B [K, N]: the packed kernel when <see cref="PackedMatMul"/> is on and it
    /// applies (float32, contiguous, CPU), else libtorch's <c>mm</c>.</summary>
    /// <param name="a">A [M, K].</param>
    /// <param name="b">B [K, N].</param>
    /// <returns>C [M, N].</returns>
    public static TorchSharp.torch.Tensor MatMul(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        PackedGemm.MatMul(a, b, transposedB: false);

    /// <summary>
    /// Applies the recommended settings: flush denormals (the batch-KDE softmax weights underflow into float32
    /// denormals, which slow every later operation 2×) and tune glibc's allocator so that it reuses the large per-step
    /// buffers instead of handing them back to the system and faulting them in again (zeroed) in the next step: blocks
    /// up to 64 MiB come from the heap (M_MMAP_THRESHOLD), and the heap is no longer trimmed after every step
    /// (M_TRIM_THRESHOLD off; the U-Net flux step spent 14 % of its samples zeroing fresh pages with the earlier
    /// 256 MiB threshold). <see cref="ReleaseFreeMemory"/> returns the free heap at the end of a training run.
    /// </summary>
    /// <param name="flushDenormals">Flush denormals to zero (default on), on the calling thread at every call. Call
    /// before the first parallel operation: OpenMP worker threads inherit the setting when they are created.</param>
    /// <param name="tuneAllocator">Set glibc's M_MMAP_THRESHOLD and M_TRIM_THRESHOLD (Linux only; default on).</param>
    public static void Configure(bool flushDenormals = true, bool tuneAllocator = true)
    {
        lock (Gate)
        {
            if (flushDenormals)
            {
                // The flag is per thread: set it on every calling thread (a test runner's or a notebook kernel's
                // threads change between calls); the workers' probe runs once.
                bool flushed = SetFlushDenormal(true);
                if (!denormalsFlushed)
                {
                    denormalsFlushed = flushed;
                    WorkersFlushDenormals = flushed ? ProbeWorkers() : false;
                }
            }

            if (tuneAllocator && !allocatorTuned)
            {
                allocatorTuned = TuneGlibcAllocator();
            }
        }
    }

    /// <summary>
    /// Sets libtorch's flush-denormal mode (at::globalContext().setFlushDenormal), which TorchSharp does not wrap.
    /// Affects the calling thread and threads created after it.
    /// </summary>
    /// <param name="on">True to flush denormals to zero.</param>
    /// <returns>True when the CPU supports it and the call succeeded.</returns>
    public static bool SetFlushDenormal(bool on)
    {
        // Make TorchSharp load its natives first, then find libtorch_cpu the same way TorchSharp does.
        _ = torch.get_num_threads();
        if (!NativeLibrary.TryLoad("torch_cpu", typeof(torch).Assembly, null, out var lib)
            && !NativeLibrary.TryLoad("libtorch_cpu.so", out lib))
        {
            return false;
        }

        if (!NativeLibrary.TryGetExport(lib, "_ZN2at7Context16setFlushDenormalEb", out var fn))
        {
            return false;
        }

        unsafe
        {
            var set = (delegate* unmanaged<byte, byte>)fn;
            return set(on ? (byte)1 : (byte)0) != 0;
        }
    }

    /// <summary>Squares 1e-20 in an operation large enough to run on every intra-op thread: any nonzero (denormal)
    /// result comes from a thread that does not flush.</summary>
    private static bool? ProbeWorkers()
    {
        if (torch.get_num_threads() < 2)
        {
            return null;
        }

        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var small = torch.full([1 << 18], Scalars.Shared(1e-20), torch.ScalarType.Float32);
        return small.mul(small).count_nonzero().item<long>() == 0;
    }

    private static bool TuneGlibcAllocator()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;
            const int mmapThreshold = 64 << 20, trimOff = -1;   // -1: never trim on free
            return mallopt(M_MMAP_THRESHOLD, mmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, trimOff) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Returns the allocator's free heap memory to the system (glibc <c>malloc_trim</c>). Called by the trainer
    /// when a run ends, since <see cref="Configure"/> stops glibc from trimming after every step; does nothing when the
    /// allocator was not tuned.</summary>
    public static void ReleaseFreeMemory()
    {
        if (allocatorTuned)
        {
            _ = malloc_trim(0);
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
