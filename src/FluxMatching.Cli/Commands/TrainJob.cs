namespace FluxMatching.Cli.Commands;

using System.Globalization;
using FluxMatching.Metrics;
using FluxMatching.Models;
using FluxMatching.Runtime;
using FluxMatching.Training;
using Spectre.Console;
using static TorchSharp.torch;

/// <summary>The main job: trains the main model and the baseline, samples both, measures them against fresh data
/// (<see cref="SampleEvaluation"/>) and writes the run folder.</summary>
internal static class TrainJob
{
    public static int Run(TrainJobSettings s)
    {
        s.Model.Validate();
        if (s.Samples < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(s.Samples), s.Samples, "--samples must be ≥ 2.");
        }

        var runName = s.Name ?? $"{s.Model.Data}-{ModelChoices.Name(s.Model.Loss)}";
        if (runName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || runName is "." or "..")
        {
            throw new ArgumentException($"--name '{runName}' is not a valid folder name.");
        }
        // Every setting is checked before the run folder is made: a bad command leaves nothing behind.
        Options(s).Validate();
        var source = FluxMatching.Data.DataSources.Create(s.Model.Data);   // an image set that is not installed: one line
        if (string.Equals(s.Model.Field, "unet", StringComparison.OrdinalIgnoreCase) && source is not FluxMatching.Data.IImageSource)
        {
            throw new ArgumentException($"--field unet needs image data (--data {string.Join("|", FluxMatching.Data.ImageDatasets.Names)}), not '{s.Model.Data}'.");
        }

        var dimension = source.Dimension;
        if (s.Device.type == TorchSharp.DeviceType.CPU)
        {
            MemoryEstimate.Require(MemoryEstimate.Training(s.Model, dimension, s.Batch, ScalarType.Float32), "--batch", s.Batch, "one training step");
            MemoryEstimate.Require(MemoryEstimate.Sampling(s.Model, dimension, s.Samples, 0, ScalarType.Float32), "--samples", s.Samples, "sampling");
        }
        if (s.Reducer is { Rank: > 0 })
        {
            return TrainReplica(s);   // data-parallel: rank 0 alone writes the run folder
        }

        var dir = Path.Combine(s.OutputRoot, runName);
        if (File.Exists(s.OutputRoot))
        {
            throw new IOException($"--out '{s.OutputRoot}' is a file; allowed: a folder (made if missing).");
        }

