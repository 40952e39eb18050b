namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using TorchSharp;

/// <summary>Options shared by several commands, and their parsing into TorchSharp values.</summary>
internal static class CliOptions
{
    public static Option<string> Device() => new("--device")
    {
        Description = "cpu or cuda (cuda needs the TorchSharp-cuda-linux backend: build with -p:TorchBackend=cuda).",
        DefaultValueFactory = _ => "cpu",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Intra-op threads for libtorch (0: libtorch's default, one per core).",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>Applies the thread count and returns the device, or throws a clear error.</summary>
    public static torch.Device ResolveDevice(string device, int threads)
    {
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "--threads must be ≥ 0.");
        if (threads > 0) torch.set_num_threads(threads);
        switch (device)
        {
            case "cpu":
                return torch.CPU;
            case "cuda":
                if (!torch.cuda.is_available())
                    throw new ArgumentException("--device cuda: no CUDA device is available to this process (is the TorchSharp-cuda-linux backend in use? build with -p:TorchBackend=cuda).");
                return torch.CUDA;
            default:
                throw new ArgumentException($"--device must be cpu or cuda, not '{device}'.");
        }
    }

    /// <summary>Runs a command body, printing argument/IO errors as one line (no stack trace) with exit code 2.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"flux: {e.Message}");
            return 2;
        }
    }
}
