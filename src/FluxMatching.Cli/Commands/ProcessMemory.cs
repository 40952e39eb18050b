namespace FluxMatching.Cli.Commands;

using System.Globalization;

/// <summary>Resident memory of this process (Linux /proc) and TorchSharp's live tensor count.</summary>
internal static class ProcessMemory
{
    /// <summary>Current resident set size in MiB (VmRSS).</summary>
    public static double ResidentMb() => ReadKb("VmRSS:") / 1024.0;

    /// <summary>Peak resident set size in MiB (VmHWM).</summary>
    public static double PeakResidentMb() => ReadKb("VmHWM:") / 1024.0;

    /// <summary>Tensors created and not yet disposed or finalized, as counted by TorchSharp.</summary>
    public static long LiveTensors() => TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    private static double ReadKb(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return double.NaN;
        }

        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return double.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }
}
