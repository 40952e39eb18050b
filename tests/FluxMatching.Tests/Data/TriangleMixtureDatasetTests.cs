namespace FluxMatching.Tests.Data;

using FluxMatching.Data;

public class TriangleMixtureDatasetTests
{
    // The authors' exp1 (experiments/exp1_controllable/test.py, float64): closed-form values at (0.3, −0.2), (1, 1), (−2, 0.5).
    private static readonly double[,] Points = { { 0.3, -0.2 }, { 1, 1 }, { -2, 0.5 } };
    private static readonly double[,] GoldenScore =
    {
        { 1.6499214028004014, -0.9683364157605826 },
        { -1.318716778524667, 1.591138585007183 },
        { 0.09666505189924983, -2.495165069606349 },
    };
    private static readonly double[] GoldenLogDensity = [-5.235290998206605, -4.525754182887411, -4.617947269420777];

    [Fact]
    public void Score_matches_the_exp1_golden_values()
    {
        using var scope = torch.NewDisposeScope();
        using var triangle = new TriangleMixtureDataset();
        var score = triangle.Score(torch.tensor(Points, ScalarType.Float64)).data<double>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(GoldenScore[i, j], score[(i * 2) + j], 1e-12);
            }
        }
    }

    [Fact]
    public void Log_density_matches_the_exp1_golden_values()
    {
        using var scope = torch.NewDisposeScope();
        using var triangle = new TriangleMixtureDataset();
        var logp = triangle.LogDensity(torch.tensor(Points, ScalarType.Float64)).data<double>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(GoldenLogDensity[i], logp[i], 1e-12);
        }
    }

    [Fact]
    public void Parameters_are_the_exp1_constants()
    {
        using var triangle = new TriangleMixtureDataset();
        Assert.Equal(0.625, triangle.Variance, 1e-15);
        var means = triangle.Means;
        Assert.Equal(0.0, means[0, 0], 1e-15);
        Assert.Equal(2.3, means[0, 1], 1e-15);
        Assert.Equal(-1.99186, means[1, 0], 1e-5);
        Assert.Equal(-1.15, means[1, 1], 1e-12);
        Assert.Equal(1.99186, means[2, 0], 1e-5);
        Assert.All(triangle.Weights, w => Assert.Equal(1.0 / 3, w, 1e-15));
    }

    [Fact]
    public void Samples_have_the_mixture_mean_and_covariance()
    {
        using var scope = torch.NewDisposeScope();
        using var triangle = new TriangleMixtureDataset();
        var x = triangle.Sample(60000, new torch.Generator(123), dtype: ScalarType.Float64);
        // mean 0 (centres sum to 0); covariance v·I + (1/3)Σ c cᵀ = (0.625 + 2.3²/2)·I
        Assert.Equal(0.0, x.mean(new long[] { 0 }).abs().max().item<double>(), 0.03);
        var cov = x.T.matmul(x).div(x.shape[0]);
        double expected = 0.625 + (2.3 * 2.3 / 2);
        Assert.Equal(expected, cov[0, 0].item<double>(), 0.06);
        Assert.Equal(expected, cov[1, 1].item<double>(), 0.06);
        Assert.Equal(0.0, cov[0, 1].item<double>(), 0.06);
    }
}
