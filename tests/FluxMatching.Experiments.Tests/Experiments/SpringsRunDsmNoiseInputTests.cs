namespace FluxMatching.Tests.Experiments;

using FluxMatching.Experiments;
using FluxMatching.Fields;
using FluxMatching.Sampling;
using FluxMatching.Springs;
using FluxMatching.Tests.Losses;

// SpringsRun seeds torch's global generator for the parameter initialisation.
[Collection(GlobalRngCollection.Name)]
public class SpringsRunDsmNoiseInputTests
{
    private static SpringsRunOptions Tiny(SpringsObjective objective, bool sigmaSquared) => new()
    {
        Objective = objective,
        Field = new TransformerFieldConfig { SequenceLength = 5, Hidden = 8, Depth = 1, Heads = 2 },
        Steps = 1,
        BatchSize = 4,
        EvaluationSamples = 6,
        Sampler = new ProbabilityFlowOdeOptions { Steps = 6 },
        Seed = 3,
        DsmFieldTakesSigmaSquared = sigmaSquared,
    };

    [Fact]
    public void The_authors_dsm_setting_changes_the_dsm_training_step_and_leaves_flux_alone()
    {
        using var data = SpringsDataset.Simulate(new SpringConfig { Trajectories = 10, Horizon = 5 }, new torch.Generator(11));
        double FirstLoss(SpringsObjective objective, bool sigmaSquared)
        {
            using var run = new SpringsRun(data, Tiny(objective, sigmaSquared));
            return run.Step();
        }

        double dsm = FirstLoss(SpringsObjective.Dsm, false);
        Assert.Equal(dsm, FirstLoss(SpringsObjective.Dsm, false));          // the same seed gives the same step
        Assert.NotEqual(dsm, FirstLoss(SpringsObjective.Dsm, true));        // the field sees σ² instead of σ
        Assert.Equal(FirstLoss(SpringsObjective.Flux, false), FirstLoss(SpringsObjective.Flux, true));
    }
}
