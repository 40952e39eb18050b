namespace FluxMatching.Tests.Metrics.Images;

using FluxMatching.Metrics.Images;

/// <summary>The one-line summary of FD and KID.</summary>
public class FeatureDistancesTests
{
    [Fact]
    public void The_summary_shows_the_spread_of_KID_only_when_its_subsets_are_smaller_than_the_set()
    {
        var whole = new FeatureDistances(200, 82.5, new KernelDistanceResult(13.9, 2e-14, 100, 200));
        var parts = new FeatureDistances(2000, 82.5, new KernelDistanceResult(13.9, 0.3, 100, 1000));
        Assert.Equal("FD (in-project classifier) 82.5, KID 13.9 (n = 200)", whole.Summary);
        Assert.Equal("FD (in-project classifier) 82.5, KID 13.9 ± 0.3 (n = 2000)", parts.Summary);
    }
}
