namespace FluxMatching.Cli.Commands;

using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>How <c>flux bench</c> measures and reports: wall and process CPU time, the median, GPU synchronization and
/// the JSON line every configuration prints.</summary>
internal static class BenchClock
{
    /// <summary>The JSON line of one configuration: its settings, the instruction set, libtorch's version, the
    /// timings and the process's denormal, GC and peak-memory facts.</summary>
    public static JsonObject Line(string config, int threads, ScalarType dtype, JsonObject timing)
    {
        var line = new JsonObject
        {
            ["config"] = config,
            ["threads"] = threads,
            ["blas_threads"] = threads,
            ["dtype"] = dtype == ScalarType.Float64 ? "float64" : "float32",
            ["isa"] = Isa.Name(Isa.Current),
            ["torch"] = "libtorch " + torch.__version__ + " (TorchSharp)",
        };
        foreach (var (k, v) in timing)
        {
            line[k] = v?.DeepClone();
        }

        line["denormals_flushed"] = TorchRuntime.DenormalsFlushed;
        if (TorchRuntime.WorkersFlushDenormals is bool workers)
        {
            line["workers_flush_denormals"] = workers;
        }

        line["gc_gen0_collections"] = GC.CollectionCount(0);
        line["peak_rss_mb"] = Math.Round(ProcessMemory.PeakResidentMb(), 1);
        return line;
    }

    /// <summary>Waits for the GPU's queued work, so wall time covers it (a no-op on the CPU).</summary>
    public static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.synchronize(device);
        }
    }

    /// <summary>CPU time of the whole process (all threads), in milliseconds: robust to other load on the machine,
    /// unlike wall time.</summary>
    public static double CpuMilliseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        }

        Span<long> ts = stackalloc long[2];
        unsafe
        {
            fixed (long* p = ts)
            {
                clock_gettime(2 /* CLOCK_PROCESS_CPUTIME_ID */, p);
            }
        }
        return ts[0] * 1e3 + ts[1] * 1e-6;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern unsafe int clock_gettime(int clock, long* timespec);

    /// <summary>The median of <paramref name="xs"/>.</summary>
    public static double Median(double[] xs)
    {
        var s = xs.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
