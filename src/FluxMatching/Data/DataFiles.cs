namespace FluxMatching.Data;

/// <summary>Reads a data file by its extension: <c>.csv</c>/<c>.tsv</c>/<c>.txt</c> (<see cref="CsvData"/>) or
/// <c>.npy</c> (<see cref="NpyData"/>).</summary>
public static class DataFiles
{
    /// <summary>The file extensions understood.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".csv", ".tsv", ".txt", ".npy"];

    /// <summary>True when <paramref name="path"/> ends in one of <see cref="Extensions"/>.</summary>
    public static bool IsDataFile(string path) =>
        Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Reads <paramref name="path"/> as points [N, D].</summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file, line/row and column.</exception>
    /// <exception cref="ArgumentException">The extension is not one of <see cref="Extensions"/>.</exception>
    public static PointCloud Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npy" => NpyData.Read(path),
            ".csv" or ".tsv" or ".txt" => CsvData.Read(path),
            var e => throw new ArgumentException($"'{path}': files ending in '{e}' are not read; use {string.Join(", ", Extensions)}.", nameof(path)),
        };
    }
}
