namespace FluxMatching.Metrics.Images;

using FluxMatching.Data;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Sample quality of generated images: "FD (in-project classifier)" and KID in the penultimate features of the
/// project's own <see cref="FeatureClassifier"/> (no Inception weights can be had offline, and Inception's ImageNet
/// features say little about 28×28 grey images), against a reference of as many images drawn without replacement
/// from the data set's training split, with the floor: the held-out test split against the same reference. The
/// classifier is loaded from its cache or trained once (<see cref="ClassifierCache"/>).
/// </summary>
public static class ImageQuality
{
    /// <summary>Measures generated images against a data set.</summary>
    /// <param name="samples">Generated images [N, C, H, W] in [−1, 1] (the data's shape, N ≥ 2), any device and dtype;
    /// the features are computed on their device in the classifier's dtype (float32).</param>
    /// <param name="dataName"><c>fashion-mnist</c> or <c>mnist</c> (<see cref="ImageSplits.Load"/>).</param>
    /// <param name="options">Classifier, KID, seed, floor (null: defaults).</param>
    /// <param name="progress">The classifier's cache look-up and, when it must be trained, its steps.</param>
    /// <param name="cancellationToken">Stops the classifier's training between steps.</param>
    public static ImageQualityReport Measure(Tensor samples, string dataName, ImageQualityOptions? options = null,
        IProgress<ClassifierProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        options ??= new ImageQualityOptions();
        options.Validate();
        using var splits = ImageSplits.Load(dataName);
        using var classifier = ClassifierCache.LoadOrTrain(dataName, splits, options.Classifier, progress,
            cancellationToken);
        return MeasureWith(samples, classifier, splits, options);
    }

    /// <summary>Measures generated images with a given classifier and splits.</summary>
    /// <param name="samples">Generated images [N, C, H, W] in [−1, 1], N ≥ 2, any device and dtype (at most as many as
    /// the training split holds are used).</param>
    /// <param name="classifier">The feature classifier (moved to the samples' device).</param>
    /// <param name="splits">The reference (training) and floor (test) images.</param>
    /// <param name="options">KID, seed, floor, batch size (null: defaults).</param>
    public static ImageQualityReport MeasureWith(Tensor samples, FeatureClassifier classifier, ImageSplits splits,
        ImageQualityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(splits);
        options ??= new ImageQualityOptions();
        options.Validate();
        var train = splits.Train;
        if (samples.dim() != 4 || samples.size(1) != train.Channels || samples.size(2) != train.Height ||
            samples.size(3) != train.Width || samples.size(0) < 2)
        {
            throw new ArgumentException(
                $"samples must be [N, {train.Channels}, {train.Height}, {train.Width}] with N ≥ 2 (the images of " +
                $"'{train.Name}'), got [{string.Join(", ", samples.shape)}].", nameof(samples));
        }

        using var scope = NewDisposeScope();
        var device = samples.device;
        if (!samples.isfinite().all().item<bool>())
        {
            throw new ArgumentException("samples hold NaN or infinite values.", nameof(samples));
        }

        classifier.to(device);
        classifier.eval();
        using var generator = new Generator((ulong)options.Seed);
        int n = (int)Math.Min(samples.size(0), train.Count);
        var referenceIndex = randperm(train.Count, generator: generator).narrow(0, 0, n);
        var reference = Features(classifier, train.Images.index_select(0, referenceIndex), device, options.BatchSize,
            fromBytes: true);
        var generated = Features(classifier, samples.narrow(0, 0, n), device, options.BatchSize, fromBytes: false);
        var sampleDistances = Distances(generated, reference, options, generator);
        FeatureDistances? floor = null;
        if (options.IncludeFloor)
        {
            floor = FloorDistances(classifier, splits.Test, reference, device, options, generator);
        }

        return new ImageQualityReport(train.Name, sampleDistances, floor, classifier.TestAccuracy);
    }

    /// <summary>The floor alone: <paramref name="count"/> test images against as many training images.</summary>
    /// <param name="dataName"><c>fashion-mnist</c> or <c>mnist</c>.</param>
    /// <param name="count">Images per set, 2 ≤ count ≤ the test split's size.</param>
    /// <param name="options">Classifier, KID, seed (null: defaults).</param>
    /// <param name="progress">The classifier's cache look-up and training.</param>
    /// <param name="device">Device of the features (null: CPU).</param>
    /// <param name="cancellationToken">Stops the classifier's training between steps.</param>
    public static ImageQualityReport Floor(string dataName, int count, ImageQualityOptions? options = null,
        IProgress<ClassifierProgress>? progress = null, Device? device = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new ImageQualityOptions();
        options.Validate();
        using var splits = ImageSplits.Load(dataName);
        if (count < 2 || count > splits.Test.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"count must be in [2, {splits.Test.Count}] (the test split of '{dataName}').");
        }

        using var classifier = ClassifierCache.LoadOrTrain(dataName, splits, options.Classifier, progress,
            cancellationToken);
        var dev = device ?? CPU;
        using var scope = NewDisposeScope();
        classifier.to(dev);
        classifier.eval();
        using var generator = new Generator((ulong)options.Seed);
        var referenceIndex = randperm(splits.Train.Count, generator: generator).narrow(0, 0, count);
        var reference = Features(classifier, splits.Train.Images.index_select(0, referenceIndex), dev,
            options.BatchSize, fromBytes: true);
        var floor = FloorDistances(classifier, splits.Test, reference, dev, options, generator);
        return new ImageQualityReport(dataName, floor, null, classifier.TestAccuracy);
    }

    /// <summary>Penultimate features [N, F] (float32, on <paramref name="device"/>) of images [N, C, H, W]: uint8
    /// bytes (mapped to [−1, 1]) or model-range values.</summary>
    private static Tensor Features(FeatureClassifier classifier, Tensor images, Device device, int batchSize,
        bool fromBytes)
    {
        using var noGrad = no_grad();
        var dtype = classifier.parameters().First().dtype;
        var parts = new List<Tensor>();
        long n = images.size(0);
        for (long start = 0; start < n; start += batchSize)
        {
            long size = Math.Min(batchSize, n - start);
            var chunk = images.narrow(0, start, size);
            var input = fromBytes
                ? ImageDataset.ToModelRange(chunk, device, dtype)
                : chunk.to(dtype, device);
            parts.Add(classifier.Features(input));
        }

        return cat(parts, 0);
    }

    private static FeatureDistances FloorDistances(FeatureClassifier classifier, ImageDataset test, Tensor reference,
        Device device, ImageQualityOptions options, Generator generator)
    {
        int m = (int)Math.Min(reference.size(0), test.Count);
        var testIndex = randperm(test.Count, generator: generator).narrow(0, 0, m);
        var held = Features(classifier, test.Images.index_select(0, testIndex), device, options.BatchSize,
            fromBytes: true);
        return Distances(held, reference.narrow(0, 0, m), options, generator);
    }

    private static FeatureDistances Distances(Tensor x, Tensor reference, ImageQualityOptions options,
        Generator generator)
    {
        double fd = FrechetDistance.Compute(x, reference);
        var kid = KernelDistance.Compute(x, reference, options.Kid, generator);
        return new FeatureDistances((int)x.size(0), fd, kid);
    }
}
