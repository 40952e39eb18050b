namespace FluxMatching.Cli.Commands;

using System.Globalization;
using System.Text;
using static TorchSharp.torch;

/// <summary>Writes and reads samples [N, D] as CSV with a header x0,x1,…</summary>
internal static class SampleCsv
{
    /// <summary>Checks before any work that <paramref name="path"/> can receive the CSV: not a folder, in a folder
    /// that exists.</summary>
    public static void Check(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"--out '{path}' is a folder; allowed: a CSV file path.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new IOException($"--out '{path}': the folder '{folder}' does not exist. Allowed: a file in an existing folder.");
        }
    }

    public static void Write(string path, Tensor samples)
    {
        if (samples.dim() != 2)
        {
            throw new ArgumentException($"samples must be [N, D], got [{string.Join(", ", samples.shape)}].");
        }

        using var cpu = samples.detach().cpu().to(ScalarType.Float64);
        var values = cpu.data<double>().ToArray();
        int n = (int)cpu.shape[0], d = (int)cpu.shape[1];
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", Enumerable.Range(0, d).Select(j => $"x{j}")));
        for (int i = 0; i < n; i++)
        {
            sb.AppendLine(string.Join(",", Enumerable.Range(0, d).Select(j => values[i * d + j].ToString("R", CultureInfo.InvariantCulture))));
        }

        if (Directory.Exists(path))
        {
            throw new IOException($"--out '{path}' is a folder; allowed: a CSV file path.");
        }

        try
        {
            File.WriteAllText(path, sb.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--out '{path}' cannot be written ({Runtime.UsageErrors.OneLine(e.Message)}). Allowed: a file in a writable folder.", e);
        }
    }
}
