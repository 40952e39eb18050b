namespace FluxMatching.Tests.Kernels;

using FluxMatching.Kernels;
using FluxMatching.Runtime;
using FluxMatching.Tests.Losses;
using FluxMatching.Tests.Runtime;

/// <summary>The gradient-free batch queries of the flux loss (fused CPU kernels for D ≤ 16, matrix products above)
/// against explicit weighted sums built from the softmax weights, on every instruction set this machine runs (none:
/// the matrix-product path for every D).</summary>
public class BatchKdeFusedTests
{
    public static IEnumerable<object[]> Denoised => EveryIsa.With([2, true], [5, true], [16, true], [20, false]);

    public static IEnumerable<object[]> MomentDimensions => EveryIsa.With([2], [7], [24]);

    public static IEnumerable<object[]> CarryDimensions => EveryIsa.With([2], [3], [18]);

    private static Tensor Points(long n, long d, long seed, ScalarType dtype = ScalarType.Float64) =>
        randn(n, d, dtype: dtype, generator: new Generator((ulong)seed));

    /// <summary>Explicit softmax weights [N, B] of queries z over reference points x.</summary>
    private static Tensor ExplicitWeights(Tensor x, Tensor z, double sigma2)
    {
        var sq = (z.unsqueeze(1) - x.unsqueeze(0)).square().sum(2);
        return (-sq / (2.0 * sigma2)).softmax(1);
    }

    [Theory]
    [MemberData(nameof(Denoised))]
    public void Denoised_rows_equal_the_explicit_weighted_mean(InstructionSet isa, int d, bool fused)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        var x = Points(37, d, 1);
        var z = Points(13, d, 2) * 1.3;
        using var kde = new BatchKde(x, 0.4);
        Assert.Equal(fused && isa != InstructionSet.None, kde.Fused);
        var got = kde.DenoiseRows(z, out _);
        var want = ExplicitWeights(x, z, 0.4).mm(x);
        Assert.True(Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got)) < 1e-13);
    }

    [Theory]
    [MemberData(nameof(MomentDimensions))]
    public void Moments_equal_the_explicit_weighted_sums(InstructionSet isa, int d)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        var x = Points(29, d, 3);
        var z = Points(11, d, 4);
        var p = Points(11, d, 5);
        var y = Points(11, d, 6) * 3.0;
        using var kde = new BatchKde(x, 0.7);
        var mean = kde.DenoiseRows(z, out var state);
        var (q, qv, cy) = kde.Moments(z, state, mean, p, y);

        var w = ExplicitWeights(x, z, 0.7);                       // [N, B]
        var centered = x.unsqueeze(0) - mean.unsqueeze(1);         // [N, B, D]
        var a = centered.mul(p.unsqueeze(1)).sum(2);               // (X_b − m)·p
        var e = centered.mul(y.unsqueeze(1)).sum(2);
        var wantQ = (w * a * a).sum(1);
        var wantQv = (w * a * a).unsqueeze(2).mul(centered).sum(1);
        var wantCy = (w * e).unsqueeze(2).mul(centered).sum(1);
        Assert.True(Numerics.RelativeError(Numerics.Values(wantQ), Numerics.Values(q)) < 1e-12);
        Assert.True(Numerics.RelativeError(Numerics.Values(wantQv), Numerics.Values(qv)) < 1e-12);
        Assert.True(Numerics.RelativeError(Numerics.Values(wantCy), Numerics.Values(cy)) < 1e-12);
    }

    [Theory]
    [MemberData(nameof(CarryDimensions))]
    public void Carry_back_applies_the_column_normalized_weights_from_the_left(InstructionSet isa, int d)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        var anchors = Points(21, d, 7);
        var queries = Points(21, d, 8) * 0.8;
        var values = Points(21, d, 9);
        using var kde = new BatchKde(anchors, 0.05);
        var got = kde.CarryBack(queries, values);
        var want = ExplicitWeights(anchors, queries, 0.05).t().mm(values);
        Assert.True(Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got)) < 1e-12);
    }

    [Theory]
    [MemberData(nameof(EveryIsa.Sets), MemberType = typeof(EveryIsa))]
    public void Float32_kernels_give_the_nearest_point_when_every_other_weight_underflows(InstructionSet isa)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0, 0, 10, 0, 0, 10, -10, -10, 3, 4 }, [5, 2]);
        var z = tensor(new float[] { 9.9f, 0.1f, -9.8f, -10.1f }, [2, 2]);
        using var kde = new BatchKde(x, 0.01);
        Assert.Equal(isa != InstructionSet.None, kde.Fused);
        var got = Numerics.Values(kde.DenoiseRows(z, out var lse));
        Assert.Equal(new double[] { 10, 0, -10, -10 }, got);
        Assert.True(Numerics.Values(lse).All(double.IsFinite));
    }

    [Theory]
    [MemberData(nameof(EveryIsa.Sets), MemberType = typeof(EveryIsa))]
    public void Float32_fused_queries_match_float64_to_single_precision(InstructionSet isa)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        var x = Points(300, 2, 10) * 2.0;
        var z = Points(100, 2, 11) * 2.0;
        using var k64 = new BatchKde(x, 0.05);
        using var k32 = new BatchKde(x.to(ScalarType.Float32), 0.05);
        var want = Numerics.Values(k64.Score(z));
        var got = Numerics.Values(k32.Score(z.to(ScalarType.Float32)));
        Assert.True(Numerics.RelativeError(want, got) < 1e-4, $"{Numerics.RelativeError(want, got):E2}");
    }

    [Fact]
    public void Float32_matrix_product_queries_above_sixteen_dimensions_match_float64()
    {
        using var scope = NewDisposeScope();
        var x = Points(128, 40, 12);
        var z = Points(96, 40, 13);
        var p = Points(96, 40, 14);
        var y = Points(96, 40, 15);
        using var k64 = new BatchKde(x, 4.0);
        using var k32 = new BatchKde(x.to(ScalarType.Float32), 4.0);
        Assert.False(k32.Fused);
        var m64 = k64.DenoiseRows(z, out var w64);
        var m32 = k32.DenoiseRows(z.to(ScalarType.Float32), out var w32);
        Assert.True(Numerics.RelativeError(Numerics.Values(m64), Numerics.Values(m32)) < 1e-5);
        var (q64, qv64, cy64) = k64.Moments(z, w64, m64, p, y);
        var (q32, qv32, cy32) = k32.Moments(z.to(ScalarType.Float32), w32, m32, p.to(ScalarType.Float32), y.to(ScalarType.Float32));
        Assert.True(Numerics.RelativeError(Numerics.Values(q64), Numerics.Values(q32)) < 1e-4);
        Assert.True(Numerics.RelativeError(Numerics.Values(qv64), Numerics.Values(qv32)) < 1e-4);
        Assert.True(Numerics.RelativeError(Numerics.Values(cy64), Numerics.Values(cy32)) < 1e-4);
        var carried64 = k64.CarryBack(z, y);
        var carried32 = k32.CarryBack(z.to(ScalarType.Float32), y.to(ScalarType.Float32));
        Assert.True(Numerics.RelativeError(Numerics.Values(carried64), Numerics.Values(carried32)) < 1e-5);
    }
}
