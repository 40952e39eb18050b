namespace FluxMatching.Tests.Experiments;

using FluxMatching.Experiments;
using FluxMatching.Tests.Losses;

// FluxModel seeds torch's global generator for the parameter initialisation.
[Collection(GlobalRngCollection.Name)]
public class FastMixingToyTests
{
    private static FastMixingToyOptions Tiny => new()
    {
        Seeds = [3], PretrainSteps = 4, PretrainBatch = 32, Steps = 3, Batch = 16, Hidden = 8, EvaluationBatch = 32,
        EvaluationBatches = 2,
    };

    [Fact]
    public void A_tiny_run_gives_one_arm_with_and_one_without_the_term_per_seed_with_finite_grid_metrics()
    {
        var lines = new List<string>();
        var r = FastMixingToy.Run(Tiny, new SyncProgress(lines));
        Assert.Equal(0.06183951593175084, r.ScoreMixingSpeed, 10);
        Assert.True(double.IsFinite(r.ScoreFluxLoss));
        Assert.Equal(2, r.Runs.Count);
        Assert.Single(r.WithMixing);
        Assert.Single(r.Control);
        Assert.All(r.Runs, run =>
        {
            Assert.Equal(3, run.Seed);
            Assert.True(run.MixingSpeed > 0 && double.IsFinite(run.MixingSpeed));
            Assert.True(double.IsFinite(run.FluxLoss) && run.FluxLossStandardError >= 0);
            Assert.True(run.DistributionViolation > 0 && run.DistanceFromScore > 0);
            Assert.True(double.IsFinite(run.FinalLoss));
        });
        // The shared flux-only phase, then different objectives: the two trained fields differ.
        Assert.NotEqual(r.WithMixing[0].MixingSpeed, r.Control[0].MixingSpeed);
        Assert.Equal(2, lines.Count);
        // The fields on the plotting grid, for streamlines: the score's and each run's, finite.
        Assert.Equal(49, r.Score.Xs.Length);
        Assert.All(r.Runs, run => Assert.True(run.Field!.U.Cast<double>().All(double.IsFinite)));
        Assert.NotEqual(r.WithMixing[0].Field!.U[10, 10], r.Control[0].Field!.U[10, 10]);
    }

    [Fact]
    public void With_UseEma_the_runs_evaluate_the_parameter_average_instead_of_the_last_step()
    {
        var last = FastMixingToy.Run(Tiny);
        var ema = FastMixingToy.Run(Tiny with { UseEma = true });
        Assert.Equal(last.ScoreMixingSpeed, ema.ScoreMixingSpeed);
        // Same seed and draws; the arms start from the shared phase's average and are evaluated at their own.
        Assert.NotEqual(last.Control[0].MixingSpeed, ema.Control[0].MixingSpeed);
        Assert.NotEqual(last.Control[0].Field!.U[10, 10], ema.Control[0].Field!.U[10, 10]);
        Assert.All(ema.Runs, run => Assert.True(double.IsFinite(run.MixingSpeed) && run.DistributionViolation > 0));
    }

    [Fact]
    public void Invalid_settings_are_refused_with_the_setting_named()
    {
        Assert.Equal("Mixing", Assert.Throws<ArgumentOutOfRangeException>(() => FastMixingToy.Run(Tiny with { Mixing = 0 })).ParamName);
        Assert.Equal("Seeds", Assert.Throws<ArgumentOutOfRangeException>(() => FastMixingToy.Run(Tiny with { Seeds = [] })).ParamName);
    }

    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
