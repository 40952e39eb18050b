namespace FluxMatching.Data;

using System.Globalization;
using static TorchSharp.torch;

/// <summary>
/// Reads a CSV file of numbers into a <see cref="PointCloud"/> [N, D]: one point per line, comma-, semicolon- or
/// tab-separated (the first line decides), an optional header line (a first line with any cell that is not a number),
/// blank lines skipped. Every mistake is one message naming the file, the line and the column.
/// </summary>
public static class CsvData
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Ragged rows, a cell that is not a number, a NaN/Inf value, fewer than
    /// 2 rows; the message names the file, line and column.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static PointCloud Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"There is no file '{path}'.", path);
        }

        var file = Path.GetFileName(path);
        using var reader = new StreamReader(path);
        return Parse(reader, file, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses CSV text (for tests and in-memory data).</summary>
    /// <param name="reader">The text.</param>
    /// <param name="file">File name used in messages.</param>
    /// <param name="name">Name of the resulting data set.</param>
    public static PointCloud Parse(TextReader reader, string file, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var values = new List<double>();
        int columns = -1, rows = 0, lineNumber = 0;
        char separator = ',';
        string[]? header = null;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (columns < 0)
            {
                separator = line.Contains(',') ? ',' : line.Contains('\t') ? '\t' : line.Contains(';') ? ';' : ',';
                var first = line.Split(separator);
                columns = first.Length;
                if (first.Any(c => !TryNumber(c, out _)))
                {
                    header = first.Select(c => c.Trim().Trim('"')).ToArray();
                    continue;
                }
            }
            var cells = line.Split(separator);
            if (cells.Length != columns)
            {
                throw new InvalidDataException($"{file}: line {lineNumber} has {cells.Length} column(s); the first line has {columns}.");
            }

            for (int j = 0; j < cells.Length; j++)
            {
                if (!TryNumber(cells[j], out var v))
                {
                    throw new InvalidDataException($"{file}: line {lineNumber}, column {j + 1}{ColumnName(header, j)} is '{Short(cells[j])}', not a number.");
                }

                if (!double.IsFinite(v))
                {
                    throw new InvalidDataException($"{file}: line {lineNumber}, column {j + 1}{ColumnName(header, j)} is {v.ToString(CultureInfo.InvariantCulture)} (every value must be finite).");
                }

                values.Add(v);
            }
            rows++;
        }
        if (rows < 2)
        {
            throw new InvalidDataException($"{file}: needs at least 2 data rows; found {rows}{(header is null ? "" : " after the header")}.");
        }

        using var t = tensor(values.ToArray(), [rows, columns], ScalarType.Float64);
        var cloud = new PointCloud(t, name, $"file '{file}'");
        return cloud;
    }

    private static bool TryNumber(string cell, out double value) =>
        double.TryParse(cell.Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static string ColumnName(string[]? header, int j) => header is not null && j < header.Length && header[j].Length > 0 ? $" ('{Short(header[j])}')" : "";

    private static string Short(string s) => s.Length <= 40 ? s.Trim() : s[..40].Trim() + "…";
}
