namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;

/// <summary>The row kernels of <see cref="EdgeLayers"/>, generic over the register width (<see cref="Simd256F"/>,
/// <see cref="Simd512F"/>), each with a scalar tail for widths that are not a multiple of it.</summary>
internal static unsafe partial class EdgeLayers
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FirstLayerRows<TV>(float* x, float* wt, float* bias, float* a, float* s, int k, int h, int i0, int i1)
        where TV : unmanaged, ISimd<TV, float>
    {
        var one = TV.Broadcast(1f);
        int full = h - (h % TV.Count);
        var xs = stackalloc TV[MaxInput];
        for (int i = i0; i < i1; i++)
        {
            float* xi = x + ((long)i * k);
            long row = (long)i * h;
            for (int q = 0; q < k; q++)
            {
                xs[q] = TV.Broadcast(xi[q]);   // once per row, not per register block
            }

            for (int j = 0; j < full; j += TV.Count)
            {
                var v = TV.Load(bias + j);
                if (k == 2)
                {
                    v = TV.MultiplyAdd(xs[1], TV.Load(wt + h + j), TV.MultiplyAdd(xs[0], TV.Load(wt + j), v));
                }
                else
                {
                    for (int q = 0; q < k; q++)
                    {
                        v = TV.MultiplyAdd(xs[q], TV.Load(wt + (q * h) + j), v);
                    }
                }

                var sig = one / (one + TV.ExpBounded(-v));
                TV.Store(a + row + j, v * sig);
                TV.Store(s + row + j, sig * (one + (v * (one - sig))));
            }

            for (int j = full; j < h; j++)
            {
                float v = bias[j];
                for (int q = 0; q < k; q++)
                {
                    v += xi[q] * wt[(q * h) + j];
                }

                float sig = 1f / (1f + MathF.Exp(-v));
                a[row + j] = v * sig;
                s[row + j] = sig * (1f + (v * (1f - sig)));
            }
        }
    }

    /// <summary>a·w over <paramref name="h"/> floats (register blocks, then a scalar tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot<TV>(float* a, float* w, int h)
        where TV : unmanaged, ISimd<TV, float>
    {
        int full = h - (h % TV.Count), j = 0;
        var dot = TV.Zero;
        for (; j < full; j += TV.Count)
        {
            dot = TV.MultiplyAdd(TV.Load(a + j), TV.Load(w + j), dot);
        }

        float sum = TV.Sum(dot);
        for (; j < h; j++)
        {
            sum += a[j] * w[j];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OutputRows<TV>(in OutputArgs p, IntPtr accumulators, int i0, int i1)
        where TV : unmanaged, ISimd<TV, float>
    {
        int d = p.D, h = p.H, full = h - (h % TV.Count);
        float* gw = (float*)accumulators, gb = gw + (d * h), gbPrev = gb + d, value = gbPrev + h;
        float* di = stackalloc float[MaxOutput];
        double squares = 0;
        for (int i = i0; i < i1; i++)
        {
            float* ai = p.A + ((long)i * h), si = p.S + ((long)i * h), prev = p.Previous + ((long)i * h);
            if (p.Offset is null)
            {
                new ReadOnlySpan<float>(p.Delta + ((long)i * d), d).CopyTo(new Span<float>(di, d));
            }
            else
            {
                for (int o = 0; o < d; o++)
                {
                    float r = Dot<TV>(ai, p.W + (o * h), h) + p.Bias[o] + p.Offset[((long)i * d) + o];
                    squares += (double)r * r;
                    di[o] = p.Scale * r;
                }
            }

            for (int o = 0; o < d; o++)
            {
                gb[o] += di[o];
            }

            for (int j = 0; j < full; j += TV.Count)
            {
                var av = TV.Load(ai + j);
                var back = TV.Zero;
                for (int o = 0; o < d; o++)
                {
                    var dv = TV.Broadcast(di[o]);
                    back = TV.MultiplyAdd(dv, TV.Load(p.W + (o * h) + j), back);
                    float* g = gw + (o * h) + j;
                    TV.Store(g, TV.MultiplyAdd(dv, av, TV.Load(g)));
                }

                var dp = back * TV.Load(si + j);
                TV.Store(prev + j, dp);
                TV.Store(gbPrev + j, TV.Load(gbPrev + j) + dp);
            }

            for (int j = full; j < h; j++)
            {
                float back = 0f;
                for (int o = 0; o < d; o++)
                {
                    back += di[o] * p.W[(o * h) + j];
                    gw[(o * h) + j] += di[o] * ai[j];
                }

                prev[j] = back * si[j];
                gbPrev[j] += prev[j];
            }
        }

        *value += (float)squares;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleRowsRange<TV>(float* delta, float* s, IntPtr accumulators, int h, int i0, int i1)
        where TV : unmanaged, ISimd<TV, float>
    {
        float* gb = (float*)accumulators;
        int full = h - (h % TV.Count);
        for (int i = i0; i < i1; i++)
        {
            float* di = delta + ((long)i * h), si = s + ((long)i * h);
            for (int j = 0; j < full; j += TV.Count)
            {
                var v = TV.Load(di + j) * TV.Load(si + j);
                TV.Store(di + j, v);
                TV.Store(gb + j, TV.Load(gb + j) + v);
            }

            for (int j = full; j < h; j++)
            {
                di[j] *= si[j];
                gb[j] += di[j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGradientRows<TV>(float* delta, float* x, IntPtr accumulators, int h, int k, int i0, int i1)
        where TV : unmanaged, ISimd<TV, float>
    {
        float* acc = (float*)accumulators;   // [K, H]
        int full = h - (h % TV.Count);
        for (int i = i0; i < i1; i++)
        {
            float* di = delta + ((long)i * h), xi = x + ((long)i * k);
            for (int q = 0; q < k; q++)
            {
                var xv = TV.Broadcast(xi[q]);
                float* row = acc + (q * h);
                int j = 0;
                for (; j < full; j += TV.Count)
                {
                    TV.Store(row + j, TV.MultiplyAdd(xv, TV.Load(di + j), TV.Load(row + j)));
                }

                for (; j < h; j++)
                {
                    row[j] += xi[q] * di[j];
                }
            }
        }
    }
}
