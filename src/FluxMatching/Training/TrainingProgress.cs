namespace FluxMatching.Training;

/// <summary>A progress report of a running <see cref="Trainer"/>.</summary>
/// <param name="Step">Steps completed in this run.</param>
/// <param name="TotalSteps">Steps requested for this run.</param>
/// <param name="Loss">Batch-mean loss of the last step.</param>
/// <param name="SmoothedLoss">Exponential moving average of the loss (weight 0.02 per step).</param>
/// <param name="StepsPerSecond">Throughput since the start of the run.</param>
/// <param name="Remaining">Estimated time left.</param>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double SmoothedLoss, double StepsPerSecond, TimeSpan Remaining);

/// <summary>Why training stopped.</summary>
public enum StopReason
{
    /// <summary>All requested steps were taken.</summary>
    Completed,

    /// <summary>The cancellation token fired; the model holds the parameters of the last completed step.</summary>
    Cancelled,

    /// <summary>A loss or gradient was NaN or infinite; the update was not applied, so the model holds the last
    /// finite parameters.</summary>
    NonFinite,
}

/// <summary>The outcome of <see cref="Trainer"/>.</summary>
/// <param name="StepsCompleted">Steps taken in this run (skipped non-finite steps included).</param>
/// <param name="Reason">Why the run stopped.</param>
/// <param name="Message">A sentence for the user (what happened, and for a non-finite stop, at which step).</param>
/// <param name="Losses">Batch-mean loss of each applied step of this run.</param>
/// <param name="Elapsed">Wall-clock time.</param>
/// <param name="StepsPerSecond">Average throughput.</param>
public sealed record TrainingResult(int StepsCompleted, StopReason Reason, string Message, IReadOnlyList<double> Losses,
    TimeSpan Elapsed, double StepsPerSecond)
{
    /// <summary>True when the run was cancelled.</summary>
    public bool Cancelled => Reason == StopReason.Cancelled;

    /// <summary>The evaluations of this run (<see cref="TrainerOptions.Evaluate"/>), in step order; empty without one.
    /// </summary>
    public IReadOnlyList<TrainingEvaluation> Evaluations { get; init; } = [];

    /// <summary>The evaluation with the lowest score (the authors keep that checkpoint), or null without any.</summary>
    public TrainingEvaluation? Best => Evaluations.Count == 0 ? null : Evaluations.MinBy(e => e.Score);
}

/// <summary>One periodic evaluation of a training run (<see cref="TrainerOptions.Evaluate"/>).</summary>
/// <param name="Step">The step count (<see cref="ITrainable.StepsTrained"/>) when it was made.</param>
/// <param name="Score">The score, lower is better (e.g. the exact W2).</param>
/// <param name="Elapsed">Time the evaluation took.</param>
public sealed record TrainingEvaluation(int Step, double Score, TimeSpan Elapsed);
