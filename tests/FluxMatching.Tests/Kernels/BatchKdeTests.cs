namespace FluxMatching.Tests.Kernels;

using FluxMatching.Kernels;
using FluxMatching.Tests.Losses;

public class BatchKdeTests
{
    private static Tensor Points(long n, long d, long seed, ScalarType dtype = ScalarType.Float64) =>
        randn(n, d, dtype: dtype, generator: new Generator((ulong)seed));

    /// <summary>Naive reference: expanded squared distances, softmax, ((w @ X) − z)/σ².</summary>
    private static Tensor NaiveScore(Tensor x, Tensor z, double sigma2)
    {
        var sq = z.square().sum(1, keepdim: true) + x.square().sum(1, keepdim: true).t() - 2.0 * z.mm(x.t());
        var w = (-sq / (2.0 * sigma2)).softmax(1);
        return (w.mm(x) - z) / sigma2;
    }

    [Fact]
    public void Score_matches_the_reference_expanded_distance_formula()
    {
        using var scope = NewDisposeScope();
        var x = Points(7, 3, 1);
        var z = Points(5, 3, 2) * 1.5;
        using var kde = new BatchKde(x, 0.3);
        var got = Numerics.Values(kde.Score(z));
        Assert.True(Numerics.RelativeError(Numerics.Values(NaiveScore(x, z, 0.3)), got) < 1e-13);
    }

    [Fact]
    public void Score_equals_finite_differences_of_the_log_density()
    {
        using var scope = NewDisposeScope();
        var x = Points(6, 2, 3);
        var z = Points(4, 2, 4);
        using var kde = new BatchKde(x, 0.5);
        var score = Numerics.Values(kde.Score(z));
        const double h = 1e-5;
        var fd = new double[score.Length];
        for (int k = 0; k < fd.Length; k++)
        {
            var e = zeros(z.numel(), dtype: ScalarType.Float64);
            e[k] = tensor(h, dtype: ScalarType.Float64);
            e = e.reshape(z.shape);
            var plus = kde.LogDensity(z + e);
            var minus = kde.LogDensity(z - e);
            fd[k] = ((plus - minus) / (2 * h))[k / 2].ToDouble();
        }

        Assert.True(Numerics.RelativeError(fd, score) < 1e-8, $"{Numerics.RelativeError(fd, score):E2}");
    }

    [Fact]
    public void Score_is_the_autograd_gradient_of_the_log_density_and_twice_differentiable()
    {
        using var scope = NewDisposeScope();
        var x = Points(9, 3, 5);
        var z = Points(4, 3, 6).requires_grad_(true);
        using var kde = new BatchKde(x, 0.2);
        var grad = autograd.grad([kde.LogDensity(z).sum()], [z], retain_graph: true, create_graph: true)[0];
        var score = kde.Score(z);
        Assert.True(Numerics.RelativeError(Numerics.Values(grad), Numerics.Values(score)) < 1e-12);

        // Divergence of the score two ways: Σ_d ∂ŝ_d/∂z_d by double autograd vs central differences.
        var div = zeros(4, dtype: ScalarType.Float64);
        for (int d = 0; d < 3; d++)
        {
            var e = zeros(4, 3, dtype: ScalarType.Float64);
            e[.., d] = 1.0;
            div += autograd.grad([score], [z], [e], retain_graph: true, create_graph: true)[0][.., d];
        }

        const double h = 1e-5;
        var fd = zeros(4, dtype: ScalarType.Float64);
        using (no_grad())
        {
            for (int d = 0; d < 3; d++)
            {
                var e = zeros(4, 3, dtype: ScalarType.Float64);
                e[.., d] = h;
                fd += (kde.Score(z + e) - kde.Score(z - e))[.., d] / (2 * h);
            }
        }

        Assert.True(Numerics.RelativeError(Numerics.Values(fd), Numerics.Values(div)) < 1e-7);
    }

    [Fact]
    public void With_one_reference_point_the_score_is_linear()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1.0, -2.0 }, [1, 2]);
        var z = tensor(new double[] { 0.5, 0.5, -3.0, 4.0 }, [2, 2]);
        using var kde = new BatchKde(x, 0.25);
        Numerics.AssertRelative(Numerics.Values((x - z) / 0.25), kde.Score(z), 1e-15);
    }

    [Fact]
    public void Log_density_is_the_normalised_gaussian_mixture()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 0, 0, 1, 2, -1, 0.5 }, [3, 2]);
        var z = tensor(new double[] { 0.3, -0.2 }, [1, 2]);
        const double s2 = 0.7;
        double p = 0;
        for (int b = 0; b < 3; b++)
        {
            double dx = 0.3 - x[b, 0].ToDouble(), dy = -0.2 - x[b, 1].ToDouble();
            p += Math.Exp(-(dx * dx + dy * dy) / (2 * s2)) / (2 * Math.PI * s2) / 3;
        }

        using var kde = new BatchKde(x, s2);
        Assert.Equal(Math.Log(p), kde.LogDensity(z).ToDouble(), 1e-14);
    }

    [Fact]
    public void Log_density_stays_finite_far_from_the_data()
    {
        using var scope = NewDisposeScope();
        using var kde = new BatchKde(Points(5, 2, 8), 1e-3);
        var far = full(2, 2, 50.0, dtype: ScalarType.Float64);
        Assert.True(kde.LogDensity(far).isfinite().all().item<bool>());
        Assert.True(kde.Score(far).isfinite().all().item<bool>());
    }

    [Fact]
    public void Denoiser_is_the_posterior_mean_and_keeps_the_query_shape()
    {
        using var scope = NewDisposeScope();
        var x = Points(6, 4, 9);
        var z = Points(3, 4, 10).reshape(3, 2, 2);
        using var kde = new BatchKde(x.reshape(6, 2, 2), 0.4);
        var den = kde.Denoiser(z);
        Assert.Equal(new long[] { 3, 2, 2 }, den.shape);
        var expected = kde.Score(z) * 0.4 + z;
        Assert.True(Numerics.RelativeError(Numerics.Values(expected), Numerics.Values(den)) < 1e-14);
        Assert.True(Numerics.RelativeError(Numerics.Values(kde.Weights(z).sum(1)), [1.0, 1.0, 1.0]) < 1e-15);
    }

    [Fact]
    public void Float32_kernels_agree_with_float64()
    {
        using var scope = NewDisposeScope();
        var x = Points(16, 2, 11);
        var z = Points(8, 2, 12);
        using var k64 = new BatchKde(x, 0.1);
        using var k32 = new BatchKde(x.to(ScalarType.Float32), 0.1);
        var s32 = k32.Score(z.to(ScalarType.Float32));
        Assert.Equal(ScalarType.Float32, s32.dtype);
        Assert.True(Numerics.RelativeError(Numerics.Values(k64.Score(z)), Numerics.Values(s32)) < 1e-5);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Invalid_variance_is_rejected(double sigma2)
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchKde(Points(3, 2, 1), sigma2));
        Assert.Equal("sigma2", e.ParamName);
    }

    [Fact]
    public void Queries_of_the_wrong_dimension_or_dtype_are_rejected()
    {
        using var scope = NewDisposeScope();
        using var kde = new BatchKde(Points(3, 2, 1), 1.0);
        Assert.Throws<ArgumentException>(() => kde.Score(Points(2, 3, 2)));
        Assert.Throws<ArgumentException>(() => kde.Score(Points(2, 2, 2, ScalarType.Float32)));
        Assert.Throws<ArgumentException>(() => new BatchKde(zeros(3, 2, dtype: ScalarType.Int64), 1.0));
    }
}
