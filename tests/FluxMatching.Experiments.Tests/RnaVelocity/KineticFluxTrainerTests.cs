namespace FluxMatching.Tests.RnaVelocity;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.RnaVelocity;
using static TorchSharp.torch;

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
    public void A_last_batch_of_one_cell_is_kept_as_the_authors_data_loader_does()
    {
        var sim = SplicingSimulator.Simulate(new SplicingSimulatorOptions { Genes = 4, Cells = 81, Seed = 2, Neighbors = 10 });
        var fit = KineticFluxTrainer.Fit(sim.Data.Mu, sim.Data.Ms, new KineticTrainingOptions { Epochs = 2, Batch = 40 });
        Assert.Equal(6, fit.Losses.Count);   // 40, 40, 1 per epoch: ⌈81/40⌉ = 3 steps
        Assert.All(fit.Losses, l => Assert.True(double.IsFinite(l)));
    }

    [Fact]
    public void The_same_seed_gives_the_same_fit_and_another_seed_another()
    {
        var sim = SplicingSimulator.Simulate(new SplicingSimulatorOptions { Genes = 4, Cells = 60, Seed = 4, Neighbors = 10 });
        KineticFit Run(long seed) => KineticFluxTrainer.Fit(sim.Data.Mu, sim.Data.Ms,
            new KineticTrainingOptions { Epochs = 2, Batch = 32, Seed = seed, Dtype = ScalarType.Float64 });
        Assert.Equal(Run(5).Losses, Run(5).Losses);
        Assert.NotEqual(Run(5).Losses, Run(6).Losses);
    }

    [Fact]
    public void The_dsm_objective_is_sigma_squared_times_the_epsilon_regression_on_the_shuffled_batch()
    {
        const double sigma2 = 1e-2;
        var field = new KineticField(3);
        field.to(ScalarType.Float64);
        field.Load([0.3, -0.2, 0.1], [-0.4, 0.2, 0.0], [0.5, 0.1, -0.3], [0.2, -0.1, 0.4], [0.1, 0.0, -0.2]);
        using var cells = rand([10, 3, 2], ScalarType.Float64, generator: new Generator(11));
        using var shuffle = new Generator(1);
        using var draws = new Generator(2);
        using var trainable = new KineticTrainable(field, cells, 10, sigma2, KineticObjective.Dsm, shuffle, draws);
        var (objective, batch) = trainable.Compute();
        using var perm = randperm(10, generator: new Generator(1));
        Assert.Equal(cells.index_select(0, perm).data<double>().ToArray(), batch.data<double>().ToArray());
        using var noise = randn([10, 3, 2], ScalarType.Float64, generator: new Generator(2));
        var expected = DsmLoss.EpsilonPlain(z => field.Evaluate(z), batch, sigma2, noise).mean().ToDouble() * sigma2;
        Assert.Equal(expected, objective.ToDouble(), 12);
        Assert.True(objective.requires_grad);
    }

    [Fact]
    public void Dsm_training_takes_the_same_steps_and_lowers_its_loss_on_a_gaussian_cluster()
    {
        // Gaussian cells N(m, v) with v = σ² = 0.5: the smoothed score is −(x − m)/(v + σ²), rates of order 1 that the
        // kinetics can follow (γ ≈ β ≈ 1), so the ε-regression can fall from 2G = 8 at f ≈ 0 toward 8·v/(v + σ²) = 4.
        var mu = new double[200, 4];
        var ms = new double[200, 4];
        var rng = new Random(5);
        for (int c = 0; c < 200; c++)
        {
            for (int g = 0; g < 4; g++)
            {
                mu[c, g] = 3 + Math.Sqrt(0.5) * Normal(rng);
                ms[c, g] = 3 + Math.Sqrt(0.5) * Normal(rng);
            }
        }

        var o = new KineticTrainingOptions { Epochs = 30, Batch = 64, LearningRate = 5e-2, Sigma2 = 0.5, Dtype = ScalarType.Float64 };
        var fit = KineticFluxTrainer.Fit(mu, ms, o, objective: KineticObjective.Dsm);
        Assert.Equal(30 * 4, fit.Losses.Count);   // ⌈200/64⌉ = 4 steps per epoch
        double first = fit.Losses.Take(4).Average(), last = fit.Losses.TakeLast(20).Average();
        Assert.InRange(first, 6.0, 40.0);
        Assert.True(last < 0.9 * first, $"DSM loss: first epoch {first}, last 20 steps {last}");
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Fact]
    public void Mismatched_moments_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => KineticFluxTrainer.Fit(new double[5, 2], new double[5, 3]));
        Assert.Equal("mu", e.ParamName);
    }
}
