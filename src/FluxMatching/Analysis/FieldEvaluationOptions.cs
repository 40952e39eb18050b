namespace FluxMatching.Analysis;

using FluxMatching.Fields;
using static TorchSharp.torch;

/// <summary>How a 2-D <see cref="IVectorField"/> is evaluated on plain-array points (<see cref="FieldEvaluator"/>, the
/// plots of FluxMatching.Plotting): noise level, device, dtype and batch size. Device and dtype default to the field's
/// (<see cref="IVectorField.Device"/>, <see cref="IVectorField.DType"/>).</summary>
public sealed record FieldEvaluationOptions
{
    /// <summary>Noise level σ passed to a noise-conditioned field (required for those, ignored otherwise). Default null.</summary>
    public double? Sigma { get; init; }

    /// <summary>Device of the query tensors. Default null: the field's device.</summary>
    public Device? Device { get; init; }

    /// <summary>dtype of the query tensors (float32 or float64). Default null: the field's dtype.</summary>
    public ScalarType? DType { get; init; }

    /// <summary>Points per <c>Evaluate</c> call, ≥ 1. Default 8192.</summary>
    public int BatchSize { get; init; } = 8192;
}
