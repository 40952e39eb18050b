namespace FluxMatching.Data;

/// <summary>
/// The one place that maps a data set's name (<c>FluxModelConfig.Data</c>, <c>--data</c>) to an
/// <see cref="IDataSource"/>: the 2-D toy sets of <see cref="ToyDatasets"/> and the image sets of
/// <see cref="ImageDatasets"/> (Fashion-MNIST's training split, the MNIST digits).
/// </summary>
public static class DataSources
{
    /// <summary>Every built-in name: the toy sets, then the image sets.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ToyDatasets.Names, .. ImageDatasets.Names];

    /// <summary>True when <paramref name="name"/> is a built-in data set (toy or image; case and surrounding
    /// spaces ignored).</summary>
    /// <param name="name">A data set name.</param>
    public static bool Contains(string? name) => name is not null && Names.Contains(Normalize(name));

    /// <summary>True when <paramref name="name"/> names a built-in image data set (<see cref="ImageDatasets.Names"/>).
    /// </summary>
    /// <param name="name">A data set name.</param>
    public static bool IsImage(string? name) => name is not null && ImageDatasets.Names.Contains(Normalize(name));

    /// <summary>Creates the data source named <paramref name="name"/>.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="horizontalFlips">Image sets only: flip each drawn image left–right with probability ½ (the
    /// authors' <c>flip: True</c>). Ignored for toy sets. Default false.</param>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the allowed names.</exception>
    /// <exception cref="FileNotFoundException">An image set is not installed; the message is one line naming the
    /// command that installs or fetches it.</exception>
    public static IDataSource Create(string name, bool horizontalFlips = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = Normalize(name);
        if (ImageDatasets.Names.Contains(key))
        {
            return new ImageDataSource(ImageDatasets.Load(key), horizontalFlips);
        }

        if (ToyDatasets.Names.Contains(key))
        {
            return ToyDatasets.Create(key);
        }

        throw new ArgumentException($"Unknown data set '{name}'; allowed: {string.Join(", ", Names)}.", nameof(name));
    }

    private static string Normalize(string name) => name.Trim().ToLowerInvariant();
}
