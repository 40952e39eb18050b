namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Numerics;
using static TorchSharp.torch;

/// <summary>
/// Fused CPU passes for gradient-free MLP evaluation (the samplers' drift): the thin first and last layers of a
/// low-dimensional field, which BLAS handles poorly (K or N of 2), fused with the SiLU next to them, so a
/// D→H→…→H→D forward is one small-K pass, the wide products, and one small-N pass. silu(h) = h/(1 + e^{−h}).
/// All tensors are contiguous CPU tensors of element type T. Rows are split across <see cref="KernelThreads"/>
/// workers, on the registers <see cref="Isa"/> chooses; with no instruction set (<c>FLUX_ISA=none</c>) each pass is
/// the same libtorch expression.
/// </summary>
internal static unsafe class DenseKernels
{
    /// <summary>Widths up to this value take the fused thin-layer passes.</summary>
    public const int MaxThinWidth = 16;

    private const long ParallelWork = 1 << 15;

    /// <summary>out[n, :] = silu(bias + Σ_k x[n, k] Wt[k, :]) for x [N, K] and Wt [K, H] (the transposed weight).</summary>
    public static void ThinInputSilu<T>(Tensor x, Tensor weightT, Tensor bias, Tensor output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Isa.Kernels)
        {
            using var scope = NewDisposeScope();
            output.copy_(nn.functional.silu(x.mm(weightT).add_(bias, Scalars.One)));
            return;
        }

