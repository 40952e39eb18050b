namespace FluxMatching.Tests.Reference;

using FluxMatching.Reference;
using FluxMatching.Tests.Interop;
using Xunit.Abstractions;

public class UNetFixtureTests(ITestOutputHelper output)
{
    [UNetFixtureFact]
    public void The_float64_fixture_is_reproduced_within_1e_9()
    {
        var report = Replay("unet_f64_8px.json");
        Assert.Equal(1e-9, report.Tolerance);
        Assert.True(report.Passes(1e-9), Describe(report));
    }

    [UNetFixtureFact]
    public void The_float32_fixture_is_reproduced_within_1e_4()
    {
        var report = Replay("unet_f32_8px.json");
        Assert.Equal(1e-4, report.Tolerance);
        Assert.True(report.Passes(1e-4), Describe(report));
    }

    [UNetFixtureFact]
    public void A_fixture_whose_weights_file_is_missing_reports_one_error()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            string json = Path.Combine(dir, "lonely.json");
            File.Copy(Path.Combine(SharedFixtures.UNetDirectory!, "unet_f64_8px.json"), json);
            var report = ReferenceVerifier.Verify([json]).Single();
            Assert.False(report.Passes(1.0));
            Assert.Contains("lonely.weights.pt", report.Error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private FixtureReport Replay(string file)
    {
        var report = ReferenceVerifier.Verify([Path.Combine(SharedFixtures.UNetDirectory!, file)]).Single();
        output.WriteLine(Describe(report));
        Assert.Null(report.Error);
        Assert.Equal(6, report.Quantities.Count);
        return report;
    }

    private static string Describe(FixtureReport report) =>
        string.Join("\n", report.Quantities.Select(q => $"{q.Name}: {q.RelativeError:E2}")) + report.Error;
}
