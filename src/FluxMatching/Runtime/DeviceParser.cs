namespace FluxMatching.Runtime;

using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Turns a device name a user typed (<c>--device cuda</c> on the command line, <c>#!flux load m m.pt --device cpu</c>
/// in a notebook) into a libtorch device that exists in this process. The one device parser of the command line and
/// the notebook extension.
/// </summary>
public static class DeviceParser
{
    /// <summary>The forms a device name may take: "cpu", "cuda" (the first GPU) and "cuda:N" (GPU N).</summary>
    public static IReadOnlyList<string> Forms { get; } = ["cpu", "cuda", "cuda:N"];

    /// <summary>The device names usable in this process: "cpu", then "cuda" and "cuda:0" … "cuda:(n−1)" when libtorch
    /// sees n GPUs (none with the CPU-only libtorch package).</summary>
    public static IReadOnlyList<string> Available()
    {
        int gpus = CudaDeviceCount();
        var names = new List<string> { "cpu" };
        if (gpus > 0)
        {
            names.Add("cuda");
            names.AddRange(Enumerable.Range(0, gpus).Select(i => "cuda:" + i.ToString(CultureInfo.InvariantCulture)));
        }
        return names;
    }

    /// <summary>Parses a device name and checks that the device exists here.</summary>
    /// <param name="text">"cpu", "cuda" or "cuda:N" (case and surrounding spaces ignored); null or empty: "cpu".</param>
    /// <param name="option">How the value is called in messages (default "--device").</param>
    /// <returns>The device.</returns>
    /// <exception cref="ArgumentException">One line naming the option, the value and the devices allowed here, e.g.
    /// "--device 'cuda' is not available: libtorch sees no CUDA device in this process. Allowed here: cpu."</exception>
    public static Device Parse(string? text, string option = "--device")
    {
        var name = (text ?? "").Trim().ToLowerInvariant();
        if (name.Length == 0 || name == "cpu")
        {
            return CPU;
        }

        int? index = name switch
        {
            "cuda" => null,
            _ when name.StartsWith("cuda:", StringComparison.Ordinal)
                   && int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var i) => i,
            _ => throw new ArgumentException(
                $"{option} '{text}' is not a device name. Allowed: {string.Join(", ", Forms)} (here: {string.Join(", ", Available())})."),
        };
        int gpus = CudaDeviceCount();
        if (gpus == 0)
        {
            throw new ArgumentException(
                $"{option} '{text}' is not available: libtorch sees no CUDA device in this process. Allowed here: cpu.");
        }
        if (index is { } k && k >= gpus)
        {
            throw new ArgumentException(
                $"{option} '{text}' is not available: libtorch sees {gpus} CUDA device(s). Allowed here: {string.Join(", ", Available())}.");
        }
        return index is { } n ? new Device(DeviceType.CUDA, n) : CUDA;
    }

    /// <summary>The user-facing name of a device: "cpu", "cuda" or "cuda:N" (the form <see cref="Parse"/> reads).</summary>
    /// <param name="device">The device.</param>
    public static string Name(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var type = device.type.ToString().ToLowerInvariant();
        return device.index < 0 ? type : $"{type}:{device.index.ToString(CultureInfo.InvariantCulture)}";
    }

    private static int CudaDeviceCount() => torch.cuda.is_available() ? torch.cuda.device_count() : 0;
}
