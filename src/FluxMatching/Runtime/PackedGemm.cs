namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A float32 matrix product for the CPU: C = A·op(B) (+ bias, then optionally silu), with A [M, K] row-major and B
/// either [K, N] or, transposed, the [N, K] weight of a linear layer. libtorch's CPU BLAS runs its 256-bit code path
/// on AMD processors (≈ 85 GFLOP/s per core on the AVX-512 machine, where the registers allow ≈ 210); this kernel
/// packs B in panels of 32 columns (an 8×8 register transpose for the weight form) and runs an 8×32 register tile:
/// 16 accumulators of 512 bits (≈ 135–195 GFLOP/s per core on the benchmark shapes) or, on AVX2 + FMA, three 256-bit
/// passes (<c>PackedGemm.Kernel256.cs</c>), whichever <see cref="Isa"/> chooses when a call starts. Panels are split across
/// <see cref="KernelThreads"/> workers, each packing its own. Used where <see cref="Applicable"/> holds; every
/// caller falls back to libtorch otherwise, so results agree with <c>mm</c> up to float32 rounding.
/// </summary>
internal static unsafe partial class PackedGemm
{
    /// <summary>Columns per packed panel (two 16-lane registers).</summary>
    internal const int Panel = 32;

    /// <summary>Rows per register tile.</summary>
    internal const int TileRows = 8;

    /// <summary>Below this many multiply-adds libtorch is as fast (call overhead dominates).</summary>
    private const long MinWork = 1 << 16;

    [ThreadStatic]
    private static PackBuffer? buffer;

    /// <summary>Turns the kernel off process-wide (for comparisons; libtorch's <c>mm</c> is used instead).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>True when the kernel runs now: <see cref="Isa.Current"/> is AVX2 + FMA or AVX-512.</summary>
    public static bool Supported => Isa.Kernels;

    /// <summary>True when C = A·op(B) can run here: float32 contiguous CPU operands, N ≥ 16 and enough work.</summary>
    /// <param name="a">A [M, K].</param>
    /// <param name="b">B [K, N], or [N, K] when <paramref name="transposedB"/>.</param>
    /// <param name="transposedB">Whether B is given as [N, K].</param>
    public static bool Applicable(Tensor a, Tensor b, bool transposedB)
    {
        if (!Enabled || !Supported || a.dim() != 2 || b.dim() != 2
            || !TensorMemory.IsDirect<float>(a) || !TensorMemory.IsDirect<float>(b))
        {
            return false;
        }

        long m = a.size(0), k = a.size(1);
        long n = transposedB ? b.size(0) : b.size(1);
        long kb = transposedB ? b.size(1) : b.size(0);
        return kb == k && n >= 16 && k >= 8 && m >= 1 && m * n * k >= MinWork && k <= int.MaxValue / Panel;
    }

    /// <summary>A·op(B) (+ bias): the packed kernel when <see cref="Applicable"/>, the narrow kernels when
    /// <see cref="NarrowApplicable"/>, else libtorch.</summary>
    /// <param name="a">A [M, K].</param>
    /// <param name="b">B [K, N], or [N, K] when <paramref name="transposedB"/> (a linear layer's weight).</param>
    /// <param name="transposedB">Whether B is given as [N, K].</param>
    /// <param name="bias">Optional bias [N] added to every row.</param>
    /// <returns>C [M, N].</returns>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposedB, Tensor? bias = null)
    {
        if (!Applicable(a, b, transposedB) || (bias is not null && !TensorMemory.IsDirect<float>(bias)))
        {
            if (NarrowApplicable(a, b, transposedB, bias))
            {
                return RunNarrow(a, b, transposedB, bias);
            }

            if (bias is null)
            {
                return a.mm(transposedB ? b.t() : b);
            }

            return transposedB ? nn.functional.linear(a, b, bias) : a.mm(b).add_(bias, Scalars.One);
        }

        var c = empty(a.size(0), transposedB ? b.size(0) : b.size(1), dtype: ScalarType.Float32, device: a.device);
        Run(a, b, transposedB, bias, silu: false, c);
        return c;
    }

