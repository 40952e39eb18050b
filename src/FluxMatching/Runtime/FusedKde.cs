namespace FluxMatching.Runtime;

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

/// <summary>
/// Fused CPU kernels for the batch-KDE work of the flux loss when the point dimension D is small (the 2-D
/// configurations): every kernel streams over the reference points in SIMD blocks and never materializes a B×B
/// matrix. With logits l_ib = s·(z_i·X_b) + c_b (c_b in the reference's <see cref="SoaMatrix{T}.Extra"/> row):
/// <list type="bullet">
/// <item><see cref="SoftmaxRows{T}"/>: m_i = Σ_b softmax_b(l_i·)_b X_b and lse_i = logsumexp_b l_ib.</item>
/// <item><see cref="EndpointMoments{T}"/>: with w = softmax, a_b = X_b·p_i − m_i·p_i, e_b = X_b·y_i − m_i·y_i:
/// q_i = Σ_b w_b a_b², Q_i = Σ_b w_b a_b² (X_b − m_i), C_i = Σ_b w_b e_b (X_b − m_i).</item>
/// <item><see cref="ColumnSoftmaxApply{T}"/>: out_i = Σ_j exp(l'_ij − lse_j) g_j (a softmax over i applied
/// from the left: the flux loss's responsibility matrix).</item>
/// </list>
/// Rows are split across <c>torch.get_num_threads()</c> workers when there is enough work.
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
        int stride = reference.Stride;
        var x = reference;
        Rows(n, (long)stride * (d + 8), (i0, i1) =>
        {
            T* buffer = (T*)NativeMemory.AlignedAlloc((nuint)(stride * sizeof(T)), 64);
            T* zs = stackalloc T[d];
            var acc = stackalloc Vector<T>[d];
            try
            {
                for (int i = i0; i < i1; i++)
                {
                    if (d == 2)
                    {
                        SoftmaxRowPlane(x, z[2 * i] * scale, z[(2 * i) + 1] * scale, buffer,
                            mean == null ? null : mean + (2 * i), lse == null ? null : lse + i);
                        continue;
                    }

                    for (int k = 0; k < d; k++)
                    {
                        zs[k] = z[(i * d) + k] * scale;
                    }

                    T max = Logits(x, zs, buffer);
                    var vmax = new Vector<T>(max);
                    var sum = Vector<T>.Zero;
                    for (int k = 0; k < d; k++)
                    {
                        acc[k] = Vector<T>.Zero;
                    }

                    var floor = new Vector<T>(ExpFloor<T>());
                    for (int c = 0; c < stride; c += Vector<T>.Count)
                    {
                        var shifted = Load(buffer + c) - vmax;
                        if (Vector.LessThanAll(shifted, floor))
                        {
                            continue;   // every weight underflows to exactly 0
                        }

                        var e = SimdMath.Exp(shifted);
                        sum += e;
                        if (mean != null)
                        {
                            for (int k = 0; k < d; k++)
                            {
                                acc[k] += e * Load(x.Column(k) + c);
                            }
                        }
                    }

                    T total = Vector.Sum(sum);
                    if (mean != null)
                    {
                        for (int k = 0; k < d; k++)
                        {
                            mean[(i * d) + k] = Vector.Sum(acc[k]) / total;
                        }
                    }

                    if (lse != null)
                    {
                        lse[i] = max + T.Log(total);
                    }
                }
            }
            finally
            {
                NativeMemory.AlignedFree(buffer);
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
        int stride = reference.Stride;
        var x = reference;
        Rows(n, (long)stride * (4 * d + 24), (i0, i1) =>
        {
            T* zs = stackalloc T[d];
            var accQ = stackalloc Vector<T>[d];
            var accC = stackalloc Vector<T>[d];
            for (int i = i0; i < i1; i++)
            {
                if (d == 2)
                {
                    MomentsRowPlane(x, z + (2 * i), scale, lse[i], mean + (2 * i), p + (2 * i), y + (2 * i), q + i,
                        qv + (2 * i), cy + (2 * i));
                    continue;
                }

                T* mi = mean + (i * d);
                T* pi = p + (i * d);
                T* yi = y + (i * d);
                T abar = T.Zero, ebar = T.Zero;
                for (int k = 0; k < d; k++)
                {
                    zs[k] = z[(i * d) + k] * scale;
                    abar += mi[k] * pi[k];
                    ebar += mi[k] * yi[k];
                    accQ[k] = Vector<T>.Zero;
                    accC[k] = Vector<T>.Zero;
                }

                var vlse = new Vector<T>(lse[i]);
                var vq = Vector<T>.Zero;
                for (int c = 0; c < stride; c += Vector<T>.Count)
                {
                    var l = Load(x.Extra + c);
                    var a = new Vector<T>(-abar);
                    var e = new Vector<T>(-ebar);
                    for (int k = 0; k < d; k++)
                    {
                        var xk = Load(x.Column(k) + c);
                        l += xk * new Vector<T>(zs[k]);
                        a += xk * new Vector<T>(pi[k]);
                        e += xk * new Vector<T>(yi[k]);
                    }

                    var shifted = l - vlse;
                    if (Vector.LessThanAll(shifted, new Vector<T>(ExpFloor<T>())))
                    {
                        continue;
                    }

                    var w = SimdMath.Exp(shifted);
                    var cw = w * a * a;
                    var ew = w * e;
                    vq += cw;
                    for (int k = 0; k < d; k++)
                    {
                        var xc = Load(x.Column(k) + c) - new Vector<T>(mi[k]);
                        accQ[k] += cw * xc;
                        accC[k] += ew * xc;
                    }
                }

                q[i] = Vector.Sum(vq);
                for (int k = 0; k < d; k++)
                {
                    qv[(i * d) + k] = Vector.Sum(accQ[k]);
                    cy[(i * d) + k] = Vector.Sum(accC[k]);
                }
            }
        });
    }

    /// <summary>
    /// out_i = Σ_j exp(l_ji − lse_j) g_j: the softmax weights of each query j over the reference points i (normalized
    /// over i, lse_j from <see cref="SoftmaxRows{T}"/>) applied from the left, i.e. <c>W.t().mm(g)</c> (the flux loss's
    /// responsibility matrix). The logits are rebuilt with exactly the operations of <see cref="SoftmaxRows{T}"/>,
    /// so l_ji − lse_j ≤ 0 holds bit for bit even when 1/σ² is huge.
    /// </summary>
    /// <param name="queries">Scaled queries s·z in column layout with lse_j in the extra row (padding +∞).</param>
    /// <param name="values">Values g in column layout (padding 0).</param>
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
        int stride = queries.Stride;
        var zq = queries;
        var g = values;
        Rows(n, (long)stride * (2 * d + 20), (i0, i1) =>
        {
            var acc = stackalloc Vector<T>[d];
            for (int i = i0; i < i1; i++)
            {
                T* a = anchors + (i * d);
                T bias = SoaMatrix<T>.Bias(a, d, minusHalfScale);
                if (d == 2)
                {
                    ColumnRowPlane(zq, g, bias, a[0], a[1], output + (2 * i));
                    continue;
                }

                for (int k = 0; k < d; k++)
                {
                    acc[k] = Vector<T>.Zero;
                }

                var vb = new Vector<T>(bias);
                for (int c = 0; c < stride; c += Vector<T>.Count)
                {
                    var l = vb;
                    for (int k = 0; k < d; k++)
                    {
                        l += new Vector<T>(a[k]) * Load(zq.Column(k) + c);
                    }

                    var shifted = l - Load(zq.Extra + c);
                    if (Vector.LessThanAll(shifted, new Vector<T>(ExpFloor<T>())))
                    {
                        continue;
                    }

                    var e = SimdMath.Exp(shifted);
                    for (int k = 0; k < d; k++)
                    {
                        acc[k] += e * Load(g.Column(k) + c);
                    }
                }

                for (int k = 0; k < d; k++)
                {
                    output[(i * d) + k] = Vector.Sum(acc[k]);
                }
            }
        });
    }

    /// <summary>Fills the logits of one query into <paramref name="buffer"/> and returns their maximum.</summary>
    private static T Logits<T>(SoaMatrix<T> x, T* zs, T* buffer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = x.Dimension;
        var vmax = new Vector<T>(T.NegativeInfinity);
        for (int c = 0; c < x.Stride; c += Vector<T>.Count)
        {
            var l = Load(x.Extra + c);
            for (int k = 0; k < d; k++)
            {
                l += Load(x.Column(k) + c) * new Vector<T>(zs[k]);
            }

            Unsafe.WriteUnaligned(buffer + c, l);
            vmax = Vector.Max(vmax, l);
        }

        T max = vmax[0];
        for (int k = 1; k < Vector<T>.Count; k++)
        {
            max = T.Max(max, vmax[k]);
        }

        return max;
    }

    /// <summary>ln of the smallest normal number: e^x for x below it is exactly 0 in <see cref="SimdMath"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T ExpFloor<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(SimdMath.SingleFloor) : T.CreateTruncating(SimdMath.DoubleFloor);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Load<T>(T* p)
        where T : unmanaged => Unsafe.ReadUnaligned<Vector<T>>(p);

    /// <summary>Runs body over [0, n) in one or several contiguous row ranges.</summary>
    private static void Rows(int n, long workPerRow, Action<int, int> body)
    {
        int threads = Math.Min(TorchSharp.torch.get_num_threads(), Environment.ProcessorCount);
        if (threads <= 1 || n < 2 * threads || n * workPerRow < ParallelWork)
        {
            body(0, n);
            return;
        }

        int chunk = (n + threads - 1) / threads;
        Parallel.For(0, threads, t => body(t * chunk, Math.Min(n, (t + 1) * chunk)));
    }
}
