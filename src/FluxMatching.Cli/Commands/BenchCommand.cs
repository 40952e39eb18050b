namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Models;
using FluxMatching.Runtime;
using FluxMatching.Sampling;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// `flux bench`: the configurations of the PyTorch anchor (shared bench/reference_step.py), timed the same way and
/// printed as the same JSON line, plus a memory soak.
/// </summary>
internal static class BenchCommand
{
    /// <summary>The anchor's configurations: (dim, batch, hidden, depth, annealed, σ², loss).</summary>
    public static readonly IReadOnlyDictionary<string, (int Dim, int Batch, int Hidden, bool Annealed, double Sigma2, LossKind Loss)> Configs =
        new Dictionary<string, (int, int, int, bool, double, LossKind)>
        {
            ["ring2d"] = (2, 512, 128, false, 0.05, LossKind.Flux),
            ["annealed2d"] = (2, 512, 256, true, 0, LossKind.Flux),
            ["mnist-mlp"] = (784, 128, 1024, false, 0.25, LossKind.Flux),
            ["ring2d-dsm"] = (2, 512, 128, false, 0.05, LossKind.Dsm),
        };

    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "ring2d, annealed2d, mnist-mlp, ring2d-dsm, unet-fmnist, unet-fmnist-dsm (the authors' U-Net at 28×28, batch 64: use --steps 5 --warmup 1), langevin (sampling: 1,000 steps × 2,000 points), or matmul (float32 matrix-product rate of the benchmark shapes).", DefaultValueFactory = _ => "ring2d" };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads.", DefaultValueFactory = _ => 1 };
        var steps = new Option<int>("--steps") { Description = "Timed steps (soak: total steps).", DefaultValueFactory = _ => 50 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up steps.", DefaultValueFactory = _ => 5 };
        var dtype = new Option<string>("--dtype") { Description = "float32 or float64.", DefaultValueFactory = _ => "float32" };
        var sample = new Option<bool>("--sample") { Description = "Same as --config langevin." };
        var soak = new Option<bool>("--soak") { Description = "Memory soak: report resident memory and live tensors every 1,000 steps." };
        var plain = new Option<bool>("--no-fast-runtime") { Description = "Turn off denormal flushing, allocator tuning and the fused Adam (to measure their effect)." };
        var noGemm = new Option<bool>("--no-packed-gemm") { Description = "Use libtorch's matrix product instead of the 512-bit packed kernel (to measure its effect)." };
        var device = CliOptions.Device();
        var cmd = new Command("bench", "Time training steps (or Langevin sampling) exactly like the PyTorch anchor and print one JSON line.")
        {
            config, threads, steps, warmup, dtype, sample, soak, plain, noGemm, device,
        };
        cmd.SetAction(r => CliOptions.Guard(() =>
        {
            var name = r.GetValue(sample) ? "langevin" : r.GetValue(config)!;
            int t = r.GetValue(threads);
            if (t < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(threads), t, "--threads must be ≥ 1.");
            }

            torch.set_num_threads(t);
            var target = DeviceParser.Parse(r.GetValue(device));
            var type = r.GetValue(dtype) switch
            {
                "float32" => ScalarType.Float32,
                "float64" => ScalarType.Float64,
                var other => throw new ArgumentException($"--dtype must be float32 or float64, not '{other}'."),
            };
            bool fast = !r.GetValue(plain);
            if (fast)
            {
                TorchRuntime.Configure();
            }

            TorchRuntime.PackedMatMul = !r.GetValue(noGemm);
            if (r.GetValue(steps) < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(steps), r.GetValue(steps), "--steps must be ≥ 1.");
            }

            if (r.GetValue(warmup) < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(warmup), r.GetValue(warmup), "--warmup must be ≥ 0.");
            }

            JsonObject line = name switch
            {
                "langevin" => BenchSampling(t, target),
                "matmul" => BenchMatmul(t, target),
                "unet-fmnist" or "unet-fmnist-dsm" => BenchUNet(name, t, r.GetValue(steps), r.GetValue(warmup), type, fast, target),
                _ => r.GetValue(soak) ? Soak(name, r.GetValue(steps), type, fast, target) : BenchTraining(name, t, r.GetValue(steps), r.GetValue(warmup), type, fast, target),
            };
            line["device"] = DeviceParser.Name(target);
            Console.WriteLine(line.ToJsonString());
            return 0;
        }));
        return cmd;
    }

    private static FluxModel BuildModel(string name, ScalarType dtype, out TrainerOptions options, bool fast, Device device)
    {
        if (!Configs.TryGetValue(name, out var c))
        {
            throw new ArgumentException($"--config must be one of {string.Join(", ", Configs.Keys)}, unet-fmnist, unet-fmnist-dsm, langevin, matmul; not '{name}'.");
        }

        var config = new FluxModelConfig { Data = "ring", Hidden = c.Hidden, Depth = 2, Annealed = c.Annealed, Loss = c.Loss, Sigma2 = c.Annealed ? 0.05 : c.Sigma2, SigmaMin = 0.02, SigmaMax = 2.0 };
        IDataSource? data = c.Dim == 2 ? null : new UniformCube(c.Dim);
        options = new TrainerOptions { Threads = torch.get_num_threads(), Batch = c.Batch, LearningRate = 1e-3, EmaDecay = 0, Dtype = dtype, FastRuntime = fast, FusedAdam = fast, Seed = 0 };
        return new FluxModel(config, data, seed: 0, device);
    }

    private static JsonObject BenchTraining(string name, int threads, int steps, int warmup, ScalarType dtype, bool fast, Device device)
    {
        using var model = BuildModel(name, dtype, out var options, fast, device);
        using var session = new TrainingSession(model, options);
        for (int i = 0; i < warmup; i++)
        {
            session.Step();
        }

        var times = new double[steps];
        var cpu = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            double c0 = BenchClock.CpuMilliseconds();
            long t0 = Stopwatch.GetTimestamp();
            session.Step();
            BenchClock.Synchronize(device);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            cpu[i] = BenchClock.CpuMilliseconds() - c0;
        }
        return BenchClock.Line(name, threads, dtype, new JsonObject
        {
            ["ms_per_step_median"] = Math.Round(BenchClock.Median(times), 3),
            ["ms_per_step_min"] = Math.Round(times.Min(), 3),
            ["cpu_ms_per_step_median"] = Math.Round(BenchClock.Median(cpu), 3),
            ["steps"] = steps,
        });
    }

    /// <summary>The anchor's image configurations (<see cref="UNetBenchStep"/>: a model and a session of the one
    /// training loop), timed like the other steps.</summary>
    private static JsonObject BenchUNet(string name, int threads, int steps, int warmup, ScalarType dtype, bool fast, Device device)
    {
        using var step = new UNetBenchStep(dsm: name.EndsWith("-dsm", StringComparison.Ordinal), dtype, device, fast);
        for (int i = 0; i < warmup; i++)
        {
            step.Step();
        }

        var times = new double[steps];
        var cpu = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            double c0 = BenchClock.CpuMilliseconds();
            long t0 = Stopwatch.GetTimestamp();
            step.Step();
            BenchClock.Synchronize(device);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            cpu[i] = BenchClock.CpuMilliseconds() - c0;
        }
        return BenchClock.Line(name, threads, dtype, new JsonObject
        {
            ["ms_per_step_median"] = Math.Round(BenchClock.Median(times), 3),
            ["ms_per_step_min"] = Math.Round(times.Min(), 3),
            ["cpu_ms_per_step_median"] = Math.Round(BenchClock.Median(cpu), 3),
            ["steps"] = steps,
            ["parameters"] = step.Parameters,
        });
    }

    private static JsonObject BenchSampling(int threads, Device device, int n = 2000, int steps = 1000, int repeats = 3)
    {
        const double stepSize = FluxDefaults.LangevinStepSize;
        torch.manual_seed(0);
        using var field = new MlpField(2, 128, 2, noiseConditioned: false);
        field.to(device);
        var times = new double[repeats];
        // One untimed run first (like the training benchmark's warm-up steps): the JIT's tier-up of the
        // sampler's code otherwise competes with the two chain threads for the 2 cores during the first timed run.
        using (var warm = torch.randn(n, 2, device: device, generator: new Generator(1, device)))
        {
            new LangevinSampler(new LangevinOptions { Steps = steps, StepSize = stepSize }).Sample(field, warm).Samples.Dispose();
        }

        for (int k = 0; k < repeats; k++)
        {
            var gen = new Generator(0, device);
            using var x0 = torch.randn(n, 2, device: device, generator: gen);
            long t0 = Stopwatch.GetTimestamp();
            var result = new LangevinSampler(new LangevinOptions { Steps = steps, StepSize = stepSize }).Sample(field, x0, gen);
            BenchClock.Synchronize(device);
            times[k] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            result.Samples.Dispose();
        }
        return BenchClock.Line("langevin-2000x1000", threads, ScalarType.Float32, new JsonObject
        {
            ["ms_per_run_median"] = Math.Round(BenchClock.Median(times), 1),
            ["ms_per_run_min"] = Math.Round(times.Min(), 1),
            ["runs"] = repeats,
        });
    }

    /// <summary>The float32 matrix-product rate (GFLOP/s, best of 30) of the products that dominate the benchmarks.</summary>
    private static JsonObject BenchMatmul(int threads, Device device)
    {
        var shapes = new (string Name, long M, long K, long N)[]
        {
            ("mnist 128x784 @ 784x1024", 128, 784, 1024),
            ("mnist 128x1024 @ 1024x1024", 128, 1024, 1024),
            ("mnist 256x1024 @ 1024x1024", 256, 1024, 1024),
            ("ring 1024x128 @ 128x128", 1024, 128, 128),
            ("annealed 1024x256 @ 256x256", 1024, 256, 256),
            ("langevin 2000x128 @ 128x128", 2000, 128, 128),
        };
        var rates = new JsonObject();
        var packed = new JsonObject();
        foreach (var (label, m, k, n) in shapes)
        {
            using var scope = torch.NewDisposeScope();
            var a = torch.randn(m, k, device: device);
            var b = torch.randn(k, n, device: device);
            rates[label] = Rate(() => a.mm(b), m, k, n, device);
            if (TorchRuntime.PackedMatMul && device.type == DeviceType.CPU)
            {
                packed[label] = Rate(() => TorchRuntime.MatMul(a, b), m, k, n, device);
            }
        }
        return BenchClock.Line("matmul-gflops", threads, ScalarType.Float32, new JsonObject { ["gflop_per_s"] = rates, ["packed_gflop_per_s"] = packed });
    }

    /// <summary>GFLOP/s of one product, best of 30 timed runs after 5 untimed ones.</summary>
    private static double Rate(Func<torch.Tensor> product, long m, long k, long n, Device device)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 35; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            using var c = product();
            BenchClock.Synchronize(device);
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (i >= 5)
            {
                best = Math.Min(best, ms);
            }
        }
        return Math.Round(2.0 * m * k * n / (best * 1e6), 1);
    }

    private static JsonObject Soak(string name, int steps, ScalarType dtype, bool fast, Device device)
    {
        using var model = BuildModel(name, dtype, out var options, fast, device);
        using var session = new TrainingSession(model, options);
        var rows = new JsonArray();
        var clock = Stopwatch.StartNew();
        for (int i = 1; i <= steps; i++)
        {
            session.Step();
            if (i % 1000 == 0 || i == steps)
            {
                var row = new JsonObject
                {
                    ["step"] = i,
                    ["rss_mb"] = Math.Round(ProcessMemory.ResidentMb(), 1),
                    ["live_tensors"] = ProcessMemory.LiveTensors(),
                    ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
                };
                Console.Error.WriteLine(row.ToJsonString());
                rows.Add(row);
            }
        }
        return BenchClock.Line(name + "-soak", torch.get_num_threads(), dtype, new JsonObject { ["steps"] = steps, ["samples"] = rows });
    }
}
