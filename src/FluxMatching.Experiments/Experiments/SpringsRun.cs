namespace FluxMatching.Experiments;

using System.Diagnostics;
using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Springs;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// One exp5 run (the authors' experiments/exp5_embed_structure, paper §4.5): a <see cref="TransformerField"/> (optionally causal) trained on
/// the standardised springs trajectories [B, T, 4] with DSM or annealed Flux Matching by the library's one training
/// loop (<see cref="TrainingSession"/>, <see cref="Trainer"/>): Adam, gradient clipping, non-finite steps skipped,
/// an EMA copy (ema ← β·ema + (1 − β)·θ every step, no warm-up, as the reference), and the loop's periodic
/// evaluation: the exact W2 between probability-flow-ODE samples of the EMA field and the training trajectories
/// (<see cref="TrajectoryW2Evaluator"/>). σ is drawn once per batch, log-uniform on [σ_min, σ_max]; batches come from
/// shuffled epochs (the last batch of an epoch is smaller when the set size is not a multiple of the batch size, as
/// the reference's DataLoader with drop_last = false).
/// </summary>
public sealed class SpringsRun : IDisposable
{
    private readonly SpringsTrainable trainable;
    private readonly TrainingSession session;
    private readonly List<W2Evaluation> evaluations = [];
    private IProgress<W2Evaluation>? reporter;   // the progress of the Train call under way

    /// <summary>Builds the field (parameters initialised from <c>torch.manual_seed(options.Seed)</c>), its EMA copy,
    /// the auxiliary nets of Flux training, the training session and the evaluator.</summary>
    /// <param name="data">The springs training set (its sequence length and 4 features must match the field).</param>
    /// <param name="options">Settings (null: the reference's, with the small CPU field sizes).</param>
    /// <param name="name">Label of the run (null: "DSM", "DSM causal", "Flux" or "Flux causal").</param>
    /// <param name="device">Device of training and sampling (null: CPU).</param>
    public SpringsRun(SpringsDataset data, SpringsRunOptions? options = null, string? name = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Options = options ?? new SpringsRunOptions();
        Options.Validate();
        var raw = data.Raw.shape;
        if (raw[1] != Options.Field.SequenceLength || raw[2] != Options.Field.Features)
        {
            throw new ArgumentException(
                $"data has sequences [T = {raw[1]}, C = {raw[2]}] but options.Field expects [T = {Options.Field.SequenceLength}, " +
                $"C = {Options.Field.Features}].", nameof(data));
        }

        if (Options.EvaluationSamples > data.Count)
        {
            throw new ArgumentOutOfRangeException("options.EvaluationSamples", Options.EvaluationSamples,
                $"EvaluationSamples must be ≤ the data set size {data.Count}.");
        }

        Data = data;
        Device = device ?? CPU;
        Name = name ?? $"{(Options.Objective == SpringsObjective.Dsm ? "DSM" : "Flux")}{(Options.Field.Causal ? " causal" : string.Empty)}";
        var dtype = Options.Dtype;
        manual_seed(Options.Seed);
        Field = new TransformerField(Options.Field, "field");
        Ema = new TransformerField(Options.Field, "ema");
        if (Options.Objective == SpringsObjective.Flux)
        {
            Normalizer = Options.LossNormalizer ? new LossNormalizer() : null;
            Proposal = Options.TimeProposal ? new ExponentialTimeProposal() : null;
        }

        foreach (nn.Module? m in new nn.Module?[] { Field, Ema, Normalizer, Proposal })
        {
            m?.to(dtype).to(Device);
        }

        using (no_grad())
        {
            foreach (var (e, p) in Ema.parameters().Zip(Field.parameters()))
            {
                e.requires_grad_(false).copy_(p);   // the copy starts equal to the trained field
            }
        }

        trainable = new SpringsTrainable(Options, data, Device, Field, Ema, Normalizer, Proposal);
        session = new TrainingSession(trainable, new TrainerOptions
        {
            Steps = Options.Steps, Batch = Options.BatchSize, LearningRate = Options.LearningRate,
            GradientClipNorm = Options.GradientClipNorm, EmaDecay = Options.EmaDecay, EmaWarmup = false,
            FusedAdam = true, Seed = Options.Seed, Dtype = dtype, FastRuntime = Options.FastRuntime,
            SkipNonFinite = true, EvaluateEvery = Options.EvaluateEvery, Evaluate = _ => Evaluate().W2,
        });
        using var scope = NewDisposeScope();
        var reference = Options.EvaluationSamples == data.Count
            ? data.Normalized
            : data.Sample(Options.EvaluationSamples, new Generator((ulong)(Options.Seed + 2), CPU));
        Evaluator = new TrajectoryW2Evaluator(reference.to(dtype, Device), Options.Sampler);
    }

    /// <summary>The run's label.</summary>
    public string Name { get; }

    /// <summary>The settings.</summary>
    public SpringsRunOptions Options { get; }

