namespace FluxMatching.Tests.Training;

using FluxMatching.Models;
using FluxMatching.Training;

public class TrainerTests
{
    private static FluxModel SmallRing(LossKind loss = LossKind.Flux) =>
        new(new FluxModelConfig { Data = "ring", Hidden = 16, Depth = 2, Loss = loss }, seed: 1);

    private static TrainerOptions Quick(int steps) => new() { Steps = steps, Batch = 32, ProgressEvery = 1 };

    private static Tensor[] Snapshot(FluxModel m) => m.Field.parameters().Select(p => p.detach().clone()).ToArray();

    [Fact]
    public void Training_continues_the_step_count_and_loss_history()
    {
        using var model = SmallRing();
        var first = Trainer.Train(model, Quick(3));
        var second = Trainer.Train(model, Quick(2));
        Assert.Equal(StopReason.Completed, first.Reason);
        Assert.Equal(5, model.StepsTrained);
        Assert.Equal(5, model.LossHistory.Count);
        Assert.Equal(2, second.Losses.Count);
        Assert.All(model.LossHistory, l => Assert.True(double.IsFinite(l)));
    }

    [Fact]
    public void A_non_finite_loss_stops_training_without_touching_the_parameters()
    {
        using var model = SmallRing();
        Trainer.Train(model, Quick(2));
        var before = Snapshot(model);
        var result = Trainer.Train(model, Quick(5) with { ExtraLoss = (_, x) => torch.tensor(double.NaN, x.dtype) });
        Assert.Equal(StopReason.NonFinite, result.Reason);
        Assert.Equal(0, result.StepsCompleted);
        Assert.Equal(2, model.StepsTrained);
        Assert.Contains("last finite parameters", result.Message);
        foreach (var (b, p) in before.Zip(model.Field.parameters()))
        {
            Assert.True(b.eq(p).all().item<bool>());
        }
    }

    [Fact]
    public void Cancellation_stops_after_the_current_step_and_keeps_the_model()
    {
        using var model = SmallRing();
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Step == 3) { cts.Cancel(); } });
        var result = Trainer.Train(model, Quick(50), progress, cts.Token);
        Assert.Equal(StopReason.Cancelled, result.Reason);
        Assert.Equal(3, result.StepsCompleted);
        Assert.Equal(3, model.StepsTrained);
        using var s = model.Sample(new SamplingRequest { N = 10, Steps = 5 }).Samples;
        Assert.Equal(new long[] { 10, 2 }, s.shape);
    }

    [Fact]
    public void Invalid_options_name_the_option_and_the_allowed_range()
    {
        using var model = SmallRing();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Train(model, Quick(1) with { Batch = 1 }));
        Assert.Equal("Batch", e.ParamName);
        Assert.Contains("≥ 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Train(model, Quick(1) with { LearningRate = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Train(model, Quick(1) with { EmaDecay = 1.0 }));
    }

    [Fact]
    public void Gradient_clipping_and_warmup_still_train()
    {
        using var model = SmallRing(LossKind.Dsm);
        var result = Trainer.Train(model, Quick(4) with { GradientClipNorm = 0.5, WarmupSteps = 10 });
        Assert.Equal(4, result.StepsCompleted);
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
