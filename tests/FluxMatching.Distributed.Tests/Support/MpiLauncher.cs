namespace FluxMatching.Distributed.Tests.Support;

using System.Diagnostics;
using System.Text;

/// <summary>Starts this test assembly's worker under MPICH's <c>mpiexec</c> with a time limit.</summary>
public static class MpiLauncher
{
    /// <summary>MPICH's launcher (<c>mpiexec.mpich</c>, or an <c>mpiexec</c> that is MPICH's Hydra), or null.</summary>
    public static readonly string? Mpiexec = Find();

    /// <summary>Why MPI tests are skipped here (null: they run).</summary>
    public static string? SkipReason => Mpiexec is null
        ? "MPICH's mpiexec is not installed (apt-get install mpich libmpich-dev); the MPI tests need it."
        : null;

    /// <summary>Runs <c>mpiexec -n <paramref name="ranks"/> dotnet WORKER <paramref name="args"/></c>; kills the
    /// whole process tree after <paramref name="timeout"/>.</summary>
    public static MpiRun Run(int ranks, TimeSpan timeout, params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var worker = typeof(Worker.WorkerProgram).Assembly.Location;
        var info = new ProcessStartInfo(Mpiexec!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-n", ranks.ToString(), dotnet, worker }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit(timeout);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        lock (output)
        {
            return new MpiRun(exited ? process.ExitCode : null, output.ToString(), clock.Elapsed);
        }
    }

    private static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var mpich = Path.Combine(dir, "mpiexec.mpich");
            if (File.Exists(mpich))
            {
                return mpich;
            }
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var generic = Path.Combine(dir, "mpiexec");
            if (File.Exists(generic) && IsHydra(generic))
            {
                return generic;
            }
        }

        return null;
    }

    private static bool IsHydra(string path)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit(10_000);
            return text.Contains("HYDRA", StringComparison.OrdinalIgnoreCase);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>The outcome of an mpiexec run.</summary>
/// <param name="ExitCode">mpiexec's exit code; null when it was killed at the time limit.</param>
/// <param name="Output">Standard output and error of every rank, interleaved.</param>
/// <param name="Elapsed">Wall time until it ended.</param>
public sealed record MpiRun(int? ExitCode, string Output, TimeSpan Elapsed);
