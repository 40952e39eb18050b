namespace FluxMatching.Data;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Random draws shared by the toy data sources and the samplers. A draw happens on the generator's own device (a CPU
/// generator cannot feed a CUDA kernel) and the result is then moved to the requested device; without a generator the
/// draw uses the default generator of the requested device.
/// </summary>
public static class RandomDraws
{
    /// <summary>Standard normal draws of the given shape, dtype and device.</summary>
    public static Tensor Randn(long[] shape, ScalarType dtype, Device device, Generator? generator)
    {
        if (generator is null || SameDevice(generator.device, device))
        {
            return torch.randn(shape, dtype, device, generator: generator);
        }

        using var draw = torch.randn(shape, dtype, generator.device, generator: generator);
        return draw.to(device);
    }

    /// <summary>Uniform draws on [0, 1) of the given shape, dtype and device.</summary>
    public static Tensor Rand(long[] shape, ScalarType dtype, Device device, Generator? generator)
    {
        if (generator is null || SameDevice(generator.device, device))
        {
            return torch.rand(shape, dtype, device, generator: generator);
        }

        using var draw = torch.rand(shape, dtype, generator.device, generator: generator);
        return draw.to(device);
    }

    /// <summary>Integers drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>) of the given shape, dtype
    /// and device.</summary>
    public static Tensor Randint(long low, long high, long[] shape, ScalarType dtype, Device device, Generator? generator)
    {
        if (generator is null || SameDevice(generator.device, device))
        {
            return torch.randint(low, high, shape, dtype: dtype, device: device, generator: generator);
        }

        using var draw = torch.randint(low, high, shape, dtype: dtype, device: generator.device, generator: generator);
        return draw.to(device);
    }

    /// <summary>
    /// <paramref name="n"/> category indices (int64, shape [n]) drawn with replacement from the probabilities
    /// <paramref name="probabilities"/> [K] (float64 on CPU is fine: it is moved to the generator's device).
    /// </summary>
    public static Tensor Categorical(Tensor probabilities, int n, Device device, Generator? generator)
    {
        var drawDevice = generator?.device ?? device;
        using var p = probabilities.to(drawDevice);
        var idx = torch.multinomial(p, n, replacement: true, generator: generator);
        if (SameDevice(drawDevice, device))
        {
            return idx;
        }

        using (idx)
        {
            return idx.to(device);
        }
    }

    /// <summary>Validates the common arguments of <see cref="IDataSource.Sample"/>.</summary>
    public static Device ValidateSampleArguments(int n, Device? device, ScalarType dtype)
    {
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The number of samples n must be ≥ 1.");
        }

        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype is {dtype}; allowed: Float32 or Float64.", nameof(dtype));
        }

        return device ?? torch.CPU;
    }

    private static bool SameDevice(Device a, Device b) =>
        a.type == b.type && (a.type == DeviceType.CPU || NormalizeIndex(a) == NormalizeIndex(b));

    private static int NormalizeIndex(Device d) => d.index < 0 ? 0 : d.index;
}
