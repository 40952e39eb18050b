namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;
using FluxMatching.Tests.Losses;

/// <summary>The packed float32 matrix product against libtorch's <c>mm</c> (float64 as the oracle), on every
/// instruction set this machine runs (none: the libtorch fallback).</summary>
public class PackedGemmTests
{
    public static IEnumerable<object[]> Products => EveryIsa.With(
        [128, 1024, 784, true],
        [256, 64, 128, false],
        [37, 45, 29, true],      // every edge: rows after the last 8-row tile, a partial panel, K not a multiple of 8
        [37, 45, 29, false],
        [9, 16, 8, true],
        [1000, 128, 128, true]);

    public static IEnumerable<object[]> Narrow => EveryIsa.With(
        [512, 128, 2, true, 1],    // a 2-D field's first layer
        [1024, 128, 2, false, 2],  // the seeds W_Lᵀ[c; p], two threads
        [512, 2, 128, true, 1],    // its output layer
        [512, 2, 128, false, 2],   // ∇_z = h̄ W_1
        [37, 13, 3, true, 1],      // partial column blocks (13 = 8 + 5), K = 3
        [37, 3, 29, false, 2],     // one partial group of four columns, K not a multiple of 8
        [600, 9, 5, true, 2]);

    public static IEnumerable<object[]> Threads => EveryIsa.With([1], [2]);

    public static IEnumerable<object[]> TransposedLeft => EveryIsa.With(
        [512, 128, 128],
        [512, 2, 128],    // a thin left operand: rows after the last 8-row tile only
        [300, 45, 70]);   // partial tiles and panels

    [Theory]
    [MemberData(nameof(Products))]
    public void Product_matches_float64_matmul(InstructionSet isa, int m, int n, int k, bool transposedB)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        var gen = new Generator(5);
        var a = randn(m, k, generator: gen);
        var b = transposedB ? randn(n, k, generator: gen) : randn(k, n, generator: gen);
        var bias = randn(n, generator: gen);
        Assert.Equal(isa != InstructionSet.None && (long)m * n * k >= (1 << 16), PackedGemm.Applicable(a, b, transposedB));
        var got = PackedGemm.MatMul(a, b, transposedB, bias);
        var bd = transposedB ? b.to(float64).t() : b.to(float64);
        var want = a.to(float64).mm(bd).add(bias.to(float64));
        Assert.Equal(new long[] { m, n }, got.shape);
        double err = Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got.to(float64)));
        Assert.True(err < 1e-6, $"relative error {err:E2}");
    }

    [Theory]
    [MemberData(nameof(Narrow))]
    public void Product_with_a_narrow_side_matches_float64_and_needs_no_libtorch_product(InstructionSet isa, int m, int n,
        int k, bool transposedB, int threads)
    {
        using var forced = Isa.Force(isa);
        var restore = KernelThreads.Override;
        KernelThreads.Override = threads;   // this thread's kernels only: libtorch's global count is shared by parallel tests
        try
        {
            using var scope = NewDisposeScope();
            var gen = new Generator(9);
            var a = randn(m, k, generator: gen);
            var b = transposedB ? randn(n, k, generator: gen) : randn(k, n, generator: gen);
            var bias = randn(n, generator: gen);
            Assert.False(PackedGemm.Applicable(a, b, transposedB));
            Assert.Equal(isa != InstructionSet.None, PackedGemm.NarrowApplicable(a, b, transposedB, bias));
            var bd = transposedB ? b.to(float64).t() : b.to(float64);
            foreach (var withBias in new[] { true, false })
            {
                var got = PackedGemm.MatMul(a, b, transposedB, withBias ? bias : null);
                var want = a.to(float64).mm(bd);
                want = withBias ? want.add(bias.to(float64)) : want;
                Assert.Equal(new long[] { m, n }, got.shape);
                double err = Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got.to(float64)));
                Assert.True(err < 1e-6, $"relative error {err:E2} (bias: {withBias})");
            }
        }
        finally
        {
            KernelThreads.Override = restore;
        }
    }

    [Theory]
    [MemberData(nameof(Threads))]
    public void Fused_silu_epilogue_equals_silu_of_the_product_for_every_thread_count(InstructionSet isa, int threads)
    {
        using var forced = Isa.Force(isa);
        if (isa == InstructionSet.None)
        {
            Assert.False(PackedGemm.Applicable(ones(64, 64), ones(64, 64), transposedB: true)); // libtorch only
            return;
        }

        var restore = KernelThreads.Override;
        KernelThreads.Override = threads;   // this thread's kernels only: libtorch's global count is shared by parallel tests
        try
        {
            using var scope = NewDisposeScope();
            var gen = new Generator(6);
            var a = randn(203, 96, generator: gen);
            var w = randn(200, 96, generator: gen);
            var bias = randn(200, generator: gen);
            var c = empty(203, 200);
            PackedGemm.Run(a, w, transposedB: true, bias, silu: true, c);
            var want = nn.functional.silu(a.to(float64).mm(w.to(float64).t()).add(bias.to(float64)));
            double err = Numerics.RelativeError(Numerics.Values(want), Numerics.Values(c.to(float64)));
            Assert.True(err < 1e-6, $"relative error {err:E2}");
        }
        finally
        {
            KernelThreads.Override = restore;
        }
    }

    [Fact]
    public void Non_contiguous_or_double_operands_fall_back_to_libtorch_with_the_same_result()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var a = randn(64, 48, dtype: float64, generator: gen);
        var w = randn(48, 96, generator: gen).t();   // [96, 48], a transposed view
        Assert.False(PackedGemm.Applicable(a, w.to(float64), transposedB: true));
        Assert.False(PackedGemm.Applicable(a.to(float32), w, transposedB: false));
        var got = PackedGemm.MatMul(a, w.to(float64), transposedB: true);
        Assert.True(got.allclose(a.mm(w.to(float64).t()), rtol: 1e-12, atol: 1e-12));
    }

    [Theory]
    [MemberData(nameof(TransposedLeft))]
    public void Product_with_a_transposed_left_operand_matches_float64(InstructionSet isa, int k, int m, int n)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        var gen = new Generator(8);
        var a = randn(k, m, generator: gen);
        var b = randn(k, n, generator: gen);
        var got = PackedGemm.MatMulTransposedA(a, b);
        var want = a.to(float64).t().mm(b.to(float64));
        Assert.Equal(new long[] { m, n }, got.shape);
        double err = Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got.to(float64)));
        Assert.True(err < 1e-6, $"relative error {err:E2}");
    }
}
