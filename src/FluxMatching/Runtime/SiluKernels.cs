namespace FluxMatching.Runtime;

using System.Numerics;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

/// <summary>
/// Fused element-wise passes of the MLP's closed-form end-point terms (<c>MlpField.HutchinsonTerms</c>) on the CPU:
/// one pass per hidden layer forward and one backward instead of about twenty tensor operations. With σ the logistic
/// sigmoid, silu(h) = hσ(h), silu'(h) = σ(1 + h(1 − σ)), silu''(h) = σ(1 − σ)(2 + h(1 − 2σ)).
/// All tensors are contiguous CPU tensors of one element type (float or double) with the same number of elements
/// (outputs may be halves of a stacked [2B, H] buffer).
/// </summary>
internal static unsafe class SiluKernels
{
    private const long ParallelLength = 1 << 16;

    /// <summary>True when every tensor can be processed by these kernels (and <see cref="Isa"/> allows kernels).</summary>
    /// <param name="tensors">The tensors.</param>
    public static bool Applicable(params Tensor[] tensors) =>
        Isa.Kernels
        && (tensors.All(t => TensorMemory.IsDirect<float>(t)) || tensors.All(t => TensorMemory.IsDirect<double>(t)));

    /// <summary>From pre-activations h and tangents ḣ: a = silu(h), ȧ = silu'(h)ḣ, s = silu'(h), κ = silu''(h)ḣ.</summary>
    public static void Forward(Tensor h, Tensor tangent, Tensor a, Tensor aTangent, Tensor slope, Tensor curvature)
    {
        if (h.dtype == ScalarType.Float32)
        {
            Forward<float>(h, tangent, a, aTangent, slope, curvature);
        }
        else
        {
            Forward<double>(h, tangent, a, aTangent, slope, curvature);
        }
    }

    /// <summary>From pre-activations h: a = silu(h) and s = silu'(h), in one pass (the first-order MLP node).</summary>
    public static void ActivationSlope(Tensor h, Tensor a, Tensor slope)
    {
        if (h.dtype == ScalarType.Float32)
        {
            ActivationSlope<float>(h, a, slope);
        }
        else
        {
            ActivationSlope<double>(h, a, slope);
        }
    }

    /// <summary>From the adjoints (ā, ǡ) of (a, ȧ): h̄ = ā s + ǡ κ and, when <paramref name="tangentBar"/> is given,
    /// ḣ̄ = ǡ s.</summary>
    public static void Backward(Tensor adjoint, Tensor tangentAdjoint, Tensor slope, Tensor curvature, Tensor hBar,
        Tensor? tangentBar)
    {
        if (adjoint.dtype == ScalarType.Float32)
        {
            Backward<float>(adjoint, tangentAdjoint, slope, curvature, hBar, tangentBar);
        }
        else
        {
            Backward<double>(adjoint, tangentAdjoint, slope, curvature, hBar, tangentBar);
        }
    }

