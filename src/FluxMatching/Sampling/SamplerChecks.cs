namespace FluxMatching.Sampling;

using FluxMatching.Fields;
using static TorchSharp.torch;

/// <summary>Argument checks shared by the samplers.</summary>
internal static class SamplerChecks
{
    /// <summary>Checks that <paramref name="initial"/> is [N, D] float32/float64 with D = field.Dimension.</summary>
    public static void Initial(IVectorField field, Tensor initial)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(initial);
        if (initial.dim() != 2 || initial.shape[0] < 1 || initial.shape[1] != field.Dimension)
        {
            throw new ArgumentException(
                $"initial has shape [{string.Join(", ", initial.shape)}]; expected [N, {field.Dimension}] with N ≥ 1.",
                nameof(initial));
        }

        if (initial.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"initial has dtype {initial.dtype}; allowed: Float32 or Float64.", nameof(initial));
        }
    }

    /// <summary>Checks the requested chain count and dtype.</summary>
    public static void Count(int n, ScalarType dtype)
    {
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The number of chains n must be ≥ 1.");
        }

        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype is {dtype}; allowed: Float32 or Float64.", nameof(dtype));
        }
    }

    /// <summary>Checks that a drift evaluation kept the state's shape.</summary>
    public static void Drift(Tensor f, Tensor x)
    {
        if (!f.shape.SequenceEqual(x.shape))
        {
            throw new InvalidOperationException(
                $"The field returned shape [{string.Join(", ", f.shape)}] for points of shape [{string.Join(", ", x.shape)}].");
        }
    }
}
