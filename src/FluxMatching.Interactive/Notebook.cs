namespace FluxMatching.Interactive;

using FluxMatching.Interactive.Runtime;
using FluxMatching.Interactive.Session;
using FluxMatching.Models;
using FluxMatching.Runtime;
using FluxMatching.Training;
using Microsoft.DotNet.Interactive;

/// <summary>
/// The C# side of what <c>#!flux</c> does, for notebook cells that mix magic commands and code: training with the
/// live display and kernel-interrupt support, and sampling with a chart and metrics.
/// </summary>
public static class Notebook
{
    /// <summary>The native backend the extension found (loads libtorch if it is not loaded yet).</summary>
    public static BackendInfo Backend => NativeBackend.Probe();

    /// <summary>
    /// Trains <paramref name="model"/> with a live display in the current cell. Interrupting the kernel stops after
    /// the current step; the model keeps what it learned.
    /// </summary>
    /// <param name="model">The model, trained in place.</param>
    /// <param name="options">Optimization settings (null: <see cref="FluxDefaults.Training"/>).</param>
    /// <param name="name">Name shown in the display (null: none).</param>
    /// <returns>The run; a notebook shows it as a summary with the loss curve.</returns>
    public static TrainingRun Train(FluxModel model, TrainerOptions? options = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= FluxDefaults.Training;
        options.Validate();
        var context = KernelInvocationContext.Current;
        var monitor = new TrainingMonitor(context, name, model, options.Steps);
        var result = TrainHere(model, options, monitor, context?.CancellationToken ?? CancellationToken.None);
        monitor.Complete(result);
        return new TrainingRun(name, model, options, result);
    }

    /// <summary>
    /// Trains on the calling thread after flushing float denormals to zero on it (the batch-KDE weights underflow into
    /// float32 denormals, which slow every later operation). The flush is a
    /// per-thread CPU setting and notebook kernels run cells on changing threads, so it is set for each run.
    /// </summary>
    internal static TrainingResult TrainHere(FluxModel model, TrainerOptions options, IProgress<TrainingProgress> progress,
        CancellationToken cancellationToken)
    {
        if (options.FastRuntime)
        {
            TorchRuntime.SetFlushDenormal(true);
        }

        return Trainer.Train(model, options, progress, cancellationToken);
    }

    /// <summary>
    /// Samples <paramref name="model"/> and draws as many fresh data points for comparison
    /// (<see cref="SampleEvaluation.Run"/>, the routine <c>flux train</c> measures with too).
    /// </summary>
    /// <param name="model">The model (any device).</param>
    /// <param name="request">Sampler settings (null: the model's defaults).</param>
    /// <param name="name">Name shown with the chart (null: none).</param>
    /// <param name="metrics">Compute MMD², energy distance and sliced W₂ against the data samples.</param>
    /// <returns>Samples and data on the CPU; a notebook shows them as a chart and a metrics table.</returns>
    public static SampleSet Sample(FluxModel model, SamplingRequest? request = null, string? name = null, bool metrics = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        // Images: point-cloud metrics in C·H·W dimensions say little; FD (in-project classifier) is ImageQuality's.
        var image = model.Data as FluxMatching.Data.IImageSource;
        var e = SampleEvaluation.Run(model, request, new SampleEvaluationOptions { Measure = metrics && image is null });
        return new SampleSet(name, e.Samples, e.Data, e.SamplerDescription, e.Elapsed, e.Metrics)
        {
            ImageShape = image is null ? null : [image.Channels, image.Height, image.Width],
        };
    }
}
