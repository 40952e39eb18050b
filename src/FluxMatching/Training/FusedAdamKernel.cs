namespace FluxMatching.Training;

using System.Numerics;
using System.Runtime.CompilerServices;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>The single-pass CPU Adam update and gradient norm of <see cref="FusedAdam"/> (SIMD on
/// <c>Vector&lt;T&gt;</c>, 256 bits on both AVX2 and AVX-512 CPUs, split across <see cref="Runtime.KernelThreads"/>
/// workers for large buffers; the same update as libtorch tensor operations when <see cref="Isa"/> allows no
/// kernel).</summary>
internal static unsafe class FusedAdamKernel
{
    private const int ParallelLength = 1 << 18;

    /// <summary>One Adam step over flat contiguous CPU buffers θ, g, m, v of element type T.</summary>
    public static void Step<T>(Tensor parameters, Tensor gradients, Tensor m, Tensor v, AdamCoefficients k, bool clear)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Isa.Kernels)
        {
            StepTensors(parameters, gradients, m, v, k, clear);
            return;
        }

        T* p = TensorMemory.Pointer<T>(parameters);
        T* g = TensorMemory.Pointer<T>(gradients);
        T* mp = TensorMemory.Pointer<T>(m);
        T* vp = TensorMemory.Pointer<T>(v);
        long n = parameters.numel();
        KernelThreads.Chunks(n, ParallelLength, (lo, hi) => StepRange(p, g, mp, vp, lo, hi, k, clear));
    }

    /// <summary>‖g‖₂ of a flat contiguous CPU buffer, accumulated in float64.</summary>
    public static double Norm<T>(Tensor gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Isa.Kernels)
        {
            using var square = gradients.to(ScalarType.Float64).pow(Scalars.Two).sum();
            return Math.Sqrt(square.item<double>());
        }

        T* g = TensorMemory.Pointer<T>(gradients);
        long n = gradients.numel();
        double total = 0;
        var gate = new object();
        KernelThreads.Chunks(n, ParallelLength, (lo, hi) =>
        {
            double s = SumOfSquares(g, lo, hi);
            lock (gate)
            {
                total += s;
            }
        });
        return Math.Sqrt(total);
    }

    /// <summary>The update of <see cref="StepRange{T}"/> as libtorch tensor operations (in place).</summary>
    private static void StepTensors(Tensor p, Tensor g, Tensor m, Tensor v, AdamCoefficients k, bool clear)
    {
        using var scope = NewDisposeScope();
        using Scalar scale = k.GradientScale.ToScalar(), b1 = k.Beta1.ToScalar(), b1c = (1 - k.Beta1).ToScalar();
        using Scalar b2 = k.Beta2.ToScalar(), b2c = (1 - k.Beta2).ToScalar();
        using Scalar inv = k.InverseSqrtBias2.ToScalar(), eps = k.Eps.ToScalar(), step = k.StepSize.ToScalar();
        var gi = k.GradientScale != 1.0 ? g.mul(scale) : g;
        m.mul_(b1).add_(gi, alpha: b1c);
        v.mul_(b2).addcmul_(gi, gi, value: b2c);
        p.addcdiv_(m, v.sqrt().mul_(inv).add_(eps, Scalars.One), value: step);
        if (clear)
        {
            g.zero_();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void StepRange<T>(T* p, T* g, T* m, T* v, long lo, long hi, AdamCoefficients k, bool clear)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = T.CreateTruncating(k.Beta1), b1c = T.CreateTruncating(1 - k.Beta1);
        T b2 = T.CreateTruncating(k.Beta2), b2c = T.CreateTruncating(1 - k.Beta2);
        T eps = T.CreateTruncating(k.Eps), step = T.CreateTruncating(k.StepSize);
        T inv = T.CreateTruncating(k.InverseSqrtBias2), scale = T.CreateTruncating(k.GradientScale);
        bool scaled = k.GradientScale != 1.0;
        int w = Vector<T>.Count;
        long i = lo;
        if (hi - lo >= w)
        {
            var vb1 = new Vector<T>(b1);
            var vb1c = new Vector<T>(b1c);
            var vb2 = new Vector<T>(b2);
            var vb2c = new Vector<T>(b2c);
            var veps = new Vector<T>(eps);
            var vstep = new Vector<T>(step);
            var vinv = new Vector<T>(inv);
            var vscale = new Vector<T>(scale);
            for (; i <= hi - w; i += w)
            {
                var gi = Unsafe.ReadUnaligned<Vector<T>>(g + i);
                if (scaled)
                {
                    gi *= vscale;
                }

                var mi = (Unsafe.ReadUnaligned<Vector<T>>(m + i) * vb1) + (gi * vb1c);
                var vi = (Unsafe.ReadUnaligned<Vector<T>>(v + i) * vb2) + (gi * gi * vb2c);
                var denom = (Vector.SquareRoot(vi) * vinv) + veps;
                var pi = Unsafe.ReadUnaligned<Vector<T>>(p + i) + (vstep * mi / denom);
                Unsafe.WriteUnaligned(m + i, mi);
                Unsafe.WriteUnaligned(v + i, vi);
                Unsafe.WriteUnaligned(p + i, pi);
                if (clear)
                {
                    Unsafe.WriteUnaligned(g + i, Vector<T>.Zero);
                }
            }
        }

        for (; i < hi; i++)
        {
            T gi = scaled ? g[i] * scale : g[i];
            m[i] = (m[i] * b1) + (gi * b1c);
            v[i] = (v[i] * b2) + (gi * gi * b2c);
            p[i] += step * m[i] / ((T.Sqrt(v[i]) * inv) + eps);
            if (clear)
            {
                g[i] = T.Zero;
            }
        }
    }

    private static double SumOfSquares<T>(T* g, long lo, long hi)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        long i = lo;
        if (typeof(T) == typeof(float))
        {
            float* f = (float*)g;
            var acc = Vector<double>.Zero;
            int w = Vector<float>.Count;
            for (; i <= hi - w; i += w)
            {
                var x = Unsafe.ReadUnaligned<Vector<float>>(f + i);
                Vector.Widen(x, out var a, out var b);
                acc += (a * a) + (b * b);
            }

            s = Vector.Sum(acc);
        }

        for (; i < hi; i++)
        {
            double x = double.CreateTruncating(g[i]);
            s += x * x;
        }

        return s;
    }

}
