namespace FluxMatching.Training;

using System.Diagnostics;
using FluxMatching.Runtime;

/// <summary>
/// The one training loop: Adam on an <see cref="ITrainable"/> (a <c>FluxModel</c> or an experiment's
/// field): fresh data each step, linear warm-up, optional gradient clipping, an EMA copy for sampling, progress
/// reports, cancellation after the current step, a guard that never applies a non-finite update (stop or skip),
/// periodic evaluations with the best one's checkpoint, and periodic atomic checkpoints.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Runs <see cref="TrainerOptions.Steps"/> optimizer steps on <paramref name="model"/> (continuing its
    /// <see cref="ITrainable.StepsTrained"/> and loss history) in a new <see cref="TrainingSession"/>.
    /// </summary>
    /// <param name="model">What to train, in place.</param>
    /// <param name="options">Optimization settings (null: defaults); validated here.</param>
    /// <param name="progress">Receives a report every <see cref="TrainerOptions.ProgressEvery"/> steps and at the end,
    /// on the training thread.</param>
    /// <param name="cancellationToken">Stops training after the current step; the model stays usable.</param>
    /// <returns>What happened: steps applied, why it stopped, the losses, the evaluations.</returns>
    public static TrainingResult Train(ITrainable model, TrainerOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var session = new TrainingSession(model, options ?? new TrainerOptions());
        return Train(session, null, progress, cancellationToken);
    }

    /// <summary>
    /// Runs steps of an existing session (its optimizer state carries over between calls).
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="steps">Steps to take (null: the session's <see cref="TrainerOptions.Steps"/>), ≥ 0.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Stops training after the current step.</param>
    public static TrainingResult Train(TrainingSession session, int? steps, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var options = session.Options;
        var model = session.Model;
        int target = steps ?? options.Steps;
        if (target < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), target, "steps must be ≥ 0.");
        }

        var losses = new List<double>(target);
        var evaluations = new List<TrainingEvaluation>();
        bool lead = options.GradientReducer is not { Rank: > 0 };   // data-parallel: replica 0 alone reports and saves
        if (!lead)
        {
            progress = null;
        }

        var clock = Stopwatch.StartNew();
        double smoothed = double.NaN;
        var reason = StopReason.Completed;
        string message = "";
        int step = 0, skipped = 0;
        void Report()
        {
            double rate = step / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            var left = TimeSpan.FromSeconds(rate > 0 ? (target - step) / rate : 0);
            progress?.Report(new TrainingProgress(step, target, losses.Count > 0 ? losses[^1] : double.NaN, smoothed, rate, left));
        }

        void Evaluate()
        {
            var started = Stopwatch.StartNew();
            double score = options.Evaluate!(model.StepsTrained);
            bool best = evaluations.Count == 0 || score < evaluations.Min(e => e.Score);
            evaluations.Add(new TrainingEvaluation(model.StepsTrained, score, started.Elapsed));
            if (best && lead && options.BestCheckpointPath is not null)
            {
                model.SaveCheckpoint(options.BestCheckpointPath);
            }
        }

        while (step < target)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                reason = StopReason.Cancelled;
                break;
            }
            var outcome = session.Step();
            if (!outcome.Applied && !options.SkipNonFinite)
            {
                reason = StopReason.NonFinite;
                var what = double.IsFinite(outcome.Loss) ? $"the gradient norm was {outcome.GradientNorm}" : $"the loss was {outcome.Loss}";
                message = $"Stopped at step {model.StepsTrained + 1}: {what}. The update was not applied; the model keeps the last finite parameters (step {model.StepsTrained}).";
                break;
            }
            if (outcome.Applied)
            {
                losses.Add(outcome.Loss);
                smoothed = double.IsNaN(smoothed) ? outcome.Loss : 0.98 * smoothed + 0.02 * outcome.Loss;
            }
            else
            {
                skipped++;
            }
            step++;
            if (step % options.ProgressEvery == 0)
            {
                Report();
            }

            if (lead && options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0)
            {
                session.SaveCheckpoint(options.CheckpointPath!);
            }

            if (options.Evaluate is not null && options.EvaluateEvery > 0 && model.StepsTrained % options.EvaluateEvery == 0)
            {
                Evaluate();
            }
        }
        if (reason == StopReason.Completed && options.Evaluate is not null && (evaluations.Count == 0 || evaluations[^1].Step != model.StepsTrained))
        {
            Evaluate();
        }

        if (step % options.ProgressEvery != 0 || step == 0)
        {
            Report();
        }

        clock.Stop();
        TorchRuntime.ReleaseFreeMemory();   // the allocator keeps the steps' buffers while training; hand them back now
        string skips = skipped > 0 ? $" ({skipped} non-finite steps skipped)" : "";
        if (reason == StopReason.Completed)
        {
            message = $"Trained {step} steps in {clock.Elapsed.TotalSeconds:F1} s{skips}.";
        }

        if (reason == StopReason.Cancelled)
        {
            message = $"Cancelled after {step} of {target} steps{skips}; the model keeps the parameters of step {model.StepsTrained}.";
        }

        return new TrainingResult(step, reason, message, losses, clock.Elapsed, step / Math.Max(clock.Elapsed.TotalSeconds, 1e-9))
        {
            Evaluations = evaluations,
        };
    }
}
