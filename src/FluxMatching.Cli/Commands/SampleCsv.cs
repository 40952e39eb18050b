namespace FluxMatching.Cli.Commands;

using System.Globalization;
using System.Text;
using static TorchSharp.torch;

/// <summary>Writes and reads samples [N, D] as CSV with a header x0,x1,…</summary>
internal static class SampleCsv
{
    public static void Write(string path, Tensor samples)
    {
        if (samples.dim() != 2) throw new ArgumentException($"samples must be [N, D], got [{string.Join(", ", samples.shape)}].");
        using var cpu = samples.detach().cpu().to(ScalarType.Float64);
        var values = cpu.data<double>().ToArray();
        int n = (int)cpu.shape[0], d = (int)cpu.shape[1];
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", Enumerable.Range(0, d).Select(j => $"x{j}")));
        for (int i = 0; i < n; i++)
            sb.AppendLine(string.Join(",", Enumerable.Range(0, d).Select(j => values[i * d + j].ToString("R", CultureInfo.InvariantCulture))));
        File.WriteAllText(path, sb.ToString());
    }
}
