namespace FluxMatching.Training;

using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The one training loop's step: one <see cref="ITrainable"/>'s optimizer, EMA and objective, stepped one update at a
/// time. <see cref="Trainer"/> loops over it; benchmarks, interactive front ends and the experiments drive it directly.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    private readonly ITrainable _model;
    private readonly TrainerOptions _options;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;
    private readonly optim.Optimizer? _adam;
    private readonly FusedAdam? _fused;
    private readonly Ema? _ema;
    private readonly ITrainingObjective _objective;
    private readonly int? _threads;
    private readonly bool _ownKernels;
    private readonly bool _onCpu;
    private bool _gradientsClear = true;

    /// <summary>Prepares training of <paramref name="model"/> with <paramref name="options"/> (validated).</summary>
    /// <param name="model">What to train (e.g. a <c>FluxModel</c>).</param>
    /// <param name="options">Optimization settings.</param>
    public TrainingSession(ITrainable model, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.FastRuntime) TorchRuntime.Configure();
        _model = model;
        _options = options;
        _objective = model.CreateObjective(options);
        _parameters = model.TrainableParameters();
        if (options.FusedAdam) _fused = new FusedAdam(_parameters, options.LearningRate);
        else _adam = optim.Adam(_parameters, options.LearningRate);
        _ema = options.EmaDecay > 0 && model.Ema is not null
            ? new Ema(model.Field, model.Ema, options.EmaDecay, options.EmaWarmup)
            : null;
        _onCpu = model.Field.Device.type == DeviceType.CPU;
        _threads = options.Threads ?? (_onCpu && model.Field.Dimension <= 16 ? 1 : null);
        _ownKernels = FieldCapabilities.RunsOwnCpuKernels(model.Field);
    }

    /// <summary>What this session trains.</summary>
    public ITrainable Model => _model;

    /// <summary>The settings.</summary>
    public TrainerOptions Options => _options;

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
        int threads = _threads ?? previous;
        int intraOp = _ownKernels ? 1 : threads;
        var previousKernels = KernelThreads.Override;
        if (intraOp != previous) torch.set_num_threads(intraOp);
        KernelThreads.Override = threads;
        try
        {
            var outcome = StepOnce();
            _model.RecordStep(outcome);
            return outcome;
        }
        finally
        {
            KernelThreads.Override = previousKernels;
            if (intraOp != previous) torch.set_num_threads(previous);
        }
    }

    private StepOutcome StepOnce()
    {
        using var scope = torch.NewDisposeScope();
        if (_options.WarmupSteps > 0)
            LearningRate = _options.LearningRate * Math.Min(1.0, (_model.StepsTrained + 1.0) / _options.WarmupSteps);
        var (total, x) = _objective.Compute();
        if (_options.ExtraLoss is not null) total = total + _options.ExtraLoss(_model, x);
        if (!_onCpu) return StepOffCpu(total);
        double value = total.ToDouble();
        if (!double.IsFinite(value)) return new StepOutcome(value, double.NaN, Applied: false);
        if (!_gradientsClear) ZeroGrad();
        total.backward();
        _gradientsClear = false;
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
        if (!_gradientsClear) ZeroGrad();
        total.backward();
        _gradientsClear = false;
        var norm = _fused is not null
            ? _fused.Gradients.to(ScalarType.Float64).norm()
            : GradientNormTensor();
        var both = torch.stack([total.detach().to(ScalarType.Float64).reshape(1), norm.reshape(1)]).cpu();
        double value = both[0].ToDouble(), normValue = both[1].ToDouble();
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
        double clip = _options.GradientClipNorm > 0 && norm > _options.GradientClipNorm
            ? _options.GradientClipNorm / (norm + 1e-6)
            : 1.0;
        if (_fused is not null)
        {
            _fused.Step(clip, clearGradients: true);   // one pass: clip, update, clear for the next backward
            _gradientsClear = true;
        }
        else
        {
            if (clip != 1.0)
            {
                using var factor = clip.ToScalar();
                using var _ = torch.no_grad();
                foreach (var p in _parameters) p.grad?.mul_(factor);
            }
            _adam!.step();
        }
        _ema?.Update();
        return new StepOutcome(value, norm, Applied: true);
    }

    /// <summary>Ends the session (<see cref="ITrainable.EndSession"/>: e.g. without EMA a model's sampling copy takes
    /// the trained parameters).</summary>
    public void Dispose()
    {
        _model.EndSession(averaged: _ema is not null);
        _fused?.Dispose();
        _adam?.Dispose();
    }

    private double LearningRate
    {
        set
        {
            if (_fused is not null) _fused.LearningRate = value;
            else _adam!.ParamGroups.First().LearningRate = value;
        }
    }

    private void ZeroGrad()
    {
        if (_fused is not null) _fused.ZeroGrad();
        else _adam!.zero_grad();
        _gradientsClear = true;
    }

    private double GradientNorm()
    {
        if (_fused is not null) return _fused.GradientNorm();
        using var scope = torch.NewDisposeScope();
        return GradientNormTensor().ToDouble();
    }

    /// <summary>The global gradient norm as a float64 0-d tensor on the parameters' device (no host read).</summary>
    private Tensor GradientNormTensor()
    {
        var squares = _parameters.Where(p => p.grad is not null).Select(p => p.grad!.to(ScalarType.Float64).square().sum()).ToArray();
        return squares.Length == 0
            ? torch.zeros([], ScalarType.Float64, _model.Field.Device)
            : torch.stack(squares).sum().sqrt();
    }
}

/// <summary>The outcome of one <see cref="TrainingSession.Step"/>.</summary>
/// <param name="Loss">Batch-mean objective (with any extra loss).</param>
/// <param name="GradientNorm">Global gradient norm before clipping (NaN when the loss was not finite).</param>
/// <param name="Applied">False when the loss or gradient was not finite: the parameters were left unchanged.</param>
public sealed record StepOutcome(double Loss, double GradientNorm, bool Applied);
