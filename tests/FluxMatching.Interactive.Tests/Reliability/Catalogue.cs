namespace FluxMatching.Interactive.Tests.Reliability;

/// <summary>Writes each catalogue case and the line it printed to the file named by FLUX_RELIABILITY_CATALOGUE (when
/// set), from which docs/reliability.md's table is made.</summary>
internal static class Catalogue
{
    private static readonly object Gate = new();

    public static void Record(string surface, string input, string message)
    {
        var file = Environment.GetEnvironmentVariable("FLUX_RELIABILITY_CATALOGUE");
        if (string.IsNullOrEmpty(file))
        {
            return;
        }

        static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        lock (Gate)
        {
            File.AppendAllText(file, $"| {surface} | `{Cell(input)}` | {Cell(message)} |\n");
        }
    }
}
