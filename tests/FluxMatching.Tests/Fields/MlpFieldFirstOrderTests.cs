namespace FluxMatching.Tests.Fields;

using FluxMatching.Fields;
using FluxMatching.Runtime;
using FluxMatching.Tests.Losses;
using FluxMatching.Tests.Runtime;

/// <summary>The first-order custom autograd node of <see cref="MlpField"/> against libtorch's autograd.</summary>
public class MlpFieldFirstOrderTests
{
    public static IEnumerable<object[]> Cases => EveryIsa.With(
        [8, 2, false, true],
        [3, 3, true, true],     // narrow input and output: the fused edge layers, with the input gradient
        [2, 2, false, false],   // DSM's use: the input needs no gradient (the node skips it)
        [2, 1, false, true],    // one hidden layer: the output's backward feeds the input layer directly
        [24, 2, false, false]); // a wide input: ∂W_0 = δᵀx without the thin-input transpose

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameter_and_input_gradients_equal_those_of_evaluate(InstructionSet isa, int d, int depth, bool conditioned,
        bool inputGrad)
    {
        using var forced = Isa.Force(isa);
        using var scope = NewDisposeScope();
        manual_seed(31);
        var field = new MlpField(d, 256, depth, conditioned);
        var gen = new Generator(32);
        var x = randn(72, d, generator: gen);
        var c = randn(72, d, generator: gen);
        var sigma = conditioned ? tensor(0.4f) : null;

        (Tensor F, Tensor[] Grads) Run(Func<Tensor, Tensor?, Tensor> f)
        {
            field.zero_grad();
            var input = x.clone().requires_grad_(inputGrad);
            var output = f(input, sigma);
            output.mul(c).sum().backward();
            var grads = field.parameters().Select(p => p.grad!.clone()).ToArray();
            if (inputGrad)
            {
                grads = [.. grads, input.grad!.clone()];
            }
            return (output.detach(), grads);
        }

        var (want, wantGrads) = Run(field.Evaluate);
        var (got, gotGrads) = Run(field.EvaluateFirstOrder);
        Assert.True(Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got)) < 1e-5);
        Assert.Equal(wantGrads.Length, gotGrads.Length);
        for (int i = 0; i < wantGrads.Length; i++)
        {
            Assert.Equal(wantGrads[i].shape, gotGrads[i].shape);
            double err = Numerics.RelativeError(Numerics.Values(wantGrads[i]), Numerics.Values(gotGrads[i]));
            Assert.True(err < 1e-5, $"gradient {i}: relative error {err:E2}");
        }
    }

    [Fact]
    public void Small_fields_and_float64_use_the_ordinary_graph_which_stays_twice_differentiable()
    {
        using var scope = NewDisposeScope();
        manual_seed(33);
        var field = new MlpField(2, 16, 2).to(float64);
        var x = randn(10, 2, dtype: float64).requires_grad_(true);
        var f = field.EvaluateFirstOrder(x, null);
        var v = autograd.grad([f.sum()], [x], retain_graph: true, create_graph: true)[0];
        var second = autograd.grad([v.sum()], [x])[0];
        Assert.Equal(x.shape, second.shape);
        Assert.True(second.abs().sum().item<double>() > 0);
    }
}
