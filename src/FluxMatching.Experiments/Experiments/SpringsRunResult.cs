namespace FluxMatching.Experiments;

/// <summary>The outcome of <see cref="SpringsRun.Train"/>.</summary>
/// <param name="Name">The run's label, e.g. "Flux causal".</param>
/// <param name="StepsCompleted">Optimizer steps taken by this call.</param>
/// <param name="Losses">Batch-mean objective of every step taken by this call.</param>
/// <param name="Evaluations">Every W2 evaluation of the run so far, in step order.</param>
/// <param name="Elapsed">Wall-clock time of this call, evaluations included.</param>
/// <param name="Message">What happened, e.g. "Trained 200 steps in 31.0 s" or why it stopped early.</param>
public sealed record SpringsRunResult(
    string Name,
    int StepsCompleted,
    IReadOnlyList<double> Losses,
    IReadOnlyList<W2Evaluation> Evaluations,
    TimeSpan Elapsed,
    string Message)
{
    /// <summary>The evaluation with the smallest W2 (the reference keeps that checkpoint), or null without any.</summary>
    public W2Evaluation? Best => Evaluations.Count == 0 ? null : Evaluations.MinBy(e => e.W2);

    /// <summary>The last evaluation, or null without any.</summary>
    public W2Evaluation? Last => Evaluations.Count == 0 ? null : Evaluations[^1];
}
