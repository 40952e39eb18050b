namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

/// <summary>The last hidden layer fused with a thin output layer (the samplers' MLP drift).</summary>
internal static unsafe partial class PackedGemm
{
    /// <summary>Largest output width of <see cref="RunThinOutput"/>.</summary>
    public const int MaxThinOutput = 16;

    /// <summary>True when <see cref="RunThinOutput"/> applies to these operands.</summary>
    /// <param name="a">Activations [M, K].</param>
    /// <param name="weight">Hidden weight [N, K].</param>
    /// <param name="outWeight">Output weight [D, N], D ≤ <see cref="MaxThinOutput"/>.</param>
    public static bool ThinOutputApplicable(Tensor a, Tensor weight, Tensor outWeight) =>
        Applicable(a, weight, transposedB: true) && TensorMemory.IsDirect<float>(outWeight) && outWeight.dim() == 2
        && outWeight.size(1) == weight.size(0) && outWeight.size(0) <= MaxThinOutput;

    /// <summary>
    /// out = silu(A·Wᵀ + b)·W_outᵀ + b_out without materializing the hidden activations: every 8-row tile of the
    /// hidden layer is reduced against W_out while it is in registers and L1. All panels of Wᵀ are packed once;
    /// row tiles are split across <see cref="KernelThreads"/> workers. Requires <see cref="ThinOutputApplicable"/>.
    /// </summary>
    /// <param name="a">A [M, K].</param>
    /// <param name="weight">W [N, K].</param>
    /// <param name="bias">b [N].</param>
    /// <param name="outWeight">W_out [D, N].</param>
    /// <param name="outBias">b_out [D].</param>
    /// <param name="output">out [M, D], contiguous float32 CPU.</param>
    public static void RunThinOutput(Tensor a, Tensor weight, Tensor bias, Tensor outWeight, Tensor outBias,
        Tensor output)
    {
        int m = (int)a.size(0), k = (int)a.size(1), n = (int)weight.size(0), d = (int)outWeight.size(0);
        int panels = (n + Panel - 1) / Panel;
        long packed = (long)panels * k * Panel;
        float* bp = (float*)NativeMemory.AlignedAlloc((nuint)((packed + (panels * Panel)) * sizeof(float)), 64);
        try
        {
            float* w = TensorMemory.Pointer<float>(weight);
            float* b = TensorMemory.Pointer<float>(bias);
            float* biasPanels = bp + packed;
            for (int p = 0; p < panels; p++)
            {
                int j0 = p * Panel, width = Math.Min(Panel, n - j0);
                PackTransposed(w, k, j0, width, bp + ((long)p * k * Panel));
                for (int j = 0; j < Panel; j++)
                {
                    biasPanels[(p * Panel) + j] = j < width ? b[j0 + j] : 0f;
                }
            }

            var job = new ThinJob(TensorMemory.Pointer<float>(a), bp, biasPanels,
                TensorMemory.Pointer<float>(outWeight), TensorMemory.Pointer<float>(outBias),
                TensorMemory.Pointer<float>(output), m, n, k, d, Isa.Wide);
            int tiles = (m + TileRows - 1) / TileRows;
            int threads = Math.Min(KernelThreads.Count, tiles);
            if (threads <= 1 || (long)m * n * k < 4 * MinWork)
            {
                ThinRange(job, 0, m);
                return;
            }

            int per = (tiles + threads - 1) / threads;
            KernelPool.For(threads, t => ThinRange(job, t * per * TileRows, Math.Min(m, (t + 1) * per * TileRows)));
        }
        finally
        {
            NativeMemory.AlignedFree(bp);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void ThinRows<TV>(in ThinJob job, int first, int end)
        where TV : unmanaged, ISimd<TV, float>
    {
        var pack = buffer ??= new PackBuffer();
        float* tile = pack.Tile;
        int d = job.D;
        bool wide = TV.Count == 16;
        var acc = stackalloc TV[TileRows * MaxThinOutput];
        var lanes = stackalloc float[Panel];
        for (int i = first; i < end; i += TileRows)
        {
            int rows = Math.Min(TileRows, end - i);
            for (int q = 0; q < rows * d; q++)
            {
                acc[q] = TV.Zero;
            }

            for (int p = 0; p * Panel < job.N; p++)
            {
                float* bp = job.Packed + ((long)p * job.K * Panel);
                float* biasPanel = job.BiasPanels + (p * Panel);
                if (rows == TileRows)
                {
                    Kernel8(wide, job.K, job.A + ((long)i * job.K), job.K, bp, biasPanel, silu: true, tile, Panel);
                }
                else
                {
                    for (int r = 0; r < rows; r++)
                    {
                        Kernel1(wide, job.K, job.A + ((long)(i + r) * job.K), bp, biasPanel, silu: true, tile + (r * Panel));
                    }
                }

                int j0 = p * Panel, width = Math.Min(Panel, job.N - j0);
                for (int q = 0; q < d; q++)
                {
                    float* wo = job.OutWeight + ((long)q * job.N) + j0;
                    if (width < Panel)
                    {
                        for (int j = 0; j < Panel; j++)
                        {
                            lanes[j] = j < width ? wo[j] : 0f;   // padded columns are silu(0) = 0 times 0
                        }

                        wo = lanes;
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        float* t = tile + (r * Panel);
                        var sum = acc[(r * d) + q];
                        for (int j = 0; j < Panel; j += TV.Count)
                        {
                            sum = TV.MultiplyAdd(TV.Load(t + j), TV.Load(wo + j), sum);
                        }

                        acc[(r * d) + q] = sum;
                    }
                }
            }

            for (int r = 0; r < rows; r++)
            {
                float* o = job.Output + ((long)(i + r) * d);
                for (int q = 0; q < d; q++)
                {
                    o[q] = job.OutBias[q] + TV.Sum(acc[(r * d) + q]);
                }
            }
        }
    }

    private static void ThinRange(in ThinJob job, int first, int end)
    {
        if (job.Wide)
        {
            ThinRows<Simd512F>(job, first, end);
        }
        else
        {
            ThinRows<Simd256F>(job, first, end);
        }
    }

    private readonly struct ThinJob(float* a, float* packed, float* biasPanels, float* outWeight, float* outBias,
        float* output, int m, int n, int k, int d, bool wide)
    {
        public readonly float* A = a, Packed = packed, BiasPanels = biasPanels, OutWeight = outWeight,
            OutBias = outBias, Output = output;

        public readonly int M = m, N = n, K = k, D = d;
        public readonly bool Wide = wide;
    }
}
