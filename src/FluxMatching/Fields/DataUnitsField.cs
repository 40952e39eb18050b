namespace FluxMatching.Fields;

using FluxMatching.Data;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A field trained on standardized data, seen in data units: with z = (x − μ)/s the sampler's dz = f(z) dt + √2 dW
/// is dx = s ⊙ f((x − μ)/s) dt + √2 s ⊙ dW, so the drift in data units is g(x) = s ⊙ f((x − μ)/s). For charts of
/// user data; differentiable like the field it wraps.
/// </summary>
public sealed class DataUnitsField : IVectorField
{
    private readonly IVectorField _field;
    private readonly Standardization _standardization;

    private DataUnitsField(IVectorField field, Standardization standardization)
    {
        _field = field;
        _standardization = standardization;
    }

    /// <summary>The field in data units for <paramref name="data"/>: wrapped when the data are standardized, else
    /// the field itself.</summary>
    public static IVectorField For(IVectorField field, IDataSource data)
    {
        ArgumentNullException.ThrowIfNull(field);
        return data is UserData { Standardization: { } s } ? new DataUnitsField(field, s) : field;
    }

    /// <inheritdoc />
    public int Dimension => _field.Dimension;

    /// <inheritdoc />
    public bool IsNoiseConditioned => _field.IsNoiseConditioned;

    /// <inheritdoc />
    public Device Device => _field.Device;

    /// <inheritdoc />
    public ScalarType DType => _field.DType;

    /// <inheritdoc />
    public Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        using var scope = torch.NewDisposeScope();
        var z = _standardization.Apply(x);
        var f = _field.Evaluate(z, sigma);
        var scale = torch.tensor(_standardization.Scale, f.dtype, f.device);
        return f.mul(scale).MoveToOuterDisposeScope();
    }
}
