namespace FluxMatching.Tests.Losses;

using FluxMatching.Kernels;
using FluxMatching.Losses;

/// <summary>Monte-Carlo checks of the authors' loss items 4–5 on the §5.2 batch (σ² = 0.3).</summary>
public class FluxMatchingLossStatisticsTests
{
    private static readonly FluxMatchingLoss Rademacher = new();
    private static readonly FluxMatchingLoss Exact = new(new FluxLossOptions { Divergence = DivergenceEstimator.Exact });

    private static (double Mean, double StdErr, double MaxAbs) BatchMeans(
        FluxMatchingLoss loss, Func<BatchKde, Func<Tensor, Tensor>> field, int seeds)
    {
        var means = new double[seeds];
        double maxAbs = 0;
        for (int seed = 0; seed < seeds; seed++)
        {
            using var scope = NewDisposeScope();
            var x = LossTestData.Batch();
            using var kde = new BatchKde(x, LossTestData.Sigma2);
            var perSample = loss.Compute(field(kde), x, LossTestData.Sigma2, generator: new Generator((ulong)seed))
                .PerSample;
            means[seed] = perSample.mean().ToDouble();
            maxAbs = Math.Max(maxAbs, perSample.abs().max().ToDouble());
        }

        double mean = means.Average();
        double variance = means.Sum(m => (m - mean) * (m - mean)) / (seeds - 1);
        return (mean, Math.Sqrt(variance / seeds), maxAbs);
    }

    [Fact]
    public void A_score_plus_skew_field_has_zero_mean_loss_with_the_rademacher_probe()
    {
        var (mean, se, _) = BatchMeans(Rademacher, kde => LossTestData.ScorePlusSkew(kde), 200);
        Assert.True(se > 0 && Math.Abs(mean) < 3 * se, $"mean {mean} ± {se}");
    }

    [Fact]
    public void A_score_plus_skew_field_has_exactly_zero_loss_with_the_exact_divergence()
    {
        var (mean, se, maxAbs) = BatchMeans(Exact, kde => LossTestData.ScorePlusSkew(kde), 100);
        Assert.True(maxAbs < 1e-9, $"max |loss| {maxAbs:E2}");
        Assert.True(Math.Abs(mean) <= 3 * se + 1e-12, $"mean {mean} ± {se}");
    }

    [Theory]
    [InlineData("constant drift")]
    [InlineData("half score")]
    public void A_field_that_breaks_stationarity_has_a_clearly_positive_mean_loss(string kind)
    {
        Func<BatchKde, Func<Tensor, Tensor>> field = kind == "constant drift"
            ? kde => LossTestData.ScorePlusConstant(kde, 0.7, -0.3)
            : kde => LossTestData.ScaledScore(kde, 0.5);
        foreach (var loss in new[] { Exact, Rademacher })
        {
            var (mean, se, _) = BatchMeans(loss, field, 100);
            Assert.True(mean > 5 * se, $"{kind}: mean {mean} ± {se}");
        }
    }
}
