namespace FluxMatching.Metrics.Images;

using FluxMatching.Data;
using static TorchSharp.torch;

/// <summary>
/// The train and test splits of an image data set as the quality metric uses them: Fashion-MNIST's own
/// 60,000 / 10,000; the 10,000 MNIST digits (one split upstream) cut here into the first
/// <see cref="MnistTrainCount"/> for training and the remaining 2,000 for testing.
/// </summary>
/// <param name="Train">The training split (the classifier learns on it; generated samples are compared with it).
/// </param>
/// <param name="Test">The held-out split (the classifier's accuracy; the floor compares it with the training split).
/// </param>
public sealed record ImageSplits(ImageDataset Train, ImageDataset Test) : IDisposable
{
    /// <summary>MNIST digits 0 … 7,999 are the training split, 8,000 … 9,999 the test split.</summary>
    public const int MnistTrainCount = 8000;

    /// <summary>Loads the splits of a data set by name.</summary>
    /// <param name="dataName"><c>fashion-mnist</c> or <c>mnist</c> (<see cref="ImageDatasets.Names"/>).</param>
    /// <exception cref="FileNotFoundException">The data set is missing; the message names the command that installs
    /// it.</exception>
    public static ImageSplits Load(string dataName)
    {
        ArgumentNullException.ThrowIfNull(dataName);
        switch (dataName)
        {
            case "fashion-mnist":
            {
                var train = ImageDatasets.FashionMnist(test: false);
                try
                {
                    return new ImageSplits(train, ImageDatasets.FashionMnist(test: true));
                }
                catch
                {
                    train.Dispose();
                    throw;
                }
            }

            case "mnist":
            {
                using var all = ImageDatasets.Mnist();
                return Split(all, MnistTrainCount);
            }

            default:
                throw new ArgumentException(
                    $"dataName = '{dataName}' is not an image data set; allowed: {string.Join(", ", ImageDatasets.Names)}.",
                    nameof(dataName));
        }
    }

    /// <summary>Cuts a data set into its first <paramref name="trainCount"/> images and the rest.</summary>
    /// <param name="dataset">The images (not disposed; the splits hold copies).</param>
    /// <param name="trainCount">Images of the training split, 1 ≤ trainCount &lt; N.</param>
    public static ImageSplits Split(ImageDataset dataset, int trainCount)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (trainCount < 1 || trainCount >= dataset.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(trainCount), trainCount,
                $"trainCount must be in [1, {dataset.Count - 1}] for the {dataset.Count} images of '{dataset.Name}'.");
        }

        using var scope = NewDisposeScope();
        long n = dataset.Count;
        var train = new ImageDataset(dataset.Name, dataset.Images.narrow(0, 0, trainCount).clone(),
            dataset.Labels.narrow(0, 0, trainCount).clone());
        var test = new ImageDataset(dataset.Name, dataset.Images.narrow(0, trainCount, n - trainCount).clone(),
            dataset.Labels.narrow(0, trainCount, n - trainCount).clone());
        return new ImageSplits(train, test);
    }

    /// <summary>Disposes both splits.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