        var a = new Args<T>(x, weightT, bias, output, (int)x.size(1), (int)weightT.size(1));
        KernelThreads.Rows((int)x.size(0), (long)a.Width * (a.Inner + 8), ParallelWork, (r0, r1) =>
        {
            if (typeof(T) == typeof(float))
            {
                var f = a.As<float>();
                if (Isa.Wide)
                {
                    ThinInputRange<Simd512F, float>(f, r0, r1);
                }
                else
                {
                    ThinInputRange<Simd256F, float>(f, r0, r1);
                }
            }
            else
            {
                var f = a.As<double>();
                if (Isa.Wide)
                {
                    ThinInputRange<Simd512D, double>(f, r0, r1);
                }
                else
                {
                    ThinInputRange<Simd256D, double>(f, r0, r1);
                }
            }
        });
    }

    /// <summary>out[n, d] = bias[d] + Σ_j silu(h[n, j]) W[d, j] for pre-activations h [N, H] and W [D, H].</summary>
    public static void SiluThinOutput<T>(Tensor pre, Tensor weight, Tensor bias, Tensor output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Isa.Kernels)
        {
            using var scope = NewDisposeScope();
            output.copy_(nn.functional.silu(pre).mm(weight.t()).add_(bias, Scalars.One));
            return;
        }

        var a = new Args<T>(pre, weight, bias, output, (int)pre.size(1), (int)weight.size(0));
        KernelThreads.Rows((int)pre.size(0), (long)a.Inner * (a.Width + 8), ParallelWork, (r0, r1) =>
        {
            if (typeof(T) == typeof(float))
            {
                var f = a.As<float>();
                if (Isa.Wide)
                {
                    ThinOutputRange<Simd512F, float>(f, r0, r1);
                }
                else
                {
                    ThinOutputRange<Simd256F, float>(f, r0, r1);
                }
            }
            else
            {
                var f = a.As<double>();
                if (Isa.Wide)
                {
                    ThinOutputRange<Simd512D, double>(f, r0, r1);
                }
                else
                {
                    ThinOutputRange<Simd256D, double>(f, r0, r1);
                }
            }
        });
    }

    /// <summary>h ← silu(h) in place.</summary>
    public static void SiluInPlace<T>(Tensor pre)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Isa.Kernels)
        {
            nn.functional.silu(pre, inplace: true);
            return;
        }

        T* p = TensorMemory.Pointer<T>(pre);
        long total = pre.numel();
        int blocks = (int)((total + 1023) / 1024);
        KernelThreads.Rows(blocks, 1024 * 8, ParallelWork, (r0, r1) =>
        {
            long lo = (long)r0 * 1024, hi = Math.Min(total, (long)r1 * 1024);
            if (typeof(T) == typeof(float))
            {
                if (Isa.Wide)
                {
                    SiluRange<Simd512F, float>((float*)p, lo, hi);
                }
                else
                {
                    SiluRange<Simd256F, float>((float*)p, lo, hi);
                }
            }
            else
            {
                if (Isa.Wide)
                {
                    SiluRange<Simd512D, double>((double*)p, lo, hi);
                }
                else
                {
                    SiluRange<Simd256D, double>((double*)p, lo, hi);
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void ThinInputRange<TV, T>(Args<T> a, int r0, int r1)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = a.Inner, h = a.Width, w = TV.Count;
        T* x = a.Input, wt = a.Weight, b = a.Bias, o = a.Output;
        for (int r = r0; r < r1; r++)
        {
            T* xr = x + ((long)r * k);
            T* orow = o + ((long)r * h);
            int j = 0;
            for (; j <= h - w; j += w)
            {
                var acc = TV.Load(b + j);
                for (int q = 0; q < k; q++)
                {
                    acc += TV.Broadcast(xr[q]) * TV.Load(wt + ((long)q * h) + j);
                }

                TV.Store(orow + j, TV.Silu(acc));
            }

            for (; j < h; j++)
            {
                T acc = b[j];
                for (int q = 0; q < k; q++)
                {
                    acc += xr[q] * wt[((long)q * h) + j];
                }

                orow[j] = acc / (T.One + T.Exp(-acc));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void ThinOutputRange<TV, T>(Args<T> a, int r0, int r1)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = a.Inner, d = a.Width, w = TV.Count;
        T* hp = a.Input, wt = a.Weight, b = a.Bias, o = a.Output;
        var acc = stackalloc TV[d];
        T* tail = stackalloc T[d];
        for (int r = r0; r < r1; r++)
        {
            T* hr = hp + ((long)r * h);
            for (int q = 0; q < d; q++)
            {
                acc[q] = TV.Zero;
                tail[q] = b[q];
            }

            int j = 0;
            for (; j <= h - w; j += w)
            {
                var act = TV.Silu(TV.Load(hr + j));
                for (int q = 0; q < d; q++)
                {
                    acc[q] += act * TV.Load(wt + ((long)q * h) + j);
                }
            }

            for (; j < h; j++)
            {
                T act = hr[j] / (T.One + T.Exp(-hr[j]));
                for (int q = 0; q < d; q++)
                {
                    tail[q] += act * wt[((long)q * h) + j];
                }
            }

            for (int q = 0; q < d; q++)
            {
                o[((long)r * d) + q] = tail[q] + TV.Sum(acc[q]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized from the first call (no tier-0 SIMD)
    private static void SiluRange<TV, T>(T* p, long lo, long hi)
        where TV : unmanaged, ISimd<TV, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long i = lo;
        for (; i <= hi - TV.Count; i += TV.Count)
        {
            TV.Store(p + i, TV.Silu(TV.Load(p + i)));
        }

        for (; i < hi; i++)
        {
            p[i] /= T.One + T.Exp(-p[i]);
        }
    }

    /// <summary>Pointers and widths of one thin-layer pass: Inner is the summed width, Width the other one.</summary>
    private readonly struct Args<T>
        where T : unmanaged
    {
        public readonly T* Input, Weight, Bias, Output;
        public readonly int Inner, Width;

        public Args(Tensor input, Tensor weight, Tensor bias, Tensor output, int inner, int width)
            : this(TensorMemory.Pointer<T>(input), TensorMemory.Pointer<T>(weight), TensorMemory.Pointer<T>(bias),
                TensorMemory.Pointer<T>(output), inner, width)
        {
        }

        private Args(T* input, T* weight, T* bias, T* output, int inner, int width)
        {
            Input = input;
            Weight = weight;
            Bias = bias;
            Output = output;
            Inner = inner;
            Width = width;
        }

        public Args<TOut> As<TOut>()
            where TOut : unmanaged =>
            new((TOut*)Input, (TOut*)Weight, (TOut*)Bias, (TOut*)Output, Inner, Width);
    }
}
