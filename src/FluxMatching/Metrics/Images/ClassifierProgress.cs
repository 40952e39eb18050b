namespace FluxMatching.Metrics.Images;

/// <summary>One report of the classifier's cache look-up or training.</summary>
/// <param name="Phase"><c>cache-hit</c> (weights loaded, nothing trained), <c>cache-unreadable</c> (the file could
/// not be read; retraining), <c>train</c> (one optimizer step done), <c>trained</c> (training finished, test accuracy
/// measured, weights written).</param>
/// <param name="Step">Optimizer steps done (0 outside training).</param>
/// <param name="Steps">Optimizer steps in all (0 outside training).</param>
/// <param name="Loss">Cross-entropy of the step's batch (NaN outside training).</param>
/// <param name="Message">One line for a person.</param>
public sealed record ClassifierProgress(string Phase, int Step, int Steps, double Loss, string Message);
