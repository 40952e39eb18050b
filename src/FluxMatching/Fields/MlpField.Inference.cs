namespace FluxMatching.Fields;

using System.Numerics;
using FluxMatching.Runtime;
using static TorchSharp.torch;

/// <summary>Gradient-free evaluation for the samplers.</summary>
public sealed partial class MlpField
{
    /// <summary>
    /// f(x; σ) without an autograd graph, for samplers: on the CPU a low-dimensional field runs its thin first layer
    /// with the SiLU after it, and its last SiLU with the thin last layer, as fused passes around the wide products
    /// (<see cref="DenseKernels"/>); otherwise <see cref="Evaluate"/> under no_grad. Same values up to rounding.
    /// </summary>
    /// <param name="x">Points [N, D].</param>
    /// <param name="sigma">σ (one element) for a noise-conditioned field, else null.</param>
    internal Tensor Infer(Tensor x, Tensor? sigma)
    {
        using var _ = no_grad();
        bool thin = layers.Count >= 3 && dimension <= DenseKernels.MaxThinWidth && x.dim() == 2
            && (!noiseConditioned || sigma is { } s && s.numel() == 1);
        if (thin && TensorMemory.IsDirect<float>(x) && layers[0].weight!.dtype == ScalarType.Float32)
        {
            return Infer<float>(x, sigma);
        }

        if (thin && TensorMemory.IsDirect<double>(x) && layers[0].weight!.dtype == ScalarType.Float64)
        {
            return Infer<double>(x, sigma);
        }

        return Evaluate(x, sigma);
    }

    Tensor IFusedSamplerDrift.Infer(Tensor x, Tensor? sigma) => Infer(x, sigma);

    /// <summary>A fused sampler pass over this field's current weights (a copy: rebuild it after training), or null
    /// where it does not apply (see <see cref="FusedMlpDrift.TryCreate"/>).</summary>
    FusedMlpDrift? IFusedSamplerDrift.CreateDriftPlan() => CreateDriftPlan();

    /// <summary>The fused plan (see <see cref="IFusedSamplerDrift.CreateDriftPlan"/>).</summary>
    internal FusedMlpDrift? CreateDriftPlan() =>
        dimension <= DenseKernels.MaxThinWidth
            ? FusedMlpDrift.TryCreate([.. layers.Select(l => l.weight!)], [.. layers.Select(l => l.bias!)], noiseConditioned)
            : null;

    private Tensor Infer<T>(Tensor x, Tensor? sigma)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long n = x.size(0);
        var first = layers[0];
        Tensor weight = first.weight!;
        Tensor bias = first.bias!;
        if (noiseConditioned)
        {
            bias = weight.select(1, dimension).mul(sigma!.to(x.dtype, x.device).reshape(Array.Empty<long>())).add_(bias, Scalars.One);
            weight = weight.narrow(1, 0, dimension);
        }

        var activation = empty(n, weight.size(0), dtype: x.dtype, device: x.device);
        DenseKernels.ThinInputSilu<T>(x, weight.t().contiguous(), bias.contiguous(), activation);
        Tensor pre = null!;
        var last = layers[^1];
        var output = empty(n, dimension, dtype: x.dtype, device: x.device);
        for (int l = 1; l < layers.Count - 1; l++)
        {
            bool hidden = l < layers.Count - 2;
            if (!hidden && typeof(T) == typeof(float) && TensorMemory.IsDirect<float>(layers[l].bias!)
                && TensorMemory.IsDirect<float>(last.bias!)
                && PackedGemm.ThinOutputApplicable(activation, layers[l].weight!, last.weight!))
            {
                // The last hidden layer, its SiLU and the thin output layer in one pass.
                PackedGemm.RunThinOutput(activation, layers[l].weight!, layers[l].bias!, last.weight!, last.bias!, output);
                return output;
            }

            if (typeof(T) == typeof(float) && PackedGemm.Applicable(activation, layers[l].weight!, transposedB: true)
                && TensorMemory.IsDirect<float>(layers[l].bias!))
            {
                pre = empty(n, layers[l].weight!.size(0), dtype: x.dtype, device: x.device);
                PackedGemm.Run(activation, layers[l].weight!, transposedB: true, layers[l].bias, silu: hidden, pre);
            }
            else
            {
                pre = layers[l].forward(activation);
                if (hidden)
                {
                    DenseKernels.SiluInPlace<T>(pre);
                }
            }

            if (hidden)
            {
                activation = pre;
            }
        }

        DenseKernels.SiluThinOutput<T>(pre, last.weight!.contiguous(), last.bias!.contiguous(), output);
        return output;
    }
}
