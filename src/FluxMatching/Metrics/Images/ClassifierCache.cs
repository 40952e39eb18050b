namespace FluxMatching.Metrics.Images;

using static TorchSharp.torch;

/// <summary>
/// The trained <see cref="FeatureClassifier"/> of each data set, cached on disk: loaded when its file is there and
/// readable, else trained on the training split (fixed seed), its test accuracy measured, and written (atomically)
/// for the next time. The file name holds the data set, <see cref="FeatureClassifier.ArchitectureVersion"/>, the
/// training settings and the seed, e.g. <c>fashion-mnist-classifier-v1-f128-e2-seed0.dat</c>.
/// </summary>
public static class ClassifierCache
{
    /// <summary>The cache file's name for a data set and options.</summary>
    /// <param name="dataName">Data set name (e.g. <c>fashion-mnist</c>).</param>
    /// <param name="options">Training settings (null: defaults).</param>
    public static string FileName(string dataName, ClassifierOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataName);
        options ??= new ClassifierOptions();
        string limited = options.TrainImages is int n ? $"-n{n}" : "";
        string schedule = options.BatchSize == 128 && options.LearningRate == 1e-3
            ? ""
            : $"-b{options.BatchSize}-lr{options.LearningRate:R}";
        return $"{dataName}-classifier-v{FeatureClassifier.ArchitectureVersion}-f{options.FeatureCount}" +
               $"-e{options.Epochs}{limited}{schedule}-seed{options.Seed}.dat";
    }

    /// <summary>The cached classifier of a data set, trained first when the file is missing or unreadable.</summary>
    /// <param name="dataName">Data set name; part of the file name.</param>
    /// <param name="splits">Training split (to train on) and test split (for the accuracy).</param>
    /// <param name="options">Training settings and cache folder (null: defaults).</param>
    /// <param name="progress">Reports <c>cache-hit</c>, or <c>cache-unreadable</c> / <c>train</c> … /
    /// <c>trained</c>.</param>
    /// <param name="cancellationToken">Stops training between steps.</param>
    /// <returns>The classifier on the CPU, float32, eval mode, with <see cref="FeatureClassifier.TestAccuracy"/> set.
    /// </returns>
    public static FeatureClassifier LoadOrTrain(string dataName, ImageSplits splits, ClassifierOptions? options = null,
        IProgress<ClassifierProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataName);
        ArgumentNullException.ThrowIfNull(splits);
        options ??= new ClassifierOptions();
        options.Validate();
        string directory = options.ResolvedCacheDirectory;
        string path = Path.Combine(directory, FileName(dataName, options));
        if (File.Exists(path))
        {
            var cached = TryLoad(path, splits, options, out string? problem);
            if (cached is not null)
            {
                progress?.Report(new ClassifierProgress("cache-hit", 0, 0, double.NaN,
                    $"classifier of {dataName} loaded from {path} (test accuracy {cached.TestAccuracy:P2})"));
                return cached;
            }

            progress?.Report(new ClassifierProgress("cache-unreadable", 0, 0, double.NaN,
                $"classifier cache {path} is unreadable ({problem}); retraining"));
        }

        var model = ClassifierTraining.Train(splits.Train, options, progress, cancellationToken);
        model.TestAccuracy = ClassifierTraining.Accuracy(model, splits.Test);
        Directory.CreateDirectory(directory);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        model.save(temporary);
        File.Move(temporary, path, overwrite: true);
        progress?.Report(new ClassifierProgress("trained", 0, 0, double.NaN,
            $"classifier of {dataName} trained (test accuracy {model.TestAccuracy:P2}), saved to {path}"));
        return model;
    }

    private static FeatureClassifier? TryLoad(string path, ImageSplits splits, ClassifierOptions options,
        out string? problem)
    {
        var train = splits.Train;
        int classes = FeatureClassifier.ClassCount(train.Labels);
        var model = new FeatureClassifier(train.Channels, train.Height, train.Width, classes, options.FeatureCount);
        try
        {
            model.load(path, strict: true);
            double accuracy = model.TestAccuracy;
            if (!(accuracy is >= 0 and <= 1))
            {
                throw new InvalidDataException($"stored test accuracy {accuracy} is not in [0, 1]");
            }

            if (model.parameters().Any(p => !p.isfinite().all().item<bool>()))
            {
                throw new InvalidDataException("non-finite weights");
            }

            model.eval();
            problem = null;
            return model;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            problem = e.Message.Split('\n')[0];
            return null;
        }
    }
}
