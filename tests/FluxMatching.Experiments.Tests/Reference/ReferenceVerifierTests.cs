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

    [Fact]
    public void The_shipped_fixtures_are_identical_to_the_shared_originals_when_those_are_present()
    {
        string? shared = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "reference-loss");
            if (Directory.Exists(candidate))
            {
                shared = candidate;
                break;
            }
        }

        if (shared is null)
        {
            output.WriteLine("../shared/fixtures/reference-loss not found; nothing to compare.");
            return;
        }

        foreach (var original in Directory.GetFiles(shared, "*.json"))
        {
            var copy = Path.Combine(FixtureDirectory, Path.GetFileName(original));
            Assert.True(File.Exists(copy), $"missing copy of {Path.GetFileName(original)}");
            Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(copy));
        }
    }

    [Fact]
    public void Parsing_reads_shapes_draws_and_flattened_expectations()
    {
        var fixture = ReferenceFixture.Load(Path.Combine(FixtureDirectory, "ring_b16_exponential_proposal.json"));
        Assert.Equal("flux_matching_loss_with_exponential_proposal", fixture.Kind);
        Assert.Equal(new long[] { 16, 2 }, fixture.XShape);
        Assert.Equal(0.05, fixture.Sigma2);
        Assert.Equal(3, fixture.FieldLayers.Count);
        Assert.Equal(7, fixture.Draws.Count);
        Assert.Equal(new long[] { 1 }, fixture.Draws[1].Shape);
        Assert.Equal(8, fixture.Proposal!.InputLayer.OutFeatures);
        Assert.True(fixture.Expected.ContainsKey("proposal_grad.output_layer.bias"));
        Assert.True(fixture.Expected.ContainsKey("proposal.rate"));
        Assert.Equal(32, fixture.Expected["grad_of_mean_loss_plus_reinforce[0].weight"].Length);
    }
}
