namespace FluxMatching.Tests.Reliability;

using System.Diagnostics;
using FluxMatching.Models;
using FluxMatching.Training;

/// <summary>
/// Interruptions: a process killed (SIGKILL) at many points of a checkpoint write, a cancelled training run, a
/// non-finite loss or gradient, and a run resumed from a checkpoint, which must continue bit-identically on the CPU.
/// </summary>
public sealed class InterruptionTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-interrupt-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_process_killed_while_writing_a_checkpoint_always_leaves_one_that_loads_and_equals_what_was_saved()
    {
        var path = Path.Combine(dir, "m.pt");
        var random = new Random(16);
        int midWrite = 0, kills = 12;
        var seen = new List<int>();
        for (int i = 0; i < kills; i++)
        {
            using (var child = StartWriter(path))
            {
                Thread.Sleep(random.Next(150, 1500));   // a different point of the save loop each time
                child.Kill();
                child.WaitForExit();
            }
            if (Directory.GetFiles(dir).Any(f => f.Contains(".tmp-", StringComparison.Ordinal) || f.EndsWith(Checkpoint.PreviousSuffix, StringComparison.Ordinal)))
            {
                midWrite++;
            }

            using var loaded = Checkpoint.Load(path);
            int k = loaded.StepsTrained;
            Assert.True(k >= 1, $"kill {i}: step {k}");
            Assert.Equal(Enumerable.Range(1, k).Select(v => (double)v), loaded.LossHistory);
            foreach (var p in loaded.parameters())
            {
                Assert.True(p.eq(k).all().item<bool>(), $"kill {i}: checkpoint of step {k} holds other values");
            }

            seen.Add(k);
            foreach (var leftover in Directory.GetFiles(dir).Where(f => f.Contains(".tmp-", StringComparison.Ordinal)))
            {
                File.Delete(leftover);
            }
        }
        // The kills landed inside saves (temporary or previous-weights files were left behind), not only between them.
        Assert.True(midWrite > 0, $"no kill landed inside a save (steps seen: {string.Join(", ", seen)})");
    }

    [Fact]
    public void Cancelling_training_keeps_the_last_completed_step()
    {
        using var cancelled = Small();
        using var reference = Small();
        using var cts = new CancellationTokenSource();
        var options = Options() with { Steps = 20, ProgressEvery = 1 };
        var result = Trainer.Train(cancelled, options, new OnProgress(p =>
        {
            if (p.Step == 5)
            {
                cts.Cancel();
            }
        }), cts.Token);
        Assert.Equal(StopReason.Cancelled, result.Reason);
        Assert.Equal(5, cancelled.StepsTrained);
        Assert.Contains("the model keeps the parameters of step 5", result.Message);
        Trainer.Train(reference, options with { Steps = 5 });
        AssertSameParameters(reference, cancelled);
    }

    [Theory]
    [InlineData("loss", "Stopped at step 4: the loss was NaN. The update was not applied; the model keeps the last finite parameters (step 3).")]
    [InlineData("gradient", "Stopped at step 4: the gradient norm was ∞")]
    public void A_non_finite_loss_or_gradient_rolls_back_and_stops_naming_the_step(string what, string expected)
    {
        using var model = Small();
        using var reference = Small();
        var options = Options() with
        {
            Steps = 10,
            ExtraLoss = (m, x) =>
            {
                if (m.StepsTrained != 3)
                {
                    return zeros(1, dtype: x.dtype).sum();
                }

                var p = m.Field.parameters().First();
                return what == "loss" ? (p.sum() * double.NaN) : (p - p.detach()).abs().sum().sqrt();
            },
        };
        var result = Trainer.Train(model, options);
        Assert.Equal(StopReason.NonFinite, result.Reason);
        Assert.StartsWith(expected.Replace("∞", "", StringComparison.Ordinal), result.Message);
        Assert.Equal(3, model.StepsTrained);
        Trainer.Train(reference, Options() with { Steps = 3 });
        AssertSameParameters(reference, model);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resuming_from_a_checkpoint_continues_bit_identically(bool annealed)
    {
        var config = new FluxModelConfig { Hidden = 16, Depth = 2, Annealed = annealed };
        var path = Path.Combine(dir, "run.pt");
        var at10 = Path.Combine(dir, "at10.pt");
        var options = Options() with { CheckpointEvery = 10, CheckpointPath = path, WarmupSteps = 15, GradientClipNorm = 5 };

        using var uninterrupted = new FluxModel(config, seed: 7);
        using (var session = new TrainingSession(uninterrupted, options))
        {
            Trainer.Train(session, 10);
            foreach (var suffix in new[] { "", ".json", TrainingState.Suffix })
            {
                File.Copy(path + suffix, at10 + suffix);
            }

            Trainer.Train(session, 10);
        }

        using var resumed = Checkpoint.Load(at10);
        Assert.Equal(10, resumed.StepsTrained);
        using (var session = TrainingSession.Resume(resumed, options, at10))
        {
            Trainer.Train(session, 10);
        }

        Assert.Equal(20, resumed.StepsTrained);
        Assert.Equal(uninterrupted.LossHistory, resumed.LossHistory);   // bit-equal doubles, steps 1–20
        AssertSameParameters(uninterrupted, resumed);                     // field, EMA, normalizer
    }

    [Fact]
    public void Resuming_with_a_training_state_from_another_step_is_refused()
    {
        var path = Path.Combine(dir, "run.pt");
        var options = Options() with { CheckpointEvery = 5, CheckpointPath = path };
        using var model = Small();
        using (var session = new TrainingSession(model, options))
        {
            Trainer.Train(session, 5);
            var state = File.ReadAllBytes(path + TrainingState.Suffix);
            Trainer.Train(session, 5);
            File.WriteAllBytes(path + TrainingState.Suffix, state);   // the state of step 5 beside the model of step 10
        }
        using var loaded = Checkpoint.Load(path);
        var e = Assert.Throws<InvalidDataException>(() => TrainingSession.Resume(loaded, options, path));
        Assert.Contains("is from step 5, the checkpoint from step 10", e.Message);
    }

    private static FluxModel Small() => new(new FluxModelConfig { Hidden = 8, Depth = 1 }, seed: 11);

    private static TrainerOptions Options() => new() { Steps = 10, Batch = 16, Seed = 3, Threads = 1 };

    private static void AssertSameParameters(FluxModel expected, FluxModel actual)
    {
        foreach (var ((name, p), (_, q)) in expected.named_parameters().Zip(actual.named_parameters()))
        {
            Assert.True(p.equal(q).all().item<bool>(), $"{name} differs");
        }
    }

    private static Process StartWriter(string path)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(CheckpointWriter).Assembly.Location);
        info.ArgumentList.Add("checkpoint-writer");
        info.ArgumentList.Add(path);
        var child = Process.Start(info)!;
        var ready = child.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(120)) || ready.Result != "ready")
        {
            child.Kill();
            Assert.Fail($"the checkpoint writer did not start: {child.StandardError.ReadToEnd()}");
        }
        return child;
    }

    private sealed class OnProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
