namespace FluxMatching.Metrics.Images;

using FluxMatching.Data;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Trains a <see cref="FeatureClassifier"/> with cross-entropy and Adam on a training split (shuffled each epoch by a
/// generator seeded with <see cref="ClassifierOptions.Seed"/>) and measures its accuracy on a held-out split.
/// </summary>
public static class ClassifierTraining
{
    /// <summary>Creates a classifier for a data set's image shape and trains it.</summary>
    /// <param name="train">Training split (labels 0 … K − 1, K ≥ 2 taken from its largest label).</param>
    /// <param name="options">Epochs, batch size, learning rate, seed, device (null: defaults).</param>
    /// <param name="progress">One <c>train</c> report per optimizer step.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <returns>The trained classifier on the CPU in float32, in eval mode (its test accuracy still NaN).</returns>
    public static FeatureClassifier Train(ImageDataset train, ClassifierOptions? options = null,
        IProgress<ClassifierProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        options ??= new ClassifierOptions();
        options.Validate();
        int count = Math.Min(train.Count, options.TrainImages ?? int.MaxValue);
        if (count < 2)
        {
            throw new ArgumentException($"The training split of '{train.Name}' holds {count} images; need ≥ 2.",
                nameof(train));
        }

        var device = options.Device ?? CPU;
        TorchRuntime.SetFlushDenormal(true);   // per thread; float32 denormals would slow every later step
        int classes = FeatureClassifier.ClassCount(train.Labels);
        using var generator = new Generator((ulong)options.Seed);
        var model = new FeatureClassifier(train.Channels, train.Height, train.Width, classes, options.FeatureCount,
            generator);
        model.to(device);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), options.LearningRate);
        int batch = Math.Min(options.BatchSize, count);
        int perEpoch = count / batch;
        int steps = perEpoch * options.Epochs;
        int step = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            using var order = randperm(count, generator: generator);
            for (int b = 0; b < perEpoch; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var index = order.narrow(0, (long)b * batch, batch);
                var images = ImageDataset.ToModelRange(train.Images.index_select(0, index), device);
                var labels = train.Labels.index_select(0, index).to(device);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(images), labels);
                loss.backward();
                optimizer.step();
                step++;
                if (progress is not null)
                {
                    double value = loss.item<float>();
                    progress.Report(new ClassifierProgress("train", step, steps, value,
                        $"classifier of {train.Name}: step {step}/{steps} (epoch {epoch + 1}/{options.Epochs}), " +
                        $"loss {value:F4}"));
                }
            }
        }

        model.eval();
        model.to(CPU);
        return model;
    }

    /// <summary>Fraction of the images the classifier labels correctly, in [0, 1].</summary>
    /// <param name="classifier">The classifier (its device and dtype are used).</param>
    /// <param name="test">Held-out images with labels.</param>
    /// <param name="batchSize">Images per forward pass (default 1,000).</param>
    public static double Accuracy(FeatureClassifier classifier, ImageDataset test, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var weight = classifier.parameters().First();
        bool wasTraining = classifier.training;
        classifier.eval();
        long correct = 0;
        using (no_grad())
        {
            for (int start = 0; start < test.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(batchSize, test.Count - start);
                var images = ImageDataset.ToModelRange(test.Images.narrow(0, start, n), weight.device, weight.dtype);
                var predicted = classifier.forward(images).argmax(1).cpu();
                correct += predicted.eq(test.Labels.narrow(0, start, n)).sum().item<long>();
            }
        }

        classifier.train(wasTraining);
        return (double)correct / test.Count;
    }
}
