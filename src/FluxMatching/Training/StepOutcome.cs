namespace FluxMatching.Training;

/// <summary>The outcome of one <see cref="TrainingSession.Step"/>.</summary>
/// <param name="Loss">Batch-mean objective (with any extra loss).</param>
/// <param name="GradientNorm">Global gradient norm before clipping (NaN when the loss was not finite).</param>
/// <param name="Applied">False when the loss or gradient was not finite: the parameters were left unchanged.</param>
public sealed record StepOutcome(double Loss, double GradientNorm, bool Applied);
