namespace FluxMatching.Tests.Fields;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Runtime;
using FluxMatching.Tests.Losses;
using FluxMatching.Tests.Runtime;

/// <summary>DSM's fused squared-residual node of <see cref="MlpField"/> against libtorch's autograd of the same
/// expression, on every instruction set.</summary>
public class MlpFieldSquaredResidualTests
{
    public static IEnumerable<object[]> Cases => EveryIsa.With(
        [2, 2, false],    // the ring2d-dsm shape
        [3, 3, true],     // noise-conditioned, three hidden layers
        [24, 2, false]);  // a wide input

    [Theory]
    [MemberData(nameof(Cases))]
    public void Value_and_parameter_gradients_equal_autograd_of_the_mean_squared_residual(InstructionSet set, int d,
        int depth, bool conditioned)
    {
        using var isa = Isa.Force(set);
        using var scope = NewDisposeScope();
        manual_seed(41);
        var field = new MlpField(d, 128, depth, conditioned);
        var gen = new Generator(42);
        var x = randn(320, d, generator: gen);   // 320·128² multiply-adds: above the first-order node's minimum
        var y = randn(320, d, generator: gen).mul(3.0);
        var sigma = conditioned ? tensor(0.3f) : null;
        Assert.Equal(set != InstructionSet.None, field.SquaredResidualFuses(x, y));
        using (no_grad())
        {
            Assert.False(field.SquaredResidualFuses(x, y));   // no gradients to compute: the plain expression
            Assert.Equal(field.Evaluate(x, sigma).add(y).square().sum(1).mean().item<float>(),
                field.MeanSquaredResidual(x, sigma, y).item<float>(), 1e-4);
        }


        (double Value, Tensor[] Grads) Run(Func<Tensor> objective, double scale)
        {
            field.zero_grad();
            var value = objective();
            value.mul(scale).backward();
            return (value.item<float>(), field.parameters().Select(p => p.grad!.clone()).ToArray());
        }

        var (want, wantGrads) = Run(() => field.Evaluate(x, sigma).add(y).square().sum(1).mean(), 1.0);
        foreach (double scale in new[] { 1.0, 2.5 })   // a unit upstream gradient, and a scaled one
        {
            var (got, gotGrads) = Run(() => field.MeanSquaredResidual(x, sigma, y), scale);
            Assert.True(Math.Abs(got - want) < 1e-5 * Math.Abs(want), $"value {got} vs {want}");
            for (int i = 0; i < wantGrads.Length; i++)
            {
                double err = Numerics.RelativeError(Numerics.Values(wantGrads[i].mul(scale)), Numerics.Values(gotGrads[i]));
                Assert.True(err < 1e-5, $"gradient {i} (scale {scale}): relative error {err:E2}");
            }
        }
    }

    [Fact]
    public void Dsm_through_the_field_draws_the_same_noise_and_gives_the_mean_of_the_per_sample_loss()
    {
        using var scope = NewDisposeScope();
        manual_seed(43);
        var field = new MlpField(2, 128, 2);
        var x = randn(256, 2, generator: new Generator(44));
        var fused = DsmLoss.EpsilonPlainMean(field, x, 0.05, generator: new Generator(7));
        var plain = DsmLoss.EpsilonPlain(z => field.Evaluate(z, null), x, 0.05, generator: new Generator(7)).mean();
        Assert.Equal(plain.item<float>(), fused.item<float>(), 1e-5 * plain.item<float>());
    }

    [Fact]
    public void An_input_that_needs_a_gradient_takes_the_ordinary_graph()
    {
        using var scope = NewDisposeScope();
        manual_seed(45);
        var field = new MlpField(2, 128, 2);
        var x = randn(128, 2).requires_grad_(true);
        var y = randn(128, 2);
        Assert.False(field.SquaredResidualFuses(x, y));
        field.MeanSquaredResidual(x, null, y).backward();
        var reference = x.detach().clone().requires_grad_(true);
        field.Evaluate(reference, null).add(y).square().sum(1).mean().backward();
        Assert.NotNull(x.grad);   // the fused node gives the input no gradient
        Assert.True(Numerics.RelativeError(Numerics.Values(reference.grad!), Numerics.Values(x.grad!)) < 1e-5);
    }
}
