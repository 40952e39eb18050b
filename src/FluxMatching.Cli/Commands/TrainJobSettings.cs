namespace FluxMatching.Cli.Commands;

using FluxMatching.Models;
using TorchSharp;

/// <summary>Settings of the main job (`flux train`).</summary>
internal sealed record TrainJobSettings
{
    /// <summary>Default training steps: the authors' 5,000 for the 2-D notebooks.</summary>
    public const int DefaultSteps = 5000;

    /// <summary>Configuration of the main model (the baseline uses the other loss).</summary>
    public required FluxModelConfig Model { get; init; }

    /// <summary>Training steps per model.</summary>
    public int Steps { get; init; } = DefaultSteps;

    /// <summary>Batch size.</summary>
    public int Batch { get; init; } = 512;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Seed of everything random.</summary>
    public long Seed { get; init; }

    /// <summary>Folder receiving the run folder.</summary>
    public string OutputRoot { get; init; } = "runs";

    /// <summary>Run folder name (null: &lt;data&gt;-&lt;loss&gt;).</summary>
    public string? Name { get; init; }

    /// <summary>Also train the baseline with the other loss.</summary>
    public bool Baseline { get; init; } = true;

    /// <summary>Samples per model for metrics and plots.</summary>
    public int Samples { get; init; } = 2000;

    /// <summary>Training device.</summary>
    public torch.Device Device { get; init; } = torch.CPU;

    /// <summary>Show a live progress bar.</summary>
    public bool ShowProgress { get; init; } = true;

    /// <summary>Data-parallel replica of an MPI job (`--distributed`); null: one process.</summary>
    public FluxMatching.Training.IGradientReducer? Reducer { get; init; }
}
