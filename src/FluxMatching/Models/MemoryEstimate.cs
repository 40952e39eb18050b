namespace FluxMatching.Models;

using System.Globalization;
using static TorchSharp.torch;

/// <summary>
/// Upper estimates of the memory a sampling run or a training step of a <see cref="FluxModel"/> needs, checked against
/// what this process may use before anything is allocated, so an impossible request is one message instead of an
/// out-of-memory crash of the process (or the notebook kernel). Only CPU requests are checked; a GPU reports its own.
/// </summary>
public static class MemoryEstimate
{
    /// <summary>Bytes this process may use: the GC's view of physical memory (container limits included).</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Bytes of sampling <paramref name="n"/> points: the chains [N, D], the noise and drift, the recorded
    /// frames, and the field's activations [N, hidden] per layer.</summary>
    /// <param name="config">The model configuration.</param>
    /// <param name="dimension">Data dimension D.</param>
    /// <param name="n">Number of chains N.</param>
    /// <param name="frames">Recorded frames (0: none).</param>
    /// <param name="dtype">Element type.</param>
    public static double Sampling(FluxModelConfig config, int dimension, long n, int frames, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(config);
        double perSample = dimension * (4.0 + frames) + 2.0 * config.Hidden * (config.Depth + 1);
        return n * perSample * ElementSize(dtype);
    }

    /// <summary>Bytes of one training step with batch B: the KDE's [B, B] kernel matrices (distances, weights and
    /// their gradients) and the field's activations [B, hidden] per layer with their gradients.</summary>
    /// <param name="config">The model configuration.</param>
    /// <param name="dimension">Data dimension D.</param>
    /// <param name="batch">Batch size B.</param>
    /// <param name="dtype">Element type.</param>
    public static double Training(FluxModelConfig config, int dimension, long batch, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(config);
        double perRow = 4.0 * batch + 6.0 * dimension + 6.0 * config.Hidden * (config.Depth + 1);
        return batch * perRow * ElementSize(dtype);
    }

    /// <summary>Throws when <paramref name="bytes"/> exceed <see cref="AvailableBytes"/>; the message names the
    /// option, its value and the memory it would need.</summary>
    /// <param name="bytes">Estimated bytes.</param>
    /// <param name="option">The option that asks for it, e.g. "--n".</param>
    /// <param name="value">Its value.</param>
    /// <param name="what">What the memory is for, e.g. "sampling".</param>
    /// <exception cref="ArgumentOutOfRangeException">The request does not fit.</exception>
    public static void Require(double bytes, string option, long value, string what)
    {
        long available = AvailableBytes;
        if (bytes <= available)
        {
            return;
        }

        throw new ArgumentOutOfRangeException(option, value, string.Create(CultureInfo.InvariantCulture,
            $"{option} {value} is too large: {what} would need about {Format(bytes)} of memory, and this process can use {Format(available)}. Allowed: a smaller {option}."));
    }

    /// <summary>Bytes in words ("3.1 TB").</summary>
    /// <param name="bytes">A byte count.</param>
    public static string Format(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];
        int u = 0;
        while (bytes >= 1000 && u < units.Length - 1)
        {
            bytes /= 1000;
            u++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{bytes:0.#} {units[u]}");
    }

    private static int ElementSize(ScalarType dtype) => dtype == ScalarType.Float64 ? 8 : 4;
}