    /// <summary>C ← A·op(B) + bias, then silu(C) when <paramref name="silu"/>; requires <see cref="Applicable"/>.</summary>
    /// <param name="a">A [M, K].</param>
    /// <param name="b">B [K, N] or [N, K].</param>
    /// <param name="transposedB">Whether B is given as [N, K].</param>
    /// <param name="bias">Optional bias [N] (contiguous float32 CPU).</param>
    /// <param name="silu">Apply silu(h) = h/(1 + e^{−h}) to the result.</param>
    /// <param name="c">Output C [M, N], contiguous float32 CPU.</param>
    public static void Run(Tensor a, Tensor b, bool transposedB, Tensor? bias, bool silu, Tensor c)
    {
        var job = new Job(
            TensorMemory.Pointer<float>(a), TensorMemory.Pointer<float>(b),
            bias is null ? null : TensorMemory.Pointer<float>(bias), TensorMemory.Pointer<float>(c),
            (int)a.size(0), (int)(transposedB ? b.size(0) : b.size(1)), (int)a.size(1), transposedB, silu, Isa.Wide);
        int panels = (job.N + Panel - 1) / Panel;
        int threads = Math.Min(KernelThreads.Count, panels);
        if (threads <= 1 || (long)job.M * job.N * job.K < 4 * MinWork)
        {
            RunPanels(job, 0, panels);
            return;
        }

        KernelPool.ForEach(threads, panels, p => RunPanels(job, p, p + 1));   // panels claimed one at a time
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void RunPanels(in Job job, int first, int end)
    {
        var pack = buffer ??= new PackBuffer();
        float* bp = pack.Get((long)job.K * Panel);
        float* tile = pack.Tile;
        for (int p = first; p < end; p++)
        {
            int j0 = p * Panel, width = Math.Min(Panel, job.N - j0);
            if (job.TransposedB)
            {
                PackTransposed(job.B, job.K, j0, width, bp);
            }
            else
            {
                PackRows(job.B, job.K, job.N, j0, width, bp);
            }

            float* biasPanel = null;
            if (job.Bias is not null)
            {
                biasPanel = tile + (TileRows * Panel);
                for (int j = 0; j < Panel; j++)
                {
                    biasPanel[j] = j < width ? job.Bias[j0 + j] : 0f;
                }
            }

            int i = 0;
            for (; i + TileRows <= job.M; i += TileRows)
            {
                float* a = job.A + ((long)i * job.K);
                if (width == Panel)
                {
                    Kernel8(job.Wide, job.K, a, job.K, bp, biasPanel, job.Silu, job.C + ((long)i * job.N) + j0, job.N);
                }
                else
                {
                    Kernel8(job.Wide, job.K, a, job.K, bp, biasPanel, job.Silu, tile, Panel);
                    CopyTile(tile, TileRows, width, job.C + ((long)i * job.N) + j0, job.N);
                }
            }

            for (; i < job.M; i++)
            {
                Kernel1(job.Wide, job.K, job.A + ((long)i * job.K), bp, biasPanel, job.Silu, tile);
                CopyTile(tile, 1, width, job.C + ((long)i * job.N) + j0, job.N);
            }
        }
    }

    private static void CopyTile(float* tile, int rows, int width, float* c, long ldc)
    {
        for (int r = 0; r < rows; r++)
        {
            new ReadOnlySpan<float>(tile + (r * Panel), width).CopyTo(new Span<float>(c + (r * ldc), width));
        }
    }

    /// <summary>Panel of B [K, N] (row-major): bp[k·32 + j] = B[k, j0 + j], zero beyond <paramref name="width"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void PackRows(float* b, int k, int n, int j0, int width, float* bp)
    {
        for (int q = 0; q < k; q++)
        {
            float* src = b + ((long)q * n) + j0;
            float* dst = bp + ((long)q * Panel);
            if (width == Panel)
            {
                Vector256.Store(Vector256.Load(src), dst);
                Vector256.Store(Vector256.Load(src + 8), dst + 8);
                Vector256.Store(Vector256.Load(src + 16), dst + 16);
                Vector256.Store(Vector256.Load(src + 24), dst + 24);
            }
            else
            {
                for (int j = 0; j < Panel; j++)
                {
                    dst[j] = j < width ? src[j] : 0f;
                }
            }
        }
    }

    /// <summary>Panel of Bᵀ for W [N, K]: bp[k·32 + j] = W[j0 + j, k], by 8×8 register transposes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    internal static void PackTransposed(float* w, int k, int j0, int width, float* bp)
    {
        float* w0 = w + ((long)j0 * k);
        int q = 0;
        if (width == Panel)
        {
            for (; q + 8 <= k; q += 8)
            {
                for (int jj = 0; jj < Panel; jj += 8)
                {
                    Transpose8(w0 + ((long)jj * k) + q, k, bp + ((long)q * Panel) + jj, Panel);
                }
            }
        }

        for (; q < k; q++)
        {
            float* dst = bp + ((long)q * Panel);
            for (int j = 0; j < Panel; j++)
            {
                dst[j] = j < width ? w0[((long)j * k) + q] : 0f;
            }
        }
    }

    /// <summary>Reads 8 rows of 8 floats (stride <paramref name="ld"/>) and writes them transposed with stride
    /// <paramref name="ldd"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void Transpose8(float* s, long ld, float* d, long ldd)
    {
        var r0 = Vector256.Load(s);
        var r1 = Vector256.Load(s + ld);
        var r2 = Vector256.Load(s + (2L * ld));
        var r3 = Vector256.Load(s + (3L * ld));
        var r4 = Vector256.Load(s + (4L * ld));
        var r5 = Vector256.Load(s + (5L * ld));
        var r6 = Vector256.Load(s + (6L * ld));
        var r7 = Vector256.Load(s + (7L * ld));
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).Store(d);
        Avx.Permute2x128(u1, u5, 0x20).Store(d + ldd);
        Avx.Permute2x128(u2, u6, 0x20).Store(d + (2 * ldd));
        Avx.Permute2x128(u3, u7, 0x20).Store(d + (3 * ldd));
        Avx.Permute2x128(u0, u4, 0x31).Store(d + (4 * ldd));
        Avx.Permute2x128(u1, u5, 0x31).Store(d + (5 * ldd));
        Avx.Permute2x128(u2, u6, 0x31).Store(d + (6 * ldd));
        Avx.Permute2x128(u3, u7, 0x31).Store(d + (7 * ldd));
    }

    private readonly struct Job(float* a, float* b, float* bias, float* c, int m, int n, int k, bool transposedB,
        bool silu, bool wide)
    {
        public readonly float* A = a, B = b, Bias = bias, C = c;
        public readonly int M = m, N = n, K = k;
        public readonly bool TransposedB = transposedB, Silu = silu, Wide = wide;
    }

    /// <summary>A worker thread's 64-byte aligned packing buffer (grown on demand, freed with the thread).</summary>
    private sealed class PackBuffer
    {
        private long capacity;
        private float* data;

        public PackBuffer() => Tile = (float*)NativeMemory.AlignedAlloc((TileRows + 1) * Panel * sizeof(float), 64);

        ~PackBuffer()
        {
            NativeMemory.AlignedFree(data);
            NativeMemory.AlignedFree(Tile);
        }

        /// <summary>Scratch for partial tiles [8, 32] followed by a bias panel [32].</summary>
        public float* Tile { get; }

        public float* Get(long floats)
        {
            if (floats > capacity)
            {
                NativeMemory.AlignedFree(data);
                data = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
                capacity = floats;
            }

            return data;
        }
    }
}
