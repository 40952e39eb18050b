namespace FluxMatching.Tests.Reference;

using FluxMatching.Reference;
using Xunit.Abstractions;

public class GeneLocalFixtureTests(ITestOutputHelper output)
{
    private static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "rna-velocity");

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
    public void Both_gene_local_fixtures_are_shipped_with_the_tests()
    {
        Assert.Equal(2, Directory.GetFiles(FixtureDirectory, "*.json").Length);
    }

    [Fact]
    public void The_shipped_fixtures_are_identical_to_the_shared_originals_when_those_are_present()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var shared = Path.Combine(dir.FullName, "shared", "fixtures", "rna-velocity");
            if (Directory.Exists(shared))
            {
                foreach (var original in Directory.GetFiles(shared, "*.json"))
                {
                    var copy = Path.Combine(FixtureDirectory, Path.GetFileName(original));
                    Assert.True(File.Exists(copy), $"missing copy of {Path.GetFileName(original)}");
                    Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(copy));
                }

                return;
            }
        }

        output.WriteLine("shared/fixtures/rna-velocity not found; nothing to compare.");
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void The_loss_and_all_five_parameter_gradients_are_reproduced_to_1e_9(string file)
    {
        var report = ReferenceVerifier.Verify([Path.Combine(FixtureDirectory, file)]).Single();
        foreach (var q in report.Quantities)
        {
            output.WriteLine($"{q.Name,-30} n={q.Count,3}  rel={q.RelativeError:E2}");
        }

        Assert.Null(report.Error);
        Assert.Equal(GeneLocalFixture.KindName, report.Kind);
        Assert.Empty(report.Skipped);
        Assert.Equal(6, report.Quantities.Count);
        Assert.True(report.Passes(ReferenceVerifier.Tolerance), $"max relative error {report.MaxRelativeError:E3}");
    }

    [Fact]
    public void A_fixture_with_a_perturbed_draw_fails_the_bar()
    {
        var text = File.ReadAllText(Path.Combine(FixtureDirectory, "rna_b16_g5.json"));
        var fixture = GeneLocalFixture.Parse(text);
        var draws = fixture.Draws.ToArray();
        draws[0] = draws[0] with { Values = [draws[0].Values[0] * 0.9] };
        var report = ReferenceVerifier.Verify(fixture with { Draws = draws });
        Assert.False(report.Passes(ReferenceVerifier.Tolerance));
    }

    [Fact]
    public void Draws_out_of_the_authors_order_are_reported_not_thrown()
    {
        var fixture = GeneLocalFixture.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, "rna_b16_g5.json")));
        var report = ReferenceVerifier.Verify(fixture with { Draws = fixture.Draws.Reverse().ToArray() });
        Assert.NotNull(report.Error);
        Assert.Contains("draws_in_order", report.Error, StringComparison.Ordinal);
    }
}
