namespace FluxMatching.Tests.Analysis;

using FluxMatching.Analysis;
using FluxMatching.Fields;

public class FieldEvaluatorTests
{
    [Fact]
    public void Grid_values_are_in_ij_order_and_agree_with_the_function_overload()
    {
        var grid = new Grid2D(-1, 1, 10, 14, 5, 3);
        var f = new Affine();
        var values = new FieldEvaluator(f).Evaluate(grid);
        var oracle = GridEvaluator.EvaluateVectors(grid, x => f.Evaluate(x));
        Assert.Equal(5, values.GetLength(0));
        Assert.Equal(3, values.GetLength(1));
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(-grid.Ys[j], values[i, j, 0], 4);   // f(x, y) = (−y, 2x)
                Assert.Equal(2 * grid.Xs[i], values[i, j, 1], 4);
                Assert.Equal(oracle[i, j, 0], values[i, j, 0], 4);
            }
        }

        Assert.Equal(values, GridEvaluator.EvaluateVectors(grid, f));
    }

    [Fact]
    public void Points_are_evaluated_in_batches_on_the_fields_dtype_unless_told_otherwise()
    {
        var f = new Affine();
        var evaluator = new FieldEvaluator(f, new FieldEvaluationOptions { BatchSize = 4 });
        Assert.Equal(ScalarType.Float32, evaluator.DType);
        Assert.Equal(DeviceType.CPU, evaluator.Device.type);
        var (u, v) = evaluator.Evaluate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        Assert.Equal(3, f.Calls);   // 10 points in batches of 4
        Assert.Equal(20, v[9], 5);
        Assert.Equal(-1, u[9], 5);
        var wide = new FieldEvaluator(f, new FieldEvaluationOptions { DType = ScalarType.Float64 });
        Assert.Equal(ScalarType.Float64, wide.DType);
        wide.Evaluate([0.1], [0.2]);
        Assert.Equal(ScalarType.Float64, f.LastDType);
    }

    [Fact]
    public void Bad_fields_and_options_are_rejected_naming_what_is_allowed()
    {
        Assert.Contains("Dimension = 3", Assert.Throws<ArgumentException>(() => new FieldEvaluator(new Affine(3))).Message);
        Assert.Contains("noise-conditioned", Assert.Throws<ArgumentException>(() => new FieldEvaluator(new Affine(2, true))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FieldEvaluator(new Affine(), new FieldEvaluationOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FieldEvaluator(new Affine(2, true), new FieldEvaluationOptions { Sigma = -1 }));
        Assert.Throws<ArgumentException>(() => new FieldEvaluator(new Affine()).Evaluate([1, 2], [1]));
    }

    /// <summary>f(x, y) = (−y, 2x) (the first two coordinates), counting its calls.</summary>
    private sealed class Affine(int dimension = 2, bool noiseConditioned = false) : IVectorField
    {
        public int Dimension => dimension;

        public bool IsNoiseConditioned => noiseConditioned;

        public int Calls { get; private set; }

        public ScalarType? LastDType { get; private set; }

        public Tensor Evaluate(Tensor x, Tensor? sigma = null)
        {
            Calls++;
            LastDType = x.dtype;
            return stack([-x[.., 1], x[.., 0] * 2], 1);
        }
    }
}
