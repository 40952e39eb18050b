namespace FluxMatching.Data;

using FluxMatching.Runtime;
using static TorchSharp.torch;

/// <summary>
/// A labelled image data set held in memory as bytes: images [N, C, H, W] (uint8, CPU) and labels [N] (int64, CPU),
/// e.g. Fashion-MNIST or MNIST read from IDX files. <see cref="ToModelRange"/> maps pixels k ∈ {0..255} to
/// k/127.5 − 1 ∈ [−1, 1], the range the paper's image models work in.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    /// <summary>Creates the data set from byte images and labels (both kept on the CPU).</summary>
    /// <param name="name">Short name (e.g. <c>fashion-mnist</c>).</param>
    /// <param name="images">[N, C, H, W] or [N, H, W] (one channel), uint8.</param>
    /// <param name="labels">[N], any integer type.</param>
    public ImageDataset(string name, Tensor images, Tensor labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.dtype != ScalarType.Byte || images.dim() is not (3 or 4))
        {
            throw new ArgumentException(
                $"images must be uint8 [N, C, H, W] or [N, H, W], got {images.dtype} [{string.Join(", ", images.shape)}].",
                nameof(images));
        }

        var four = images.dim() == 3 ? images.unsqueeze(1) : images;
        if (labels.dim() != 1 || labels.size(0) != four.size(0))
        {
            throw new ArgumentException(
                $"labels must be [N] with N = {four.size(0)} (one per image), got [{string.Join(", ", labels.shape)}].",
                nameof(labels));
        }

        Name = name;
        Images = four.cpu().contiguous().DetachFromDisposeScope();
        Labels = labels.to(ScalarType.Int64).cpu().contiguous().DetachFromDisposeScope();
    }

    /// <summary>Short name.</summary>
    public string Name { get; }

    /// <summary>The images [N, C, H, W], uint8, CPU.</summary>
    public Tensor Images { get; }

    /// <summary>The labels [N], int64, CPU.</summary>
    public Tensor Labels { get; }

    /// <summary>Number of images N.</summary>
    public int Count => (int)Images.size(0);

    /// <summary>Channels C.</summary>
    public int Channels => (int)Images.size(1);

    /// <summary>Height H in pixels.</summary>
    public int Height => (int)Images.size(2);

    /// <summary>Width W in pixels.</summary>
    public int Width => (int)Images.size(3);

    /// <summary>Reads IDX image and label files (gzip or plain), e.g. <c>train-images-idx3-ubyte.gz</c>.</summary>
    /// <param name="name">Short name.</param>
    /// <param name="imagesPath">Images: [N, H, W] (one channel) or [N, C, H, W].</param>
    /// <param name="labelsPath">Labels: [N].</param>
    /// <exception cref="InvalidDataException">A file is malformed or the counts differ.</exception>
    public static ImageDataset Load(string name, string imagesPath, string labelsPath)
    {
        var (imageShape, pixels) = IdxFile.Read(imagesPath);
        var (labelShape, labels) = IdxFile.Read(labelsPath);
        if (imageShape.Length is not (3 or 4))
        {
            throw new InvalidDataException(
                $"'{imagesPath}' holds [{string.Join(", ", imageShape)}], not images [N, H, W] or [N, C, H, W].");
        }

        if (labelShape.Length != 1 || labelShape[0] != imageShape[0])
        {
            throw new InvalidDataException(
                $"'{labelsPath}' holds [{string.Join(", ", labelShape)}], expected [{imageShape[0]}] labels for " +
                $"the {imageShape[0]} images of '{imagesPath}'.");
        }

        using var scope = NewDisposeScope();
        var images = tensor(pixels, imageShape.Select(d => (long)d).ToArray(), dtype: ScalarType.Byte);
        var labelTensor = tensor(labels, [labels.LongLength], dtype: ScalarType.Byte);
        return new ImageDataset(name, images, labelTensor);
    }

    /// <summary>Pixels k ∈ {0..255} → k/127.5 − 1 ∈ [−1, 1] in the requested dtype and device.</summary>
    /// <param name="bytes">uint8 images, any shape.</param>
    /// <param name="device">Device of the result (null: the input's).</param>
    /// <param name="dtype">float32 or float64.</param>
    public static Tensor ToModelRange(Tensor bytes, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype must be Float32 or Float64, got {dtype}.", nameof(dtype));
        }

        using var scope = NewDisposeScope();
        return bytes.to(dtype, device ?? bytes.device).div_(Scalars.Shared(127.5)).sub_(Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
