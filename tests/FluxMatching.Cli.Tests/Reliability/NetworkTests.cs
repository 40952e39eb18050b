namespace FluxMatching.Cli.Tests.Reliability;

using System.Text.RegularExpressions;

/// <summary>
/// Nothing listens on a port and nothing reaches the network: after a whole `flux train` (training, sampling, metrics,
/// report.html) and `flux sample` in this process, the process neither listens on a port nor holds a socket to another
/// machine (Linux /proc), and the report
/// embeds plotly.js instead of loading anything from a URL. tools/check-network.sh checks the same on a separate
/// process with strace (no AF_INET/AF_INET6 socket is ever created) and inside a network namespace without network.
/// </summary>
public sealed partial class NetworkTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-net-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_run_owns_no_network_socket_and_its_report_loads_nothing_from_a_url()
    {
        if (!File.Exists("/proc/self/net/tcp"))
        {
            return;   // not Linux: the /proc tables are not there
        }
        var run = CliRun.Of("train", "--steps", "2", "--samples", "50", "--no-baseline", "--quiet", "--out", dir, "--name", "r");
        Assert.True(run.ExitCode == 0, run.Error);
        var sample = CliRun.Of("sample", Path.Combine(dir, "r", "flux.pt"), "--n", "10", "--steps", "2", "--out", Path.Combine(dir, "s.csv"));
        Assert.True(sample.ExitCode == 0, sample.Error);

        Assert.Empty(NetworkSocketsOfThisProcess());
        var html = File.ReadAllText(Path.Combine(dir, "r", "report.html"));
        Assert.DoesNotMatch(RemoteReference(), html);
        Assert.Contains("plotly.js v", html);   // the library itself is in the page
    }

    /// <summary>Lines of /proc/net/{tcp,tcp6,udp,udp6} whose socket inode is one of this process's descriptors and that
    /// listen (TCP state 0A), use UDP, or connect beyond this machine. (The test host's own connection to the test
    /// runner is a TCP client socket to 127.0.0.1, which is allowed.)</summary>
    private static List<string> NetworkSocketsOfThisProcess()
    {
        var mine = new HashSet<string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                mine.Add(target[8..^1]);
            }
        }
        var found = new List<string>();
        foreach (var table in new[] { "tcp", "tcp6", "udp", "udp6" })
        {
            var path = $"/proc/self/net/{table}";
            if (!File.Exists(path))
            {
                continue;
            }

            foreach (var line in File.ReadLines(path).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length <= 9 || !mine.Contains(fields[9]))
                {
                    continue;
                }

                var remote = fields[2].Split(':')[0];
                bool loopback = remote is "0100007F" or "00000000000000000000000001000000" || remote.EndsWith("0100007F", StringComparison.Ordinal);
                if (table.StartsWith("udp", StringComparison.Ordinal) || fields[3] == "0A" || !loopback)
                {
                    found.Add($"{table}: {line.Trim()}");
                }
            }
        }
        return found;
    }

    [GeneratedRegex(@"<(script|link|img|iframe)[^>]+(src|href)\s*=\s*[""']?(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteReference();
}
