namespace FluxMatching.Metrics.Images;

/// <summary>Settings of <see cref="KernelDistance"/> (KID).</summary>
public sealed record KernelDistanceOptions
{
    /// <summary>Number of random subset pairs the unbiased MMD² is averaged over (default 100). ≥ 1.</summary>
    public int Subsets { get; init; } = 100;

    /// <summary>Points per subset (default 1,000, the usual KID setting; capped at the smaller set's size). ≥ 2.
    /// </summary>
    public int SubsetSize { get; init; } = 1000;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (Subsets < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Subsets), Subsets, "Subsets must be ≥ 1.");
        }

        if (SubsetSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(SubsetSize), SubsetSize, "SubsetSize must be ≥ 2.");
        }
    }
}
