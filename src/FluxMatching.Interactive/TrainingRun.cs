namespace FluxMatching.Interactive;

using FluxMatching.Models;
using FluxMatching.Training;

/// <summary>One training run of a model, as <c>#!flux train</c> or <see cref="Notebook.Train"/> shows it.</summary>
/// <param name="ModelName">The model's name in the notebook (its C# variable), or null.</param>
/// <param name="Model">The trained model (its <see cref="FluxModel.LossHistory"/> spans all runs).</param>
/// <param name="Options">The optimization settings of this run.</param>
/// <param name="Result">What happened: steps, stop reason, losses, time.</param>
public sealed record TrainingRun(string? ModelName, FluxModel Model, TrainerOptions Options, TrainingResult Result);
