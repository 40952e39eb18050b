namespace FluxMatching.Training;

using FluxMatching.Fields;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// What the one training loop (<see cref="TrainingSession"/>, <see cref="Trainer"/>) trains: a field, its optional
/// averaged copy, the parameters the optimizer updates, and the objective of one step. A
/// <c>FluxModel</c> is one; the paper's experiments wrap their own pieces in another.
/// </summary>
public interface ITrainable
{
    /// <summary>The trained field f_θ.</summary>
    TrainableField Field { get; }

    /// <summary>The averaged copy of <see cref="Field"/> used for sampling (same architecture), or null.</summary>
    TrainableField? Ema { get; }

    /// <summary>Steps counted so far (seeds a new session's generator; evaluations are scheduled on it).</summary>
    int StepsTrained { get; }

    /// <summary>The parameters the optimizer updates (the field's and any auxiliary nets'; not the EMA copy's).</summary>
    IReadOnlyList<Parameter> TrainableParameters();

    /// <summary>The objective of one step, for a session with <paramref name="options"/> (its batch size, seed and
    /// dtype); the trainable may convert its modules to <see cref="TrainerOptions.Dtype"/> here.</summary>
    ITrainingObjective CreateObjective(TrainerOptions options);

    /// <summary>Records the outcome of one step (applied or not).</summary>
    void RecordStep(StepOutcome outcome);

    /// <summary>Called when a session ends.</summary>
    /// <param name="averaged">True when the session kept <see cref="Ema"/> up to date.</param>
    void EndSession(bool averaged);

    /// <summary>Writes a checkpoint to <paramref name="path"/> (periodic and best checkpoints of the loop).</summary>
    void SaveCheckpoint(string path);
}

/// <summary>The objective of one training step.</summary>
public interface ITrainingObjective
{
    /// <summary>Draws the step's batch and random numbers and returns the 0-d objective (graph attached) and the
    /// clean batch [B, *S].</summary>
    (Tensor Objective, Tensor Batch) Compute();
}
