namespace FluxMatching.Tests.RnaVelocity;

using FluxMatching.RnaVelocity;

public class SplicingSimulatorTests
{
    private static readonly SplicingSimulatorOptions Small = new() { Genes = 8, Cells = 240, Seed = 3 };

    [Theory]
    [InlineData(0.0, 0.0, 2.0, 1.3, 0.4, 0.7)]
    [InlineData(1.5, 3.0, 0.0, 0.6, 1.1, 2.5)]
    public void The_exact_step_agrees_with_a_fine_numerical_integration(double u0, double s0, double alpha,
        double beta, double gamma, double tau)
    {
        var (u, s) = SplicingSimulator.Advance(u0, s0, alpha, beta, gamma, tau);
        double eu = u0, es = s0;
        int steps = 200_000;
        double h = tau / steps;
        for (int k = 0; k < steps; k++)
        {
            // Midpoint (RK2) integration of du = α − βu, ds = βu − γs.
            double mu = eu + 0.5 * h * (alpha - beta * eu), ms = es + 0.5 * h * (beta * eu - gamma * es);
            eu += h * (alpha - beta * mu);
            es += h * (beta * mu - gamma * ms);
        }

        Assert.Equal(eu, u, 8);
        Assert.Equal(es, s, 8);
    }

    [Fact]
    public void The_true_velocity_is_the_time_derivative_of_the_noise_free_state()
    {
        // Gene 1 (induced on the trunk) at t = 6 on branch A: central difference of s(t) against β·u − γ·s.
        double alpha = 2.0, beta = 1.2, gamma = 0.5, switchAt = 2.0, t = 6.0, h = 1e-5;
        var (u, s) = SplicingSimulator.State(1, t, 0, alpha, beta, gamma, switchAt);
        double ds = (SplicingSimulator.State(1, t + h, 0, alpha, beta, gamma, switchAt).S
                     - SplicingSimulator.State(1, t - h, 0, alpha, beta, gamma, switchAt).S) / (2 * h);
        Assert.Equal(beta * u - gamma * s, ds, 7);
        Assert.True(ds > 0);
    }

    [Fact]
    public void The_true_velocity_is_on_the_scale_of_the_moments_the_methods_see()
    {
        // The kinetics with the true rates, evaluated on the smoothed moments Mu/Ms (what every method sees), must agree
        // with the true velocity (evaluated on the noise-free state): this catches a truth in other units, with the
        // other sign, or at other cells than the moments. Seen: cos 0.958, sign 0.881 at 60 genes, 1,200 cells, seed 0.
        var sim = SplicingSimulator.Simulate(new SplicingSimulatorOptions { Genes = 24, Cells = 600, Seed = 0 });
        var d = sim.Data;
        var oracle = new double[d.Cells, d.Genes];
        var flipped = new double[d.Cells, d.Genes];
        for (int c = 0; c < d.Cells; c++)
        {
            for (int j = 0; j < d.Genes; j++)
            {
                oracle[c, j] = sim.Beta[j] * d.Mu[c, j] - sim.Gamma[j] * d.Ms[c, j];
                flipped[c, j] = -oracle[c, j];
            }
        }

        var (cos, sign) = VelocityMetrics.AgreementWithTruth(oracle, sim.TrueVelocity);
        Assert.InRange(cos, 0.85, 1.0);
        Assert.InRange(sign, 0.75, 1.0);
        Assert.True(VelocityMetrics.AgreementWithTruth(flipped, sim.TrueVelocity).MeanCosine < -0.85);
    }

    [Fact]
    public void A_simulation_is_reproducible_from_its_seed_and_has_every_cluster_and_edge()
    {
        var a = SplicingSimulator.Simulate(Small);
        var b = SplicingSimulator.Simulate(Small);
        var c = SplicingSimulator.Simulate(Small with { Seed = 4 });
        Assert.Equal(a.Data.Ms.Cast<double>(), b.Data.Ms.Cast<double>());
        Assert.NotEqual(a.Data.Ms.Cast<double>(), c.Data.Ms.Cast<double>());
        Assert.Equal(240, a.Data.Cells);
        Assert.Equal(8, a.Data.Genes);
        var clusters = a.Data.Clusters.Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["A-early", "A-late", "B-early", "B-late", "Intermediate", "Progenitor"], clusters);
        Assert.All(a.Data.Edges, e => Assert.Contains(e.From, clusters));
        Assert.All(a.Data.Neighbors, n => Assert.Equal(29, n.Length));
        Assert.All(a.Beta.Zip(a.Gamma), p => Assert.True(Math.Abs(p.First - p.Second) >= 0.05));
    }

    [Fact]
    public void Moments_are_neighbourhood_means_of_the_counts()
    {
        var sim = SplicingSimulator.Simulate(Small);
        // Ms is a convex combination of spliced counts: it lies within each gene's range and is smoother.
        for (int j = 0; j < sim.Data.Genes; j++)
        {
            var counts = Enumerable.Range(0, sim.Data.Cells).Select(c => sim.Spliced[c, j]).ToArray();
            var moments = Enumerable.Range(0, sim.Data.Cells).Select(c => sim.Data.Ms[c, j]).ToArray();
            Assert.InRange(moments.Min(), counts.Min() - 1e-12, counts.Max() + 1e-12);
            Assert.True(Variance(moments) <= Variance(counts) + 1e-12);
        }
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SplicingSimulator.Simulate(new SplicingSimulatorOptions { Genes = 2 }));
        Assert.Equal("Genes", e.ParamName);
    }

    private static double Variance(double[] v)
    {
        double m = v.Average();
        return v.Average(x => (x - m) * (x - m));
    }
}
