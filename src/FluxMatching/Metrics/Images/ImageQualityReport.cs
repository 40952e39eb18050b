namespace FluxMatching.Metrics.Images;

/// <summary>Sample quality of generated images against a data set's training split.</summary>
/// <param name="Data">The data set (e.g. <c>fashion-mnist</c>).</param>
/// <param name="Samples">The generated images against the reference: FD (in-project classifier), KID, n.</param>
/// <param name="Floor">The held-out test split against the same reference (what a perfect generator would score at
/// this n), or null when not measured.</param>
/// <param name="ClassifierAccuracy">The feature classifier's accuracy on the test split, in [0, 1].</param>
public sealed record ImageQualityReport(string Data, FeatureDistances Samples, FeatureDistances? Floor,
    double ClassifierAccuracy)
{
    /// <summary>One line for a person: the samples' distances, the floor and the classifier's accuracy.</summary>
    public string Summary =>
        $"{Data}: {Samples.Summary}" +
        (Floor is null ? "" : $"; floor (test vs train) {Floor.Summary}") +
        $"; classifier test accuracy {ClassifierAccuracy:P2}";
}
