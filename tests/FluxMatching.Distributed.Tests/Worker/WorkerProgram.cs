namespace FluxMatching.Distributed.Tests.Worker;

using System.Text.Json;
using FluxMatching.Models;
using FluxMatching.Training;

/// <summary>
/// The program the tests start under <c>mpiexec -n N</c> (<c>dotnet FluxMatching.Distributed.Tests.dll SCENARIO
/// OUT</c>); each rank writes <c>OUT/rank{r}.json</c>. <c>bench CONFIG STEPS THREADS</c> prints rank 0's throughput
/// (docs/performance.md).
/// </summary>
public static class WorkerProgram
{
    public static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: SCENARIO OUT | bench CONFIG STEPS THREADS");
            return 2;
        }
        return MpiJob.Run(mpi =>
        {
            torch.set_num_threads(args[0] == "bench" ? int.Parse(args[3]) : 1);
            return args[0] switch
            {
                "step" => Step(mpi, args[1]),
                "replicas" => Replicas(mpi, args[1]),
                "throw" => Throw(mpi),
                "diverge" => Diverge(mpi),
                "bench" => DistributedBench.Run(mpi, args[1], int.Parse(args[2]), int.Parse(args[3])),
                _ => throw new ArgumentException($"unknown scenario '{args[0]}'"),
            };
        }, checksumEvery: 10);
    }

    /// <summary>One float64 step; records the parameters before and after and the summed gradient buffer.</summary>
    private static int Step(MpiGradientReducer mpi, string output)
    {
        using var model = Scenarios.SmallModel();
        var before = Scenarios.Flatten(model);
        var recording = new RecordingReducer(mpi);
        var result = Trainer.Train(model, Scenarios.StepOptions(recording));
        Write(output, mpi.Rank, new StepRecord(mpi.Rank, mpi.Size, before, recording.LastSum, Scenarios.Flatten(model), result.Losses[0]));
        return 0;
    }

    /// <summary>25 float32 steps with a checkpoint (rank 0 alone writes it), then every rank resumes from rank 0's
    /// checkpoint for 25 more; records the final parameters.</summary>
    private static int Replicas(MpiGradientReducer mpi, string output)
    {
        var config = new FluxModelConfig { Data = "ring", Hidden = 32, Depth = 2, Sigma2 = 0.05 };
        var options = new TrainerOptions
        {
            Steps = 25, Batch = 128, Seed = Scenarios.Seed, GradientReducer = mpi, CheckpointEvery = 25,
            CheckpointPath = Path.Combine(output, $"checkpoint-rank{mpi.Rank}.pt"),
        };
        using (var model = new FluxModel(config, Scenarios.Seed))
        {
            Trainer.Train(model, options);
        }

        mpi.Barrier();
        using var resumed = Checkpoint.Load(Path.Combine(output, "checkpoint-rank0.pt"));
        var result = Trainer.Train(resumed, options with { CheckpointEvery = 0 });
        Write(output, mpi.Rank, new StepRecord(mpi.Rank, mpi.Size, [], [], Scenarios.Flatten(resumed), result.Losses[^1], resumed.StepsTrained));
        return 0;
    }

    /// <summary>Rank 1 throws at step 3 while rank 0 waits in the all-reduce.</summary>
    private static int Throw(MpiGradientReducer mpi)
    {
        using var model = Scenarios.SmallModel();
        Trainer.Train(model, new TrainerOptions
        {
            Steps = 1000, Batch = 32, Seed = Scenarios.Seed, GradientReducer = mpi,
            ExtraLoss = (m, x) => mpi.Rank == 1 && m.StepsTrained == 3
                ? throw new InvalidOperationException("injected failure on rank 1 at step 3")
                : zeros([], x.dtype),
        });
        return 0;
    }

    /// <summary>Rank 1 nudges one parameter before step 5; the checksum of step 10 must catch it.</summary>
    private static int Diverge(MpiGradientReducer mpi)
    {
        using var model = Scenarios.SmallModel();
        using var session = new TrainingSession(model, new TrainerOptions { Batch = 32, Seed = Scenarios.Seed, GradientReducer = mpi });
        for (int step = 0; step < 1000; step++)
        {
            if (mpi.Rank == 1 && step == 4)
            {
                using var _ = no_grad();
                model.TrainableParameters()[0].add_(1e-3);
            }

            session.Step();
        }

        return 0;
    }

    private static void Write(string output, int rank, StepRecord record) =>
        File.WriteAllText(Path.Combine(output, $"rank{rank}.json"), JsonSerializer.Serialize(record));
}
