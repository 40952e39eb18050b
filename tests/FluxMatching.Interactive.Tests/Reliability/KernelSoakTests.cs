namespace FluxMatching.Interactive.Tests.Reliability;

using System.Globalization;
using Xunit.Abstractions;

/// <summary>
/// A notebook-kernel soak: cycles of <c>#!flux new, train 50 steps, sample, plot, save, load, drop, drop</c> in one
/// in-process kernel, with the resident memory and the managed heap reported every 20 commands; after the warm-up
/// (the first 40 commands) resident memory must stay within 10 % of its value at the end of the warm-up. Trait
/// Category=Soak: the full 200 commands run with FLUX_SOAK_COMMANDS=200; CI runs the reduced default (80 commands).
/// </summary>
[Trait("Category", "Soak")]
public sealed class KernelSoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-soak-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Commands_in_one_kernel_keep_resident_memory_flat_after_warm_up()
    {
        int commands = int.TryParse(Environment.GetEnvironmentVariable("FLUX_SOAK_COMMANDS"), out var n) && n >= 40 ? n : 80;
        using var nb = await NotebookKernel.StartAsync();
        var path = Path.Combine(dir, "s.pt");
        string[] cycle =
        [
            "#!flux new s --data moons --hidden 32",
            "#!flux train s --steps 50 --batch 64",
            "#!flux sample s --n 200 --steps 50",
            "#!flux plot s --field",
            $"#!flux save s \"{path}\"",
            $"#!flux load t \"{path}\"",
            "#!flux drop s",
            "#!flux drop t",
        ];
        var rows = new List<(int Command, double RssMb, double HeapMb, long LiveTensors)>();
        for (int i = 0; i < commands; i++)
        {
            await nb.OkAsync(cycle[i % cycle.Length]);
            if ((i + 1) % 20 == 0)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var row = (i + 1, ResidentMb(), GC.GetTotalMemory(forceFullCollection: false) / 1048576.0,
                    TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
                rows.Add(row);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"soak: command {row.Item1,4}  rss {row.Item2,8:F1} MiB  managed heap {row.Item3,7:F1} MiB  live tensors (this thread) {row.Item4}"));
            }
        }
        var baseline = rows.First(r => r.Command >= 40).RssMb;
        foreach (var r in rows.Where(r => r.Command > 40))
        {
            Assert.True(r.RssMb <= baseline * 1.10, $"resident memory grew from {baseline:F1} MiB (command 40) to {r.RssMb:F1} MiB (command {r.Command})");
        }
    }

    private static double ResidentMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }
}
