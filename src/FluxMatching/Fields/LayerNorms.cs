namespace FluxMatching.Fields;

using FluxMatching.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// Applies a <see cref="LayerNorm"/> over the last axis: libtorch's own kernel where the device has one, and the same
/// formula in elementary operations, (x − mean)/√(var + ε)·γ + β with the biased variance, on the shape-only meta
/// device (libtorch 2.10 registers no meta kernel for it).
/// </summary>
internal static class LayerNorms
{
    private const double Eps = 1e-5;   // nn.LayerNorm's default

    /// <summary>norm(x) for x [..., H].</summary>
    public static Tensor Apply(LayerNorm norm, Tensor x)
    {
        if (x.device_type != DeviceType.META)
        {
            return norm.forward(x);
        }

        var mean = x.mean([-1], keepdim: true);
        var centered = x.sub(mean);
        var variance = centered.pow(Scalars.Two).mean([-1], keepdim: true);
        return centered.div(variance.add(Scalars.Shared(Eps), Scalars.One).sqrt()).mul(norm.weight!).add(norm.bias!, Scalars.One);
    }
}
