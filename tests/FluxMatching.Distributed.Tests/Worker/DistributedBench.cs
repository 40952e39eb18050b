namespace FluxMatching.Distributed.Tests.Worker;

using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxMatching.Data;
using FluxMatching.Models;
using FluxMatching.Training;

/// <summary>
/// Throughput of data-parallel training on the benchmark configurations of <c>flux bench</c> (ring2d, mnist-mlp,
/// unet-fmnist on Fashion-MNIST): median step time over the timed steps after 5 warm-up steps (1 for the U-Net), samples/s of all ranks together, the time inside the
/// all-reduce per step (which includes waiting for the slower rank), and the same all-reduce alone after a barrier.
/// Rank 0 prints one JSON line. <c>mpiexec -n N dotnet FluxMatching.Distributed.Tests.dll bench CONFIG STEPS THREADS</c>.
/// </summary>
internal static class DistributedBench
{
    public static int Run(MpiGradientReducer mpi, string name, int steps, int threads)
    {
        var (config, data, batch) = name switch
        {
            "ring2d" => (new FluxModelConfig { Data = "ring", Hidden = 128, Depth = 2, Sigma2 = 0.05 }, (IDataSource?)null, 512),
            "mnist-mlp" => (new FluxModelConfig { Data = "ring", Hidden = 1024, Depth = 2, Sigma2 = 0.25 }, new UniformCube(784), 128),
            // The image bench's model (flux bench --config unet-fmnist) on Fashion-MNIST: 1,112,801 U-Net parameters.
            "unet-fmnist" => (new FluxModelConfig
            {
                Data = "fashion-mnist", Field = "unet", Annealed = true, SigmaDistribution = SigmaDistribution.LogNormal,
                Channels = 32, ChannelMultipliers = [1, 2, 2], AttentionLevels = [false, true, false], Blocks = 1, Dropout = 0.1,
            }, null, 64),
            _ => throw new ArgumentException($"config must be ring2d, mnist-mlp or unet-fmnist, not '{name}'."),
        };
        using var model = new FluxModel(config, data, seed: 0);
        var options = new TrainerOptions { Threads = threads, Batch = batch, EmaDecay = 0, Seed = 0, GradientReducer = mpi };
        using var session = new TrainingSession(model, options);
        int warmup = name.StartsWith("unet", StringComparison.Ordinal) ? 1 : 5;   // a U-Net step takes seconds
        for (int i = 0; i < warmup; i++)
        {
            session.Step();
        }

        var times = new double[steps];
        var reduce = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            var inside = mpi.AllReduceTime;
            long t0 = Stopwatch.GetTimestamp();
            session.Step();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            reduce[i] = (mpi.AllReduceTime - inside).TotalMilliseconds;
        }

        // The same all-reduce alone: every rank enters together, so this is the transfer without the waiting.
        using var buffer = zeros(model.ParameterCount + 1, ScalarType.Float32);
        var alone = new double[20];
        for (int i = 0; i < alone.Length; i++)
        {
            mpi.Barrier();
            var before = mpi.AllReduceTime;
            mpi.AllReduceSum(buffer);
            alone[i] = (mpi.AllReduceTime - before).TotalMilliseconds;
        }

        double step = Median(times);
        if (mpi.Rank == 0)
        {
            Console.WriteLine(new JsonObject
            {
                ["config"] = name, ["ranks"] = mpi.Size, ["threads_per_rank"] = threads, ["batch_per_rank"] = batch,
                ["parameters"] = model.ParameterCount, ["ms_per_step_median"] = Math.Round(step, 3),
                ["samples_per_s"] = Math.Round(mpi.Size * batch / (step / 1000), 1),
                ["allreduce_ms_in_step_median"] = Math.Round(Median(reduce), 3),
                ["allreduce_ms_alone_median"] = Math.Round(Median(alone), 3),
                ["allreduce_bytes"] = mpi.AllReduceBytes, ["steps"] = steps,
            }.ToJsonString());
        }

        return 0;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
