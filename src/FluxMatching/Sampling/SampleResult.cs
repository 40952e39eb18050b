namespace FluxMatching.Sampling;

using static TorchSharp.torch;

/// <summary>The result of a sampler run.</summary>
/// <param name="Samples">Final samples, shape [N, D].</param>
/// <param name="Trajectory">Recorded states, shape [T, N, D] (T recorded frames including the start), or null when
/// not recorded.</param>
/// <param name="Steps">Number of sampler steps taken.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record SampleResult(Tensor Samples, Tensor? Trajectory, int Steps, TimeSpan Elapsed)
{
    /// <summary>Number of field (or denoiser) evaluations the run made, the NFE (0 where a sampler does not report
    /// it).</summary>
    public int FunctionEvaluations { get; init; }
}
