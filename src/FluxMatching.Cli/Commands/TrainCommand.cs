namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using FluxMatching.Data;
using FluxMatching.Distributed;
using FluxMatching.Models;

/// <summary>`flux train`: the main job — train on a built-in data set and write a run folder with its report.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = $"Built-in data set: {string.Join(", ", ToyDatasets.Names)}.", DefaultValueFactory = _ => "ring" };
        var steps = new Option<int>("--steps") { Description = "Training steps per model.", DefaultValueFactory = _ => TrainJobSettings.DefaultSteps };
        var loss = new Option<string>("--loss") { Description = "Objective of the main model: flux or dsm.", DefaultValueFactory = _ => "flux" };
        var sigma2 = new Option<double>("--sigma2") { Description = "Noise variance σ² (fixed-σ training).", DefaultValueFactory = _ => 0.05 };
        var batch = new Option<int>("--batch") { Description = "Batch size (also the KDE reference set).", DefaultValueFactory = _ => 512 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<long>("--seed") { Description = "Seed of initialization, data and noise.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Folder that receives the run folder.", DefaultValueFactory = _ => "runs" };
        var name = new Option<string?>("--name") { Description = "Run name (default: <data>-<loss>)." };
        var hidden = new Option<int>("--hidden") { Description = "Hidden width of the MLP field.", DefaultValueFactory = _ => 128 };
        var depth = new Option<int>("--depth") { Description = "Hidden layers of the MLP field.", DefaultValueFactory = _ => 2 };
        var annealed = new Option<bool>("--annealed") { Description = "Noise-annealed training (σ-conditioned field, reverse-SDE sampling)." };
        var noBaseline = new Option<bool>("--no-baseline") { Description = "Skip the baseline trained the same way with the other loss." };
        var samples = new Option<int>("--samples") { Description = "Samples drawn from each model for metrics and plots.", DefaultValueFactory = _ => 2000 };
        var device = CliOptions.Device();
        var threads = CliOptions.Threads();
        var quiet = new Option<bool>("--quiet") { Description = "No progress bar." };
        var distributed = new Option<bool>("--distributed") { Description = "Data-parallel training over MPI: start with `mpiexec -n N flux train ... --distributed`; rank r draws its data with seed + r, gradients are averaged every step, rank 0 alone writes the run folder." };
        var cmd = new Command("train", "Train a model on a built-in data set (and a baseline with the other loss), then write checkpoints, samples, metrics.json and report.html to <out>/<name>/.")
        {
            data, steps, loss, sigma2, batch, lr, seed, output, name, hidden, depth, annealed, noBaseline, samples, device, threads, quiet, distributed,
        };
        int Train(ParseResult r, MpiGradientReducer? mpi) => CliOptions.Guard(() =>
        {
            var lossKind = r.GetValue(loss) switch
            {
                "flux" => LossKind.Flux,
                "dsm" => LossKind.Dsm,
                var other => throw new ArgumentException($"--loss must be flux or dsm, not '{other}'."),
            };
            var settings = new TrainJobSettings
            {
                Model = new FluxModelConfig
                {
                    Data = r.GetValue(data)!, Hidden = r.GetValue(hidden), Depth = r.GetValue(depth), Sigma2 = r.GetValue(sigma2),
                    Annealed = r.GetValue(annealed), Loss = lossKind,
                },
                Steps = r.GetValue(steps), Batch = r.GetValue(batch), LearningRate = r.GetValue(lr), Seed = r.GetValue(seed),
                OutputRoot = r.GetValue(output)!, Name = r.GetValue(name), Baseline = !r.GetValue(noBaseline),
                Samples = r.GetValue(samples), Device = CliOptions.ResolveDevice(r.GetValue(device)!, r.GetValue(threads)),
                ShowProgress = !r.GetValue(quiet) && !Console.IsOutputRedirected,
                Reducer = mpi,
            };
            return TrainJob.Run(settings);
        });
        cmd.SetAction(r => r.GetValue(distributed) ? MpiJob.Run(mpi => Train(r, DistributedConsole.Quiet(mpi))) : Train(r, null));
        return cmd;
    }
}
