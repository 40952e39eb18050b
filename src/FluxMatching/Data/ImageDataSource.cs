namespace FluxMatching.Data;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Draws images of an <see cref="ImageDataset"/> uniformly with replacement, in [−1, 1] on any device and dtype,
/// optionally flipped left–right with probability ½ each (the authors' <c>RandomHorizontalFlip</c>). As an
/// <see cref="IDataSource"/> it yields flattened images [n, C·H·W]; <see cref="SampleBatch"/> keeps the image shape
/// and the labels.
/// </summary>
public sealed class ImageDataSource : IImageSource
{
    /// <summary>Creates the source.</summary>
    /// <param name="dataset">The images (kept on the CPU as bytes; only the drawn batch is converted).</param>
    /// <param name="horizontalFlips">True: flip each drawn image left–right with probability ½ (default false).
    /// </param>
    public ImageDataSource(ImageDataset dataset, bool horizontalFlips = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Count < 1)
        {
            throw new ArgumentException($"The data set '{dataset.Name}' holds no images.", nameof(dataset));
        }

        Dataset = dataset;
        HorizontalFlips = horizontalFlips;
    }

    /// <summary>The images.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>Whether drawn images are flipped left–right with probability ½.</summary>
    public bool HorizontalFlips { get; }

    /// <inheritdoc />
    public string Name => Dataset.Name;

    /// <inheritdoc />
    public int Dimension => Dataset.Channels * Dataset.Height * Dataset.Width;

    /// <inheritdoc />
    public int Channels => Dataset.Channels;

    /// <inheritdoc />
    public int Height => Dataset.Height;

    /// <inheritdoc />
    public int Width => Dataset.Width;

    /// <summary>Draws n flattened images, shape [n, C·H·W], values in [−1, 1].</summary>
    /// <param name="n">Number of images, ≥ 1.</param>
    /// <param name="generator">Generator for the index (and flip) draws (null: the default generator).</param>
    /// <param name="device">Device of the result (null: CPU).</param>
    /// <param name="dtype">float32 or float64.</param>
    public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var batch = SampleBatch(n, generator, device, dtype);
        batch.Labels.Dispose();
        using (batch.Images)
        {
            return batch.Images.reshape(n, Dimension);
        }
    }

    /// <summary>Draws n images with their labels.</summary>
    /// <param name="n">Number of images, ≥ 1.</param>
    /// <param name="generator">Generator for the index (and flip) draws (null: the default generator of the draw's
    /// device).</param>
    /// <param name="device">Device of the result (null: CPU).</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <returns>Images [n, C, H, W] in [−1, 1] and labels [n].</returns>
    public ImageBatch SampleBatch(int n, Generator? generator = null, Device? device = null,
        ScalarType dtype = ScalarType.Float32)
    {
        var dev = RandomDraws.ValidateSampleArguments(n, device, dtype);
        using var scope = NewDisposeScope();
        var drawDevice = generator?.device ?? dev;
        var index = randint(0, Dataset.Count, [n], ScalarType.Int64, drawDevice, generator: generator).cpu();
        var images = ImageDataset.ToModelRange(Dataset.Images.index_select(0, index), dev, dtype);
        if (HorizontalFlips)
        {
            var flip = RandomDraws.Rand([n], dtype, dev, generator).lt(Scalars.Half).view(n, 1, 1, 1);
            images = where(flip, images.flip(3), images);
        }

        var labels = Dataset.Labels.index_select(0, index).to(dev);
        return new ImageBatch(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
