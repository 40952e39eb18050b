namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;
using FluxMatching.Tests.Losses;

/// <summary>The fused edge-layer passes of the first-order MLP node against the tensor expressions they replace, on
/// every instruction set, with one worker and with two (partial accumulators summed).</summary>
public class EdgeLayersTests
{
    public static IEnumerable<object[]> Cases => EveryIsa.With(
        [256, 128, 2, 2, 1],
        [256, 128, 2, 2, 2],
        [300, 37, 3, 5, 2],    // H not a multiple of the register width, K = 3, D = 5
        [70, 40, 7, 16, 1]);   // the widest narrow input and output

    [Theory]
    [MemberData(nameof(Cases))]
    public void First_layer_gives_silu_and_its_slope_of_the_affine_map(InstructionSet isa, int b, int h, int k, int d, int threads)
    {
        _ = d;
        using var context = new Context(isa, threads);
        var gen = new Generator(11);
        var x = randn(b, k, generator: gen);
        var w = randn(h, k, generator: gen);
        var bias = randn(h, generator: gen);
        var a = empty(b, h);
        var s = empty(b, h);
        EdgeLayers.FirstLayer(x, w, bias, a, s);
        var pre = x.to(float64).mm(w.to(float64).t()).add(bias.to(float64));
        var sig = pre.sigmoid();
        Close(pre.mul(sig), a);
        Close(sig.mul(pre.mul(sig.neg().add(1)).add(1)), s);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_backward_equals_the_tensor_expressions_with_a_given_or_a_computed_residual(InstructionSet isa,
        int b, int h, int k, int d, int threads)
    {
        _ = k;
        using var context = new Context(isa, threads);
        var gen = new Generator(12);
        var a = randn(b, h, generator: gen);
        var s = rand(b, h, generator: gen);
        var w = randn(d, h, generator: gen);
        var bias = randn(d, generator: gen);
        var y = randn(b, d, generator: gen);
        var given = randn(b, d, generator: gen);
        foreach (bool residual in new[] { false, true })
        {
            var (gw, gb, prev, gbPrev) = (empty(d, h), empty(d), empty(b, h), empty(h));
            double squares = EdgeLayers.OutputBackward(a, s, w, residual ? bias : null, residual ? null : given,
                residual ? y : null, 0.25f, gw, gb, prev, gbPrev);
            var r = a.to(float64).mm(w.to(float64).t()).add(bias.to(float64)).add(y.to(float64));
            var delta = residual ? r.mul(0.25) : given.to(float64);
            Assert.Equal(residual ? r.pow(2).sum().item<double>() : 0.0, squares, residual ? 1e-5 * squares : 0.0);
            Close(delta.t().mm(a.to(float64)), gw);
            Close(delta.sum(dim: 0), gb);
            var back = delta.mm(w.to(float64)).mul(s.to(float64));
            Close(back, prev);
            Close(back.sum(dim: 0), gbPrev);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Scaled_rows_and_the_narrow_input_gradient_equal_the_tensor_expressions(InstructionSet isa, int b, int h,
        int k, int d, int threads)
    {
        _ = d;
        using var context = new Context(isa, threads);
        var gen = new Generator(13);
        var delta = randn(b, h, generator: gen);
        var s = rand(b, h, generator: gen);
        var x = randn(b, k, generator: gen);
        var want = delta.to(float64).mul(s.to(float64));
        var gb = empty(h);
        var scaled = delta.clone();
        EdgeLayers.ScaleRows(scaled, s, gb);
        Close(want, scaled);
        Close(want.sum(dim: 0), gb);
        var gw = empty(h, k);
        EdgeLayers.InputWeightGradient(delta, x, gw);
        Close(delta.to(float64).t().mm(x.to(float64)), gw);
    }

    private static void Close(Tensor want, Tensor got)
    {
        Assert.Equal(want.shape, got.shape);
        double err = Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got.to(float64)));
        Assert.True(err < 1e-5, $"relative error {err:E2}");
    }

    /// <summary>The instruction set, this thread's worker count and a dispose scope for one test, undone in reverse.</summary>
    private sealed class Context : IDisposable
    {
        private readonly IDisposable forced;
        private readonly int? workers = KernelThreads.Override;
        private readonly DisposeScope scope;

        public Context(InstructionSet isa, int threads)
        {
            forced = Isa.Force(isa);
            KernelThreads.Override = threads;
            scope = NewDisposeScope();
        }

        public void Dispose()
        {
            scope.Dispose();
            KernelThreads.Override = workers;
            forced.Dispose();
        }
    }
}
