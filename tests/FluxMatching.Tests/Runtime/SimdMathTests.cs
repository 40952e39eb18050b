namespace FluxMatching.Tests.Runtime;

using System.Runtime.Intrinsics;
using FluxMatching.Runtime;

/// <summary>The fused kernels' exponentials, for every register type this CPU runs.</summary>
public unsafe class SimdMathTests
{
    private static float[] Apply<TV>(Func<TV, TV> f, float[] x)
        where TV : unmanaged, ISimd<TV, float>
    {
        var y = new float[x.Length];
        fixed (float* px = x, py = y)
        {
            for (int i = 0; i + TV.Count <= x.Length; i += TV.Count)
            {
                TV.Store(py + i, f(TV.Load(px + i)));
            }
        }

        return y;
    }

    private static double[] Apply<TV>(Func<TV, TV> f, double[] x)
        where TV : unmanaged, ISimd<TV, double>
    {
        var y = new double[x.Length];
        fixed (double* px = x, py = y)
        {
            for (int i = 0; i + TV.Count <= x.Length; i += TV.Count)
            {
                TV.Store(py + i, f(TV.Load(px + i)));
            }
        }

        return y;
    }

    private static float[] Uniform(double lo, double hi, int seed) =>
        Enumerable.Range(0, 64_000).Select(i => (float)(lo + (new Random(seed + i).NextDouble() * (hi - lo)))).ToArray();

    private static double Worst(float[] x, float[] y) =>
        x.Zip(y).Max(p => Math.Abs(p.Second - Math.Exp(p.First)) / Math.Exp(p.First));

    private static void CheckSingle<TV>()
        where TV : unmanaged, ISimd<TV, float>
    {
        var neg = Uniform(SimdMath.SingleFloor, 0, 1);
        var all = Uniform(SimdMath.SingleFloor, 88, 2);
        Assert.True(Worst(neg, Apply<TV>(TV.ExpNonPositive, neg)) < 2.5e-7);
        Assert.True(Worst(all, Apply<TV>(TV.ExpBounded, all)) < 2.5e-7);
        var edge = Enumerable.Repeat(-88f, 64).Concat(Enumerable.Repeat(float.NegativeInfinity, 64)).ToArray();
        Assert.All(Apply<TV>(TV.ExpNonPositive, edge), v => Assert.Equal(0f, v));
        Assert.All(Apply<TV>(TV.ExpBounded, Enumerable.Repeat(1000f, 64).ToArray()), v => Assert.True(v is > 1e38f and < float.PositiveInfinity));
        var silu = Apply<TV>(TV.Silu, new float[] { -500, -3, -1, 0, 1, 3, 500, 20, 0.5f, -0.5f, 10, -10, 7, -7, 2, -2 }.Concat(new float[48]).ToArray());
        Assert.True(Math.Abs(silu[0]) < 1e-30);
        Assert.Equal(-3 / (1 + Math.Exp(3)), silu[1], 6);
        Assert.Equal(500f, silu[6]);
        var core = Uniform(-10, 10, 3);
        var tail = Uniform(-87, -10, 4);
        double worstCore = WorstSilu(core, Apply<TV>(TV.Silu, core)), worstTail = WorstSilu(tail, Apply<TV>(TV.Silu, tail));
        Assert.True(worstCore < 1e-6, $"{typeof(TV).Name}: silu on [-10, 10] relative error {worstCore:E2}");   // the documented bounds (SimdMath)
        Assert.True(worstTail < 4e-6, $"{typeof(TV).Name}: silu on [-87, -10] relative error {worstTail:E2}");
        Assert.True(float.IsNaN(Apply<TV>(TV.Silu, Enumerable.Repeat(float.NaN, 64).ToArray())[0]));
    }

    private static double WorstSilu(float[] x, float[] y) =>
        x.Zip(y).Where(p => p.First != 0).Max(p =>
        {
            double want = p.First / (1 + Math.Exp(-(double)p.First));
            return Math.Abs(p.Second - want) / Math.Abs(want);
        });

    private static void CheckDouble<TV>()
        where TV : unmanaged, ISimd<TV, double>
    {
        var x = Enumerable.Range(0, 64_000).Select(i => -700 + (new Random(i).NextDouble() * 1400)).ToArray();
        var neg = x.Select(v => -Math.Abs(v)).ToArray();
        var got = Apply<TV>(TV.ExpBounded, x);
        var gotNeg = Apply<TV>(TV.ExpNonPositive, neg);
        Assert.True(x.Zip(got).Max(p => Math.Abs(p.Second - Math.Exp(p.First)) / Math.Exp(p.First)) < 1e-15);
        Assert.True(neg.Zip(gotNeg).Max(p => Math.Abs(p.Second - Math.Exp(p.First)) / Math.Exp(p.First)) < 1e-15);
        Assert.All(Apply<TV>(TV.ExpNonPositive, Enumerable.Repeat(-709.0, 16).ToArray()), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Exps_are_within_two_ulp_and_underflow_or_saturate_as_documented()
    {
        CheckSingle<Simd256F>();
        CheckDouble<Simd256D>();
        if (Vector512.IsHardwareAccelerated)
        {
            CheckSingle<Simd512F>();
            CheckDouble<Simd512D>();
        }
    }

    [Fact]
    public void Exps_stay_exact_on_a_thread_that_flushes_denormals()
    {
        // The trainer turns on flush-to-zero / denormals-are-zero; .NET's float→int vector conversion misbehaves
        // under that mode, so the exp must not depend on it.
        Assert.True(TorchRuntime.SetFlushDenormal(true));
        try
        {
            CheckSingle<Simd256F>();
            CheckDouble<Simd256D>();
            if (Vector512.IsHardwareAccelerated)
            {
                CheckSingle<Simd512F>();
                CheckDouble<Simd512D>();
            }
        }
        finally
        {
            TorchRuntime.SetFlushDenormal(false);
        }
    }
}
