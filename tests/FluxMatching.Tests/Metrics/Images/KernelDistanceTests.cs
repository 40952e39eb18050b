namespace FluxMatching.Tests.Metrics.Images;

using FluxMatching.Metrics.Images;

public class KernelDistanceTests
{
    /// <summary>The unbiased MMD² with k(a, b) = (aᵀb/D + 1)³ by a direct double loop.</summary>
    private static double DirectUnbiased(double[,] x, double[,] y)
    {
        int n = x.GetLength(0), m = y.GetLength(0), d = x.GetLength(1);
        double K(double[,] a, int i, double[,] b, int j)
        {
            double dot = 0;
            for (int k = 0; k < d; k++)
            {
                dot += a[i, k] * b[j, k];
            }

            return Math.Pow((dot / d) + 1, 3);
        }

        double sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                sxx += i == j ? 0 : K(x, i, x, j);
            }
        }

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                syy += i == j ? 0 : K(y, i, y, j);
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                sxy += K(x, i, y, j);
            }
        }

        return (sxx / (n * (n - 1.0))) + (syy / (m * (m - 1.0))) - (2 * sxy / (n * (double)m));
    }

    private static double[,] ToArray(Tensor t)
    {
        var flat = t.to(ScalarType.Float64).cpu().data<double>().ToArray();
        int rows = (int)t.size(0), cols = (int)t.size(1);
        var a = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                a[i, j] = flat[(i * cols) + j];
            }
        }

        return a;
    }

    [Fact]
    public void The_estimator_matches_a_direct_double_loop()
    {
        using var g = new Generator(5);
        using var x = randn([17, 4], ScalarType.Float64, generator: g);
        using var y = randn([23, 4], ScalarType.Float64, generator: g).mul(1.3).add(0.4);
        double expected = DirectUnbiased(ToArray(x), ToArray(y));
        Assert.Equal(expected, KernelDistance.UnbiasedMmdSquared(x, y), 10);
        Assert.True(Math.Abs(expected) > 1e-3);
    }

    [Fact]
    public void Two_samples_of_one_distribution_average_to_zero_where_the_biased_estimate_does_not()
    {
        const int pairs = 300, m = 30, d = 4;
        using var g = new Generator(6);
        var unbiased = new double[pairs];
        var biased = new double[pairs];
        for (int p = 0; p < pairs; p++)
        {
            using var x = randn([m, d], ScalarType.Float64, generator: g).relu();
            using var y = randn([m, d], ScalarType.Float64, generator: g).relu();
            unbiased[p] = KernelDistance.UnbiasedMmdSquared(x, y);
            using var kxx = x.matmul(x.t()).div(d).add(1).pow(3);
            using var kyy = y.matmul(y.t()).div(d).add(1).pow(3);
            using var kxy = x.matmul(y.t()).div(d).add(1).pow(3);
            biased[p] = kxx.mean().item<double>() + kyy.mean().item<double>() - (2 * kxy.mean().item<double>());
        }

        double mean = unbiased.Average();
        double se = Math.Sqrt(unbiased.Sum(e => (e - mean) * (e - mean)) / (pairs - 1) / pairs);
        Assert.True(Math.Abs(mean) < 4 * se, $"mean {mean}, standard error {se}");
        Assert.True(biased.Average() > 8 * se, $"biased mean {biased.Average()} vs se {se}: the check has power");
    }

    [Fact]
    public void Shifted_samples_give_a_clearly_positive_kid_with_its_spread()
    {
        using var g = new Generator(7);
        using var x = randn([400, 8], ScalarType.Float64, generator: g);
        using var y = randn([300, 8], ScalarType.Float64, generator: g).add(0.5);
        using var draws = new Generator(8);
        var kid = KernelDistance.Compute(x, y, new KernelDistanceOptions { Subsets = 20, SubsetSize = 250 }, draws);
        Assert.Equal((20, 250), (kid.Subsets, kid.SubsetSize));
        Assert.True(kid.StandardDeviation > 0);
        Assert.True(kid.Mean > 5 * kid.StandardDeviation, $"{kid}");
        using var same = randn([300, 8], ScalarType.Float64, generator: g);
        var null0 = KernelDistance.Compute(x, same, new KernelDistanceOptions { Subsets = 20, SubsetSize = 250 }, draws);
        Assert.True(null0.Mean < kid.Mean / 10, $"{null0} vs {kid}");
    }

    [Fact]
    public void Subsets_come_from_the_given_generator_and_their_size_is_capped_at_the_smaller_set()
    {
        using var g = new Generator(9);
        using var x = randn([50, 3], generator: g);
        using var y = randn([40, 3], generator: g).add(0.2);
        var options = new KernelDistanceOptions { Subsets = 5 };
        using var a = new Generator(11);
        using var b = new Generator(11);
        var first = KernelDistance.Compute(x, y, options, a);
        var second = KernelDistance.Compute(x, y, options, b);
        Assert.Equal(first, second);
        Assert.Equal(40, first.SubsetSize);
    }

    [Fact]
    public void Out_of_range_settings_are_refused_by_name()
    {
        using var x = zeros(4, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => KernelDistance.Compute(x, x, new KernelDistanceOptions { SubsetSize = 1 }));
        Assert.Contains("SubsetSize", e.Message);
    }
}
