namespace FluxMatching.Models;

using System.Globalization;
using FluxMatching.Data;
using FluxMatching.Metrics;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Samples from a model next to as many fresh data points, measured against each other: the one "sample, draw fresh
/// data, measure" routine of <c>flux train</c>, <c>#!flux sample</c> and <c>Notebook.Sample</c>. The model samples on
/// its own device; the results are copied to the CPU in float32 for charts, CSV files and the metrics.
/// </summary>
/// <param name="Samples">Model samples [N, D], CPU, float32.</param>
/// <param name="Data">Fresh data samples [N, D], CPU, float32, drawn with the data seed (a user's data set with a
/// held-out part: all held-out points, [M, D]). Samples and data are in data units (see <see cref="DataUnits"/>).</param>
/// <param name="Sampler">The sampler that ran.</param>
/// <param name="SamplerDescription">The sampler in words, e.g. "Langevin, 2000 steps, ε = 0.01" or
/// "EDM Heun, 50 steps (NFE 99), σ from 80 to 0.002" (<see cref="ModelSampling.Describe"/>).</param>
/// <param name="Steps">Sampler steps taken.</param>
/// <param name="Elapsed">Wall-clock time of sampling (drawing data and measuring excluded).</param>
/// <param name="Metrics">MMD², energy distance and sliced W₂ of the samples against the data, or null when not
/// measured.</param>
public sealed record SampleEvaluation(Tensor Samples, Tensor Data, SamplerKind Sampler, string SamplerDescription, int Steps,
    TimeSpan Elapsed, MetricReport? Metrics) : IDisposable
{
    /// <summary>Samples <paramref name="model"/>, draws as many fresh data points and measures one against the other.</summary>
    /// <param name="model">The model (any device).</param>
    /// <param name="request">Sampler settings (null: <see cref="FluxDefaults.Sampling"/>); a recorded trajectory is not
    /// kept (call <see cref="FluxModel.Sample"/> for trajectories).</param>
    /// <param name="options">Metrics and seeds (null: defaults).</param>
    /// <returns>Samples and data on the CPU with their metrics; dispose it to free both tensors.</returns>
    public static SampleEvaluation Run(FluxModel model, SamplingRequest? request = null, SampleEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        request ??= FluxDefaults.Sampling;
        options ??= new SampleEvaluationOptions();
        // Flush float denormals on this thread (a per-thread CPU setting; notebook cells run on changing threads):
        // the field's activations underflow into denormals late in sampling and slow every later operation.
        TorchRuntime.SetFlushDenormal(true);
        var sampler = request.Sampler ?? FluxDefaults.SamplerFor(model.Config);
        var result = ModelSampling.Sample(model, request);
        using var scope = NewDisposeScope();
        // In data units: a user's data set trained standardized maps its samples back (DataUnits).
        var samples = DataUnits.ToData(model.Data, result.Samples.detach()).cpu().to(ScalarType.Float32).clone();
        result.Samples.Dispose();
        result.Trajectory?.Dispose();
        var data = DataUnits.Reference(model.Data, request.N, new Generator((ulong)options.DataSeedFor(request.Seed)));
        MetricReport? metrics = options.Measure && request.N >= 2
            ? MetricReport.Compute(samples, data, options.Metrics, new Generator((ulong)options.MetricSeedFor(request.Seed)))
            : null;
        return new SampleEvaluation(samples.MoveToOuterDisposeScope(), data.MoveToOuterDisposeScope(), sampler,
            ModelSampling.Describe(model.Config, request, sampler, result), result.Steps, result.Elapsed, metrics)
        {
            FunctionEvaluations = result.FunctionEvaluations,
        };
    }

    /// <summary>The metrics of fresh data against fresh data of the same size: the values a perfect model would
    /// reach at this sample size. The first set is the data <see cref="Run"/> draws with the same seeds.</summary>
    /// <param name="data">The data source.</param>
    /// <param name="n">Points per set, ≥ 2.</param>
    /// <param name="samplingSeed">The sampling seed the runs it is compared with used.</param>
    /// <param name="options">Metrics and seeds (null: defaults); the second set uses the data seed + 2.</param>
    public static MetricReport NoiseFloor(IDataSource data, int n, long samplingSeed = 0, SampleEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (n < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 2.");
        }

        options ??= new SampleEvaluationOptions();
        using var scope = NewDisposeScope();
        long seed = options.DataSeedFor(samplingSeed);
        var first = FreshData(data, n, seed);
        var second = FreshData(data, n, seed + 2);
        return MetricReport.Compute(second, first, options.Metrics, new Generator((ulong)options.MetricSeedFor(samplingSeed)));
    }

    /// <summary>Field (or denoiser) evaluations of the sampler run, the NFE.</summary>
    public int FunctionEvaluations { get; init; }

    /// <summary>Frees <see cref="Samples"/> and <see cref="Data"/>.</summary>
    public void Dispose()
    {
        Samples.Dispose();
        Data.Dispose();
    }

    /// <summary>[n, D] data points in data units on the CPU in float32, drawn with a CPU generator seeded with
    /// <paramref name="seed"/>.</summary>
    private static Tensor FreshData(IDataSource data, int n, long seed)
    {
        using var z = data.Sample(n, new Generator((ulong)seed), CPU, ScalarType.Float32);
        return DataUnits.ToData(data, z);
    }
}
