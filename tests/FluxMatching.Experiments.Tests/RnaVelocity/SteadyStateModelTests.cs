namespace FluxMatching.Tests.RnaVelocity;

using FluxMatching.RnaVelocity;

public class SteadyStateModelTests
{
    [Fact]
    public void Gamma_is_the_slope_of_the_extreme_cells_and_ignores_the_middle()
    {
        int n = 200;
        var mu = new double[n, 1];
        var ms = new double[n, 1];
        for (int c = 0; c < n; c++)
        {
            double s = c / (double)(n - 1);
            ms[c, 0] = s;
            // Extreme cells on u = 0.4·s; the middle below the line (repressed, transient cells).
            mu[c, 0] = s < 0.1 || s > 0.9 ? 0.4 * s : Math.Max(0.4 * s - 0.1, 0);
        }

        var gamma = SteadyStateModel.FitGamma(mu, ms);
        Assert.Equal(0.4, gamma[0], 12);
        var v = SteadyStateModel.Velocity(mu, ms, gamma);
        Assert.Equal(0.0, v[n - 1, 0], 12);
        Assert.Equal(-0.1, v[n / 2, 0], 12);
    }

    [Fact]
    public void The_percentile_interpolates_like_numpy()
    {
        Assert.Equal(1.3, SteadyStateModel.Percentile([1, 2, 3, 4], 10), 12);
        Assert.Equal(3.85, SteadyStateModel.Percentile([4, 1, 3, 2], 95), 12);
    }
}
