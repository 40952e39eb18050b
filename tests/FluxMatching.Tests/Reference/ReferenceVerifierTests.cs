namespace FluxMatching.Tests.Reference;

using FluxMatching.Reference;
using Xunit.Abstractions;

public class ReferenceVerifierTests(ITestOutputHelper output)
{
    private static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "reference-loss");

    public static TheoryData<string> FixtureNames()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(FixtureDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void All_six_reference_fixtures_are_shipped_with_the_tests()
    {
        Assert.Equal(6, Directory.GetFiles(FixtureDirectory, "*.json").Length);
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Every_fixture_quantity_is_reproduced_to_1e_9(string file)
    {
        var report = ReferenceVerifier.Verify([Path.Combine(FixtureDirectory, file)]).Single();
        foreach (var q in report.Quantities)
        {
            output.WriteLine($"{q.Name,-45} n={q.Count,4}  rel={q.RelativeError:E2}");
        }

        Assert.Null(report.Error);
        Assert.Empty(report.Skipped);
        Assert.Contains(report.Quantities, q => q.Name.Contains("grad", StringComparison.Ordinal));
        Assert.True(report.Passes(ReferenceVerifier.Tolerance), $"max relative error {report.MaxRelativeError:E3}");
    }
}
