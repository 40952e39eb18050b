namespace FluxMatching.Tests.Experiments;

using FluxMatching.Experiments;
using FluxMatching.Fields;
using FluxMatching.Sampling;
using FluxMatching.Springs;
using FluxMatching.Tests.Losses;

// SpringsRun seeds torch's global generator for the parameter initialisation.
[Collection(GlobalRngCollection.Name)]
public class SpringsRunTests
{
    private static SpringsDataset TinyData() =>
        SpringsDataset.Simulate(new SpringConfig { Trajectories = 10, Horizon = 5 }, new torch.Generator(11));

    private static SpringsRunOptions Tiny(SpringsObjective objective, bool causal = false) => new()
    {
        Objective = objective,
        Field = new TransformerFieldConfig { SequenceLength = 5, Hidden = 8, Depth = 1, Heads = 2, Causal = causal },
        Steps = 3,
        BatchSize = 4,
        EvaluateEvery = 2,
        EvaluationSamples = 6,
        Sampler = new ProbabilityFlowOdeOptions { Steps = 6 },
        Seed = 5,
    };

    [Fact]
    public void Ema_moves_one_percent_of_the_way_to_the_updated_field_each_step()
    {
        using var data = TinyData();
        using var run = new SpringsRun(data, Tiny(SpringsObjective.Dsm));
        using var scope = torch.NewDisposeScope();
        var before = run.Ema.parameters().Select(p => p.detach().clone()).ToArray();
        Assert.All(before.Zip(run.Field.parameters()), t => Assert.True(t.First.allclose(t.Second, rtol: 0, atol: 0)));
        double loss = run.Step();
        Assert.True(double.IsFinite(loss) && loss > 0, $"loss {loss}");
        var field = run.Field.parameters().ToArray();
        Assert.True(field.Zip(before).Any(t => !t.First.allclose(t.Second)), "the step changed no field parameter");
        foreach (var (e, (b, p)) in run.Ema.parameters().Zip(before.Zip(field)))
        {
            Assert.True(e.allclose(b.mul(0.99).add(p.detach().mul(0.01)), rtol: 1e-5, atol: 1e-7));
        }

        Assert.Equal(1, run.StepsTrained);
    }

    [Fact]
    public void A_flux_step_updates_the_field_the_normalizer_and_the_proposal()
    {
        using var data = TinyData();
        using var run = new SpringsRun(data, Tiny(SpringsObjective.Flux, causal: true));
        Assert.NotNull(run.Normalizer);
        Assert.NotNull(run.Proposal);
        using var scope = torch.NewDisposeScope();
        var modules = new torch.nn.Module[] { run.Field, run.Normalizer!, run.Proposal! };
        var before = modules.Select(m => m.parameters().Select(p => p.detach().clone()).ToArray()).ToArray();
        Assert.True(double.IsFinite(run.Step()));
        for (int m = 0; m < modules.Length; m++)
        {
            Assert.True(modules[m].parameters().Zip(before[m]).Any(t => !t.First.allclose(t.Second)), $"module {m} unchanged");
        }
    }

    [Fact]
    public void Train_evaluates_every_k_steps_and_at_the_end_and_can_continue()
    {
        using var data = TinyData();
        using var run = new SpringsRun(data, Tiny(SpringsObjective.Dsm), name: "tiny");
        var reported = new List<W2Evaluation>();
        var result = run.Train(progress: new SyncProgress(reported));
        Assert.Equal("tiny", result.Name);
        Assert.Equal(3, result.StepsCompleted);
        Assert.Equal(3, result.Losses.Count);
        Assert.Equal([2, 3], result.Evaluations.Select(e => e.Step));
        Assert.Equal(result.Evaluations, reported);
        Assert.All(result.Evaluations, e => Assert.True(e.W2 > 0 && double.IsFinite(e.W2)));
        Assert.Equal(result.Evaluations.MinBy(e => e.W2), result.Best);
        var more = run.Train(steps: 2);
        Assert.Equal([2, 3, 4, 5], more.Evaluations.Select(e => e.Step));
        Assert.Equal(5, run.LossHistory.Count);
    }

    [Fact]
    public void Runs_with_the_same_seed_are_identical()
    {
        using var data = TinyData();
        double[] Losses(SpringsObjective objective)
        {
            using var run = new SpringsRun(data, Tiny(objective) with { EvaluateEvery = 0 });
            run.Train(steps: 3);
            return [.. run.LossHistory, run.Evaluations[^1].W2];
        }

        Assert.Equal(Losses(SpringsObjective.Flux), Losses(SpringsObjective.Flux));
        Assert.Equal(Losses(SpringsObjective.Dsm), Losses(SpringsObjective.Dsm));
    }

    [Fact]
    public void Default_names_say_objective_and_mask()
    {
        using var data = TinyData();
        using var dsm = new SpringsRun(data, Tiny(SpringsObjective.Dsm));
        using var flux = new SpringsRun(data, Tiny(SpringsObjective.Flux, causal: true));
        Assert.Equal("DSM", dsm.Name);
        Assert.Equal("Flux causal", flux.Name);
    }

    [Fact]
    public void Sample_returns_standardised_trajectories_of_the_data_shape()
    {
        using var data = TinyData();
        using var run = new SpringsRun(data, Tiny(SpringsObjective.Dsm));
        using var samples = run.Sample(3, new torch.Generator(1));
        Assert.Equal(new long[] { 3, 5, 4 }, samples.shape);
    }

    [Fact]
    public void Mismatched_data_and_too_many_evaluation_samples_are_rejected()
    {
        using var data = TinyData();
        var wrongLength = Tiny(SpringsObjective.Dsm) with { Field = new TransformerFieldConfig { SequenceLength = 6, Hidden = 8, Heads = 2 } };
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => new SpringsRun(data, wrongLength)).ParamName);
        var tooMany = Tiny(SpringsObjective.Dsm) with { EvaluationSamples = 11 };
        Assert.Equal("options.EvaluationSamples",
            Assert.Throws<ArgumentOutOfRangeException>(() => new SpringsRun(data, tooMany)).ParamName);
    }

    private sealed class SyncProgress(List<W2Evaluation> sink) : IProgress<W2Evaluation>
    {
        public void Report(W2Evaluation value) => sink.Add(value);
    }
}
