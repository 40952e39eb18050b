namespace FluxMatching.Tests.Fields;

using FluxMatching.Fields;
using FluxMatching.Sampling;

public class SkewScoreFieldTests
{
    [Fact]
    public void Field_is_score_plus_A_times_score()
    {
        using var scope = torch.NewDisposeScope();
        using var score = GaussianMixtureScoreField.Isotropic(new double[,] { { 1, 0, -1 }, { -1, 2, 0 } }, 0.8);
        var a = new double[,] { { 0, 0.5, -1.2 }, { -0.5, 0, 2.0 }, { 1.2, -2.0, 0 } };
        using var skew = new SkewScoreField(score, a);
        var x = torch.randn(10, 3, ScalarType.Float64, generator: new torch.Generator(1));
        var s = score.Evaluate(x);
        var expected = s.add(torch.tensor(a, ScalarType.Float64).matmul(s.T).T);
        Assert.True(skew.Evaluate(x).allclose(expected, rtol: 1e-14, atol: 1e-14));
        Assert.False(skew.Evaluate(x).allclose(s, rtol: 1e-3, atol: 1e-3));
    }

    [Fact]
    public void Non_skew_symmetric_matrix_is_rejected()
    {
        using var score = GaussianMixtureScoreField.Isotropic(new double[,] { { 0, 0 } }, 1);
        var ex = Assert.Throws<ArgumentException>(() => new SkewScoreField(score, new double[,] { { 0, 1 }, { 1, 0 } }));
        Assert.Equal("a", ex.ParamName);
        Assert.Throws<ArgumentException>(() => new SkewScoreField(score, new double[,] { { 0.1, 1 }, { -1, 0 } }));
        Assert.Throws<ArgumentException>(() => new SkewScoreField(score, new double[,] { { 0, 1, 0 }, { -1, 0, 0 }, { 0, 0, 0 } }));
    }

    [Fact]
    public void Skew_field_keeps_the_anisotropic_gaussian_stationary_under_Langevin()
    {
        // p = N(0, diag(1, 0.25)); f = (I + A)∇log p is a non-gradient field with the same stationary law. ULA with small
        // ε has a tiny discretisation bias; its exact stationary covariance Σ = MΣMᵀ + εI, M = I + ½ε(I + A)∇²log p, is
        // computed here by fixed-point iteration and must agree with the sampled covariance and be ≈ diag(1, 0.25).
        using var scope = torch.NewDisposeScope();
        using var score = new GaussianMixtureScoreField(new double[,] { { 0, 0 } }, new double[,] { { 1.0, 0.5 } });
        using var skew = SkewScoreField.Rotation2D(score, 1.5);
        const double eps = 0.02;
        var sampler = new LangevinSampler(new LangevinOptions { Steps = 1200, StepSize = eps });
        var x = sampler.Sample(skew, 10000, new torch.Generator(21), dtype: ScalarType.Float64).Samples;
        var cov = x.T.matmul(x).div(x.shape[0]).data<double>().ToArray();

        // (I + A)∇log p = −(I + A)·diag(1, 4)·x with A = [[0, −1.5], [1.5, 0]]
        double[,] m = { { 1 - (0.5 * eps * 1.0), 0.5 * eps * 1.5 * 4.0 }, { -0.5 * eps * 1.5 * 1.0, 1 - (0.5 * eps * 4.0) } };
        var sigma = new double[2, 2];
        for (int it = 0; it < 20000; it++)
        {
            var next = new double[2, 2];
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    double sum = i == j ? eps : 0;
                    for (int k = 0; k < 2; k++)
                    {
                        for (int l = 0; l < 2; l++)
                        {
                            sum += m[i, k] * sigma[k, l] * m[j, l];
                        }
                    }

                    next[i, j] = sum;
                }
            }

            sigma = next;
        }

        Assert.Equal(1.0, sigma[0, 0], 0.03);
        Assert.Equal(0.25, sigma[1, 1], 0.01);
        // sampling error of a variance from 10,000 draws: sd ≈ v·√(2/10000) = 0.014·v; allow 3.5 sd
        Assert.Equal(sigma[0, 0], cov[0], 0.05 * sigma[0, 0]);
        Assert.Equal(sigma[1, 1], cov[3], 0.05 * sigma[1, 1]);
        Assert.Equal(sigma[0, 1], cov[1], 4 * Math.Sqrt(sigma[0, 0] * sigma[1, 1] / 10000));
        Assert.Equal(1.0, cov[0], 0.08);
        Assert.Equal(0.25, cov[3], 0.02);
    }
}
