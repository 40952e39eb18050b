namespace FluxMatching.Tests.Metrics;

using FluxMatching.Metrics;
using FluxMatching.Runtime;

public class SinkhornDivergenceTests
{
    private static Tensor Points(int seed, int n, double scale = 1, double shift = 0)
    {
        using var generator = new Generator((ulong)seed);
        using var s = scale.ToScalar();
        using var t = shift.ToScalar();
        return randn([n, 2], ScalarType.Float64, generator: generator).mul(s).add(t, Scalars.One);
    }

    [Fact]
    public void The_divergence_of_a_set_with_itself_is_exactly_zero()
    {
        using var scope = NewDisposeScope();
        var x = Points(1, 16);
        Assert.Equal(0.0, SinkhornDivergence.Compute(x, x).item<double>());
        Assert.Equal(0.0, SinkhornDivergence.Compute(x.to(ScalarType.Float32), x.to(ScalarType.Float32)).item<float>());
    }

    [Fact]
    public void The_divergence_is_symmetric_and_positive_for_different_sets()
    {
        // Symmetric once the iterations have converged; the reference's 50 iterations stop earlier (f is updated
        // before g), so there it is symmetric only to about a percent.
        using var scope = NewDisposeScope();
        var x = Points(2, 12, 0.5);
        var y = Points(3, 12, 0.5, 0.4);
        var converged = new SinkhornOptions { Iterations = 3000 };
        double xy = SinkhornDivergence.Compute(x, y, converged).item<double>();
        double yx = SinkhornDivergence.Compute(y, x, converged).item<double>();
        Assert.True(xy > 0.05, $"SD = {xy}");
        Assert.Equal(xy, yx, 1e-9);
        double xy50 = SinkhornDivergence.Compute(x, y).item<double>();
        double yx50 = SinkhornDivergence.Compute(y, x).item<double>();
        Assert.True(Math.Abs(xy50 - yx50) < 0.02 * xy, $"50 iterations: {xy50} vs {yx50}");
    }

    [Fact]
    public void The_transport_cost_is_the_plan_weighted_mean_squared_distance_with_uniform_marginals()
    {
        // One point against one point: the plan is the single mass 1, so W = ‖x − y‖² (full squared distance).
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2 }, [1, 2]);
        var y = tensor(new double[] { -2, 6 }, [1, 2]);
        Assert.Equal(25.0, SinkhornDivergence.TransportCost(x, y).item<double>(), 1e-9);
        // Huge ε: the plan tends to the product of the marginals, W → the mean of C over all pairs.
        var a = Points(4, 5);
        var b = Points(5, 7);
        var c = SinkhornDivergence.SquaredDistances(a, b);
        double w = SinkhornDivergence.TransportCost(a, b, new SinkhornOptions { Epsilon = 1e6 }).item<double>();
        Assert.Equal(c.mean().item<double>(), w, 1e-4);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    public void The_transport_cost_approaches_the_exact_assignment_cost_as_epsilon_goes_to_zero(int n)
    {
        using var scope = NewDisposeScope();
        var x = Points(10 + n, n);
        var y = Points(20 + n, n, 1.3, 0.5);
        double exact = ExactW2.Compute(x, y).SquaredW2;
        double Gap(double eps) =>
            Math.Abs(SinkhornDivergence.TransportCost(x, y, new SinkhornOptions { Epsilon = eps, Iterations = 5000 }).item<double>() - exact);
        double coarse = Gap(0.5), fine = Gap(0.004);
        Assert.True(coarse > 10 * fine, $"gap {coarse} at ε = 0.5, {fine} at ε = 0.004");
        Assert.True(fine < 2e-3 * Math.Max(1, exact), $"gap {fine} at ε = 0.004, exact {exact}");
    }

    [Fact]
    public void The_gradient_through_the_iterations_matches_finite_differences_in_float64()
    {
        using var scope = NewDisposeScope();
        var options = new SinkhornOptions { Epsilon = 0.3 };
        var x = Points(31, 5).requires_grad_(true);
        var y = Points(32, 6, 1, 0.3);
        var sd = SinkhornDivergence.Compute(x, y, options);
        var grad = autograd.grad([sd], [x])[0].data<double>().ToArray();
        var xs = x.detach().clone();
        var flat = xs.reshape(-1);
        const double h = 1e-6;
        for (int i = 0; i < grad.Length; i++)
        {
            double v = flat[i].item<double>();
            flat[i].fill_(v + h);
            double plus = SinkhornDivergence.Compute(xs, y, options).item<double>();
            flat[i].fill_(v - h);
            double minus = SinkhornDivergence.Compute(xs, y, options).item<double>();
            flat[i].fill_(v);
            Assert.Equal((plus - minus) / (2 * h), grad[i], 1e-6);
        }
    }

    [Fact]
    public void Mismatched_point_shapes_and_bad_options_are_refused_with_the_parameter_named()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => SinkhornDivergence.Compute(zeros(3, 2), zeros(3, 3)));
        Assert.Equal("y", e.ParamName);
        var o = Assert.Throws<ArgumentOutOfRangeException>(() => SinkhornDivergence.Compute(zeros(3, 2), zeros(3, 2), new SinkhornOptions { Epsilon = 0 }));
        Assert.Equal("Epsilon", o.ParamName);
    }
}
