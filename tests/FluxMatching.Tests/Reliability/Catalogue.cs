namespace FluxMatching.Tests.Reliability;

/// <summary>Writes each catalogue case and the line it printed to the file named by FLUX_RELIABILITY_CATALOGUE (when
/// set), from which docs/reliability.md's table is made, and reads that table back (<see cref="DocumentedRow"/>).
/// Linked into the CLI and extension test projects, so the three catalogues share it.</summary>
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

    /// <summary>The catalogue row of docs/reliability.md whose input cell is <paramref name="input"/>; fails the test
    /// unless there is exactly one.</summary>
    public static string DocumentedRow(string input)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FluxNotebooks.sln")))
        {
            dir = dir.Parent;
        }

        Xunit.Assert.NotNull(dir);
        var cell = $"| `{input.Replace("|", "\\|", StringComparison.Ordinal)}` |";
        var rows = File.ReadLines(Path.Combine(dir.FullName, "docs", "reliability.md")).Where(l => l.Contains(cell, StringComparison.Ordinal)).ToList();
        Xunit.Assert.True(rows.Count == 1, $"docs/reliability.md has {rows.Count} rows for {input}");
        return rows[0];
    }
}
