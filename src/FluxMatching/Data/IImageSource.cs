namespace FluxMatching.Data;

/// <summary>
/// A data source of images: <see cref="IDataSource.Sample"/> yields flattened images [n, C·H·W] (C, H, W in that
/// order, row-major) and this interface tells the image shape, so an image field (a U-Net) can be built for it.
/// </summary>
public interface IImageSource : IDataSource
{
    /// <summary>Image channels C.</summary>
    int Channels { get; }

    /// <summary>Image height H in pixels.</summary>
    int Height { get; }

    /// <summary>Image width W in pixels.</summary>
    int Width { get; }
}
