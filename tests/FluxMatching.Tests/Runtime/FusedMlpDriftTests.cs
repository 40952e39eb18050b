namespace FluxMatching.Tests.Runtime;

using FluxMatching.Fields;
using FluxMatching.Runtime;
using FluxMatching.Tests.Losses;

/// <summary>The samplers' fused MLP step against x + a·f(x; σ) + b·ξ computed by the field in float64.</summary>
public class FusedMlpDriftTests
{
    public static IEnumerable<object[]> Fields => EveryIsa.With(
        [2, new[] { 128, 128 }, false, 203],        // the quickstart field; rows after the last 8-row tile
        [2, new[] { 256, 256 }, true, 64],          // the annealed field, σ as an input
        [3, new[] { 45, 70, 33 }, false, 37],       // three hidden layers, partial panels everywhere
        [16, new[] { 64, 64 }, true, 5]);           // the widest thin output; fewer chains than a tile

    [Theory]
    [MemberData(nameof(Fields))]
    public unsafe void Step_matches_the_float64_field(InstructionSet isa, int dimension, int[] hidden,
        bool noiseConditioned, int rows)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        manual_seed(41);
        int[] widths = [dimension + (noiseConditioned ? 1 : 0), .. hidden, dimension];
        var field = new MlpField(widths, noiseConditioned);
        using var plan = field.CreateDriftPlan();
        if (isa == InstructionSet.None)
        {
            Assert.Null(plan);   // no instruction set for the kernel: the samplers keep the libtorch path
            return;
        }

        Assert.NotNull(plan);
        var gen = new Generator(42);
        var x = randn(rows, dimension, generator: gen).mul(2);
        var xi = randn(rows, dimension, generator: gen);
        const float a = 0.37f, b = 0.11f, sigma = 1.7f;
        var field64 = new MlpField(widths, noiseConditioned);
        field64.load_state_dict(field.state_dict());
        field64.to(float64);
        var sigma64 = noiseConditioned ? tensor((double)sigma, float64) : null;
        var want = x.to(float64).add(field64.Evaluate(x.to(float64), sigma64).detach(), a).add(xi.to(float64), b);
        var got = x.clone();
        using var workspace = plan.NewWorkspace();
        plan.Step(workspace, TensorMemory.Pointer<float>(got), TensorMemory.Pointer<float>(xi), rows, a, b, sigma);
        double err = Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got.to(float64)));
        Assert.True(err < 1e-6, $"relative error {err:E2}");
        Assert.True(Numerics.RelativeError(Numerics.Values(want), Numerics.Values(x.to(float64))) > 1e-3);   // it moved
    }

    [Fact]
    public void Plan_is_not_made_for_float64_weights_or_a_single_hidden_layer()
    {
        using var scope = NewDisposeScope();
        Assert.Null(new MlpField(2, 32, 2).to(float64).CreateDriftPlan());
        Assert.Null(new MlpField(2, 32, 1).CreateDriftPlan());
    }
}
