namespace FluxMatching.Runtime;

using System.Numerics;
using System.Runtime.CompilerServices;

/// <summary>The per-row kernels of <see cref="FusedKde"/> specialized for D = 2 (accumulators in registers).</summary>
internal static unsafe partial class FusedKde
{
    private static void SoftmaxRowPlane<T>(SoaMatrix<T> x, T z0, T z1, T* buffer, T* mean, T* lse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = x.Stride;
        T* x0 = x.Column(0);
        T* x1 = x.Column(1);
        T* bias = x.Extra;
        var v0 = new Vector<T>(z0);
        var v1 = new Vector<T>(z1);
        var vmax = new Vector<T>(T.NegativeInfinity);
        for (int c = 0; c < stride; c += Vector<T>.Count)
        {
            var l = Load(bias + c) + (Load(x0 + c) * v0) + (Load(x1 + c) * v1);
            Unsafe.WriteUnaligned(buffer + c, l);
            vmax = Vector.Max(vmax, l);
        }

        T max = HorizontalMax(vmax);
        vmax = new Vector<T>(max);
        var floor = new Vector<T>(ExpFloor<T>());
        Vector<T> sum = Vector<T>.Zero, acc0 = Vector<T>.Zero, acc1 = Vector<T>.Zero;
        for (int c = 0; c < stride; c += Vector<T>.Count)
        {
            var shifted = Load(buffer + c) - vmax;
            if (Vector.LessThanAll(shifted, floor))
            {
                continue;
            }

            var e = SimdMath.Exp(shifted);
            sum += e;
            acc0 += e * Load(x0 + c);
            acc1 += e * Load(x1 + c);
        }

        T total = Vector.Sum(sum);
        if (mean != null)
        {
            mean[0] = Vector.Sum(acc0) / total;
            mean[1] = Vector.Sum(acc1) / total;
        }

        if (lse != null)
        {
            *lse = max + T.Log(total);
        }
    }

    private static void MomentsRowPlane<T>(SoaMatrix<T> x, T* z, T scale, T lse, T* m, T* p, T* y, T* q, T* qv, T* cy)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = x.Stride;
        T* x0 = x.Column(0);
        T* x1 = x.Column(1);
        T* bias = x.Extra;
        var z0 = new Vector<T>(z[0] * scale);
        var z1 = new Vector<T>(z[1] * scale);
        var p0 = new Vector<T>(p[0]);
        var p1 = new Vector<T>(p[1]);
        var y0 = new Vector<T>(y[0]);
        var y1 = new Vector<T>(y[1]);
        var m0 = new Vector<T>(m[0]);
        var m1 = new Vector<T>(m[1]);
        var abar = new Vector<T>(-((m[0] * p[0]) + (m[1] * p[1])));
        var ebar = new Vector<T>(-((m[0] * y[0]) + (m[1] * y[1])));
        var vlse = new Vector<T>(lse);
        var floor = new Vector<T>(ExpFloor<T>());
        Vector<T> vq = Vector<T>.Zero, q0 = Vector<T>.Zero, q1 = Vector<T>.Zero, c0 = Vector<T>.Zero,
            c1 = Vector<T>.Zero;
        for (int c = 0; c < stride; c += Vector<T>.Count)
        {
            var a0 = Load(x0 + c);
            var a1 = Load(x1 + c);
            var shifted = Load(bias + c) + (a0 * z0) + (a1 * z1) - vlse;
            if (Vector.LessThanAll(shifted, floor))
            {
                continue;
            }

            var w = SimdMath.Exp(shifted);
            var a = abar + (a0 * p0) + (a1 * p1);
            var e = ebar + (a0 * y0) + (a1 * y1);
            var cw = w * a * a;
            var ew = w * e;
            var d0 = a0 - m0;
            var d1 = a1 - m1;
            vq += cw;
            q0 += cw * d0;
            q1 += cw * d1;
            c0 += ew * d0;
            c1 += ew * d1;
        }

        *q = Vector.Sum(vq);
        qv[0] = Vector.Sum(q0);
        qv[1] = Vector.Sum(q1);
        cy[0] = Vector.Sum(c0);
        cy[1] = Vector.Sum(c1);
    }

    private static void ColumnRowPlane<T>(SoaMatrix<T> zq, SoaMatrix<T> g, T bias, T a0, T a1, T* output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = zq.Stride;
        T* z0 = zq.Column(0);
        T* z1 = zq.Column(1);
        T* lse = zq.Extra;
        T* g0 = g.Column(0);
        T* g1 = g.Column(1);
        var vb = new Vector<T>(bias);
        var va0 = new Vector<T>(a0);
        var va1 = new Vector<T>(a1);
        var floor = new Vector<T>(ExpFloor<T>());
        Vector<T> acc0 = Vector<T>.Zero, acc1 = Vector<T>.Zero;
        for (int c = 0; c < stride; c += Vector<T>.Count)
        {
            var shifted = vb + (va0 * Load(z0 + c)) + (va1 * Load(z1 + c)) - Load(lse + c);
            if (Vector.LessThanAll(shifted, floor))
            {
                continue;
            }

            var e = SimdMath.Exp(shifted);
            acc0 += e * Load(g0 + c);
            acc1 += e * Load(g1 + c);
        }

        output[0] = Vector.Sum(acc0);
        output[1] = Vector.Sum(acc1);
    }

    private static T HorizontalMax<T>(Vector<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = v[0];
        for (int k = 1; k < Vector<T>.Count; k++)
        {
            max = T.Max(max, v[k]);
        }

        return max;
    }
}
