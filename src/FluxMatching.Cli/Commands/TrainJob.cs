namespace FluxMatching.Cli.Commands;

using System.Globalization;
using System.Text.Json;
using FluxMatching.Metrics;
using FluxMatching.Models;
using FluxMatching.Training;
using Spectre.Console;
using static TorchSharp.torch;

/// <summary>The main job: trains the main model and the baseline, samples both, measures them against fresh data
/// and writes the run folder.</summary>
internal static class TrainJob
{
    public static int Run(TrainJobSettings s)
    {
        s.Model.Validate();
        if (s.Samples < 2) throw new ArgumentOutOfRangeException(nameof(s.Samples), s.Samples, "--samples must be ≥ 2.");
        var runName = s.Name ?? $"{s.Model.Data}-{s.Model.Loss.ToString().ToLowerInvariant()}";
        if (runName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || runName is "." or "..")
            throw new ArgumentException($"--name '{runName}' is not a valid folder name.");
        if (s.Reducer is { Rank: > 0 }) return TrainReplica(s);
        var dir = Path.Combine(s.OutputRoot, runName);
        Directory.CreateDirectory(dir);
        Console.WriteLine($"flux train: data={s.Model.Data} loss={s.Model.Loss.ToString().ToLowerInvariant()} steps={s.Steps} batch={s.Batch} " +
                          $"sigma2={s.Model.Sigma2.ToString(CultureInfo.InvariantCulture)} device={s.Device.type.ToString().ToLowerInvariant()} threads={get_num_threads()} -> {dir}");

        var configs = Configs(s);

        var reference = new FluxModel(s.Model, s.Seed).Data;
        using var fresh = reference.Sample(s.Samples, new Generator((ulong)(s.Seed + 7919)), CPU, ScalarType.Float32);
        using var fresh2 = reference.Sample(s.Samples, new Generator((ulong)(s.Seed + 104729)), CPU, ScalarType.Float32);
        SampleCsv.Write(Path.Combine(dir, "data.csv"), fresh);
        var models = new List<FluxModel>();
        try
        {
            var results = configs.Select(config => TrainOne(config, s, dir, fresh, models)).ToList();
            var floor = MetricReport.Compute(fresh2, fresh, generator: new Generator((ulong)s.Seed + 1));
            Console.WriteLine($"  noise floor (fresh data vs fresh data): MMD² = {floor.Mmd2:G4}, energy distance = {floor.EnergyDistance:G4}");
            RunFiles.WriteMetrics(Path.Combine(dir, "metrics.json"), s, results, floor);
            var reportClock = System.Diagnostics.Stopwatch.StartNew();
            RunFiles.WriteReport(Path.Combine(dir, "report.html"), s, results, fresh, floor);
            Console.WriteLine($"  report.html written in {reportClock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }
        Console.WriteLine($"wrote {dir}/ (metrics.json, report.html, checkpoints, samples)");
        return 0;
    }

    private static RunModelResult TrainOne(FluxModelConfig config, TrainJobSettings s, string dir, Tensor fresh, List<FluxModel> models)
    {
        var key = config.Loss.ToString().ToLowerInvariant();
        var model = new FluxModel(config, s.Seed, s.Device);
        models.Add(model);
        var training = TrainWithProgress(model, Options(s), key, s.ShowProgress);
        Console.WriteLine($"  {key}: {training.Message} ({training.StepsPerSecond:F1} steps/s)");
        model.Save(Path.Combine(dir, $"{key}.pt"));
        var sampled = model.Sample(new SamplingRequest { N = s.Samples, Seed = s.Seed });
        var samples = sampled.Samples.cpu().to(ScalarType.Float32);
        Console.WriteLine($"  {key}: sampled {s.Samples} points ({sampled.Steps} steps) in {sampled.Elapsed.TotalSeconds:F1} s");
        var metricClock = System.Diagnostics.Stopwatch.StartNew();
        SampleCsv.Write(Path.Combine(dir, $"samples-{key}.csv"), samples);
        var metrics = MetricReport.Compute(samples, fresh, generator: new Generator((ulong)s.Seed + 1));
        Console.WriteLine($"  {key}: MMD² = {metrics.Mmd2:G4}, energy distance = {metrics.EnergyDistance:G4}, sliced W2 = {metrics.SlicedW2:G4} ({metricClock.Elapsed.TotalSeconds:F1} s)");
        return new RunModelResult(key, model, training, metrics, samples);
    }

    /// <summary>The main model and, with a baseline, the same model with the other loss.</summary>
    private static List<FluxModelConfig> Configs(TrainJobSettings s) => s.Baseline
        ? [s.Model, s.Model with { Loss = s.Model.Loss == LossKind.Flux ? LossKind.Dsm : LossKind.Flux }]
        : [s.Model];

    private static TrainerOptions Options(TrainJobSettings s) =>
        new() { Steps = s.Steps, Batch = s.Batch, LearningRate = s.LearningRate, Seed = s.Seed, GradientReducer = s.Reducer };

    /// <summary>Data-parallel rank r &gt; 0: trains the same models in step with rank 0, which alone writes the run folder.</summary>
    private static int TrainReplica(TrainJobSettings s)
    {
        foreach (var config in Configs(s))
        {
            using var model = new FluxModel(config, s.Seed, s.Device);
            Trainer.Train(model, Options(s));
        }
        return 0;
    }

    private static TrainingResult TrainWithProgress(FluxModel model, TrainerOptions options, string key, bool show)
    {
        if (!show)
        {
            var every = Math.Max(1, options.Steps / 10);
            return Trainer.Train(model, options with { ProgressEvery = every },
                new SyncProgress(p => Console.WriteLine($"  {key}: step {p.Step}/{p.TotalSteps} loss {p.SmoothedLoss:G4} ({p.StepsPerSecond:F1} steps/s)")));
        }
        TrainingResult? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{key} training", maxValue: Math.Max(1, options.Steps));
                result = Trainer.Train(model, options, new SyncProgress(p =>
                {
                    task.Value = p.Step;
                    task.Description = $"{key} loss {p.SmoothedLoss,10:G4}  {p.StepsPerSecond,6:F1} steps/s";
                }));
                task.Value = task.MaxValue;
            });
        return result!;
    }

    /// <summary>Reports synchronously on the training thread (System.Progress posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}

/// <summary>One trained model of a run.</summary>
internal sealed record RunModelResult(string Key, FluxModel Model, TrainingResult Training, MetricReport Metrics, Tensor Samples);
