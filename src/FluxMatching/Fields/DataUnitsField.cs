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
    private readonly IVectorField field;
    private readonly Standardization standardization;

    private DataUnitsField(IVectorField field, Standardization standardization)
    {
        this.field = field;
        this.standardization = standardization;
    }

    /// <summary>The field in data units for <paramref name="data"/>: wrapped when the data are standardized, else
    /// the field itself.</summary>
    public static IVectorField For(IVectorField field, IDataSource data)
    {
        ArgumentNullException.ThrowIfNull(field);
        return data is UserData { Standardization: { } s } ? new DataUnitsField(field, s) : field;
    }

    /// <inheritdoc />
    public int Dimension => this.field.Dimension;

    /// <inheritdoc />
    public bool IsNoiseConditioned => this.field.IsNoiseConditioned;

    /// <inheritdoc />
    public Device Device => this.field.Device;

    /// <inheritdoc />
    public ScalarType DType => this.field.DType;

    /// <inheritdoc />
    public Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        using var scope = torch.NewDisposeScope();
        var z = this.standardization.Apply(x);
        var f = this.field.Evaluate(z, sigma);
        var scale = torch.tensor(this.standardization.Scale, f.dtype, f.device);
        return f.mul(scale).MoveToOuterDisposeScope();
    }
}
