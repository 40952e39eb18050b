namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using static TorchSharp.torch;

/// <summary>Products with a transposed left operand (the first-order MLP node's weight gradients δᵀa).</summary>
internal static unsafe partial class PackedGemm
{
    /// <summary>
    /// Aᵀ·B for A [K, M] and B [K, N], both row-major, without materializing Aᵀ: B is packed in 32-column panels as in
    /// <see cref="Run"/>, and the 8×32 register tile reads 8 adjacent columns of A per k (<see cref="Kernel8T"/>).
    /// Panels are split across <see cref="KernelThreads"/> workers. Falls back to libtorch where the operands are not
    /// contiguous float32 CPU matrices, N &lt; 16 or the work is small.
    /// </summary>
    /// <param name="a">A [K, M].</param>
    /// <param name="b">B [K, N].</param>
    /// <returns>C [M, N].</returns>
    public static Tensor MatMulTransposedA(Tensor a, Tensor b)
    {
        if (!Enabled || !Supported || a.dim() != 2 || b.dim() != 2 || a.size(0) != b.size(0)
            || !TensorMemory.IsDirect<float>(a) || !TensorMemory.IsDirect<float>(b) || b.size(1) < 16
            || a.size(0) * a.size(1) * b.size(1) < MinWork || a.size(0) > int.MaxValue / Panel)
        {
            return a.t().mm(b);
        }

        int k = (int)a.size(0), m = (int)a.size(1), n = (int)b.size(1);
        var c = empty(m, n, dtype: ScalarType.Float32, device: a.device);
        var job = new Job(TensorMemory.Pointer<float>(a), TensorMemory.Pointer<float>(b), null,
            TensorMemory.Pointer<float>(c), m, n, k, transposedB: false, silu: false, Isa.Wide);
        int panels = (n + Panel - 1) / Panel;
        int threads = Math.Min(KernelThreads.Count, panels);
        if (threads <= 1 || (long)m * n * k < 4 * MinWork)
        {
            TransposedAPanels(job, 0, panels);
        }
        else
        {
            KernelPool.ForEach(threads, panels, p => TransposedAPanels(job, p, p + 1));
        }

        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void TransposedAPanels(in Job job, int first, int end)
    {
        var pack = buffer ??= new PackBuffer();
        float* bp = pack.Get((long)job.K * Panel);
        float* tile = pack.Tile;
        for (int p = first; p < end; p++)
        {
            int j0 = p * Panel, width = Math.Min(Panel, job.N - j0);
            PackRows(job.B, job.K, job.N, j0, width, bp);
            int i = 0;
            for (; i + TileRows <= job.M; i += TileRows)
            {
                if (width == Panel)
                {
                    Kernel8T(job.Wide, job.K, job.A + i, job.M, bp, job.C + ((long)i * job.N) + j0, job.N);
                }
                else
                {
                    Kernel8T(job.Wide, job.K, job.A + i, job.M, bp, tile, Panel);
                    CopyTile(tile, TileRows, width, job.C + ((long)i * job.N) + j0, job.N);
                }
            }

            for (; i < job.M; i++)
            {
                Kernel1T(job.Wide, job.K, job.A + i, job.M, bp, tile);
                CopyTile(tile, 1, width, job.C + ((long)i * job.N) + j0, job.N);
            }
        }
    }
}
