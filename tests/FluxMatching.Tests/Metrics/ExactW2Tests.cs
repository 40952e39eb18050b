namespace FluxMatching.Tests.Metrics;

using FluxMatching.Metrics;

public class ExactW2Tests
{
    [Fact]
    public void Exact_w2_equals_brute_force_over_all_permutations()
    {
        using var scope = torch.NewDisposeScope();
        for (int seed = 0; seed < 60; seed++)
        {
            int n = 1 + (seed % 8), d = 1 + (seed % 3);
            var g = new torch.Generator((ulong)seed);
            var x = torch.randn(n, d, ScalarType.Float64, generator: g);
            var y = torch.randn(n, d, ScalarType.Float64, generator: g).mul(1.5).add(0.3);
            var xa = x.data<double>().ToArray();
            var ya = y.data<double>().ToArray();
            var cost = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    for (int k = 0; k < d; k++)
                    {
                        double diff = xa[(i * d) + k] - ya[(j * d) + k];
                        cost[i, j] += diff * diff;
                    }
                }
            }

            double expected = BruteForce.MinimumAssignmentCost(cost) / n;
            var result = ExactW2.Compute(x, y);
            Assert.Equal(expected, result.SquaredW2, 1e-12);
            Assert.Equal(Math.Sqrt(expected), result.W2, 1e-12);
            Assert.Equal(n, result.Assignment.Distinct().Count());
        }
    }

    [Fact]
    public void Shift_of_a_cloud_has_w2_equal_to_the_shift_length_and_identity_assignment()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(300, 2, ScalarType.Float64, generator: new torch.Generator(4));
        var shift = torch.tensor(new[] { 0.3, -0.4 }, ScalarType.Float64);
        var result = ExactW2.Compute(x, x.add(shift));
        Assert.Equal(0.5, result.W2, 1e-9);
        Assert.Equal(Enumerable.Range(0, 300), result.Assignment);
    }

    [Fact]
    public void Float32_input_and_reordered_points_give_zero()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(50, 3, generator: new torch.Generator(5));
        var perm = torch.randperm(50, generator: new torch.Generator(6));
        Assert.Equal(0.0, ExactW2.Compute(x, x.index_select(0, perm)).W2, 1e-12);
    }

    [Fact]
    public void Unequal_sizes_too_many_points_and_bad_shapes_throw()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => ExactW2.Compute(torch.zeros(3, 2), torch.zeros(4, 2))).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => ExactW2.Compute(torch.zeros(3, 2), torch.zeros(3, 3))).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentOutOfRangeException>(
            () => ExactW2.Compute(torch.zeros(10, 2), torch.zeros(10, 2), maxPoints: 5)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(
            () => ExactW2.Compute(torch.full(new long[] { 2, 2 }, double.NaN), torch.zeros(2, 2))).ParamName);
    }
}
