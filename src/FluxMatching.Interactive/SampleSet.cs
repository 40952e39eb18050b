namespace FluxMatching.Interactive;

using FluxMatching.Metrics;
using static TorchSharp.torch;

/// <summary>Samples drawn from a model next to data samples, as <c>#!flux sample</c> shows them (a chart and a
/// metrics table).</summary>
/// <param name="ModelName">The model's name in the notebook, or null.</param>
/// <param name="Samples">Model samples, shape [N, D], on the CPU.</param>
/// <param name="Data">Data samples drawn for comparison, shape [M, D], on the CPU.</param>
/// <param name="Sampler">Sampler description, e.g. "langevin, 2000 steps, ε = 0.01".</param>
/// <param name="Elapsed">Wall-clock time of sampling.</param>
/// <param name="Metrics">Sample-quality metrics against <paramref name="Data"/>, or null when not computed.</param>
public sealed record SampleSet(string? ModelName, Tensor Samples, Tensor Data, string Sampler, TimeSpan Elapsed, MetricReport? Metrics)
{
    /// <summary>The image shape [C, H, W] when the samples are flattened images (shown as image grids), else null.</summary>
    public IReadOnlyList<int>? ImageShape { get; init; }
}
