namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

/// <summary>The register tiles of <see cref="PackedGemm"/>: the 512-bit ones, and the dispatch between them and the
/// 256-bit ones (<c>PackedGemm.Kernel256.cs</c>) on the instruction set a call was started with.</summary>
internal static unsafe partial class PackedGemm
{
    /// <summary>C[8, 32] = A[8, K]·Bp[K, 32] (+ bias, then silu) on 512-bit (<paramref name="wide"/>) or 256-bit
    /// registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Kernel8(bool wide, int k, float* a, long lda, float* bp, float* bias, bool silu, float* c,
        long ldc)
    {
        if (wide)
        {
            Kernel8Avx512(k, a, lda, bp, bias, silu, c, ldc);
        }
        else
        {
            Kernel8Avx2(k, a, lda, bp, bias, silu, c, ldc);
        }
    }

    /// <summary>C[8, 32] = Aᵀ[8, K]·Bp[K, 32] for A stored [K, ·] (see <see cref="Kernel8Avx512T"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Kernel8T(bool wide, int k, float* a, long lda, float* bp, float* c, long ldc)
    {
        if (wide)
        {
            Kernel8Avx512T(k, a, lda, bp, c, ldc);
        }
        else
        {
            Kernel8Avx2T(k, a, lda, bp, c, ldc);
        }
    }

    /// <summary>One row: C[1, 32] = A[1, K]·Bp[K, 32] (+ bias, then silu).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Kernel1(bool wide, int k, float* a, float* bp, float* bias, bool silu, float* c)
    {
        if (wide)
        {
            Kernel1Avx512(k, a, bp, bias, silu, c);
        }
        else
        {
            Kernel1Avx2(k, a, 1, bp, bias, silu, c);
        }
    }

    /// <summary>One row of <see cref="Kernel8Avx512T"/>: C[1, 32] = column of A (stride <paramref name="lda"/>)ᵀ·Bp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Kernel1T(bool wide, int k, float* a, long lda, float* bp, float* c)
    {
        if (wide)
        {
            Kernel1Avx512T(k, a, lda, bp, c);
        }
        else
        {
            Kernel1Avx2(k, a, lda, bp, null, silu: false, c);
        }
    }

    /// <summary>
    /// C[8, 32] = A[8, K]·Bp[K, 32] (+ bias, then silu): A row-major with stride <paramref name="lda"/>, Bp a packed
    /// panel, C with stride <paramref name="ldc"/>. Per k: two panel loads, eight broadcasts, sixteen FMAs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel8Avx512(int k, float* a, long lda, float* bp, float* bias, bool silu, float* c, long ldc)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        float* a0 = a, a1 = a + lda, a2 = a + (2 * lda), a3 = a + (3 * lda);
        float* a4 = a + (4 * lda), a5 = a + (5 * lda), a6 = a + (6 * lda), a7 = a + (7 * lda);
        for (int q = 0; q < k; q++)
        {
            var b0 = Vector512.Load(bp);
            var b1 = Vector512.Load(bp + 16);
            bp += Panel;
            var x = Vector512.Create(a0[q]);
            c00 = Avx512F.FusedMultiplyAdd(x, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[q]);
            c10 = Avx512F.FusedMultiplyAdd(x, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[q]);
            c20 = Avx512F.FusedMultiplyAdd(x, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[q]);
            c30 = Avx512F.FusedMultiplyAdd(x, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[q]);
            c40 = Avx512F.FusedMultiplyAdd(x, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[q]);
            c50 = Avx512F.FusedMultiplyAdd(x, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[q]);
            c60 = Avx512F.FusedMultiplyAdd(x, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[q]);
            c70 = Avx512F.FusedMultiplyAdd(x, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
        }

        Vector512<float> bias0 = default, bias1 = default;
        if (bias is not null)
        {
            bias0 = Vector512.Load(bias);
            bias1 = Vector512.Load(bias + 16);
        }

        Store(c, c00, c01, bias0, bias1, silu);
        Store(c + ldc, c10, c11, bias0, bias1, silu);
        Store(c + (2 * ldc), c20, c21, bias0, bias1, silu);
        Store(c + (3 * ldc), c30, c31, bias0, bias1, silu);
        Store(c + (4 * ldc), c40, c41, bias0, bias1, silu);
        Store(c + (5 * ldc), c50, c51, bias0, bias1, silu);
        Store(c + (6 * ldc), c60, c61, bias0, bias1, silu);
        Store(c + (7 * ldc), c70, c71, bias0, bias1, silu);
    }

    /// <summary>
    /// C[8, 32] = Aᵀ[8, K]·Bp[K, 32] for A stored [K, ·] with row stride <paramref name="lda"/> (C's 8 rows are 8
    /// adjacent columns of A): per k one 8-float row segment of A gives the eight broadcasts. No bias, no SiLU
    /// (weight gradients δᵀa).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel8Avx512T(int k, float* a, long lda, float* bp, float* c, long ldc)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int q = 0; q < k; q++)
        {
            var b0 = Vector512.Load(bp);
            var b1 = Vector512.Load(bp + 16);
            bp += Panel;
            var x = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(x, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(x, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(x, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(x, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(x, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(x, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(x, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(x, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
            a += lda;
        }

        Store(c, c00, c01, default, default, silu: false);
        Store(c + ldc, c10, c11, default, default, silu: false);
        Store(c + (2 * ldc), c20, c21, default, default, silu: false);
        Store(c + (3 * ldc), c30, c31, default, default, silu: false);
        Store(c + (4 * ldc), c40, c41, default, default, silu: false);
        Store(c + (5 * ldc), c50, c51, default, default, silu: false);
        Store(c + (6 * ldc), c60, c61, default, default, silu: false);
        Store(c + (7 * ldc), c70, c71, default, default, silu: false);
    }

    /// <summary>One row of <see cref="Kernel8Avx512T"/>: C[1, 32] = column of A (stride <paramref name="lda"/>)ᵀ·Bp.</summary>
    internal static void Kernel1Avx512T(int k, float* a, long lda, float* bp, float* c)
    {
        Vector512<float> c0 = default, c1 = default;
        for (int q = 0; q < k; q++)
        {
            var x = Vector512.Create(*a);
            c0 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(bp), c0);
            c1 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(bp + 16), c1);
            bp += Panel;
            a += lda;
        }

        Vector512.Store(c0, c);
        Vector512.Store(c1, c + 16);
    }

    /// <summary>One row: C[1, 32] = A[1, K]·Bp[K, 32] (+ bias, then silu), for the rows after the last full tile.</summary>
    internal static void Kernel1Avx512(int k, float* a, float* bp, float* bias, bool silu, float* c)
    {
        Vector512<float> c0 = default, c1 = default;
        for (int q = 0; q < k; q++)
        {
            var x = Vector512.Create(a[q]);
            c0 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(bp), c0);
            c1 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(bp + 16), c1);
            bp += Panel;
        }

        Vector512<float> bias0 = default, bias1 = default;
        if (bias is not null)
        {
            bias0 = Vector512.Load(bias);
            bias1 = Vector512.Load(bias + 16);
        }

        Store(c, c0, c1, bias0, bias1, silu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> bias0,
        Vector512<float> bias1, bool silu)
    {
        v0 += bias0;
        v1 += bias1;
        if (silu)
        {
            v0 = Simd512F.Silu(v0);
            v1 = Simd512F.Silu(v1);
        }

        Vector512.Store(v0, c);
        Vector512.Store(v1, c + 16);
    }
}
