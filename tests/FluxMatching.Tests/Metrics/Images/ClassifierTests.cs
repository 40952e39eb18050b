namespace FluxMatching.Tests.Metrics.Images;

using FluxMatching.Data;
using FluxMatching.Metrics.Images;
using FluxMatching.Tests.Data;

public class ClassifierTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("classifier-tests").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Records every report synchronously (<see cref="Progress{T}"/> would post them later).</summary>
    internal sealed class Recorder : IProgress<ClassifierProgress>
    {
        public List<ClassifierProgress> Reports { get; } = [];

        public void Report(ClassifierProgress value) => Reports.Add(value);

        public int Count(string phase) => Reports.Count(r => r.Phase == phase);
    }

    /// <summary>8×8 grey images of three classes: a bright top half, a bright left half, or a bright centre, with
    /// noise; n images cut into the first <paramref name="train"/> and the rest.</summary>
    internal static ImageSplits Synthetic(int n, int train, long seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);
        var labels = randint(0, 3, [n], ScalarType.Int64, generator: g);
        var masks = zeros(3, 8, 8);
        masks[0, TensorIndex.Slice(0, 4)] = tensor(1f);
        masks[1, TensorIndex.Colon, TensorIndex.Slice(0, 4)] = tensor(1f);
        masks[2, TensorIndex.Slice(2, 6), TensorIndex.Slice(2, 6)] = tensor(1f);
        var clean = masks.index_select(0, labels).mul(150).add(50);
        var noisy = clean.add(randn([n, 8, 8], generator: g).mul(40)).clamp(0, 255).round();
        using var all = new ImageDataset("synthetic", noisy.to(ScalarType.Byte), labels);
        return ImageSplits.Split(all, train);
    }

    private ClassifierOptions Tiny => new()
    {
        Epochs = 3, BatchSize = 32, FeatureCount = 16, Seed = 2, CacheDirectory = dir,
    };

    [Fact]
    public void A_short_run_on_synthetic_images_classifies_held_out_images_well_above_chance()
    {
        using var splits = Synthetic(400, 300, 1);
        using var model = ClassifierTraining.Train(splits.Train, Tiny);
        double accuracy = ClassifierTraining.Accuracy(model, splits.Test);
        Assert.True(accuracy > 0.9, $"accuracy {accuracy} (chance 1/3)");
        using var features = model.Features(ImageDataset.ToModelRange(splits.Test.Images));
        Assert.Equal(new long[] { 100, 16 }, features.shape);
        Assert.True(features.min().item<float>() >= 0);
    }

    [FashionMnistFact]
    public void A_few_hundred_fashion_mnist_images_teach_it_well_above_chance()
    {
        using var train = ImageDatasets.FashionMnist(test: false);
        using var test = ImageDatasets.FashionMnist(test: true);
        using var cut = ImageSplits.Split(test, 1000);
        var heldOut = cut.Train;   // the first 1,000 test images
        var options = new ClassifierOptions { TrainImages = 600, Epochs = 3, BatchSize = 32, Seed = 0 };
        using var model = ClassifierTraining.Train(train, options);
        double accuracy = ClassifierTraining.Accuracy(model, heldOut);
        Assert.True(accuracy > 0.55, $"accuracy {accuracy} (chance 0.1)");
    }

    [Fact]
    public void The_same_seed_trains_the_same_weights()
    {
        using var splits = Synthetic(120, 100, 3);
        var options = Tiny with { Epochs = 1 };
        using var a = ClassifierTraining.Train(splits.Train, options);
        using var b = ClassifierTraining.Train(splits.Train, options);
        using var c = ClassifierTraining.Train(splits.Train, options with { Seed = 9 });
        using var images = ImageDataset.ToModelRange(splits.Test.Images);
        using var fa = a.Features(images);
        using var fb = b.Features(images);
        using var fc = c.Features(images);
        Assert.True(fa.allclose(fb, rtol: 0, atol: 0));
        Assert.False(fa.allclose(fc));
    }

    [Fact]
    public void A_cached_classifier_is_loaded_without_retraining()
    {
        using var splits = Synthetic(200, 150, 4);
        var first = new Recorder();
        using var trained = ClassifierCache.LoadOrTrain("synthetic", splits, Tiny, first);
        Assert.True(first.Count("train") > 0);
        Assert.Equal(1, first.Count("trained"));
        string path = Path.Combine(dir, ClassifierCache.FileName("synthetic", Tiny));
        Assert.True(File.Exists(path));
        var written = File.GetLastWriteTimeUtc(path);

        var second = new Recorder();
        using var loaded = ClassifierCache.LoadOrTrain("synthetic", splits, Tiny, second);
        Assert.Equal(["cache-hit"], second.Reports.Select(r => r.Phase));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal(trained.TestAccuracy, loaded.TestAccuracy);
        Assert.InRange(loaded.TestAccuracy, 0.0, 1.0);
        using var images = ImageDataset.ToModelRange(splits.Test.Images);
        using var a = trained.Features(images);
        using var b = loaded.Features(images);
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void An_unreadable_cache_file_is_reported_and_retrained(string damage)
    {
        using var splits = Synthetic(200, 150, 5);
        string path = Path.Combine(dir, ClassifierCache.FileName("synthetic", Tiny));
        using (ClassifierCache.LoadOrTrain("synthetic", splits, Tiny))
        {
        }

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, damage switch
        {
            "garbage" => Enumerable.Range(0, bytes.Length).Select(i => (byte)(i * 37)).ToArray(),
            "truncated" => bytes[..(bytes.Length / 2)],
            _ => [],
        });
        var recorder = new Recorder();
        using var model = ClassifierCache.LoadOrTrain("synthetic", splits, Tiny, recorder);
        Assert.Equal(1, recorder.Count("cache-unreadable"));
        Assert.True(recorder.Count("train") > 0);
        Assert.InRange(model.TestAccuracy, 0.0, 1.0);
        var again = new Recorder();
        using var reloaded = ClassifierCache.LoadOrTrain("synthetic", splits, Tiny, again);
        Assert.Equal(1, again.Count("cache-hit"));
    }

    [Fact]
    public void The_cache_file_name_holds_data_set_architecture_version_and_seed()
    {
        string name = ClassifierCache.FileName("fashion-mnist", new ClassifierOptions { Seed = 7 });
        Assert.Equal($"fashion-mnist-classifier-v{FeatureClassifier.ArchitectureVersion}-f128-e2-seed7.dat", name);
        Assert.NotEqual(name, ClassifierCache.FileName("fashion-mnist", new ClassifierOptions { Seed = 7, TrainImages = 500 }));
    }

    [Fact]
    public void The_cache_folder_follows_the_option_then_the_environment_variable()
    {
        Assert.Equal(dir, new ClassifierOptions { CacheDirectory = dir }.ResolvedCacheDirectory);
        Assert.EndsWith("classifiers", new ClassifierOptions().ResolvedCacheDirectory);
    }
}
