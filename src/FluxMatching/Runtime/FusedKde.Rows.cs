namespace FluxMatching.Runtime;

using System.Numerics;
using System.Runtime.CompilerServices;

/// <summary>The per-row kernels of <see cref="FusedKde"/>: any D ≤ 16, and D = 2 with accumulators in registers.</summary>
internal static unsafe partial class FusedKde
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxRow<TV, T>(SoaMatrix<T> x, T* zs, T* buffer, T* mean, T* lse)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = x.Dimension, stride = x.Stride, w = TV.Count;
        var vmax = TV.Broadcast(T.NegativeInfinity);
        for (int c = 0; c < stride; c += w)
        {
            var l = TV.Load(x.Extra + c);
            for (int k = 0; k < d; k++)
            {
                l += TV.Load(x.Column(k) + c) * TV.Broadcast(zs[k]);
            }

            TV.Store(buffer + c, l);
            vmax = TV.Max(vmax, l);
        }

        T max = TV.MaxAcross(vmax);
        var top = TV.Broadcast(max);
        var floor = TV.Broadcast(SkipFloor<T>());
        var acc = stackalloc TV[d];
        for (int k = 0; k < d; k++)
        {
            acc[k] = TV.Zero;
        }

        var sum = TV.Zero;
        for (int c = 0; c < stride; c += w)
        {
            var shifted = TV.Load(buffer + c) - top;
            if (TV.AllLess(shifted, floor))
            {
                continue;   // every weight is below e^SkipFloor of the largest: negligible
            }

            var e = TV.ExpNonPositive(shifted);
            sum += e;
            for (int k = 0; k < d; k++)
            {
                acc[k] += e * TV.Load(x.Column(k) + c);
            }
        }

        T total = TV.Sum(sum);
        if (mean != null)
        {
            for (int k = 0; k < d; k++)
            {
                mean[k] = TV.Sum(acc[k]) / total;
            }
        }

        if (lse != null)
        {
            *lse = max + T.Log(total);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxRowPlane<TV, T>(SoaMatrix<T> x, T z0, T z1, T* buffer, T* mean, T* lse)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = x.Stride, w = TV.Count;
        T* x0 = x.Column(0), x1 = x.Column(1), bias = x.Extra;
        TV v0 = TV.Broadcast(z0), v1 = TV.Broadcast(z1), vmax = TV.Broadcast(T.NegativeInfinity);
        for (int c = 0; c < stride; c += w)
        {
            var l = TV.Load(bias + c) + (TV.Load(x0 + c) * v0) + (TV.Load(x1 + c) * v1);
            TV.Store(buffer + c, l);
            vmax = TV.Max(vmax, l);
        }

        T max = TV.MaxAcross(vmax);
        var top = TV.Broadcast(max);
        var floor = TV.Broadcast(SkipFloor<T>());
        TV sum = TV.Zero, acc0 = TV.Zero, acc1 = TV.Zero;
        for (int c = 0; c < stride; c += w)
        {
            var shifted = TV.Load(buffer + c) - top;
            if (TV.AllLess(shifted, floor))
            {
                continue;
            }

            var e = TV.ExpNonPositive(shifted);
            sum += e;
            acc0 += e * TV.Load(x0 + c);
            acc1 += e * TV.Load(x1 + c);
        }

        T total = TV.Sum(sum);
        if (mean != null)
        {
            mean[0] = TV.Sum(acc0) / total;
            mean[1] = TV.Sum(acc1) / total;
        }

        if (lse != null)
        {
            *lse = max + T.Log(total);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MomentsRow<TV, T>(SoaMatrix<T> x, T* z, T scale, T lse, T* m, T* p, T* y, T* q, T* qv, T* cy)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = x.Dimension, stride = x.Stride;
        T* zs = stackalloc T[d];
        var accQ = stackalloc TV[d];
        var accC = stackalloc TV[d];
        T abar = T.Zero, ebar = T.Zero;
        for (int k = 0; k < d; k++)
        {
            zs[k] = z[k] * scale;
            abar += m[k] * p[k];
            ebar += m[k] * y[k];
            accQ[k] = TV.Zero;
            accC[k] = TV.Zero;
        }

        TV vlse = TV.Broadcast(lse), floor = TV.Broadcast(SkipFloor<T>()), vq = TV.Zero;
        for (int c = 0; c < stride; c += TV.Count)
        {
            var l = TV.Load(x.Extra + c);
            var a = TV.Broadcast(-abar);
            var e = TV.Broadcast(-ebar);
            for (int k = 0; k < d; k++)
            {
                var xk = TV.Load(x.Column(k) + c);
                l += xk * TV.Broadcast(zs[k]);
                a += xk * TV.Broadcast(p[k]);
                e += xk * TV.Broadcast(y[k]);
            }

            var shifted = l - vlse;
            if (TV.AllLess(shifted, floor))
            {
                continue;
            }

            var wgt = TV.ExpNonPositive(shifted);
            var cw = wgt * a * a;
            var ew = wgt * e;
            vq += cw;
            for (int k = 0; k < d; k++)
            {
                var xc = TV.Load(x.Column(k) + c) - TV.Broadcast(m[k]);
                accQ[k] += cw * xc;
                accC[k] += ew * xc;
            }
        }

        *q = TV.Sum(vq);
        for (int k = 0; k < d; k++)
        {
            qv[k] = TV.Sum(accQ[k]);
            cy[k] = TV.Sum(accC[k]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MomentsRowPlane<TV, T>(SoaMatrix<T> x, T* z, T scale, T lse, T* m, T* p, T* y, T* q, T* qv,
        T* cy)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = x.Stride;
        T* x0 = x.Column(0), x1 = x.Column(1), bias = x.Extra;
        TV z0 = TV.Broadcast(z[0] * scale), z1 = TV.Broadcast(z[1] * scale);
        TV p0 = TV.Broadcast(p[0]), p1 = TV.Broadcast(p[1]), y0 = TV.Broadcast(y[0]), y1 = TV.Broadcast(y[1]);
        TV m0 = TV.Broadcast(m[0]), m1 = TV.Broadcast(m[1]);
        var abar = TV.Broadcast(-((m[0] * p[0]) + (m[1] * p[1])));
        var ebar = TV.Broadcast(-((m[0] * y[0]) + (m[1] * y[1])));
        TV vlse = TV.Broadcast(lse), floor = TV.Broadcast(SkipFloor<T>());
        TV vq = TV.Zero, q0 = TV.Zero, q1 = TV.Zero, c0 = TV.Zero, c1 = TV.Zero;
        for (int c = 0; c < stride; c += TV.Count)
        {
            var a0 = TV.Load(x0 + c);
            var a1 = TV.Load(x1 + c);
            var shifted = TV.Load(bias + c) + (a0 * z0) + (a1 * z1) - vlse;
            if (TV.AllLess(shifted, floor))
            {
                continue;
            }

            var wgt = TV.ExpNonPositive(shifted);
            var a = abar + (a0 * p0) + (a1 * p1);
            var e = ebar + (a0 * y0) + (a1 * y1);
            var cw = wgt * a * a;
            var ew = wgt * e;
            var d0 = a0 - m0;
            var d1 = a1 - m1;
            vq += cw;
            q0 += cw * d0;
            q1 += cw * d1;
            c0 += ew * d0;
            c1 += ew * d1;
        }

        *q = TV.Sum(vq);
        qv[0] = TV.Sum(q0);
        qv[1] = TV.Sum(q1);
        cy[0] = TV.Sum(c0);
        cy[1] = TV.Sum(c1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnRow<TV, T>(SoaMatrix<T> zq, SoaMatrix<T> g, T bias, T* a, T* output)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = zq.Dimension, stride = zq.Stride;
        var acc = stackalloc TV[d];
        for (int k = 0; k < d; k++)
        {
            acc[k] = TV.Zero;
        }

        TV vb = TV.Broadcast(bias), floor = TV.Broadcast(SkipFloor<T>());
        for (int c = 0; c < stride; c += TV.Count)
        {
            var l = vb;
            for (int k = 0; k < d; k++)
            {
                l += TV.Broadcast(a[k]) * TV.Load(zq.Column(k) + c);
            }

            var shifted = l - TV.Load(zq.Extra + c);
            if (TV.AllLess(shifted, floor))
            {
                continue;
            }

            var e = TV.ExpNonPositive(shifted);
            for (int k = 0; k < d; k++)
            {
                acc[k] += e * TV.Load(g.Column(k) + c);
            }
        }

        for (int k = 0; k < d; k++)
        {
            output[k] = TV.Sum(acc[k]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnRowPlane<TV, T>(SoaMatrix<T> zq, SoaMatrix<T> g, T bias, T a0, T a1, T* output)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = zq.Stride;
        T* z0 = zq.Column(0), z1 = zq.Column(1), lse = zq.Extra, g0 = g.Column(0), g1 = g.Column(1);
        TV vb = TV.Broadcast(bias), va0 = TV.Broadcast(a0), va1 = TV.Broadcast(a1), floor = TV.Broadcast(SkipFloor<T>());
        TV acc0 = TV.Zero, acc1 = TV.Zero;
        for (int c = 0; c < stride; c += TV.Count)
        {
            var shifted = vb + (va0 * TV.Load(z0 + c)) + (va1 * TV.Load(z1 + c)) - TV.Load(lse + c);
            if (TV.AllLess(shifted, floor))
            {
                continue;
            }

            var e = TV.ExpNonPositive(shifted);
            acc0 += e * TV.Load(g0 + c);
            acc1 += e * TV.Load(g1 + c);
        }

        output[0] = TV.Sum(acc0);
        output[1] = TV.Sum(acc1);
    }

    /// <summary>A block of weights all below e^floor relative to the row's largest (or to its normalizer) is skipped:
    /// float32 e^−32 ≈ 1.3e-14, float64 e^−72 ≈ 5e-32. A row of N weights then loses at most N·e^floor of its sum, far
    /// below the type's rounding (2^−24, 2^−53) for any batch that fits in memory.</summary>
    private static T SkipFloor<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(SimdMath.SingleSkip) : T.CreateTruncating(SimdMath.DoubleSkip);
}
