namespace FluxMatching.Interactive.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

/// <summary>
/// Guards TorchSharp's native load inside a notebook kernel, where TorchSharp.dll lives in the NuGet package folder:
/// <list type="bullet">
/// <item>Marks libLibTorchSharp.so's GLIBCXX_3.4.32 requirement weak (package copy and TorchSharp's consolidated
/// copy) when the system libstdc++ predates GCC 13 — idempotent.</item>
/// <item>Preloads libtorch_cpu.so and libtorch.so from the libtorch-cpu-linux-x64 package, so that a system libtorch
/// (Debian's python3-torch) cannot shadow them.</item>
/// </list>
/// Nothing here touches a TorchSharp type's static state; <see cref="Probe"/> does, after the guard.
/// </summary>
internal static class NativeBackend
{
    /// <summary>The libtorch version TorchSharp 0.107.0 needs.</summary>
    public const string LibTorchVersion = "2.10.0";

    /// <summary>The <c>#r</c> line that adds the CPU backend.</summary>
    public const string CpuReference = "#r \"nuget:libtorch-cpu-linux-x64, " + LibTorchVersion + "\"";

    /// <summary>The <c>#r</c> line that adds the CUDA backend (NVIDIA GPUs).</summary>
    public const string CudaReference = "#r \"nuget:TorchSharp-cuda-linux, 0.107.0\"";

    private static readonly object Gate = new();
    private static bool guarded;
    private static readonly List<string> actions = [];

    /// <summary>True once the guard has run with a backend present.</summary>
    public static bool Guarded { get { lock (Gate) { return guarded; } } }

    /// <summary>The NuGet package folder TorchSharp.dll was loaded from, or null (an app or test build output).</summary>
    public static string? PackagesRoot(string? torchSharpPath = null)
    {
        // <root>/torchsharp/<version>/lib/<tfm>/TorchSharp.dll
        var dir = Path.GetDirectoryName(torchSharpPath ?? typeof(torch).Assembly.Location);
        for (int i = 0; i < 3 && dir is not null; i++)
        {
            dir = Path.GetDirectoryName(dir);
        }

        if (dir is null || !string.Equals(Path.GetFileName(dir), "torchsharp", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Path.GetDirectoryName(dir);
    }

    /// <summary>The native folder of the CPU libtorch package, or null when it is not restored.</summary>
    public static string? CpuNativeFolder(string? packagesRoot)
    {
        if (packagesRoot is null)
        {
            return null;
        }

        var folder = Path.Combine(packagesRoot, "libtorch-cpu-linux-x64", LibTorchVersion, "runtimes", "linux-x64", "native");
        return File.Exists(Path.Combine(folder, "libtorch_cpu.so")) ? folder : null;
    }

    /// <summary>True when a CUDA libtorch package is restored next to TorchSharp.</summary>
    public static bool HasCudaPackage(string? packagesRoot) =>
        packagesRoot is not null && Directory.Exists(packagesRoot)
        && Directory.EnumerateDirectories(packagesRoot, "libtorch-cuda-*-linux-x64*").Any();

    /// <summary>
    /// Runs the guard once a backend is present (idempotent; later calls return at once).
    /// </summary>
    /// <returns>True when the guard ran now or before; false when no backend package is present yet (notebook).</returns>
    public static bool Guard()
    {
        lock (Gate)
        {
            if (guarded)
            {
                return true;
            }

            var root = PackagesRoot();
            if (root is null)
            {
                // Build output (tests, apps): deps.json picks the natives; Backend.props patched them at build time.
                guarded = true;
                return true;
            }
            var cpu = CpuNativeFolder(root);
            bool cuda = HasCudaPackage(root);
            if (cpu is null && !cuda)
            {
                return false;
            }

            if (OperatingSystem.IsLinux())
            {
                WeakenGlibcxx(root);
                if (cpu is not null && !cuda && !LibTorchAlreadyLoaded())
                {
                    Preload(cpu);
                }
            }
            guarded = true;
            return true;
        }
    }

    /// <summary>What the guard did so far.</summary>
    public static IReadOnlyList<string> Actions { get { lock (Gate) { return actions.ToList(); } } }

    /// <summary>
    /// Guards, then loads libtorch (if a backend is present) and reports the backend and device.
    /// </summary>
    public static BackendInfo Probe()
    {
        if (!Guard())
        {
            return new BackendInfo(false, null, "cpu",
                $"No TorchSharp native backend found. Add {CpuReference} (CPU) or {CudaReference} (NVIDIA GPU) " +
                "to the cell that references FluxMatching.Interactive.", Actions);
        }

        var root = PackagesRoot();
        string backend = HasCudaPackage(root) ? "cuda" : "cpu";
        try
        {
            var (cudaAvailable, threads) = LoadAndQuery();
            string device = cudaAvailable ? "cuda" : "cpu";
            var message = $"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)} with libtorch {LibTorchVersion} " +
                          $"({backend} backend); models use {device}" + (device == "cpu" ? $" with {threads} threads." : ".");
            if (backend == "cuda" && !cudaAvailable)
            {
                message += " The CUDA backend is present but no GPU is usable here.";
            }

            return new BackendInfo(true, backend, device, message, Actions);
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or InvalidOperationException)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            return new BackendInfo(false, backend, "cpu",
                $"TorchSharp could not load libtorch ({inner}). With the CPU backend use {CpuReference}; where a system " +
                "libtorch exists (Debian's python3-torch), start the kernel with LD_LIBRARY_PATH set to that package's native folder.",
                Actions);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (bool Cuda, int Threads) LoadAndQuery() => (torch.cuda.is_available(), torch.get_num_threads());

    private static void WeakenGlibcxx(string root)
    {
        if (GlibcxxPatch.SystemHasGlibcxx3432())
        {
            return;
        }

        var torchSharpDir = Path.GetDirectoryName(typeof(torch).Assembly.Location)!;
        var version = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "0.107.0";
        string[] candidates =
        [
            Path.Combine(root, "torchsharp", version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
            Path.Combine(torchSharpDir, "cpu", "libLibTorchSharp.so"),     // TorchSharp's consolidated copy
            Path.Combine(torchSharpDir, "cuda", "libLibTorchSharp.so"),
        ];
        foreach (var file in candidates.Where(File.Exists))
        {
            try
            {
                int n = GlibcxxPatch.WeakenFile(file);
                if (n > 0)
                {
                    actions.Add($"marked {n} GLIBCXX requirement(s) weak in {file}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                actions.Add($"could not patch {file}: {e.Message}");
            }
        }
    }

    private static void Preload(string folder)
    {
        foreach (var lib in new[] { "libtorch_cpu.so", "libtorch.so" })
        {
            var path = Path.Combine(folder, lib);
            if (!File.Exists(path))
            {
                continue;
            }

            NativeLibrary.Load(path);
            actions.Add($"preloaded {path}");
        }
    }

    private static bool LibTorchAlreadyLoaded()
    {
        try
        {
            return File.ReadLines("/proc/self/maps").Any(l => l.Contains("/libtorch_cpu.so", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
