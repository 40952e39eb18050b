namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;
using FluxMatching.Tests.Losses;

/// <summary>The samplers' thin-layer passes against float64 libtorch expressions, on every instruction set this
/// machine runs (none: the passes are those libtorch expressions).</summary>
public class DenseKernelsTests
{
    public static IEnumerable<object[]> Shapes => EveryIsa.With(
        [ScalarType.Float32, 203, 2, 128, 2e-6],    // rows not a multiple of a register, the 2-D toys
        [ScalarType.Float32, 37, 5, 45, 2e-6],      // widths not a multiple of any register
        [ScalarType.Float64, 64, 16, 70, 1e-14]);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Thin_input_silu_equals_silu_of_the_affine_map(InstructionSet isa, ScalarType dtype, int n, int k,
        int h, double tolerance)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        var gen = new Generator(21);
        var x = randn(n, k, dtype: dtype, generator: gen).mul(3);
        var weightT = randn(k, h, dtype: dtype, generator: gen);
        var bias = randn(h, dtype: dtype, generator: gen);
        var output = empty(n, h, dtype: dtype);
        if (dtype == ScalarType.Float32)
        {
            DenseKernels.ThinInputSilu<float>(x, weightT, bias, output);
        }
        else
        {
            DenseKernels.ThinInputSilu<double>(x, weightT, bias, output);
        }

        var want = nn.functional.silu(x.to(float64).mm(weightT.to(float64)).add(bias.to(float64)));
        Numerics.AssertRelative(Numerics.Values(want), output, tolerance);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Silu_thin_output_equals_the_last_layer_of_silu(InstructionSet isa, ScalarType dtype, int n, int d,
        int h, double tolerance)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        var gen = new Generator(22);
        var pre = randn(n, h, dtype: dtype, generator: gen).mul(4);
        var weight = randn(d, h, dtype: dtype, generator: gen);
        var bias = randn(d, dtype: dtype, generator: gen);
        var output = empty(n, d, dtype: dtype);
        var inPlace = pre.clone();
        if (dtype == ScalarType.Float32)
        {
            DenseKernels.SiluThinOutput<float>(pre, weight, bias, output);
            DenseKernels.SiluInPlace<float>(inPlace);
        }
        else
        {
            DenseKernels.SiluThinOutput<double>(pre, weight, bias, output);
            DenseKernels.SiluInPlace<double>(inPlace);
        }

        var silu = nn.functional.silu(pre.to(float64));
        Numerics.AssertRelative(Numerics.Values(silu.mm(weight.to(float64).t()).add(bias.to(float64))), output, tolerance);
        Numerics.AssertRelative(Numerics.Values(silu), inPlace, tolerance);
    }
}
