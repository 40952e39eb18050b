namespace FluxMatching.Data;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>Helpers that treat built-in and user data alike.</summary>
public static class DataUnits
{
    /// <summary>Maps model-unit points [.., D] of <paramref name="data"/> to data units (a copy for built-in data).</summary>
    public static Tensor ToData(IDataSource data, Tensor z) => data is UserData u ? u.ToDataUnits(z) : z.alias();

    /// <summary>Reference points in data units for metrics: the held-out set when there is one (all of it), else
    /// <paramref name="n"/> fresh draws. CPU, float32.</summary>
    public static Tensor Reference(IDataSource data, int n, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var scope = torch.NewDisposeScope();
        if (data is UserData { HeldOut: { } held })
        {
            return held.Points.to(ScalarType.Float32, CPU).clone().MoveToOuterDisposeScope();
        }

        var z = data.Sample(n, generator);
        return ToData(data, z).cpu().to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
