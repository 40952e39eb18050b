namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;
using FluxMatching.Tests.Losses;

/// <summary>The closed-form terms' SiLU passes against the analytic derivatives in float64, on every instruction set
/// this machine runs (none: the kernels do not apply and the field takes libtorch operations).</summary>
public class SiluKernelsTests
{
    public static IEnumerable<object[]> Types => EveryIsa.With([ScalarType.Float32, 1e-6], [ScalarType.Float64, 1e-14]);

    [Theory]
    [MemberData(nameof(Types))]
    public void Forward_and_backward_passes_equal_the_analytic_derivatives(InstructionSet isa, ScalarType dtype,
        double tolerance)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        var gen = new Generator(23);
        var h = randn(77, 51, dtype: dtype, generator: gen).mul(6);   // 3,927 elements: SIMD body and scalar tail
        var t = randn(77, 51, dtype: dtype, generator: gen);
        var adj = randn(77, 51, dtype: dtype, generator: gen);
        var tadj = randn(77, 51, dtype: dtype, generator: gen);
        Tensor[] outputs = [.. Enumerable.Range(0, 8).Select(_ => empty_like(h))];
        var (a, at, s, k, a2, s2, hb, tb) =
            (outputs[0], outputs[1], outputs[2], outputs[3], outputs[4], outputs[5], outputs[6], outputs[7]);
        Assert.Equal(isa != InstructionSet.None, SiluKernels.Applicable(h, t, a, at, s, k));
        if (isa == InstructionSet.None)
        {
            return;
        }

        SiluKernels.Forward(h, t, a, at, s, k);
        SiluKernels.ActivationSlope(h, a2, s2);
        SiluKernels.Backward(adj, tadj, s, k, hb, tb);

        var x = h.to(float64);
        var sig = x.sigmoid();
        var slope = sig.mul(x.mul(sig.neg().add(1)).add(1));
        var curvature = sig.mul(sig.neg().add(1)).mul(x.mul(sig.mul(-2).add(1)).add(2));
        var t64 = t.to(float64);
        Numerics.AssertRelative(Numerics.Values(x.mul(sig)), a, tolerance);
        Numerics.AssertRelative(Numerics.Values(slope.mul(t64)), at, tolerance);
        Numerics.AssertRelative(Numerics.Values(slope), s, tolerance);
        Numerics.AssertRelative(Numerics.Values(curvature.mul(t64)), k, tolerance);
        Numerics.AssertRelative(Numerics.Values(x.mul(sig)), a2, tolerance);
        Numerics.AssertRelative(Numerics.Values(slope), s2, tolerance);
        var tadj64 = tadj.to(float64);
        Numerics.AssertRelative(Numerics.Values(adj.to(float64).mul(slope).add(tadj64.mul(curvature).mul(t64))), hb, 10 * tolerance);
        Numerics.AssertRelative(Numerics.Values(tadj64.mul(slope)), tb, tolerance);
    }
}