        try
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, ".write-check"), "");
            File.Delete(Path.Combine(dir, ".write-check"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--out '{s.OutputRoot}': cannot write the run folder '{dir}' ({UsageErrors.OneLine(e.Message)}). Allowed: a writable folder.", e);
        }
        Console.WriteLine($"flux train: data={s.Model.Data} field={s.Model.Field} loss={ModelChoices.Name(s.Model.Loss)} steps={s.Steps} batch={s.Batch} " +
                          (s.Model.Annealed ? "annealed " : $"sigma2={s.Model.Sigma2.ToString(CultureInfo.InvariantCulture)} ") +
                          $"device={DeviceParser.Name(s.Device)} threads={get_num_threads()} -> {dir}");
        if (IsImage(s))
        {
            Console.WriteLine($"  {ImageOptions.Describe(s.Model)}; micro-batches {s.MicroBatches}, lr {s.LearningRate.ToString(CultureInfo.InvariantCulture)}, warm-up {s.WarmupSteps}, clip {s.GradientClipNorm.ToString(CultureInfo.InvariantCulture)}, EMA {s.EmaDecay.ToString(CultureInfo.InvariantCulture)}");
        }

        var configs = Configs(s);

        var results = new List<RunModelResult>();
        try
        {
            foreach (var config in configs)
            {
                results.Add(TrainOne(config, s, dir));
            }

            var data = results[0].Evaluation.Data;   // every model is measured against the same fresh data (same seed)
            SampleCsv.Write(Path.Combine(dir, "data.csv"), data);
            var floor = SampleEvaluation.NoiseFloor(results[0].Model.Data, s.Samples, s.Seed);
            Console.WriteLine($"  noise floor (fresh data vs fresh data): MMD² = {floor.Mmd2:G4}, energy distance = {floor.EnergyDistance:G4}");
            RunFiles.WriteMetrics(Path.Combine(dir, "metrics.json"), s, results, floor);
            var reportClock = System.Diagnostics.Stopwatch.StartNew();
            RunFiles.WriteReport(Path.Combine(dir, "report.html"), s, results, data, floor);
            Console.WriteLine($"  report.html written in {reportClock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            foreach (var r in results)
            {
                r.Dispose();
            }
        }
        Console.WriteLine($"wrote {dir}/ (metrics.json, report.html, checkpoints, samples)");
        return 0;
    }

    private static RunModelResult TrainOne(FluxModelConfig config, TrainJobSettings s, string dir)
    {
        var key = ModelChoices.Name(config.Loss);
        var model = new FluxModel(config, s.Seed, s.Device);
        try
        {
            var options = Options(s);
            var training = TrainWithProgress(model, options, key, s.ShowProgress);
            Console.WriteLine($"  {key}: {training.Message} ({training.StepsPerSecond:F1} steps/s)");
            model.Save(Path.Combine(dir, $"{key}.pt"));
            var evaluation = SampleEvaluation.Run(model, FluxDefaults.Sampling with { N = s.Samples, Seed = s.Seed, Steps = IsImage(s) ? ImageSamplerSteps : null });
            Console.WriteLine($"  {key}: sampled {s.Samples} points ({evaluation.SamplerDescription}) in {evaluation.Elapsed.TotalSeconds:F1} s");
            SampleCsv.Write(Path.Combine(dir, $"samples-{key}.csv"), evaluation.Samples);
            var m = evaluation.Metrics!;
            Console.WriteLine($"  {key}: MMD² = {m.Mmd2:G4}, energy distance = {m.EnergyDistance:G4}, sliced W2 = {m.SlicedW2:G4}");
            return new RunModelResult(key, model, training, evaluation);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Sampler steps of an image model's samples in the run's report (EDM Heun for a U-Net, NFE 99; a CPU-sized preview).</summary>
    private const int ImageSamplerSteps = 50;

    private static bool IsImage(TrainJobSettings s) => FluxMatching.Data.DataSources.IsImage(s.Model.Data);

    /// <summary>The main model and its baseline: flux against DSM (the authors' dsm-x0 for image data), any DSM
    /// loss against flux; the baseline never has the mixing term.</summary>
    private static List<FluxModelConfig> Configs(TrainJobSettings s)
    {
        if (!s.Baseline)
        {
            return [s.Model];
        }

        var other = s.Model.Loss != LossKind.Flux ? LossKind.Flux : s.Model.Annealed && IsImage(s) ? LossKind.DsmX0 : LossKind.Dsm;
        bool unet = string.Equals(s.Model.Field, "unet", StringComparison.OrdinalIgnoreCase);
        return [s.Model, s.Model with
        {
            Loss = other, Mixing = 0, PerSampleSigma = other != LossKind.Flux && s.Model.PerSampleSigma,
            CalibrateNormalizer = other == LossKind.Flux && s.Model.Annealed && s.Model.CalibrateNormalizer,
            TimeProposal = other == LossKind.Flux && (unet || s.Model.TimeProposal),
        }];
    }

    private static TrainerOptions Options(TrainJobSettings s) => FluxDefaults.Training with
    {
        Steps = s.Steps, Batch = s.Batch, LearningRate = s.LearningRate, Seed = s.Seed, GradientReducer = s.Reducer,
        WarmupSteps = s.WarmupSteps, GradientClipNorm = s.GradientClipNorm, EmaDecay = s.EmaDecay, MicroBatches = s.MicroBatches,
    };

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

/// <summary>One trained model of a run, with its samples and their metrics against fresh data.</summary>
internal sealed record RunModelResult(string Key, FluxModel Model, TrainingResult Training, SampleEvaluation Evaluation) : IDisposable
{
    /// <summary>The metrics of the samples against the fresh data.</summary>
    public MetricReport Metrics => Evaluation.Metrics!;

    /// <summary>The samples [N, D] (CPU, float32).</summary>
    public Tensor Samples => Evaluation.Samples;

    /// <summary>Frees the model and the samples.</summary>
    public void Dispose()
    {
        Evaluation.Dispose();
        Model.Dispose();
    }
}
