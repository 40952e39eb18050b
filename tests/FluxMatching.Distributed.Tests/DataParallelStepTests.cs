namespace FluxMatching.Distributed.Tests;

using System.Text.Json;
using FluxMatching.Distributed.Tests.Support;
using FluxMatching.Distributed.Tests.Worker;
using FluxMatching.Training;

public class DataParallelStepTests
{
    [MpiFact]
    public void One_step_on_two_ranks_equals_the_two_per_rank_micro_batches_averaged_in_one_process()
    {
        var dir = Directory.CreateTempSubdirectory("flux-mpi-step-").FullName;
        var run = MpiLauncher.Run(2, TimeSpan.FromMinutes(3), "step", dir);
        Assert.True(run.ExitCode == 0, $"mpiexec exit {run.ExitCode?.ToString() ?? "none (timed out)"}:\n{run.Output}");
        var ranks = Enumerable.Range(0, 2).Select(r => JsonSerializer.Deserialize<StepRecord>(File.ReadAllText(Path.Combine(dir, $"rank{r}.json")))!).ToArray();

        // In one process: rank r's micro-batch is a plain session seeded with seed + r; keep its gradient and loss
        // (torch.optim.Adam leaves the gradients in place).
        var gradients = new double[2][];
        var losses = new double[2];
        double[] initial = [];
        for (int r = 0; r < 2; r++)
        {
            using var model = Scenarios.SmallModel();
            initial = Scenarios.Flatten(model);
            using var session = new TrainingSession(model, Scenarios.StepOptions(null) with { Seed = Scenarios.Seed + r, FusedAdam = false });
            losses[r] = session.Step().Loss;
            gradients[r] = model.TrainableParameters().SelectMany(p => p.grad!.reshape(-1).data<double>().ToArray()).ToArray();
        }
        Assert.True(MaxDifference(gradients[0], gradients[1]) > 1e-4, "the two ranks' micro-batches must differ");
        var mean = gradients[0].Zip(gradients[1], (a, b) => (a + b) / 2).ToArray();

        // The expected update: torch.optim.Adam's first step on the averaged gradient.
        using var reference = Scenarios.SmallModel();
        reference.to(ScalarType.Float64);
        using (var flat = tensor(mean, ScalarType.Float64))
        {
            long offset = 0;
            foreach (var p in reference.TrainableParameters())
            {
                p.grad = flat.narrow(0, offset, p.numel()).view(p.shape).clone();
                offset += p.numel();
            }
        }
        using (var adam = optim.Adam(reference.TrainableParameters(), Scenarios.StepOptions(null).LearningRate))
        {
            adam.step();
        }

        var expected = Scenarios.Flatten(reference);

        int n = mean.Length;
        foreach (var rank in ranks)
        {
            Assert.Equal(2, rank.Size);
            Assert.Equal(initial, rank.Before);                        // same initialization on every rank
            Assert.Equal(n + 1, rank.Summed.Length);                   // one flat buffer: gradients and the loss
            double gradientError = MaxDifference(rank.Summed[..n], gradients[0].Zip(gradients[1], (a, b) => a + b).ToArray());
            Assert.True(gradientError < 1e-10, $"rank {rank.Rank}: summed gradients differ by {gradientError:G3}");
            Assert.Equal(losses[0] + losses[1], rank.Summed[n], 1e-10);
            Assert.Equal((losses[0] + losses[1]) / 2, rank.Loss, 1e-10);
            Assert.True(MaxDifference(rank.After, expected) < 1e-10, $"rank {rank.Rank}: parameters differ by {MaxDifference(rank.After, expected):G3} (gradients by {gradientError:G3})");
            Assert.True(MaxDifference(rank.After, initial) > 1e-4, "the step must move the parameters");
        }
    }

    private static double MaxDifference(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
    }
}
