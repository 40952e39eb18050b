namespace FluxMatching.Interactive.Tests.Reliability;

/// <summary>docs/reliability.md lists every case of the #!flux catalogue with the line it prints.</summary>
public sealed class CatalogueDocsTests
{
    public static IEnumerable<object[]> Cases =>
        MagicBadInputTests.Cases.Select(c => new object[] { (string)c[0], (string)c[1] });

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_reliability_document_lists_the_case_and_its_message(string input, string expected)
    {
        var row = Docs.Row(input);
        Assert.Contains(expected, row);
    }
}

internal static class Docs
{
    /// <summary>The catalogue row of docs/reliability.md whose input cell is <paramref name="input"/>.</summary>
    public static string Row(string input)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FluxNotebooks.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var cell = $"| `{input.Replace("|", "\\|", StringComparison.Ordinal)}` |";
        var rows = File.ReadLines(Path.Combine(dir.FullName, "docs", "reliability.md")).Where(l => l.Contains(cell, StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count == 1, $"docs/reliability.md has {rows.Count} rows for {input}");
        return rows[0];
    }
}
