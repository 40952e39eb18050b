namespace FluxMatching.Tests.Metrics.Images;

using FluxMatching.Metrics.Images;

public class FrechetDistanceTests
{
    /// <summary>Tr((Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}) for 2×2 matrices: for a 2×2 PSD M, (Tr √M)² = Tr M + 2 √det M,
    /// with Tr M = Tr(Σ₁Σ₂) and det M = det Σ₁ det Σ₂.</summary>
    private static double RootTrace2x2(double[,] a, double[,] b)
    {
        double trProduct = (a[0, 0] * b[0, 0]) + (a[0, 1] * b[1, 0]) + (a[1, 0] * b[0, 1]) + (a[1, 1] * b[1, 1]);
        double det = ((a[0, 0] * a[1, 1]) - (a[0, 1] * a[1, 0])) * ((b[0, 0] * b[1, 1]) - (b[0, 1] * b[1, 0]));
        return Math.Sqrt(trProduct + (2 * Math.Sqrt(det)));
    }

    /// <summary>n points whose empirical mean is exactly μ and unbiased covariance exactly LLᵀ: standard normal draws,
    /// centred and whitened to the identity, then mapped by L and shifted.</summary>
    private static Tensor ExactSample(int n, double[] mean, double[,] cholesky, long seed)
    {
        int d = mean.Length;
        using var g = new Generator((ulong)seed);
        using var z = randn([n, d], ScalarType.Float64, generator: g);
        using var centred = z - z.mean([0L]);
        using var cov = centred.t().matmul(centred).div(n - 1);
        using var whitener = linalg.inv(linalg.cholesky(cov));
        using var white = centred.matmul(whitener.t());
        using var l = tensor(cholesky.Cast<double>().ToArray(), [d, d], ScalarType.Float64);
        using var mu = tensor(mean, ScalarType.Float64);
        return white.matmul(l.t()).add(mu);
    }

    [Fact]
    public void Diagonal_gaussians_give_the_squared_wasserstein_distance_of_their_moments()
    {
        double[] m1 = [1, -2, 0.5], m2 = [0, 1, 0.5];
        double[] v1 = [4, 1, 0.25], v2 = [1, 9, 0.25];
        var c1 = new double[3, 3];
        var c2 = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            c1[i, i] = v1[i];
            c2[i, i] = v2[i];
        }

        // ‖Δμ‖² + Σ (√a − √b)² = (1 + 9 + 0) + (1 + 4 + 0) = 15
        Assert.Equal(15.0, FrechetDistance.FromMoments(m1, c1, m2, c2), 10);
    }

    [Fact]
    public void Non_commuting_covariances_match_the_closed_form_of_two_by_two_matrices()
    {
        var c1 = new double[,] { { 2.0, 0.8 }, { 0.8, 1.0 } };
        var c2 = new double[,] { { 0.5, -0.3 }, { -0.3, 3.0 } };
        double[] m1 = [0.3, -1], m2 = [1.3, 1];
        double expected = 1 + 4 + 3 + 3.5 - (2 * RootTrace2x2(c1, c2));
        Assert.Equal(expected, FrechetDistance.FromMoments(m1, c1, m2, c2), 10);
        Assert.True(expected > 0.5);   // the oracle is not trivially 0 (the matrices do not commute)
    }

    [Fact]
    public void Feature_sets_with_known_moments_give_the_closed_form_distance()
    {
        var l1 = new double[,] { { 1.4, 0 }, { 0.5, 0.8 } };
        var l2 = new double[,] { { 0.7, 0 }, { -0.4, 1.7 } };
        double[] m1 = [0.3, -1], m2 = [1.3, 1];
        using var x = ExactSample(500, m1, l1, 1);
        using var y = ExactSample(300, m2, l2, 2);
        var c1 = new double[,] { { 1.96, 0.7 }, { 0.7, 0.89 } };        // L1 L1ᵀ
        var c2 = new double[,] { { 0.49, -0.28 }, { -0.28, 3.05 } };    // L2 L2ᵀ
        double expected = 5 + (1.96 + 0.89) + (0.49 + 3.05) - (2 * RootTrace2x2(c1, c2));
        Assert.Equal(expected, FrechetDistance.Compute(x, y), 8);
        Assert.Equal(expected, FrechetDistance.Compute(y.to(ScalarType.Float32), x.to(ScalarType.Float32)), 3);
    }

    [Fact]
    public void Identical_sets_are_at_distance_zero_even_with_a_singular_covariance()
    {
        using var g = new Generator(3);
        using var wide = randn([6, 20], ScalarType.Float64, generator: g);   // 6 points in 20 dimensions: rank 5
        Assert.Equal(0.0, FrechetDistance.Compute(wide, wide), 9);
        using var tall = randn([400, 8], ScalarType.Float32, generator: g).relu();
        Assert.Equal(0.0, FrechetDistance.Compute(tall, tall.clone()), 6);
    }

    [Fact]
    public void The_distance_is_symmetric()
    {
        using var g = new Generator(4);
        using var x = randn([200, 5], ScalarType.Float64, generator: g);
        using var y = randn([150, 5], ScalarType.Float64, generator: g).mul(1.5).add(0.3);
        double xy = FrechetDistance.Compute(x, y), yx = FrechetDistance.Compute(y, x);
        Assert.True(xy > 0.1);
        Assert.Equal(xy, yx, 9);
    }

    [Fact]
    public void Sets_of_different_widths_are_refused_naming_both()
    {
        using var x = zeros(4, 3);
        using var y = zeros(4, 2);
        var e = Assert.ThrowsAny<ArgumentException>(() => FrechetDistance.Compute(x, y));
        Assert.Contains("3", e.Message);
        Assert.Contains("2", e.Message);
    }
}
