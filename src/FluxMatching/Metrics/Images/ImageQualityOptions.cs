namespace FluxMatching.Metrics.Images;

/// <summary>Settings of <see cref="ImageQuality"/>.</summary>
public sealed record ImageQualityOptions
{
    /// <summary>The classifier's training and cache (default: 2 epochs, seed 0, the default cache folder).</summary>
    public ClassifierOptions Classifier { get; init; } = new();

    /// <summary>KID's subsets (default 100 subsets of up to 1,000 images).</summary>
    public KernelDistanceOptions Kid { get; init; } = new();

    /// <summary>Seed of the draws of reference (training-split) and test images and of KID's subsets (default 1).
    /// </summary>
    public long Seed { get; init; } = 1;

    /// <summary>True (default): also measure the floor, the held-out test split against the same training-split
    /// reference with as many images as samples (capped at the test split's size).</summary>
    public bool IncludeFloor { get; init; } = true;

    /// <summary>Images per forward pass of the classifier (default 500). ≥ 1.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Classifier, nameof(Classifier));
        ArgumentNullException.ThrowIfNull(Kid, nameof(Kid));
        Classifier.Validate();
        Kid.Validate();
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be ≥ 1.");
        }
    }
}
