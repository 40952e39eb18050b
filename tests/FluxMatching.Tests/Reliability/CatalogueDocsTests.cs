namespace FluxMatching.Tests.Reliability;

/// <summary>docs/reliability.md lists every case of the C# API and checkpoint catalogue with the line it prints.</summary>
public sealed class CatalogueDocsTests
{
    public static IEnumerable<object[]> Cases =>
        ApiBadInputTests.Cases.Select(c => new object[] { (string)c[0], (string)c[1] })
            .Concat(CorruptCheckpointTests.Cases.Select(c => new object[] { (string)c[0], (string)c[1] }));

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_reliability_document_lists_the_case_and_its_message(string input, string expected)
    {
        var row = Catalogue.DocumentedRow(input);
        Assert.Contains(expected, row);
    }
}
