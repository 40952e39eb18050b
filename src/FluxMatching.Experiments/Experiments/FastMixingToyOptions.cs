namespace FluxMatching.Experiments;

using FluxMatching.Losses;

/// <summary>
/// Settings of <see cref="FastMixingToy"/>: exp1's triangle mixture at σ = 0.45, an MLP field trained with the
/// fixed-σ flux loss, with and without exp4's mixing term, one pair of runs per seed.
/// </summary>
public sealed record FastMixingToyOptions
{
    /// <summary>Seeds; each gives one run with the term and one control without it (same initialization, same
    /// training draws for the flux loss). Default 0, 1, 2.</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [0, 1, 2];

    /// <summary>Flux-only steps shared by both arms before the comparison (0: none). Default 2000.</summary>
    public int PretrainSteps { get; init; } = 2000;

    /// <summary>Clean samples per step of the flux-only phase (also the KDE reference set). Default 256.</summary>
    public int PretrainBatch { get; init; } = 256;

    /// <summary>Optimizer steps per arm after the shared phase, with the mixing term or without it. Default 250.
    /// </summary>
    public int Steps { get; init; } = 250;

    /// <summary>Clean samples per step (the mixing term splits them in halves: Sinkhorn on 64 × 64 points). Default
    /// 128.</summary>
    public int Batch { get; init; } = 128;

    /// <summary>Hidden width of the MLP field. Default 128.</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>Hidden layers of the MLP field. Default 2.</summary>
    public int Depth { get; init; } = 2;

    /// <summary>Adam learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Weight of the mixing term (<see cref="Models.FluxModelConfig.Mixing"/>). Default 0.01 (the authors').
    /// </summary>
    public double Mixing { get; init; } = 0.01;

    /// <summary>Drift of the mixing step. Default the authors' (D − z)/σ.</summary>
    public MixingDrive Drive { get; init; } = MixingDrive.DenoiserOverSigma;

    /// <summary>Evaluate (and carry from the shared phase into both arms) the exponential moving average of the
    /// parameters (decay 0.999, as the models sample by default) instead of the last step's parameters. Default false.
    /// </summary>
    public bool UseEma { get; init; }

    /// <summary>Clean samples per evaluation batch of the flux loss. Default 1024.</summary>
    public int EvaluationBatch { get; init; } = 1024;

    /// <summary>Batches of the Monte-Carlo flux loss evaluated after training (fixed draws, the same for every field).
    /// Default 20.</summary>
    public int EvaluationBatches { get; init; } = 20;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Seeds is null || Seeds.Count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Seeds), Seeds?.Count ?? 0, "at least one seed is needed.");
        }

        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be ≥ 1.");
        }

        if (PretrainSteps < 0 || PretrainBatch < 4 || EvaluationBatch < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(PretrainSteps), PretrainSteps, "pretrain steps must be ≥ 0 and the pretrain and evaluation batches ≥ 4.");
        }

        if (Batch < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "batch must be ≥ 4.");
        }

        if (!(Mixing > 0) || !double.IsFinite(Mixing))
        {
            throw new ArgumentOutOfRangeException(nameof(Mixing), Mixing, "mixing must be a finite number > 0 (the control run has none).");
        }

        if (EvaluationBatches < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EvaluationBatches), EvaluationBatches, "evaluation batches must be ≥ 1.");
        }
    }
}