    private static void Forward<T>(Tensor hT, Tensor tT, Tensor aT, Tensor atT, Tensor sT, Tensor kT)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* h = TensorMemory.Pointer<T>(hT), t = TensorMemory.Pointer<T>(tT), a = TensorMemory.Pointer<T>(aT);
        T* at = TensorMemory.Pointer<T>(atT), s = TensorMemory.Pointer<T>(sT), k = TensorMemory.Pointer<T>(kT);
        KernelThreads.Chunks(hT.numel(), ParallelLength, (lo, hi) =>
        {
            if (typeof(T) == typeof(float))
            {
                if (Isa.Wide)
                {
                    ForwardRange<Simd512F, float>((float*)h, (float*)t, (float*)a, (float*)at, (float*)s, (float*)k, lo, hi);
                }
                else
                {
                    ForwardRange<Simd256F, float>((float*)h, (float*)t, (float*)a, (float*)at, (float*)s, (float*)k, lo, hi);
                }
            }
            else
            {
                if (Isa.Wide)
                {
                    ForwardRange<Simd512D, double>((double*)h, (double*)t, (double*)a, (double*)at, (double*)s, (double*)k, lo, hi);
                }
                else
                {
                    ForwardRange<Simd256D, double>((double*)h, (double*)t, (double*)a, (double*)at, (double*)s, (double*)k, lo, hi);
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void ForwardRange<TV, T>(T* h, T* t, T* a, T* at, T* s, T* k, long lo, long hi)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TV.Count;
        var one = TV.Broadcast(T.One);
        var two = TV.Broadcast(T.One + T.One);
        long i = lo;
        for (; i <= hi - w; i += w)
        {
            var x = TV.Load(h + i);
            var sig = one / (one + TV.ExpBounded(-x));
            var rest = one - sig;
            var slope = sig * (one + (x * rest));
            var curvature = sig * rest * (two + (x * (rest - sig)));
            var tangent = TV.Load(t + i);
            TV.Store(a + i, x * sig);
            TV.Store(at + i, slope * tangent);
            TV.Store(s + i, slope);
            TV.Store(k + i, curvature * tangent);
        }

        for (; i < hi; i++)
        {
            T x = h[i];
            T sig = T.One / (T.One + T.Exp(-x));
            T rest = T.One - sig;
            T slope = sig * (T.One + (x * rest));
            T curvature = sig * rest * (T.One + T.One + (x * (rest - sig)));
            a[i] = x * sig;
            at[i] = slope * t[i];
            s[i] = slope;
            k[i] = curvature * t[i];
        }
    }

    private static void ActivationSlope<T>(Tensor hT, Tensor aT, Tensor sT)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* h = TensorMemory.Pointer<T>(hT), a = TensorMemory.Pointer<T>(aT), s = TensorMemory.Pointer<T>(sT);
        KernelThreads.Chunks(hT.numel(), ParallelLength, (lo, hi) =>
        {
            if (typeof(T) == typeof(float))
            {
                if (Isa.Wide)
                {
                    ActivationSlopeRange<Simd512F, float>((float*)h, (float*)a, (float*)s, lo, hi);
                }
                else
                {
                    ActivationSlopeRange<Simd256F, float>((float*)h, (float*)a, (float*)s, lo, hi);
                }
            }
            else
            {
                if (Isa.Wide)
                {
                    ActivationSlopeRange<Simd512D, double>((double*)h, (double*)a, (double*)s, lo, hi);
                }
                else
                {
                    ActivationSlopeRange<Simd256D, double>((double*)h, (double*)a, (double*)s, lo, hi);
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void ActivationSlopeRange<TV, T>(T* h, T* a, T* s, long lo, long hi)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var one = TV.Broadcast(T.One);
        long i = lo;
        for (; i <= hi - TV.Count; i += TV.Count)
        {
            var x = TV.Load(h + i);
            var sig = one / (one + TV.ExpBounded(-x));
            TV.Store(a + i, x * sig);
            TV.Store(s + i, sig * (one + (x * (one - sig))));
        }

        for (; i < hi; i++)
        {
            T x = h[i];
            T sig = T.One / (T.One + T.Exp(-x));
            a[i] = x * sig;
            s[i] = sig * (T.One + (x * (T.One - sig)));
        }
    }

    private static void Backward<T>(Tensor adjT, Tensor tadjT, Tensor sT, Tensor kT, Tensor hbT, Tensor? tbT)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* adj = TensorMemory.Pointer<T>(adjT), tadj = TensorMemory.Pointer<T>(tadjT);
        T* s = TensorMemory.Pointer<T>(sT), k = TensorMemory.Pointer<T>(kT), hb = TensorMemory.Pointer<T>(hbT);
        T* tb = tbT is null ? null : TensorMemory.Pointer<T>(tbT);
        KernelThreads.Chunks(adjT.numel(), ParallelLength, (lo, hi) =>
        {
            if (typeof(T) == typeof(float))
            {
                if (Isa.Wide)
                {
                    BackwardRange<Simd512F, float>((float*)adj, (float*)tadj, (float*)s, (float*)k, (float*)hb, (float*)tb, lo, hi);
                }
                else
                {
                    BackwardRange<Simd256F, float>((float*)adj, (float*)tadj, (float*)s, (float*)k, (float*)hb, (float*)tb, lo, hi);
                }
            }
            else
            {
                if (Isa.Wide)
                {
                    BackwardRange<Simd512D, double>((double*)adj, (double*)tadj, (double*)s, (double*)k, (double*)hb, (double*)tb, lo, hi);
                }
                else
                {
                    BackwardRange<Simd256D, double>((double*)adj, (double*)tadj, (double*)s, (double*)k, (double*)hb, (double*)tb, lo, hi);
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void BackwardRange<TV, T>(T* adj, T* tadj, T* s, T* k, T* hb, T* tb, long lo, long hi)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TV.Count;
        long i = lo;
        for (; i <= hi - w; i += w)
        {
            var slope = TV.Load(s + i);
            var ta = TV.Load(tadj + i);
            TV.Store(hb + i, (TV.Load(adj + i) * slope) + (ta * TV.Load(k + i)));
            if (tb != null)
            {
                TV.Store(tb + i, ta * slope);
            }
        }

        for (; i < hi; i++)
        {
            hb[i] = (adj[i] * s[i]) + (tadj[i] * k[i]);
            if (tb != null)
            {
                tb[i] = tadj[i] * s[i];
            }
        }
    }

}
