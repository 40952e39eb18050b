namespace FluxMatching.Metrics.Images;

using static TorchSharp.torch;

/// <summary>Settings of the <see cref="FeatureClassifier"/>'s training and of its weight cache.</summary>
public sealed record ClassifierOptions
{
    /// <summary>Environment variable naming the cache folder of the classifier weights.</summary>
    public const string CacheDirectoryVariable = "FLUX_CACHE_DIR";

    /// <summary>Passes over the training split (default 2: about 90 % test accuracy on Fashion-MNIST). ≥ 1.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Images per Adam step (default 128). ≥ 1.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate (default 1e-3), finite and &gt; 0.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Seed of the initial weights and of the shuffling (default 0); part of the cache file name.</summary>
    public long Seed { get; init; }

    /// <summary>Penultimate features F (default 128). ≥ 2.</summary>
    public int FeatureCount { get; init; } = 128;

    /// <summary>Use only the first this many training images (null, default: all). A limited run is cached under
    /// its own file name.</summary>
    public int? TrainImages { get; init; }

    /// <summary>Cache folder of the weights (null: <c>$FLUX_CACHE_DIR/classifiers</c>, else
    /// <c>~/.cache/fluxnotebooks/classifiers</c>).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Device the classifier trains on (null: CPU). The cached weights are stored from the CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>The cache folder these options resolve to.</summary>
    public string ResolvedCacheDirectory =>
        CacheDirectory is { Length: > 0 } dir
            ? dir
            : Environment.GetEnvironmentVariable(CacheDirectoryVariable) is { Length: > 0 } env
                ? Path.Combine(env, "classifiers")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache",
                    "fluxnotebooks", "classifiers");

    /// <summary>Throws when a setting is out of range; the message names the setting, its value and what is allowed.
    /// </summary>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be ≥ 1.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be ≥ 1.");
        }

        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate,
                "LearningRate must be finite and > 0.");
        }

        if (FeatureCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(FeatureCount), FeatureCount, "FeatureCount must be ≥ 2.");
        }

        if (TrainImages is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(TrainImages), TrainImages,
                "TrainImages must be null (all) or ≥ 2.");
        }
    }
}
