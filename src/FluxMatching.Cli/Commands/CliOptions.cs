namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using FluxMatching.Models;
using FluxMatching.Runtime;
using TorchSharp;

/// <summary>Options shared by several commands, and their parsing into TorchSharp values.</summary>
internal static class CliOptions
{
    /// <summary>`--device cpu|cuda|cuda:N` (default <see cref="FluxDefaults.Device"/>), parsed by
    /// <see cref="DeviceParser"/>.</summary>
    public static Option<string> Device() => new("--device")
    {
        Description = $"Device: {string.Join(", ", DeviceParser.Forms)} (cuda needs the TorchSharp-cuda-linux backend: build with -p:TorchBackend=cuda).",
        DefaultValueFactory = _ => FluxDefaults.Device,
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Intra-op threads for libtorch (0: libtorch's default, one per core).",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>Applies the thread count and returns the device, or throws one line naming the value and what is
    /// allowed (<see cref="DeviceParser.Parse"/>).</summary>
    public static torch.Device ResolveDevice(string? device, int threads)
    {
        if (threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "--threads must be ≥ 0.");
        }

        if (threads > 0)
        {
            torch.set_num_threads(threads);
        }

        return DeviceParser.Parse(device);
    }

    /// <summary>Runs a command body, printing argument/IO errors as one line (no stack trace) with exit code 2, and any
    /// other failure as one line with exit code 1.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (UsageErrors.IsUsageError(e))
        {
            Console.Error.WriteLine($"flux: {UsageErrors.OneLine(e)}");
            return 2;
        }
        catch (Exception e)
        {
            // Not the user's mistake (e.g. libtorch failed): still one line, no stack trace, exit code 1.
            Console.Error.WriteLine($"flux: failed: {UsageErrors.OneLine(e)}");
            return 1;
        }
    }
}
