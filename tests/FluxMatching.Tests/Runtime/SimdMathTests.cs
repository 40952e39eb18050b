namespace FluxMatching.Tests.Runtime;

using System.Numerics;
using FluxMatching.Runtime;

public class SimdMathTests
{
    [Fact]
    public void Float32_exp_is_within_two_ulp_of_the_exact_value_over_the_normal_range()
    {
        var rng = new Random(1);
        double worst = 0;
        var lanes = new float[Vector<float>.Count];
        for (int trial = 0; trial < 20000; trial++)
        {
            for (int k = 0; k < lanes.Length; k++)
            {
                lanes[k] = (float)((rng.NextDouble() * 176.0) - 87.3);
            }

            var got = SimdMath.ExpSingle(new Vector<float>(lanes));
            for (int k = 0; k < lanes.Length; k++)
            {
                double want = Math.Exp(lanes[k]);
                worst = Math.Max(worst, Math.Abs(got[k] - want) / want);
            }
        }

        Assert.True(worst < 2.5e-7, $"worst relative error {worst:E2}");
    }

    [Fact]
    public void Float32_exp_is_zero_below_the_smallest_normal_and_infinite_above_the_largest()
    {
        var got = SimdMath.ExpSingle(new Vector<float>(-88f));
        Assert.Equal(0f, got[0]);
        Assert.Equal(0f, SimdMath.ExpSingle(new Vector<float>(float.NegativeInfinity))[0]);
        Assert.Equal(1f, SimdMath.ExpSingle(Vector<float>.Zero)[0]);
        Assert.True(SimdMath.ExpSingle(new Vector<float>(88.7f))[0] > 3e38f);
    }

    [Fact]
    public void Float64_exp_is_accurate_to_a_few_ulp()
    {
        var rng = new Random(2);
        double worst = 0;
        var lanes = new double[Vector<double>.Count];
        for (int trial = 0; trial < 20000; trial++)
        {
            for (int k = 0; k < lanes.Length; k++)
            {
                lanes[k] = (rng.NextDouble() * 1400.0) - 700.0;
            }

            var got = SimdMath.ExpDouble(new Vector<double>(lanes));
            for (int k = 0; k < lanes.Length; k++)
            {
                double want = Math.Exp(lanes[k]);
                worst = Math.Max(worst, Math.Abs(got[k] - want) / want);
            }
        }

        Assert.True(worst < 1e-15, $"worst relative error {worst:E2}");
        Assert.Equal(0.0, SimdMath.ExpDouble(new Vector<double>(-709.0))[0]);
    }

    [Fact]
    public void Exp_stays_exact_on_a_thread_that_flushes_denormals()
    {
        // The trainer turns on flush-to-zero / denormals-are-zero; .NET's float→int vector conversion misbehaves
        // under that mode, so the exp must not depend on it.
        var lanes = new float[Vector<float>.Count];
        for (int k = 0; k < lanes.Length; k++)
        {
            lanes[k] = -87f + (k * 23.1f);
        }

        var doubles = new double[Vector<double>.Count];
        for (int k = 0; k < doubles.Length; k++)
        {
            doubles[k] = -700.0 + (k * 170.3);
        }

        Assert.True(TorchRuntime.SetFlushDenormal(true));
        try
        {
            var got = SimdMath.ExpSingle(new Vector<float>(lanes));
            var gotDouble = SimdMath.ExpDouble(new Vector<double>(doubles));
            for (int k = 0; k < lanes.Length; k++)
            {
                Assert.True(Math.Abs(got[k] - Math.Exp(lanes[k])) <= 3e-7 * Math.Exp(lanes[k]), $"exp({lanes[k]}) = {got[k]}");
            }

            for (int k = 0; k < doubles.Length; k++)
            {
                Assert.True(Math.Abs(gotDouble[k] - Math.Exp(doubles[k])) <= 1e-15 * Math.Exp(doubles[k]), $"exp({doubles[k]}) = {gotDouble[k]}");
            }
        }
        finally
        {
            TorchRuntime.SetFlushDenormal(false);
        }
    }
}
