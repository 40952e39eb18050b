namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

/// <summary>
/// The 256-bit register tiles of <see cref="PackedGemm"/> (AVX2 + FMA: 16 registers of 8 floats). The packed panels
/// are the same 32-column ones as for 512-bit registers; an 8×32 tile would need 32 accumulators, so it runs as three
/// passes over K: rows 0–5 × columns 0–15, rows 0–5 × columns 16–31 (6×16 tiles: 12 accumulators, 2 panel loads and
/// 6 broadcasts per 12 FMAs) and rows 6–7 × columns 0–31 (8 accumulators). Each pass fits the 16 registers, and
/// every pass keeps at least 8 independent FMA chains in flight (two FMA pipes × four cycles of latency).
/// </summary>
internal static unsafe partial class PackedGemm
{
    /// <summary>C[8, 32] = A[8, K]·Bp[K, 32] (+ bias, then silu) on 256-bit registers; A row-major with stride
    /// <paramref name="lda"/>, C with stride <paramref name="ldc"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel8Avx2(int k, float* a, long lda, float* bp, float* bias, bool silu, float* c, long ldc)
    {
        Rows6x16(k, a, lda, 1, bp, bias, silu, c, ldc);
        Rows6x16(k, a, lda, 1, bp + 16, bias is null ? null : bias + 16, silu, c + 16, ldc);
        Rows2x32(k, a + (6 * lda), lda, 1, bp, bias, silu, c + (6 * ldc), ldc);
    }

    /// <summary>C[8, 32] = Aᵀ[8, K]·Bp[K, 32] on 256-bit registers, for A stored [K, ·] with row stride
    /// <paramref name="lda"/> (C's rows are 8 adjacent columns of A). No bias, no SiLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel8Avx2T(int k, float* a, long lda, float* bp, float* c, long ldc)
    {
        Rows6x16(k, a, 1, lda, bp, null, silu: false, c, ldc);
        Rows6x16(k, a, 1, lda, bp + 16, null, silu: false, c + 16, ldc);
        Rows2x32(k, a + 6, 1, lda, bp, null, silu: false, c + (6 * ldc), ldc);
    }

    /// <summary>One row on 256-bit registers: C[1, 32] = Σ_q A(q)·Bp[q, :] (+ bias, then silu), A's q-th element at
    /// <paramref name="a"/> + q·<paramref name="step"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel1Avx2(int k, float* a, long step, float* bp, float* bias, bool silu, float* c)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int q = 0; q < k; q++)
        {
            var x = Vector256.Create(*a);
            c0 = Fma.MultiplyAdd(x, Vector256.Load(bp), c0);
            c1 = Fma.MultiplyAdd(x, Vector256.Load(bp + 8), c1);
            c2 = Fma.MultiplyAdd(x, Vector256.Load(bp + 16), c2);
            c3 = Fma.MultiplyAdd(x, Vector256.Load(bp + 24), c3);
            bp += Panel;
            a += step;
        }

        Store16(c, c0, c1, bias, silu);
        Store16(c + 16, c2, c3, bias is null ? null : bias + 16, silu);
    }

    /// <summary>C[6, 16] = Σ_q A(·, q)·Bp[q, 0:16]: element (r, q) of A at <paramref name="a"/> + r·rowStep +
    /// q·colStep, Bp a panel (stride 32) already offset to its column half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows6x16(int k, float* a, long rowStep, long colStep, float* bp, float* bias, bool silu,
        float* c, long ldc)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a1 = a + rowStep, a2 = a + (2 * rowStep), a3 = a + (3 * rowStep), a4 = a + (4 * rowStep);
        float* a5 = a + (5 * rowStep);
        for (int q = 0; q < k; q++)
        {
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + 8);
            bp += Panel;
            var x = Vector256.Create(*a);
            c00 = Fma.MultiplyAdd(x, b0, c00);
            c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(*a1);
            c10 = Fma.MultiplyAdd(x, b0, c10);
            c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(*a2);
            c20 = Fma.MultiplyAdd(x, b0, c20);
            c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(*a3);
            c30 = Fma.MultiplyAdd(x, b0, c30);
            c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(*a4);
            c40 = Fma.MultiplyAdd(x, b0, c40);
            c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(*a5);
            c50 = Fma.MultiplyAdd(x, b0, c50);
            c51 = Fma.MultiplyAdd(x, b1, c51);
            a += colStep;
            a1 += colStep;
            a2 += colStep;
            a3 += colStep;
            a4 += colStep;
            a5 += colStep;
        }

        Store16(c, c00, c01, bias, silu);
        Store16(c + ldc, c10, c11, bias, silu);
        Store16(c + (2 * ldc), c20, c21, bias, silu);
        Store16(c + (3 * ldc), c30, c31, bias, silu);
        Store16(c + (4 * ldc), c40, c41, bias, silu);
        Store16(c + (5 * ldc), c50, c51, bias, silu);
    }

    /// <summary>C[2, 32] = Σ_q A(·, q)·Bp[q, :] (addressing as in <see cref="Rows6x16"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows2x32(int k, float* a, long rowStep, long colStep, float* bp, float* bias, bool silu,
        float* c, long ldc)
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        float* a1 = a + rowStep;
        for (int q = 0; q < k; q++)
        {
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + 8);
            var b2 = Vector256.Load(bp + 16);
            var b3 = Vector256.Load(bp + 24);
            bp += Panel;
            var x = Vector256.Create(*a);
            c00 = Fma.MultiplyAdd(x, b0, c00);
            c01 = Fma.MultiplyAdd(x, b1, c01);
            c02 = Fma.MultiplyAdd(x, b2, c02);
            c03 = Fma.MultiplyAdd(x, b3, c03);
            x = Vector256.Create(*a1);
            c10 = Fma.MultiplyAdd(x, b0, c10);
            c11 = Fma.MultiplyAdd(x, b1, c11);
            c12 = Fma.MultiplyAdd(x, b2, c12);
            c13 = Fma.MultiplyAdd(x, b3, c13);
            a += colStep;
            a1 += colStep;
        }

        float* bias16 = bias is null ? null : bias + 16;
        Store16(c, c00, c01, bias, silu);
        Store16(c + 16, c02, c03, bias16, silu);
        Store16(c + ldc, c10, c11, bias, silu);
        Store16(c + ldc + 16, c12, c13, bias16, silu);
    }

    /// <summary>Stores 16 columns: v + bias, then silu when asked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store16(float* c, Vector256<float> v0, Vector256<float> v1, float* bias, bool silu)
    {
        if (bias is not null)
        {
            v0 += Vector256.Load(bias);
            v1 += Vector256.Load(bias + 8);
        }

        if (silu)
        {
            v0 = Simd256F.Silu(v0);
            v1 = Simd256F.Silu(v1);
        }

        Vector256.Store(v0, c);
        Vector256.Store(v1, c + 8);
    }
}
