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
        var row = FluxMatching.Tests.Reliability.Catalogue.DocumentedRow(input);
        Assert.Contains(expected, row);
    }
}
