namespace FluxMatching.Training;

using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The one training loop's step: one <see cref="ITrainable"/>'s optimizer, EMA and objective, stepped one update at a
/// time. <see cref="Trainer"/> loops over it; benchmarks, interactive front ends and the experiments drive it directly.
/// </summary>
public sealed partial class TrainingSession : IDisposable
{
    private readonly ITrainable model;
    private readonly TrainerOptions options;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> parameters;
    private readonly optim.Optimizer? adam;
    private readonly FusedAdam? fused;
    private readonly Ema? ema;
    private readonly ITrainingObjective objective;
    private readonly int? threads;
    private readonly bool ownKernels;
    private readonly bool onCpu;
    private readonly ReplicaGradients? replicas;
    private bool gradientsClear = true;

    /// <summary>Prepares training of <paramref name="model"/> with <paramref name="options"/> (validated).</summary>
    /// <param name="model">What to train (e.g. a <c>FluxModel</c>).</param>
    /// <param name="options">Optimization settings.</param>
    public TrainingSession(ITrainable model, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.FastRuntime)
        {
            TorchRuntime.Configure();
        }

        this.model = model;
        this.options = options;
        // data-parallel replica r draws its batches, σ, t and noise with seed + r (initialization keeps the seed)
        // each micro-batch is one Compute() of an objective of Batch/M samples (its own data, σ, t and kernel)
        var objectiveOptions = options.MicroBatches > 1 ? options with { Batch = options.Batch / options.MicroBatches } : options;
        this.objective = model.CreateObjective(options.GradientReducer is { Rank: > 0 } reducer
            ? objectiveOptions with { Seed = options.Seed + reducer.Rank }
            : objectiveOptions);
        this.parameters = model.TrainableParameters();
        if (options.FusedAdam)
        {
            this.fused = new FusedAdam(this.parameters, options.LearningRate);
        }
        else
        {
            adam = optim.Adam(this.parameters, options.LearningRate);
        }

