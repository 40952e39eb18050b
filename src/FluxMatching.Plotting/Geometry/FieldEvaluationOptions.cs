namespace FluxMatching.Plotting;

using static TorchSharp.torch;

/// <summary>How a plot evaluates an <see cref="FluxMatching.Fields.IVectorField"/>: device, dtype, noise level and
/// batch size. Defaults follow the field: a field that is a TorchSharp module is evaluated on the device and dtype of
/// its first parameter; anything else on the CPU in float32.</summary>
public sealed record FieldEvaluationOptions
{
    /// <summary>Noise level σ passed to a noise-conditioned field (required for those, ignored otherwise). Default null.</summary>
    public double? Sigma { get; init; }

    /// <summary>Device of the query tensors. Default null: the field's parameter device, else CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>dtype of the query tensors (float32 or float64). Default null: the field's parameter dtype, else float32.</summary>
    public ScalarType? DType { get; init; }

    /// <summary>Points per <c>Evaluate</c> call, ≥ 1. Default 8192.</summary>
    public int BatchSize { get; init; } = 8192;
}
