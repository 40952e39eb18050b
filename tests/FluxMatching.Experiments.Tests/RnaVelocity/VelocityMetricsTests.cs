namespace FluxMatching.Tests.RnaVelocity;

using FluxMatching.RnaVelocity;

public class VelocityMetricsTests
{
    /// <summary>Cells on a line: x = position in the embedding, clusters A (x &lt; 10) then B; Ms rises with x in every
    /// gene; neighbours are the 4 nearest positions.</summary>
    private static VelocityData Line(int n = 20, int genes = 3)
    {
        var ms = new double[n, genes];
        var mu = new double[n, genes];
        var emb = new double[n, 2];
        for (int c = 0; c < n; c++)
        {
            emb[c, 0] = c;
            for (int j = 0; j < genes; j++)
            {
                ms[c, j] = c * (j + 1) + (c * 7 % 3) * 0.01 * j;
                mu[c, j] = 1;
            }
        }

        var neighbors = Enumerable.Range(0, n).Select(c => Enumerable.Range(0, n).Where(m => m != c)
            .OrderBy(m => Math.Abs(m - c)).ThenBy(m => m).Take(4).ToArray()).ToArray();
        var clusters = Enumerable.Range(0, n).Select(c => c < n / 2 ? "A" : "B").ToArray();
        return new VelocityData(mu, ms, emb, clusters, neighbors, [("A", "B")], ["g0", "g1", "g2"]);
    }

    private static double[,] Uniform(int n, double sign)
    {
        var v = new double[n, 3];
        for (int c = 0; c < n; c++)
        {
            for (int j = 0; j < 3; j++)
            {
                v[c, j] = sign * (j + 1);
            }
        }

        return v;
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-1.0)]
    public void Cbdir_is_plus_one_toward_the_next_cluster_and_minus_one_away(double sign)
    {
        var data = Line();
        var embedded = new double[20, 2];
        for (int c = 0; c < 20; c++)
        {
            embedded[c, 0] = sign;
        }

        var (mean, perEdge) = VelocityMetrics.CrossBoundaryCorrectness(data, embedded);
        Assert.Equal(sign, mean, 12);
        Assert.Equal(sign, perEdge["A>B"], 12);
    }

    [Fact]
    public void The_projection_follows_the_direction_in_which_the_moments_change()
    {
        var data = Line();
        var forward = VelocityEmbedding.Project(data, Uniform(20, 1));
        var backward = VelocityEmbedding.Project(data, Uniform(20, -1));
        for (int c = 2; c < 18; c++)
        {
            Assert.True(forward[c, 0] > 0, $"cell {c}: {forward[c, 0]}");
            Assert.True(backward[c, 0] < 0, $"cell {c}: {backward[c, 0]}");
        }

        Assert.True(VelocityMetrics.CrossBoundaryCorrectness(data, forward).Mean > 0.9);
    }

    [Fact]
    public void Coherence_is_one_for_parallel_velocities_and_lower_for_alternating_ones()
    {
        var data = Line();
        Assert.Equal(1.0, VelocityMetrics.Coherence(data, Uniform(20, 1)), 12);
        var alternating = Uniform(20, 1);
        for (int c = 0; c < 20; c += 2)
        {
            for (int j = 0; j < 3; j++)
            {
                alternating[c, j] = -alternating[c, j];
            }
        }

        Assert.True(VelocityMetrics.Coherence(data, alternating) < 0.1);
    }

    [Fact]
    public void Agreement_with_truth_and_rate_recovery_are_exact_for_the_truth_itself()
    {
        var truth = Uniform(5, 1);
        var (cos, sign) = VelocityMetrics.AgreementWithTruth(truth, truth);
        Assert.Equal(1.0, cos, 12);
        Assert.Equal(1.0, sign);
        var (negCos, negSign) = VelocityMetrics.AgreementWithTruth(Uniform(5, -1), truth);
        Assert.Equal(-1.0, negCos, 12);
        Assert.Equal(0.0, negSign);
        var (corr, median) = VelocityMetrics.RateRecovery([0.5, 1, 2], [0.5, 1, 2]);
        Assert.Equal(1.0, corr, 12);
        Assert.Equal(0.0, median, 12);
        Assert.Equal(Math.Log(2), VelocityMetrics.RateRecovery([1, 2, 4], [0.5, 1, 2]).MedianAbsLogRatio, 12);
    }
}