        ema = options.EmaDecay > 0 && model.Ema is not null
            ? new Ema(model.Field, model.Ema, options.EmaDecay, options.EmaWarmup)
            : null;
        onCpu = model.Field.Device.type == DeviceType.CPU;
        this.threads = options.Threads ?? (onCpu && model.Field.Dimension <= 16 ? 1 : null);
        ownKernels = FieldCapabilities.RunsOwnCpuKernels(model.Field);
        this.replicas = options.GradientReducer is null ? null : new ReplicaGradients(options.GradientReducer, this.parameters);
    }

    /// <summary>What this session trains.</summary>
    public ITrainable Model => this.model;

    /// <summary>The settings.</summary>
    public TrainerOptions Options => this.options;

    /// <summary>
    /// Takes one optimizer step: draws a batch, evaluates the objective, and applies the update only when the loss
    /// and the gradient norm are finite.
    /// </summary>
    /// <returns>The step's outcome: the batch-mean objective, the gradient norm, and whether it was applied (also
    /// given to <see cref="ITrainable.RecordStep"/>).</returns>
    public StepOutcome Step()
    {
        // n threads for the step: a field with its own CPU kernels (an MLP) runs its products and fused passes on n
        // .NET workers with libtorch single-threaded — libtorch's OpenMP workers spin between operations and, on a busy machine, make
        // every operation wait for a descheduled worker; any other field gives libtorch the n threads.
        int previous = torch.get_num_threads();
        int threads = this.threads ?? previous;
        int intraOp = ownKernels ? 1 : threads;
        var previousKernels = KernelThreads.Override;
        if (intraOp != previous)
        {
            torch.set_num_threads(intraOp);
        }

        KernelThreads.Override = threads;
        try
        {
            var outcome = StepOnce();
            this.model.RecordStep(outcome);
            return outcome;
        }
        finally
        {
            KernelThreads.Override = previousKernels;
            if (intraOp != previous)
            {
                torch.set_num_threads(previous);
            }
        }
    }

    private StepOutcome StepOnce()
    {
        using var scope = torch.NewDisposeScope();
        if (this.options.WarmupSteps > 0)
        {
            LearningRate = this.options.LearningRate * Math.Min(1.0, (this.model.StepsTrained + 1.0) / this.options.WarmupSteps);
        }

        if (this.options.MicroBatches > 1)
        {
            return StepAccumulated(this.options.MicroBatches);
        }

        var total = MicroBatchObjective();
        if (!onCpu)
        {
            return StepOffCpu(total);
        }

        double value = total.ItemAsDouble();
        // (data-parallel: the other replicas still wait for this step's all-reduce; the NaN makes them all skip it)
        if (!double.IsFinite(value))
        {
            return new StepOutcome(this.replicas?.Average(value, this.model.StepsTrained) ?? value, double.NaN, Applied: false);
        }

        if (!gradientsClear)
        {
            ZeroGrad();
        }

        total.backward();
        gradientsClear = false;
        if (this.replicas is not null)
        {
            value = this.replicas.Average(value, this.model.StepsTrained);   // one all-reduce: mean gradients and loss
        }

        return FinishOnCpu(value);
    }

    /// <summary>The objective of one (micro-)batch, with the extra loss when one is set.</summary>
    private Tensor MicroBatchObjective()
    {
        var (total, x) = this.objective.Compute();
        if (this.options.ExtraLoss is not null)
        {
            total = total.add(this.options.ExtraLoss(this.model, x), Scalars.One);
        }

        return total;
    }

    /// <summary>The gradient norm check and update of a CPU step whose mean gradients are in place.</summary>
    private StepOutcome FinishOnCpu(double value)
    {
        double norm = GradientNorm();
        if (!double.IsFinite(norm))
        {
            ZeroGrad();
            return new StepOutcome(value, norm, Applied: false);
        }
        return Update(value, norm);
    }

    /// <summary>A step on a device other than the CPU: backward first, then the loss and the gradient norm are read
    /// together, the step's one host synchronization.</summary>
    private StepOutcome StepOffCpu(Tensor total)
    {
        if (!gradientsClear)
        {
            ZeroGrad();
        }

        total.backward();
        gradientsClear = false;
        return FinishOffCpu(total);
    }

    /// <summary>Off the CPU, after the backward pass(es): the loss and gradient norm read together, then the update.
    /// </summary>
    private StepOutcome FinishOffCpu(Tensor total)
    {
        if (this.replicas is not null)
        {
            // data-parallel off the CPU: gradients and loss staged through host memory (a second synchronization)
            double mean = this.replicas.Average(total.ItemAsDouble(), this.model.StepsTrained);
            total = torch.tensor(mean, ScalarType.Float64, total.device);
        }
        var norm = this.fused is not null
            ? this.fused.Gradients.to(ScalarType.Float64).norm()
            : GradientNormTensor();
        var both = torch.stack([total.detach().to(ScalarType.Float64).reshape(1), norm.reshape(1)]).cpu();
        double value = both[0].ItemAsDouble(), normValue = both[1].ItemAsDouble();
        if (!double.IsFinite(value) || !double.IsFinite(normValue))
        {
            ZeroGrad();
            return new StepOutcome(value, double.IsFinite(value) ? normValue : double.NaN, Applied: false);
        }

        return Update(value, normValue);
    }

    /// <summary>Clips, updates and averages (the loss and norm are finite).</summary>
    private StepOutcome Update(double value, double norm)
    {
        double clip = this.options.GradientClipNorm > 0 && norm > this.options.GradientClipNorm
            ? this.options.GradientClipNorm / (norm + 1e-6)
            : 1.0;
        if (this.fused is not null)
        {
            this.fused.Step(clip, clearGradients: true);   // one pass: clip, update, clear for the next backward
            gradientsClear = true;
        }
        else
        {
            if (clip != 1.0)
            {
                using var factor = clip.ToScalar();
                using var _ = torch.no_grad();
                foreach (var p in this.parameters)
                {
                    p.grad?.mul_(factor);
                }
            }
            adam!.step();
        }
        ema?.Update();
        return new StepOutcome(value, norm, Applied: true);
    }

    /// <summary>The fused optimizer (null when <see cref="TrainerOptions.FusedAdam"/> is off).</summary>
    internal FusedAdam? Fused => this.fused;

    /// <summary>The EMA (null when off).</summary>
    internal Ema? Averager => ema;

    /// <summary>The objective's generators.</summary>
    internal IReadOnlyList<Generator> Generators => this.objective.Generators;

    /// <summary>Writes a resumable checkpoint: the model's (<see cref="ITrainable.SaveCheckpoint"/>) and beside it the
    /// optimizer's moments, the EMA's update count and the generator's state (<see cref="TrainingState"/>), so
    /// <see cref="Resume"/> continues bit-identically on the CPU.</summary>
    /// <param name="path">Checkpoint path; the training state goes to <c>path + ".train"</c>.</param>
    public void SaveCheckpoint(string path)
    {
        this.model.SaveCheckpoint(path);
        TrainingState.Save(this, path + TrainingState.Suffix);
    }

    /// <summary>Continues training from a checkpoint written by <see cref="SaveCheckpoint"/>: a session on
    /// <paramref name="model"/> (loaded from that checkpoint) with the saved optimizer, EMA and generator state.</summary>
    /// <param name="model">The model loaded from <paramref name="path"/>.</param>
    /// <param name="options">The settings of the interrupted run.</param>
    /// <param name="path">The checkpoint path.</param>
    /// <exception cref="InvalidDataException">The training state is missing, corrupt, or from another step.</exception>
    public static TrainingSession Resume(ITrainable model, TrainerOptions options, string path)
    {
        var session = new TrainingSession(model, options);
        try
        {
            TrainingState.Restore(session, path + TrainingState.Suffix);
            return session;
        }
        catch
        {
            session.fused?.Dispose();
            session.adam?.Dispose();
            throw;
        }
    }

    /// <summary>Ends the session (<see cref="ITrainable.EndSession"/>: e.g. without EMA a model's sampling copy takes
    /// the trained parameters).</summary>
    public void Dispose()
    {
        this.model.EndSession(averaged: ema is not null);
        this.fused?.Dispose();
        adam?.Dispose();
        this.replicas?.Dispose();
    }
}
