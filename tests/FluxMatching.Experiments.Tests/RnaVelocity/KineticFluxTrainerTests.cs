namespace FluxMatching.Tests.RnaVelocity;

using FluxMatching.RnaVelocity;

public class KineticFluxTrainerTests
{
    [Fact]
    public void Training_takes_one_step_per_batch_per_epoch_and_returns_the_kinetics_at_every_cell()
    {
        var sim = SplicingSimulator.Simulate(new SplicingSimulatorOptions { Genes = 4, Cells = 100, Seed = 1, Neighbors = 10 });
        var fit = KineticFluxTrainer.Fit(sim.Data.Mu, sim.Data.Ms, new KineticTrainingOptions { Epochs = 3, Batch = 40 });
        Assert.Equal(9, fit.Losses.Count);   // batches of 40, 40, 20 per epoch
        Assert.All(fit.Losses, l => Assert.True(double.IsFinite(l)));
        Assert.Equal(100, fit.Velocity.GetLength(0));
        Assert.Equal(4, fit.Velocity.GetLength(1));
        // The parameters moved from 0 (β = γ = ln 2 + 1e-6 at the start) by Adam steps of at most ~lr each.
        Assert.Contains(fit.Beta, b => Math.Abs(b - (Math.Log(2) + 1e-6)) > 1e-5);
        Assert.All(fit.Beta, b => Assert.InRange(b, Math.Log(2) - 0.01, Math.Log(2) + 0.01));
        for (int c = 0; c < 100; c++)
        {
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(fit.Beta[j] * sim.Data.Mu[c, j] - fit.Gamma[j] * sim.Data.Ms[c, j], fit.Velocity[c, j], 4);
            }
        }
    }

    [Fact]
    public void Mismatched_moments_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => KineticFluxTrainer.Fit(new double[5, 2], new double[5, 3]));
        Assert.Equal("mu", e.ParamName);
    }
}
