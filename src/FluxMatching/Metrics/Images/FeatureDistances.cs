namespace FluxMatching.Metrics.Images;

/// <summary>FD (in-project classifier) and KID between one image set and the training-split reference.</summary>
/// <param name="Count">Images in the set (and in the reference).</param>
/// <param name="FrechetDistance">FD (in-project classifier): the Fréchet distance of the penultimate features.</param>
/// <param name="Kid">KID in the same features: mean ± standard deviation over subsets.</param>
public sealed record FeatureDistances(int Count, double FrechetDistance, KernelDistanceResult Kid)
{
    /// <summary>One line, e.g. <c>FD (in-project classifier) 1.234, KID 0.0012 ± 0.0003 (n = 2000)</c>; without the
    /// ± when every KID subset is the whole set (n at most the subset size: the subsets coincide and their spread
    /// says nothing).</summary>
    public string Summary =>
        $"FD (in-project classifier) {FrechetDistance:G4}, KID {Kid.Mean:G3}{(Kid.SubsetSize < Count ? $" ± {Kid.StandardDeviation:G2}" : "")} (n = {Count})";
}
