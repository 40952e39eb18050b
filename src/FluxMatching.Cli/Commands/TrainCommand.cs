namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using System.Globalization;
using FluxMatching.Data;
using FluxMatching.Distributed;
using FluxMatching.Models;
using FluxMatching.Training;

/// <summary>`flux train`: the main job — train on a built-in data set and write a run folder with its report.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var model = FluxDefaults.Model;
        var training = FluxDefaults.Training;
        var data = new Option<string>("--data") { Description = $"Built-in data set: {string.Join(", ", DataSources.Names)}.", DefaultValueFactory = _ => model.Data };
        var field = new Option<string>("--field") { Description = $"The learned vector field: {string.Join(", ", ModelChoices.Fields)}.", DefaultValueFactory = _ => model.Field };
        var steps = new Option<int>("--steps") { Description = "Training steps per model.", DefaultValueFactory = _ => training.Steps };
        var loss = new Option<string>("--loss") { Description = $"Objective of the main model: {string.Join(" or ", ModelChoices.Losses)}.", DefaultValueFactory = _ => ModelChoices.Name(model.Loss) };
        var sigma2 = new Option<double>("--sigma2") { Description = "Noise variance σ² (fixed-σ training).", DefaultValueFactory = _ => model.Sigma2 };
        var exp3 = TrainerOptions.Exp3;
        var batch = new Option<int?>("--batch") { Description = $"Batch size (also the KDE reference set). Default {training.Batch} ({exp3.Batch} for --field unet)." };
        var lr = new Option<double?>("--lr") { Description = $"Adam learning rate. Default {training.LearningRate} ({exp3.LearningRate} for --field unet)." };
        var warmup = new Option<int?>("--warmup") { Description = $"Linear learning-rate warm-up steps. Default {training.WarmupSteps} ({exp3.WarmupSteps} for --field unet)." };
        var clip = new Option<double?>("--clip") { Description = $"Clip the gradient norm (0: off). Default {training.GradientClipNorm} ({exp3.GradientClipNorm} for --field unet)." };
        var ema = new Option<double?>("--ema") { Description = $"EMA decay of the sampling copy (0: off). Default {training.EmaDecay} ({exp3.EmaDecay} for --field unet)." };
        var microBatches = new Option<int>("--micro-batches") { Description = "Micro-batches accumulated into one optimizer step, each with its own σ, t and kernel (must divide --batch).", DefaultValueFactory = _ => 1 };
        var image = ImageOptions.Create();
        var seed = new Option<long>("--seed") { Description = "Seed of initialization, data and noise.", DefaultValueFactory = _ => training.Seed };
        var output = new Option<string>("--out") { Description = "Folder that receives the run folder.", DefaultValueFactory = _ => "runs" };
        var name = new Option<string?>("--name") { Description = "Run name (default: <data>-<loss>)." };
        var hidden = new Option<int>("--hidden") { Description = "Hidden width of the field.", DefaultValueFactory = _ => model.Hidden };
        var depth = new Option<int>("--depth") { Description = "Hidden layers of the field.", DefaultValueFactory = _ => model.Depth };
        var components = new Option<int>("--components") { Description = "Mixture components of a gmm or skew-gmm field.", DefaultValueFactory = _ => model.Components };
        var annealed = new Option<bool>("--annealed") { Description = string.Create(CultureInfo.InvariantCulture, $"Noise-annealed training (σ-conditioned field, σ from {model.SigmaMin} to {model.SigmaMax}, reverse-SDE sampling).") };
        var mixing = new Option<double>("--mixing") { Description = "Weight of exp4's fast-mixing regularizer added to the flux loss (the authors' 0.01; 0: off).", DefaultValueFactory = _ => model.Mixing };
        var noBaseline = new Option<bool>("--no-baseline") { Description = "Skip the baseline trained the same way with the other loss." };
        var samples = new Option<int?>("--samples") { Description = $"Samples drawn from each model (and fresh data points) for metrics and plots. Default {FluxDefaults.Sampling.N} ({ImageOptions.ImageSamples} for image data)." };
        var device = CliOptions.Device();
        var threads = CliOptions.Threads();
        var quiet = new Option<bool>("--quiet") { Description = "No progress bar." };
        var distributed = new Option<bool>("--distributed") { Description = "Data-parallel training over MPI: start with `mpiexec -n N flux train ... --distributed`; rank r draws its data with seed + r, gradients are averaged every step, rank 0 alone writes the run folder." };
        var cmd = new Command("train", "Train a model on a built-in data set (and a baseline with the other loss), then write checkpoints, samples, metrics.json and report.html to <out>/<name>/.")
        {
            data, field, steps, loss, sigma2, batch, lr, warmup, clip, ema, microBatches, seed, output, name, hidden, depth, components,
            annealed, mixing, noBaseline, samples, device, threads, quiet, distributed,
        };
        image.AddTo(cmd);
        int Train(ParseResult r, MpiGradientReducer? mpi) => CliOptions.Guard(() =>
        {
            var config = model with
            {
                Data = r.GetValue(data)!, Hidden = r.GetValue(hidden), Depth = r.GetValue(depth), Components = r.GetValue(components), Sigma2 = r.GetValue(sigma2),
                Annealed = r.GetValue(annealed), Loss = ModelChoices.ParseLoss(r.GetValue(loss)), Mixing = r.GetValue(mixing),
            };
            var full = image.Apply(ModelChoices.WithField(config, r.GetValue(field)), r);
            var preset = FluxDefaults.TrainingFor(full);
            var settings = new TrainJobSettings
            {
                Model = full,
                Steps = r.GetValue(steps), Batch = r.GetValue(batch) ?? preset.Batch, LearningRate = r.GetValue(lr) ?? preset.LearningRate,
                WarmupSteps = r.GetValue(warmup) ?? preset.WarmupSteps, GradientClipNorm = r.GetValue(clip) ?? preset.GradientClipNorm,
                EmaDecay = r.GetValue(ema) ?? preset.EmaDecay, MicroBatches = r.GetValue(microBatches), Seed = r.GetValue(seed),
                OutputRoot = r.GetValue(output)!, Name = r.GetValue(name), Baseline = !r.GetValue(noBaseline),
                Samples = r.GetValue(samples) ?? (DataSources.IsImage(full.Data) ? ImageOptions.ImageSamples : FluxDefaults.Sampling.N),
                Device = CliOptions.ResolveDevice(r.GetValue(device), r.GetValue(threads)),
                ShowProgress = !r.GetValue(quiet) && !Console.IsOutputRedirected,
                Reducer = mpi,
            };
            return TrainJob.Run(settings);
        });
        cmd.SetAction(r => r.GetValue(distributed) ? MpiJob.Run(mpi => Train(r, DistributedConsole.Quiet(mpi))) : Train(r, null));
        return cmd;
    }
}
