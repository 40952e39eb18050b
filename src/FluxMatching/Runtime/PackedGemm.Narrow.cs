namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

/// <summary>
/// Products with one narrow side, the thin first and last layers of a low-dimensional field (K = D = 2 into 128 hidden
/// units, 128 hidden units out to D = 2): too small for the packed panels, and through libtorch each is a dispatch, an
/// allocation and a BLAS call whose packing costs more than the arithmetic. Two streaming kernels on 256-bit registers
/// (AVX2 + FMA, which every CPU with the packed kernel has):
/// <list type="bullet">
/// <item>narrow K (K &lt; 8, N ≥ 8): C[i, :] = b + Σ_k A[i, k]·B[k, :], the K rows of B (a few hundred floats) in L1;</item>
/// <item>narrow N (N &lt; 16, K ≥ 8): C[i, j] = b_j + A[i, :]·Bᵀ[j, :], up to four output columns per pass over a row.</item>
/// </list>
/// Rows are split across <see cref="KernelThreads"/> workers when there is enough work.
/// </summary>
internal static unsafe partial class PackedGemm
{
    /// <summary>Narrow N: output widths below this take the per-row dot products.</summary>
    private const int NarrowN = 16;

    /// <summary>Narrow K: reduction lengths below this take the per-row broadcast sums.</summary>
    private const int NarrowK = 8;

    /// <summary>True when C = A·op(B) (+ bias) has one narrow side and float32 contiguous CPU operands (see the file
    /// summary), and the kernels are on.</summary>
    /// <param name="a">A [M, K].</param>
    /// <param name="b">B [K, N], or [N, K] when <paramref name="transposedB"/>.</param>
    /// <param name="transposedB">Whether B is given as [N, K].</param>
    /// <param name="bias">Optional bias [N].</param>
    public static bool NarrowApplicable(Tensor a, Tensor b, bool transposedB, Tensor? bias)
    {
        if (!Enabled || !Supported || a.dim() != 2 || b.dim() != 2
            || !TensorMemory.IsDirect<float>(a) || !TensorMemory.IsDirect<float>(b)
            || (bias is not null && (!TensorMemory.IsDirect<float>(bias) || bias.numel() != (transposedB ? b.size(0) : b.size(1)))))
        {
            return false;
        }

        long k = a.size(1), n = transposedB ? b.size(0) : b.size(1), kb = transposedB ? b.size(1) : b.size(0);
        return kb == k && a.size(0) >= 1 && a.size(0) <= int.MaxValue && ((k < NarrowK && k >= 1 && n >= NarrowK) || (n < NarrowN && n >= 1 && k >= NarrowK))
            && k * n <= 1 << 20;
    }

    /// <summary>C = A·op(B) + bias for <see cref="NarrowApplicable"/> operands.</summary>
    private static Tensor RunNarrow(Tensor a, Tensor b, bool transposedB, Tensor? bias)
    {
        int m = (int)a.size(0), k = (int)a.size(1), n = (int)(transposedB ? b.size(0) : b.size(1));
        var c = empty(m, n, dtype: ScalarType.Float32, device: a.device);
        float* pa = TensorMemory.Pointer<float>(a), pb = TensorMemory.Pointer<float>(b), pc = TensorMemory.Pointer<float>(c);
        float* pbias = bias is null ? null : TensorMemory.Pointer<float>(bias);
        bool narrowK = k < NarrowK;

        // narrow K reads B as [K, N] rows, narrow N as [N, K] rows: transpose B (K·N floats) when it comes the other way
        float* packed = null;
        if (narrowK == transposedB)
        {
            packed = (float*)NativeMemory.AlignedAlloc((nuint)((long)k * n * sizeof(float)), 64);
            int rows = transposedB ? n : k, cols = transposedB ? k : n;
            for (int r = 0; r < rows; r++)
            {
                for (int q = 0; q < cols; q++)
                {
                    packed[((long)q * rows) + r] = pb[((long)r * cols) + q];
                }
            }

            pb = packed;
        }

        try
        {
            long work = (long)k * n;
            KernelThreads.Rows(m, work, 4 * MinWork, (i0, i1) =>
            {
                if (narrowK)
                {
                    NarrowKRows(pa, pb, pbias, pc, k, n, i0, i1);
                }
                else
                {
                    NarrowNRows(pa, pb, pbias, pc, k, n, i0, i1);
                }
            });
        }
        finally
        {
            NativeMemory.AlignedFree(packed);
        }

        return c;
    }

    /// <summary>Rows [i0, i1) of C[i, :] = bias + Σ_k A[i, k]·B[k, :] for B [K, N] row-major.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowKRows(float* a, float* b, float* bias, float* c, int k, int n, int i0, int i1)
    {
        int full = n & ~7;
        for (int i = i0; i < i1; i++)
        {
            float* ai = a + ((long)i * k);
            float* ci = c + ((long)i * n);
            for (int j = 0; j < full; j += 8)
            {
                var acc = bias is null ? Vector256<float>.Zero : Vector256.Load(bias + j);
                for (int q = 0; q < k; q++)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.Create(ai[q]), Vector256.Load(b + ((long)q * n) + j), acc);
                }

                Vector256.Store(acc, ci + j);
            }

            for (int j = full; j < n; j++)
            {
                float s = bias is null ? 0f : bias[j];
                for (int q = 0; q < k; q++)
                {
                    s += ai[q] * b[((long)q * n) + j];
                }

                ci[j] = s;
            }
        }
    }

    /// <summary>Rows [i0, i1) of C[i, j] = bias_j + A[i, :]·W[j, :] for W [N, K] row-major, four columns per pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowNRows(float* a, float* w, float* bias, float* c, int k, int n, int i0, int i1)
    {
        int full = k & ~7;
        float* sums = stackalloc float[4];
        for (int i = i0; i < i1; i++)
        {
            float* ai = a + ((long)i * k);
            float* ci = c + ((long)i * n);
            for (int j = 0; j < n; j += 4)
            {
                int width = Math.Min(4, n - j);
                float* w0 = w + ((long)j * k);
                float* w1 = width > 1 ? w0 + k : w0;
                float* w2 = width > 2 ? w0 + (2L * k) : w0;
                float* w3 = width > 3 ? w0 + (3L * k) : w0;
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int q = 0; q < full; q += 8)
                {
                    var x = Vector256.Load(ai + q);
                    s0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(w0 + q), s0);
                    s1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(w1 + q), s1);
                    s2 = Vector256.FusedMultiplyAdd(x, Vector256.Load(w2 + q), s2);
                    s3 = Vector256.FusedMultiplyAdd(x, Vector256.Load(w3 + q), s3);
                }

                sums[0] = Vector256.Sum(s0);
                sums[1] = Vector256.Sum(s1);
                sums[2] = Vector256.Sum(s2);
                sums[3] = Vector256.Sum(s3);
                for (int q = full; q < k; q++)
                {
                    sums[0] += ai[q] * w0[q];
                    sums[1] += ai[q] * w1[q];
                    sums[2] += ai[q] * w2[q];
                    sums[3] += ai[q] * w3[q];
                }

                for (int t = 0; t < width; t++)
                {
                    ci[j + t] = sums[t] + (bias is null ? 0f : bias[j + t]);
                }
            }
        }
    }
}
