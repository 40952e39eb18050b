namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

/// <summary>
/// Fused CPU kernels for the batch-KDE work of the flux loss when the point dimension D is small (the 2-D
/// configurations): every kernel streams over the reference points in SIMD blocks and never materializes a B×B
/// matrix. With logits l_ib = c_b + Σ_k X_bk·(s·z_ik) (c_b = −½s‖X_b‖² in the reference's
/// <see cref="SoaMatrix{T}.Extra"/> row, always added in this order so every kernel rebuilds bit-identical logits):
/// <list type="bullet">
/// <item><see cref="SoftmaxRows{T}"/>: m_i = Σ_b softmax_b(l_i·)_b X_b and lse_i = logsumexp_b l_ib.</item>
/// <item><see cref="EndpointMoments{T}"/>: with w = softmax, a_b = X_b·p_i − m_i·p_i, e_b = X_b·y_i − m_i·y_i:
/// q_i = Σ_b w_b a_b², Q_i = Σ_b w_b a_b² (X_b − m_i), C_i = Σ_b w_b e_b (X_b − m_i).</item>
/// <item><see cref="ColumnSoftmaxApply{T}"/>: out_i = Σ_j exp(l_ji − lse_j) g_j (the softmax of each query over the
/// reference points applied from the left: the flux loss's responsibility matrix).</item>
/// </list>
/// Blocks whose weights are all negligible (below e^−32 of the row's largest in float32, e^−72 in float64) are skipped. Rows are split across
/// <see cref="KernelThreads"/> workers when there is enough work, on the registers <see cref="Isa"/> chooses (callers
/// take the matrix-product path when it allows no kernel).
/// </summary>
internal static unsafe partial class FusedKde
{
    /// <summary>Point dimensions up to this value use the fused kernels; larger ones use matrix products.</summary>
    public const int MaxDimension = 16;

    private const long ParallelWork = 1L << 16;

    /// <summary>Row softmax of the KDE logits: denoiser mean m [N, D] and log-normalizer lse [N].</summary>
    /// <param name="reference">Reference points X (columns) with the logit bias c in its extra row.</param>
    /// <param name="z">Queries [N, D] (row-major).</param>
    /// <param name="n">N.</param>
    /// <param name="scale">s, the factor of z·X in the logits.</param>
    /// <param name="mean">Output m [N, D], or null.</param>
    /// <param name="lse">Output lse [N], or null.</param>
    public static void SoftmaxRows<T>(SoaMatrix<T> reference, T* z, int n, T scale, T* mean, T* lse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = reference.Dimension;
        KernelThreads.Rows(n, (long)reference.Stride * (d + 8), ParallelWork, (i0, i1) =>
        {
            if (typeof(T) == typeof(float))
            {
                var x = (SoaMatrix<float>)(object)reference;
                float s = float.CreateTruncating(scale);
                if (Isa.Wide)
                {
                    SoftmaxRange<Simd512F, float>(x, (float*)z, s, (float*)mean, (float*)lse, i0, i1);
                }
                else
                {
                    SoftmaxRange<Simd256F, float>(x, (float*)z, s, (float*)mean, (float*)lse, i0, i1);
                }
            }
            else
            {
                var x = (SoaMatrix<double>)(object)reference;
                double s = double.CreateTruncating(scale);
                if (Isa.Wide)
                {
                    SoftmaxRange<Simd512D, double>(x, (double*)z, s, (double*)mean, (double*)lse, i0, i1);
                }
                else
                {
                    SoftmaxRange<Simd256D, double>(x, (double*)z, s, (double*)mean, (double*)lse, i0, i1);
                }
            }
        });
    }

