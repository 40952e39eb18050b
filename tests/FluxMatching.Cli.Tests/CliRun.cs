namespace FluxMatching.Cli.Tests;

using System.Globalization;
using FluxMatching.Cli.Commands;

/// <summary>Runs a `flux` command line in this process and captures what it prints.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var o = new StringWriter(CultureInfo.InvariantCulture);
        using var e = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            int code = FluxCli.Run(args);
            return new CliRun(code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    /// <summary>Asserts a usage error: exit code 2 and exactly one line on stderr, no stack trace; returns the line.</summary>
    public string OneLineError()
    {
        Assert.Equal(2, ExitCode);
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", Error);
        Assert.DoesNotContain("Exception", Error);
        return lines[0].TrimEnd('\r');
    }

    /// <summary>Reads a CSV written by `flux` (header x0,x1,…) as rows of doubles.</summary>
    public static double[][] ReadCsv(string path) =>
        File.ReadAllLines(path).Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    /// <summary>A tensor [N, D] as rows of doubles.</summary>
    public static double[][] Rows(Tensor t)
    {
        using var cpu = t.detach().cpu().to(ScalarType.Float64).contiguous();
        var flat = cpu.data<double>().ToArray();
        int d = (int)cpu.shape[1];
        return Enumerable.Range(0, (int)cpu.shape[0]).Select(i => flat.Skip(i * d).Take(d).ToArray()).ToArray();
    }
}
