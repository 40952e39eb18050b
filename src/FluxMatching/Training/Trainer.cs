namespace FluxMatching.Training;

using System.Diagnostics;
using FluxMatching.Models;

/// <summary>
/// Trains a <see cref="FluxModel"/> with Adam: fresh data each step, linear warm-up, optional gradient clipping, an
/// EMA copy for sampling, progress reports, cancellation after the current step, a guard that never applies a
/// non-finite update, and periodic atomic checkpoints.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Runs <see cref="TrainerOptions.Steps"/> optimizer steps on <paramref name="model"/> (continuing its
    /// <see cref="FluxModel.StepsTrained"/> and <see cref="FluxModel.LossHistory"/>).
    /// </summary>
    /// <param name="model">The model to train, in place.</param>
    /// <param name="options">Optimization settings (null: defaults); validated here.</param>
    /// <param name="progress">Receives a report every <see cref="TrainerOptions.ProgressEvery"/> steps and at the end,
    /// on the training thread.</param>
    /// <param name="cancellationToken">Stops training after the current step; the model stays usable.</param>
    /// <returns>What happened: steps applied, why it stopped, the losses.</returns>
    public static TrainingResult Train(FluxModel model, TrainerOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new TrainerOptions();
        using var session = new TrainingSession(model, options);
        bool lead = options.GradientReducer is not { Rank: > 0 };   // data-parallel: replica 0 alone reports and saves
        if (!lead) progress = null;
        var losses = new List<double>(options.Steps);
        var clock = Stopwatch.StartNew();
        double smoothed = double.NaN;
        var reason = StopReason.Completed;
        string message = "";
        int step = 0;
        void Report()
        {
            double rate = step / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            var left = TimeSpan.FromSeconds(rate > 0 ? (options.Steps - step) / rate : 0);
            progress?.Report(new TrainingProgress(step, options.Steps, losses.Count > 0 ? losses[^1] : double.NaN, smoothed, rate, left));
        }

        while (step < options.Steps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                reason = StopReason.Cancelled;
                break;
            }
            var outcome = session.Step();
            if (!outcome.Applied)
            {
                reason = StopReason.NonFinite;
                var what = double.IsFinite(outcome.Loss) ? $"the gradient norm was {outcome.GradientNorm}" : $"the loss was {outcome.Loss}";
                message = $"Stopped at step {model.StepsTrained + 1}: {what}. The update was not applied; the model keeps the last finite parameters (step {model.StepsTrained}).";
                break;
            }
            losses.Add(outcome.Loss);
            smoothed = double.IsNaN(smoothed) ? outcome.Loss : 0.98 * smoothed + 0.02 * outcome.Loss;
            step++;
            if (step % options.ProgressEvery == 0) Report();
            if (lead && options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0) Checkpoint.Save(model, options.CheckpointPath!);
        }
        if (step % options.ProgressEvery != 0 || step == 0) Report();
        clock.Stop();
        if (reason == StopReason.Completed) message = $"Trained {step} steps in {clock.Elapsed.TotalSeconds:F1} s.";
        if (reason == StopReason.Cancelled) message = $"Cancelled after {step} of {options.Steps} steps; the model keeps the parameters of step {model.StepsTrained}.";
        return new TrainingResult(step, reason, message, losses, clock.Elapsed, step / Math.Max(clock.Elapsed.TotalSeconds, 1e-9));
    }
}
