namespace FluxMatching.Data;

/// <summary>How <see cref="UserData"/> prepares a user's data set for training.</summary>
public sealed record UserDataOptions
{
    /// <summary>Fraction of the points held out for metrics, in [0, 1); 0 holds nothing out. Needs a finite data set
    /// (<see cref="PointCloud"/>). Default 0.</summary>
    public double Holdout { get; init; }

    /// <summary>Standardize each coordinate to mean 0 and standard deviation 1 before training (samples are mapped
    /// back to data units). Default true.</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>Seed of the held-out split (and of the draws that estimate the standardization of a data source that
    /// is not a <see cref="PointCloud"/>). Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Draws used to estimate μ and s for a data source that is not finite. Default 10,000.</summary>
    public int StatisticsDraws { get; init; } = 10_000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(Holdout >= 0 && Holdout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Holdout), Holdout, "holdout must be a fraction in [0, 1).");
        }

        if (StatisticsDraws < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(StatisticsDraws), StatisticsDraws, "statistics draws must be ≥ 2.");
        }
    }
}
