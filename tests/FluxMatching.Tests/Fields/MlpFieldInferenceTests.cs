namespace FluxMatching.Tests.Fields;

using FluxMatching.Fields;
using FluxMatching.Tests.Losses;

/// <summary>The samplers' gradient-free evaluation (fused thin layers on the CPU) against <see cref="MlpField.Evaluate"/>.</summary>
public class MlpFieldInferenceTests
{
    [Theory]
    [InlineData(2, 2, false, ScalarType.Float64, 1e-14)]
    [InlineData(2, 3, true, ScalarType.Float64, 1e-14)]
    [InlineData(5, 2, false, ScalarType.Float64, 1e-14)]
    [InlineData(2, 2, false, ScalarType.Float32, 2e-6)]
    [InlineData(2, 2, true, ScalarType.Float32, 2e-6)]
    [InlineData(2, 1, false, ScalarType.Float32, 2e-6)]
    [InlineData(2, 3, false, ScalarType.Float32, 2e-6)]
    public void Inference_equals_evaluate(int d, int depth, bool conditioned, ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var field = new MlpField(d, 40, depth, conditioned).to(dtype);
        var x = randn(333, d, dtype: dtype, generator: new Generator(22)) * 3.0;
        var sigma = conditioned ? tensor(0.35, dtype: dtype) : null;
        var want = field.Evaluate(x, sigma);
        var got = field.Infer(x, sigma);
        Assert.Equal(want.shape, got.shape);
        Assert.True(Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got)) < tolerance,
            $"{Numerics.RelativeError(Numerics.Values(want), Numerics.Values(got)):E2}");
        Assert.False(got.requires_grad);
    }
}