    /// <summary>The training set.</summary>
    public SpringsDataset Data { get; }

    /// <summary>The device of training and sampling.</summary>
    public Device Device { get; }

    /// <summary>The trained field f(x; σ) = raw/σ, [B, T, C] → [B, T, C].</summary>
    public TransformerField Field { get; }

    /// <summary>The EMA copy of <see cref="Field"/> (sampled by the evaluation).</summary>
    public TransformerField Ema { get; }

    /// <summary>The learned loss normalizer s(σ) (Flux runs with <see cref="SpringsRunOptions.LossNormalizer"/>).</summary>
    public LossNormalizer? Normalizer { get; }

    /// <summary>The learned horizon proposal (Flux runs with <see cref="SpringsRunOptions.TimeProposal"/>).</summary>
    public ExponentialTimeProposal? Proposal { get; }

    /// <summary>The evaluation: ODE sampler and reference trajectories.</summary>
    public TrajectoryW2Evaluator Evaluator { get; }

    /// <summary>Trainable parameters of the field (the auxiliary nets and the EMA copy excluded).</summary>
    public long ParameterCount => Field.parameters().Sum(p => p.numel());

    /// <summary>Optimizer steps taken so far (skipped non-finite steps included).</summary>
    public int StepsTrained => trainable.StepsTrained;

    /// <summary>Steps whose loss or gradient was not finite; their update was not applied.</summary>
    public int SkippedSteps => trainable.SkippedSteps;

    /// <summary>Batch-mean objective of every step taken (NaN/∞ for skipped steps).</summary>
    public IReadOnlyList<double> LossHistory => trainable.Losses;

    /// <summary>Every W2 evaluation so far, in step order.</summary>
    public IReadOnlyList<W2Evaluation> Evaluations => evaluations;

    /// <summary>Takes one optimizer step on the next batch; returns its batch-mean objective.</summary>
    public double Step() => session.Step().Loss;

    /// <summary>Samples the EMA field with the evaluation's ODE and records the exact W2 at the current step.</summary>
    public W2Evaluation Evaluate()
    {
        var clock = Stopwatch.StartNew();
        var generator = new Generator((ulong)((Options.Seed * 1_000_003L) + 7_919L + StepsTrained), Device);
        double w2 = Evaluator.Evaluate(Ema, generator);
        var evaluation = new W2Evaluation(StepsTrained, w2, clock.Elapsed.TotalSeconds);
        evaluations.Add(evaluation);
        reporter?.Report(evaluation);
        return evaluation;
    }

    /// <summary>
    /// Trains for <paramref name="steps"/> steps (default <see cref="SpringsRunOptions.Steps"/>) with the training
    /// loop, evaluating every <see cref="SpringsRunOptions.EvaluateEvery"/> steps and at the end; continues where an
    /// earlier call stopped (the optimizer state carries over).
    /// </summary>
    /// <param name="steps">Steps to take (null: the options' Steps), ≥ 0.</param>
    /// <param name="progress">Receives every evaluation as it is made.</param>
    /// <param name="cancellationToken">Stops after the current step (the run stays usable; no final evaluation).</param>
    public SpringsRunResult Train(int? steps = null, IProgress<W2Evaluation>? progress = null,
        CancellationToken cancellationToken = default)
    {
        int target = steps ?? Options.Steps;
        if (target < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), target, "steps must be ≥ 0.");
        }

        int first = LossHistory.Count;
        reporter = progress;
        try
        {
            var result = Trainer.Train(session, target, null, cancellationToken);
            string message = result.Cancelled
                ? $"Cancelled after {result.StepsCompleted} of {target} steps."
                : $"Trained {result.StepsCompleted} steps in {result.Elapsed.TotalSeconds:F1} s" +
                  (SkippedSteps > 0 ? $" ({SkippedSteps} non-finite steps skipped so far)." : ".");
            return new SpringsRunResult(Name, result.StepsCompleted, LossHistory.Skip(first).ToArray(),
                evaluations.ToArray(), result.Elapsed, message);
        }
        finally
        {
            reporter = null;
        }
    }

    /// <summary>Draws <paramref name="n"/> standardised trajectories [n, T, C] from the EMA field with the ODE.</summary>
    /// <param name="n">Number of trajectories ≥ 1.</param>
    /// <param name="generator">Source of the start points (null: the global generator).</param>
    public Tensor Sample(int n, Generator? generator = null)
    {
        var result = Evaluator.Sampler.Sample(Ema, n, generator, Device, Options.Dtype);
        result.Trajectory?.Dispose();
        using var samples = result.Samples;
        return samples.reshape(n, Options.Field.SequenceLength, Options.Field.Features);
    }

    /// <summary>Frees the modules, optimizer state and evaluator.</summary>
    public void Dispose()
    {
        session.Dispose();
        trainable.Dispose();
        Evaluator.Dispose();
        Field.Dispose();
        Ema.Dispose();
        Normalizer?.Dispose();
        Proposal?.Dispose();
    }
}
