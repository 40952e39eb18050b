namespace FluxMatching.Cli.Commands;

using FluxMatching.Models;
using TorchSharp;

/// <summary>Settings of the main job (`flux train`).</summary>
internal sealed record TrainJobSettings
{
    /// <summary>Configuration of the main model (the baseline uses the other loss).</summary>
    public required FluxModelConfig Model { get; init; }

    /// <summary>Training steps per model (default: <see cref="FluxDefaults.Training"/>).</summary>
    public int Steps { get; init; } = FluxDefaults.Training.Steps;

    /// <summary>Batch size (default: <see cref="FluxDefaults.Training"/>).</summary>
    public int Batch { get; init; } = FluxDefaults.Training.Batch;

    /// <summary>Adam learning rate (default: <see cref="FluxDefaults.Training"/>).</summary>
    public double LearningRate { get; init; } = FluxDefaults.Training.LearningRate;

    /// <summary>Linear learning-rate warm-up steps (0: off).</summary>
    public int WarmupSteps { get; init; } = FluxDefaults.Training.WarmupSteps;

    /// <summary>Gradient-norm clip (0: off).</summary>
    public double GradientClipNorm { get; init; } = FluxDefaults.Training.GradientClipNorm;

    /// <summary>EMA decay of the sampling copy (0: off).</summary>
    public double EmaDecay { get; init; } = FluxDefaults.Training.EmaDecay;

    /// <summary>Micro-batches accumulated into one optimizer step.</summary>
    public int MicroBatches { get; init; } = 1;

    /// <summary>Seed of everything random: initialization, training draws, the samplers (the fresh data and metric
    /// seeds follow it, see <see cref="SampleEvaluationOptions"/>).</summary>
    public long Seed { get; init; } = FluxDefaults.Training.Seed;

    /// <summary>Folder receiving the run folder.</summary>
    public string OutputRoot { get; init; } = "runs";

    /// <summary>Run folder name (null: &lt;data&gt;-&lt;loss&gt;).</summary>
    public string? Name { get; init; }

    /// <summary>Also train the baseline with the other loss.</summary>
    public bool Baseline { get; init; } = true;

    /// <summary>Samples per model for metrics and plots (default: <see cref="FluxDefaults.Sampling"/>).</summary>
    public int Samples { get; init; } = FluxDefaults.Sampling.N;

    /// <summary>Training device.</summary>
    public torch.Device Device { get; init; } = torch.CPU;

    /// <summary>Show a live progress bar.</summary>
    public bool ShowProgress { get; init; } = true;

    /// <summary>Data-parallel replica of an MPI job (`--distributed`); null: one process.</summary>
    public FluxMatching.Training.IGradientReducer? Reducer { get; init; }
}
