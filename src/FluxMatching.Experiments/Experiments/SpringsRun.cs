namespace FluxMatching.Experiments;

using System.Diagnostics;
using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Runtime;
using FluxMatching.Springs;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// One exp5 run (reference-code §3.6, paper §4.5): a <see cref="TransformerField"/> (optionally causal) trained on
/// the standardised springs trajectories [B, T, 4] with DSM or annealed Flux Matching, Adam, gradient clipping and an
/// EMA copy (ema ← β·ema + (1 − β)·θ every step, no warm-up, as the reference), and evaluated every k steps by the
/// exact W2 between probability-flow-ODE samples of the EMA field and the training trajectories
/// (<see cref="TrajectoryW2Evaluator"/>). σ is drawn once per batch, log-uniform on [σ_min, σ_max]; batches come from
/// shuffled epochs (the last batch of an epoch is smaller when the set size is not a multiple of the batch size, as
/// the reference's DataLoader with drop_last = false).
/// </summary>
public sealed class SpringsRun : IDisposable
{
    private readonly Generator shuffle;
    private readonly Generator draws;
    private readonly SigmaSampler sigmas;
    private readonly AnnealedFluxLoss flux = new();
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> parameters;
    private readonly FusedAdam optimizer;
    private readonly FixedDecayEma ema;
    private readonly List<double> losses = [];
    private readonly List<W2Evaluation> evaluations = [];
    private Tensor? order;
    private int position;

    /// <summary>Builds the field (parameters initialised from <c>torch.manual_seed(options.Seed)</c>), its EMA copy,
    /// the auxiliary nets of Flux training, the optimizer and the evaluator.</summary>
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

        if (Options.FastRuntime)
        {
            TorchRuntime.Configure();
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

        var trainable = new List<TorchSharp.Modules.Parameter>(Field.parameters());
        trainable.AddRange(Normalizer?.parameters() ?? []);
        trainable.AddRange(Proposal?.parameters() ?? []);
        parameters = trainable;
        optimizer = new FusedAdam(parameters, Options.LearningRate);
        ema = new FixedDecayEma(Field, Ema, Options.EmaDecay);
        shuffle = new Generator((ulong)Options.Seed, CPU);
        draws = new Generator((ulong)(Options.Seed + 1), Device);
        sigmas = SigmaSampler.LogUniform(Options.SigmaMin, Options.SigmaMax);
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
    public int StepsTrained { get; private set; }

    /// <summary>Steps whose loss or gradient was not finite; their update was not applied.</summary>
    public int SkippedSteps { get; private set; }

    /// <summary>Batch-mean objective of every step taken (NaN/∞ for skipped steps).</summary>
    public IReadOnlyList<double> LossHistory => losses;

    /// <summary>Every W2 evaluation so far, in step order.</summary>
    public IReadOnlyList<W2Evaluation> Evaluations => evaluations;

    /// <summary>Takes one optimizer step on the next batch; returns its batch-mean objective.</summary>
    public double Step()
    {
        using var scope = NewDisposeScope();
        var x = NextBatch().to(Options.Dtype, Device);
        var sigma = sigmas.Sample(draws, Device, Options.Dtype);
        Tensor objective;
        if (Options.Objective == SpringsObjective.Dsm)
        {
            double s = sigma.ToDouble();
            var fieldSigma = Options.DsmFieldTakesSigmaSquared ? sigma.square() : sigma;
            objective = DsmLoss.EpsilonKde(z => Field.EvaluateRaw(z, fieldSigma), x, s * s, generator: draws).mean();
        }
        else
        {
            objective = flux.Compute(Field, x, sigma, Normalizer, Proposal, generator: draws).Total.mean();
        }

        double value = objective.ToDouble();
        StepsTrained++;
        losses.Add(value);
        optimizer.ZeroGrad();
        if (!double.IsFinite(value))
        {
            SkippedSteps++;
            return value;
        }

        objective.backward();
        double norm = GradientNorm();
        if (!double.IsFinite(norm))
        {
            optimizer.ZeroGrad();
            SkippedSteps++;
            return value;
        }

        if (Options.GradientClipNorm > 0 && norm > Options.GradientClipNorm)
        {
            using var factor = (Options.GradientClipNorm / (norm + 1e-6)).ToScalar();
            using var noGrad = no_grad();
            foreach (var p in parameters)
            {
                p.grad?.mul_(factor);
            }
        }

        optimizer.Step();
        ema.Update();

        return value;
    }

    /// <summary>Samples the EMA field with the evaluation's ODE and records the exact W2 at the current step.</summary>
    public W2Evaluation Evaluate()
    {
        var clock = Stopwatch.StartNew();
        var generator = new Generator((ulong)((Options.Seed * 1_000_003L) + 7_919L + StepsTrained), Device);
        double w2 = Evaluator.Evaluate(Ema, generator);
        var evaluation = new W2Evaluation(StepsTrained, w2, clock.Elapsed.TotalSeconds);
        evaluations.Add(evaluation);
        return evaluation;
    }

    /// <summary>
    /// Trains for <paramref name="steps"/> steps (default <see cref="SpringsRunOptions.Steps"/>), evaluating every
    /// <see cref="SpringsRunOptions.EvaluateEvery"/> steps and at the end; continues where an earlier call stopped.
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

        var clock = Stopwatch.StartNew();
        int first = losses.Count, done = 0;
        for (; done < target && !cancellationToken.IsCancellationRequested; done++)
        {
            Step();
            if (Options.EvaluateEvery > 0 && StepsTrained % Options.EvaluateEvery == 0)
            {
                var evaluation = Evaluate();
                progress?.Report(evaluation);
            }
        }

        bool cancelled = done < target;
        if (!cancelled && (evaluations.Count == 0 || evaluations[^1].Step != StepsTrained))
        {
            var evaluation = Evaluate();
            progress?.Report(evaluation);
        }

        string message = cancelled
            ? $"Cancelled after {done} of {target} steps."
            : $"Trained {done} steps in {clock.Elapsed.TotalSeconds:F1} s" +
              (SkippedSteps > 0 ? $" ({SkippedSteps} non-finite steps skipped so far)." : ".");
        return new SpringsRunResult(Name, done, losses.Skip(first).ToArray(), evaluations.ToArray(), clock.Elapsed, message);
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
        order?.Dispose();
        optimizer.Dispose();
        Evaluator.Dispose();
        ema.Dispose();
        Field.Dispose();
        Ema.Dispose();
        Normalizer?.Dispose();
        Proposal?.Dispose();
    }

    // The next batch of a shuffled epoch (a new permutation when the last one is used up; the last batch of an epoch
    // holds the remainder). The permutation lives outside every dispose scope.
    private Tensor NextBatch()
    {
        if (order is null || position >= Data.Count)
        {
            order?.Dispose();
            order = randperm(Data.Count, generator: shuffle).DetachFromDisposeScope();
            position = 0;
        }

        int end = Math.Min(position + Options.BatchSize, Data.Count);
        using var index = order[position..end];
        position = end;
        return Data.Normalized.index_select(0, index);
    }

    private double GradientNorm()
    {
        using var scope = NewDisposeScope();
        var squares = parameters.Where(p => p.grad is not null).Select(p => p.grad!.square().sum()).ToArray();
        return squares.Length == 0 ? 0 : Math.Sqrt(stack(squares).sum().ToDouble());
    }
}