    /// <summary>The KDE moments the analytic end-point derivatives need (see the class summary).</summary>
    /// <param name="reference">Reference points X with the logit bias in its extra row.</param>
    /// <param name="z">Queries [N, D].</param>
    /// <param name="n">N.</param>
    /// <param name="scale">Logit factor s.</param>
    /// <param name="lse">Row log-normalizers [N] (from <see cref="SoftmaxRows{T}"/>).</param>
    /// <param name="mean">Denoiser means m [N, D].</param>
    /// <param name="p">Probe directions [N, D].</param>
    /// <param name="y">Second directions [N, D].</param>
    /// <param name="q">Output q [N].</param>
    /// <param name="qv">Output Q [N, D].</param>
    /// <param name="cy">Output C [N, D].</param>
    public static void EndpointMoments<T>(SoaMatrix<T> reference, T* z, int n, T scale, T* lse, T* mean, T* p, T* y,
        T* q, T* qv, T* cy)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = reference.Dimension;
        KernelThreads.Rows(n, (long)reference.Stride * (4 * d + 24), ParallelWork, (i0, i1) =>
        {
            if (typeof(T) == typeof(float))
            {
                var x = (SoaMatrix<float>)(object)reference;
                var a = new MomentArgs<float>((float*)z, float.CreateTruncating(scale), (float*)lse, (float*)mean, (float*)p, (float*)y, (float*)q, (float*)qv, (float*)cy);
                if (Isa.Wide)
                {
                    MomentsRange<Simd512F, float>(x, a, i0, i1);
                }
                else
                {
                    MomentsRange<Simd256F, float>(x, a, i0, i1);
                }
            }
            else
            {
                var x = (SoaMatrix<double>)(object)reference;
                var a = new MomentArgs<double>((double*)z, double.CreateTruncating(scale), (double*)lse, (double*)mean, (double*)p, (double*)y, (double*)q, (double*)qv, (double*)cy);
                if (Isa.Wide)
                {
                    MomentsRange<Simd512D, double>(x, a, i0, i1);
                }
                else
                {
                    MomentsRange<Simd256D, double>(x, a, i0, i1);
                }
            }
        });
    }

    /// <summary>
    /// out_i = Σ_j exp(l_ji − lse_j) g_j: the softmax weights of each query j over the reference points i (normalized
    /// over i, lse_j from <see cref="SoftmaxRows{T}"/>) applied from the left, i.e. <c>W.t().mm(g)</c>. The logits are
    /// rebuilt with exactly the operations of <see cref="SoftmaxRows{T}"/>, so l_ji − lse_j ≤ 0 holds bit for bit
    /// even when 1/σ² is huge.
    /// </summary>
    /// <param name="queries">Scaled queries s·z in column layout with lse_j in the extra row (padding +∞).</param>
    /// <param name="values">Values g in the same column order (padding 0).</param>
    /// <param name="anchors">The reference points (anchors) as rows [N, D]; their logit bias is recomputed with
    /// <see cref="SoaMatrix{T}.Bias"/>, the formula of the reference's extra row.</param>
    /// <param name="n">N, the anchor count.</param>
    /// <param name="minusHalfScale">−½·s.</param>
    /// <param name="output">Output [N, D].</param>
    public static void ColumnSoftmaxApply<T>(SoaMatrix<T> queries, SoaMatrix<T> values, T* anchors, int n,
        T minusHalfScale, T* output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = queries.Dimension;
        KernelThreads.Rows(n, (long)queries.Stride * (2 * d + 20), ParallelWork, (i0, i1) =>
        {
            if (typeof(T) == typeof(float))
            {
                var zq = (SoaMatrix<float>)(object)queries;
                var g = (SoaMatrix<float>)(object)values;
                float h = float.CreateTruncating(minusHalfScale);
                if (Isa.Wide)
                {
                    ColumnRange<Simd512F, float>(zq, g, (float*)anchors, h, (float*)output, i0, i1);
                }
                else
                {
                    ColumnRange<Simd256F, float>(zq, g, (float*)anchors, h, (float*)output, i0, i1);
                }
            }
            else
            {
                var zq = (SoaMatrix<double>)(object)queries;
                var g = (SoaMatrix<double>)(object)values;
                double h = double.CreateTruncating(minusHalfScale);
                if (Isa.Wide)
                {
                    ColumnRange<Simd512D, double>(zq, g, (double*)anchors, h, (double*)output, i0, i1);
                }
                else
                {
                    ColumnRange<Simd256D, double>(zq, g, (double*)anchors, h, (double*)output, i0, i1);
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void SoftmaxRange<TV, T>(SoaMatrix<T> x, T* z, T scale, T* mean, T* lse, int i0, int i1)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = x.Dimension;
        T* buffer = (T*)NativeMemory.AlignedAlloc((nuint)(x.Stride * sizeof(T)), 64);
        T* zs = stackalloc T[d];
        try
        {
            for (int i = i0; i < i1; i++)
            {
                for (int k = 0; k < d; k++)
                {
                    zs[k] = z[(i * d) + k] * scale;
                }

                T* m = mean == null ? null : mean + (i * d);
                T* l = lse == null ? null : lse + i;
                if (d == 2)
                {
                    SoftmaxRowPlane<TV, T>(x, zs[0], zs[1], buffer, m, l);
                }
                else
                {
                    SoftmaxRow<TV, T>(x, zs, buffer, m, l);
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void MomentsRange<TV, T>(SoaMatrix<T> x, MomentArgs<T> a, int i0, int i1)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = x.Dimension;
        for (int i = i0; i < i1; i++)
        {
            int o = i * d;
            if (d == 2)
            {
                MomentsRowPlane<TV, T>(x, a.Z + o, a.Scale, a.Lse[i], a.Mean + o, a.P + o, a.Y + o, a.Q + i, a.Qv + o, a.Cy + o);
            }
            else
            {
                MomentsRow<TV, T>(x, a.Z + o, a.Scale, a.Lse[i], a.Mean + o, a.P + o, a.Y + o, a.Q + i, a.Qv + o, a.Cy + o);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void ColumnRange<TV, T>(SoaMatrix<T> zq, SoaMatrix<T> g, T* anchors, T minusHalfScale, T* output,
        int i0, int i1)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = zq.Dimension;
        for (int i = i0; i < i1; i++)
        {
            T* a = anchors + (i * d);
            T bias = SoaMatrix<T>.Bias(a, d, minusHalfScale);
            if (d == 2)
            {
                ColumnRowPlane<TV, T>(zq, g, bias, a[0], a[1], output + (2 * i));
            }
            else
            {
                ColumnRow<TV, T>(zq, g, bias, a, output + (i * d));
            }
        }
    }

    /// <summary>The per-row inputs and outputs of <see cref="EndpointMoments{T}"/>.</summary>
    private readonly struct MomentArgs<T>(T* z, T scale, T* lse, T* mean, T* p, T* y, T* q, T* qv, T* cy)
        where T : unmanaged
    {
        public readonly T* Z = z, Lse = lse, Mean = mean, P = p, Y = y, Q = q, Qv = qv, Cy = cy;
        public readonly T Scale = scale;
    }
}
