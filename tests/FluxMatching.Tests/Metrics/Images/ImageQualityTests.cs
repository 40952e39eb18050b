namespace FluxMatching.Tests.Metrics.Images;

using FluxMatching.Data;
using FluxMatching.Metrics.Images;
using FluxMatching.Tests.Data;

public class ImageQualityTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("quality-tests").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly KernelDistanceOptions FewSubsets = new() { Subsets = 10, SubsetSize = 100 };

    [Fact]
    public void Held_out_images_score_near_the_floor_and_noise_far_above_it()
    {
        using var splits = ClassifierTests.Synthetic(700, 500, 11);
        var classifierOptions = new ClassifierOptions
        {
            Epochs = 3, BatchSize = 32, FeatureCount = 16, Seed = 1, CacheDirectory = dir,
        };
        using var classifier = ClassifierCache.LoadOrTrain("synthetic", splits, classifierOptions);
        var options = new ImageQualityOptions { Kid = FewSubsets, Classifier = classifierOptions };
        using var heldOut = ImageDataset.ToModelRange(splits.Test.Images);
        var good = ImageQuality.MeasureWith(heldOut, classifier, splits, options);
        using var g = new Generator(12);
        using var noise = rand([200, 1, 8, 8], generator: g).mul(2).sub(1);
        var bad = ImageQuality.MeasureWith(noise, classifier, splits, options);

        Assert.Equal(200, good.Samples.Count);
        Assert.NotNull(good.Floor);
        Assert.Equal(200, good.Floor!.Count);
        Assert.Equal(good.Samples.FrechetDistance, good.Floor.FrechetDistance, 5);   // the same 200 test images (float32 features)
        Assert.True(bad.Samples.FrechetDistance > 10 * good.Floor.FrechetDistance, $"{bad.Summary} vs {good.Summary}");
        Assert.True(bad.Samples.Kid.Mean > 10 * Math.Abs(good.Samples.Kid.Mean), $"{bad.Summary} vs {good.Summary}");
        Assert.Equal(classifier.TestAccuracy, bad.ClassifierAccuracy);
        Assert.Contains("FD (in-project classifier)", bad.Summary);
        Assert.DoesNotContain("FID", bad.Summary);
    }

    [Fact]
    public void Samples_of_the_wrong_shape_are_refused_with_the_expected_shape()
    {
        using var splits = ClassifierTests.Synthetic(60, 40, 13);
        using var g = new Generator(1);
        using var classifier = new FeatureClassifier(1, 8, 8, 3, 16, g);
        using var wrong = zeros(10, 1, 28, 28);
        var e = Assert.Throws<ArgumentException>(() => ImageQuality.MeasureWith(wrong, classifier, splits));
        Assert.Contains("[N, 1, 8, 8]", e.Message);
        Assert.Contains("[10, 1, 28, 28]", e.Message);
    }

    [Fact]
    public void An_unknown_data_set_is_refused_naming_the_allowed_ones()
    {
        using var samples = zeros(4, 1, 28, 28);
        var e = Assert.Throws<ArgumentException>(() => ImageQuality.Measure(samples, "cifar"));
        Assert.Contains("fashion-mnist, mnist", e.Message);
    }

    [FashionMnistFact]
    public void Fashion_mnist_test_images_sit_at_the_floor_and_blurred_noise_far_above_it()
    {
        var options = new ImageQualityOptions
        {
            Kid = FewSubsets,
            Classifier = new ClassifierOptions { TrainImages = 1000, Epochs = 2, BatchSize = 64, CacheDirectory = dir },
        };
        var recorder = new ClassifierTests.Recorder();
        using var test = ImageDatasets.FashionMnist(test: true);
        using var samples = ImageDataset.ToModelRange(test.Images.narrow(0, 0, 300));
        var report = ImageQuality.Measure(samples, "fashion-mnist", options, recorder);
        Assert.Equal(1, recorder.Count("trained"));
        Assert.True(report.ClassifierAccuracy > 0.6, report.Summary);
        Assert.True(report.Samples.FrechetDistance < 2 * report.Floor!.FrechetDistance, report.Summary);

        using var g = new Generator(2);
        using var noise = rand([300, 1, 28, 28], generator: g).mul(2).sub(1);
        var again = new ClassifierTests.Recorder();
        var bad = ImageQuality.Measure(noise, "fashion-mnist", options, again);
        Assert.Equal(["cache-hit"], again.Reports.Select(r => r.Phase));
        Assert.True(bad.Samples.FrechetDistance > 5 * bad.Floor!.FrechetDistance, bad.Summary);
    }
}
