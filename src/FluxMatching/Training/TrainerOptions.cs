namespace FluxMatching.Training;

using static TorchSharp.torch;

/// <summary>Optimization settings for <see cref="Trainer"/>. Defaults follow the authors' quickstart.</summary>
public sealed record TrainerOptions
{
    /// <summary>Optimizer steps to take. Default 5,000.</summary>
    public int Steps { get; init; } = 5000;

    /// <summary>Batch size B (fresh data each step); also the KDE reference set. Default 512; at least 2.</summary>
    public int Batch { get; init; } = 512;

    /// <summary>Micro-batches accumulated into one optimizer step (gradient accumulation; what the authors' 4-GPU
    /// exp3 run does across devices): each of the M micro-batches of <see cref="Batch"/>/M samples draws its own data,
    /// σ, t and kernel (the KDE over its own samples), and the step's gradient and loss are their means. Must divide
    /// <see cref="Batch"/> with at least 2 samples per micro-batch. Default 1.</summary>
    public int MicroBatches { get; init; } = 1;

    /// <summary>The authors' exp3 image training (<c>cifar_unconditional_flux.yaml</c>): Adam 1e-4 with a 2,500-step
    /// linear warm-up, gradient-norm clipping at 1, EMA 0.9993 with the warm-up min(β, (1 + t)/(10 + t)), batch 128.
    /// </summary>
    public static TrainerOptions Exp3 { get; } = new()
    {
        Batch = 128, LearningRate = 1e-4, WarmupSteps = 2500, GradientClipNorm = 1.0, EmaDecay = 0.9993,
        EmaWarmup = true,
    };

    /// <summary>Adam learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Linear learning-rate warm-up from 0 over this many steps. Default 0 (off).</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Clip the global gradient norm to this value; 0 turns clipping off. Default 0 (the authors do not
    /// clip in their 2-D notebooks).</summary>
    public double GradientClipNorm { get; init; }

    /// <summary>EMA decay of the sampling copy of the field, in [0, 1); 0 turns the EMA off (sampling then uses the
    /// trained parameters). Default 0.999.</summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>Ramp the EMA decay up as min(β, (1 + t)/(10 + t)) over the first updates (default true); false: a
    /// constant β from the first update, as the authors' exp5 training.</summary>
    public bool EmaWarmup { get; init; } = true;

    /// <summary>Use the fused single-pass Adam (same update as torch.optim.Adam, fewer native calls). Default true.</summary>
    public bool FusedAdam { get; init; } = true;

    /// <summary>Seed of the training generator (data, noise, horizons, probes). Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Element type of training. Default float32 (float64 for reference checks).</summary>
    public ScalarType Dtype { get; init; } = ScalarType.Float32;

    /// <summary>Flush denormals and tune the allocator before training (<see cref="Runtime.TorchRuntime"/>).
    /// Default true.</summary>
    public bool FastRuntime { get; init; } = true;

    /// <summary>
    /// Threads of each training step (restored afterwards). An MLP field on the CPU runs its matrix products on this
    /// many .NET workers (the packed kernel) with libtorch single-threaded; other fields give libtorch this many
    /// intra-op threads. Default null: one thread for a field of dimension ≤ 16 on the CPU (its steps are many small
    /// operations, which a second thread slows down), and libtorch's setting otherwise.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>Report progress every this many steps. Default 10.</summary>
    public int ProgressEvery { get; init; } = 10;

    /// <summary>Write a checkpoint every this many steps (0: never). Needs <see cref="CheckpointPath"/>.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Where periodic checkpoints go (atomically replaced). Default null.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>An extra loss term added to the batch-mean objective, e.g. the spiral penalty of the authors'
    /// comparison notebook. Receives what is trained (e.g. a <c>FluxModel</c>; its
    /// <see cref="ITrainable.Field"/>) and the clean batch [B, D]; returns a 0-d tensor. Default null.</summary>
    public Func<ITrainable, Tensor, Tensor>? ExtraLoss { get; init; }

    /// <summary>On a non-finite loss or gradient: false (default) stops training (<see cref="StopReason.NonFinite"/>);
    /// true skips that update and goes on (the authors' exp5 training).</summary>
    public bool SkipNonFinite { get; init; }

    /// <summary>Call <see cref="Evaluate"/> every this many steps (counted by <see cref="ITrainable.StepsTrained"/>) and
    /// after the last step; 0 (default): only after the last step, when <see cref="Evaluate"/> is set.</summary>
    public int EvaluateEvery { get; init; }

    /// <summary>A periodic evaluation, e.g. exp5's exact W2 of samples of the EMA field: receives the step count and
    /// returns a score, lower is better. Default null (none).</summary>
    public Func<int, double>? Evaluate { get; init; }

    /// <summary>Write a checkpoint here whenever an evaluation scores better than every earlier one of the run (the
    /// authors keep their best checkpoint by W2). Default null (none).</summary>
    public string? BestCheckpointPath { get; init; }

    /// <summary>
    /// Data-parallel training (the authors' DDP) when set: this process is replica <see cref="IGradientReducer.Rank"/>
    /// of <see cref="IGradientReducer.Size"/>, draws its batch, σ, t, noise and probes with <see cref="Seed"/> + rank
    /// (initialize the model with the same seed on every replica), and averages gradients and loss with the others in
    /// one all-reduce per step, so every replica applies the same update. Only replica 0 writes checkpoints and reports
    /// progress. Every replica must run the same steps (cancel all or none). Default null (one process).
    /// </summary>
    public IGradientReducer? GradientReducer { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be ≥ 0.");
        }

        if (Batch < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "batch must be ≥ 2 (the KDE score needs a reference set).");
        }

        if (MicroBatches < 1 || Batch % MicroBatches != 0 || Batch / MicroBatches < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MicroBatches), MicroBatches, $"micro-batches must divide the batch ({Batch}) into micro-batches of at least 2 samples.");
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "lr must be a finite number > 0.");
        }

        if (Threads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be ≥ 1 (null: automatic).");
        }

        if (WarmupSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, "warm-up steps must be ≥ 0.");
        }

        if (GradientClipNorm < 0 || !double.IsFinite(GradientClipNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(GradientClipNorm), GradientClipNorm, "gradient clip norm must be ≥ 0 (0 = off).");
        }

        if (EmaDecay is < 0 or >= 1 || double.IsNaN(EmaDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(EmaDecay), EmaDecay, "EMA decay must be in [0, 1).");
        }

        if (Dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentOutOfRangeException(nameof(Dtype), Dtype, "dtype must be float32 or float64.");
        }

        if (ProgressEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ProgressEvery), ProgressEvery, "progress interval must be ≥ 1.");
        }

        if (EvaluateEvery < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EvaluateEvery), EvaluateEvery, "evaluation interval must be ≥ 0.");
        }

        if (BestCheckpointPath is not null && Evaluate is null)
        {
            throw new ArgumentException("a best-checkpoint path needs an evaluation (Evaluate).", nameof(BestCheckpointPath));
        }

        if (CheckpointEvery < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "checkpoint interval must be ≥ 0.");
        }

        if (CheckpointEvery > 0 && string.IsNullOrWhiteSpace(CheckpointPath))
        {
            throw new ArgumentException("checkpoint-every needs a checkpoint path.", nameof(CheckpointPath));
        }
    }
}
