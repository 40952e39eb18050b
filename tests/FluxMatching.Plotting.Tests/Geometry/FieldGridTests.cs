namespace FluxMatching.Plotting.Tests;

public class FieldGridTests
{
    private static readonly Bounds2D Box = Bounds2D.Square(3);

    [Fact]
    public void Curl_of_a_rigid_rotation_is_two_everywhere()
    {
        var grid = FieldGrid.Evaluate(LinearField.Rotation, Box, 21);
        foreach (var c in grid.Curl().Values)
        {
            Assert.Equal(2.0, c, 5);
        }

        foreach (var d in grid.Divergence().Values)
        {
            Assert.Equal(0.0, d, 5);
        }
    }

    [Fact]
    public void Divergence_of_the_identity_field_is_two_and_its_curl_is_zero()
    {
        var grid = FieldGrid.Evaluate(LinearField.Identity, Box, 17);
        foreach (var d in grid.Divergence().Values)
        {
            Assert.Equal(2.0, d, 5);
        }

        foreach (var c in grid.Curl().Values)
        {
            Assert.Equal(0.0, c, 5);
        }
    }

    [Fact]
    public void Curl_of_a_nonlinear_field_matches_the_analytic_curl_inside_the_grid()
    {
        // f = (−y³, x³): curl = 3x² + 3y²; central differences of t³ err by exactly h² = 0.01 per term.
        var xs = Enumerable.Range(0, 41).Select(i => -2 + i * 0.1).ToArray();
        var u = new double[41, 41];
        var v = new double[41, 41];
        for (int j = 0; j < 41; j++)
        {
            for (int i = 0; i < 41; i++)
            {
                (u[j, i], v[j, i]) = (-Math.Pow(xs[j], 3), Math.Pow(xs[i], 3));
            }
        }

        var curl = new FieldGrid(xs, xs, u, v).Curl();
        for (int j = 1; j < 40; j++)
        {
            for (int i = 1; i < 40; i++)
            {
                Assert.Equal(3 * xs[i] * xs[i] + 3 * xs[j] * xs[j], curl.Values[j, i], 0.02 + 1e-9);   // error h² per term
            }
        }
    }

    [Fact]
    public void Evaluate_puts_x_along_columns_and_y_along_rows()
    {
        var grid = FieldGrid.Evaluate(LinearField.Identity, new Bounds2D(-1, 1, 10, 14), 5);
        Assert.Equal([-1, -0.5, 0, 0.5, 1], grid.Xs);
        Assert.Equal([10, 11, 12, 13, 14], grid.Ys);
        for (int j = 0; j < 5; j++)
        {
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(grid.Xs[i], grid.U[j, i], 5);
                Assert.Equal(grid.Ys[j], grid.V[j, i], 5);
            }
        }
    }

    [Fact]
    public void Magnitude_is_the_euclidean_norm()
    {
        var grid = FieldGrid.Evaluate(LinearField.Rotation, Box, 7);
        var m = grid.Magnitude();
        Assert.Equal(Math.Sqrt(18), m.Values[0, 0], 5);
        Assert.Equal(0, m.Values[3, 3], 9);
    }

    [Fact]
    public void A_three_dimensional_field_is_rejected_with_its_dimension_in_the_message()
    {
        var e = Assert.Throws<ArgumentException>(() => FieldGrid.Evaluate(new ThreeDField(), Box, 5));
        Assert.Contains("Dimension = 3", e.Message);
    }

    [Fact]
    public void A_noise_conditioned_field_needs_sigma_and_receives_it()
    {
        var field = new SigmaRotation();
        Assert.Throws<ArgumentException>(() => FieldGrid.Evaluate(field, Box, 5));
        var grid = FieldGrid.Evaluate(field, Box, 5, new FieldEvaluationOptions { Sigma = 0.5 });
        Assert.Equal(0.5, field.LastSigma!.Value, 6);
        foreach (var c in grid.Curl().Values)
        {
            Assert.Equal(1.0, c, 5);
        }
    }

    [Fact]
    public void Evaluation_follows_the_dtype_of_a_module_field_and_batches_large_grids()
    {
        var module = new LinearModuleField(ScalarType.Float64);
        FieldGrid.Evaluate(module, Box, 5);
        Assert.Equal(ScalarType.Float64, module.LastDType);
        var plain = LinearField.Rotation;
        FieldGrid.Evaluate(plain, Box, 30, new FieldEvaluationOptions { BatchSize = 100 });
        Assert.Equal(ScalarType.Float32, plain.LastDType);
        Assert.Equal(9, plain.Calls);   // 900 points in batches of 100
    }

    [Fact]
    public void Constructor_rejects_values_whose_shape_does_not_match_the_axes()
    {
        var e = Assert.Throws<ArgumentException>(() => new FieldGrid([0, 1, 2], [0, 1], new double[3, 2], new double[2, 3]));
        Assert.Equal("u", e.ParamName);
    }

    [Fact]
    public void From_grid_puts_the_ij_nodes_of_an_analysis_grid_into_rows_of_y_and_keeps_every_stride_th_node()
    {
        var grid = new Grid2D(-1, 1, 10, 14, 5, 5);
        var values = new FieldEvaluator(LinearField.Identity).Evaluate(grid);   // f(x, y) = (x, y), [Nx, Ny, 2]
        var full = FieldGrid.FromGrid(grid, values);
        Assert.Equal(grid.Xs, full.Xs);
        Assert.Equal(grid.Ys, full.Ys);
        for (int j = 0; j < 5; j++)
        {
            for (int i = 0; i < 5; i++)
            {
                (full.U[j, i], full.V[j, i]).Should(grid.Xs[i], grid.Ys[j]);
            }
        }

        var thin = FieldGrid.FromGrid(grid, values, stride: 2);
        Assert.Equal([-1, 0, 1], thin.Xs);
        Assert.Equal([10, 12, 14], thin.Ys);
        (thin.U[2, 1], thin.V[2, 1]).Should(0, 14);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => FieldGrid.FromGrid(grid, new double[5, 4, 2])).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => FieldGrid.FromGrid(grid, values, 0)).ParamName);
    }

    [Fact]
    public void Evaluate_samples_the_same_nodes_as_the_analysis_grid_and_its_evaluator()
    {
        // One grid and one evaluator: the plot grid is the transpose of GridEvaluator's [Nx, Ny, 2] on the same box.
        var field = new RingField(0.7);
        var plot = FieldGrid.Evaluate(field, new Bounds2D(-3, 3, -2, 2), 9);
        var analysis = GridEvaluator.EvaluateVectors(new Grid2D(-3, 3, -2, 2, 9, 9), field);
        for (int j = 0; j < 9; j++)
        {
            for (int i = 0; i < 9; i++)
            {
                (plot.U[j, i], plot.V[j, i]).Should(analysis[i, j, 0], analysis[i, j, 1]);
            }
        }
    }

    [Fact]
    public void A_resolution_below_the_grids_three_nodes_is_rejected_with_the_allowed_range()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FieldGrid.Evaluate(LinearField.Identity, Box, 2));
        Assert.Contains("3 … 2048", e.Message);
    }
}

internal static class PairAssert
{
    public static void Should(this (double U, double V) actual, double u, double v)
    {
        Assert.Equal(u, actual.U, 5);
        Assert.Equal(v, actual.V, 5);
    }
}
