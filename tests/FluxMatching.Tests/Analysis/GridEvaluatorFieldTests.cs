namespace FluxMatching.Tests.Analysis;

using FluxMatching.Analysis;
using FluxMatching.Fields;

public class GridEvaluatorFieldTests
{
    [Fact]
    public void A_field_is_evaluated_on_the_grid_in_its_own_dtype_like_the_function_overload()
    {
        using var field = GaussianMixtureScoreField.Isotropic(new double[,] { { 1, 0 }, { -1, 0.5 } }, 0.7, noiseConditioned: true);
        var grid = Grid2D.Square(3.0, 9);
        var got = GridEvaluator.EvaluateVectors(grid, field, sigma: 0.3);
        var want = GridEvaluator.EvaluateVectors(grid, x => field.Evaluate(x, torch.tensor(0.3, x.dtype)), ScalarType.Float32);
        Assert.Equal(want, got);
        Assert.Equal("sigma", Assert.Throws<ArgumentNullException>(() => GridEvaluator.EvaluateVectors(grid, field)).ParamName);
    }
}
