namespace FluxMatching.Interop;

using System.Collections;
using System.IO.Compression;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

/// <summary>
/// Reads and writes PyTorch <c>state_dict</c> files (<c>torch.save</c>'s zip format) through TorchSharp.PyBridge.
/// Reading first checks the pickle with <see cref="PickleGuard"/>: only a nested dictionary of tensors and plain
/// values is accepted, never a reference to any other Python object or function, and no storage larger than its
/// bytes in the archive; nothing in the file is executed.
/// </summary>
public static class StateDictFile
{
    /// <summary>Reads the named tensors of a state-dict file (CPU tensors, the file's dtypes); tensors inside nested
    /// dictionaries (a training checkpoint) are named by their dotted path.</summary>
    /// <param name="path">A file written by <c>torch.save(module.state_dict(), path)</c> (PyTorch ≥ 1.6 zip format).
    /// </param>
    /// <returns>Name → tensor.</returns>
    /// <exception cref="InvalidDataException">The file is not a zip-format state dict of tensors.</exception>
    public static IReadOnlyDictionary<string, Tensor> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No state-dict file at '{path}'.", path);
        }

        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads the named tensors of a state dict from a stream (see <see cref="Read(string)"/>).</summary>
    /// <param name="stream">A seekable stream holding the zip archive.</param>
    /// <param name="source">A name for error messages.</param>
    public static IReadOnlyDictionary<string, Tensor> Read(Stream stream, string source = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        bool compressed = PickleGuard.Check(stream, source);
        stream.Seek(0, SeekOrigin.Begin);
        Hashtable table;
        try
        {
            // PyBridge reads each storage with a single Read call, and a deflate stream may return fewer bytes than
            // asked (allowed since .NET 6): a compressed archive is unpacked into stored entries first.
            using var stored = compressed ? Stored(stream) : null;
            table = PyTorchUnpickler.UnpickleStateDict(stored ?? stream, leaveOpen: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{source}' is not a PyTorch state dict of tensors: {e.Message}", e);
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Flatten(table, "", result);
        return result;
    }

    /// <summary>Tensors of nested dictionaries (a training checkpoint's <c>MODEL</c>, <c>EMA</c>, optimizer state)
    /// under dotted names, e.g. <c>EMA.ema_model.nn_model.final.weight</c>; other values are skipped.</summary>
    private static void Flatten(IDictionary table, string prefix, Dictionary<string, Tensor> result)
    {
        foreach (DictionaryEntry entry in table)
        {
            string key = prefix + Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture);
            if (entry.Value is Tensor tensor)
            {
                result[key] = tensor;
            }
            else if (entry.Value is IDictionary nested)
            {
                Flatten(nested, key + ".", result);
            }
        }
    }

    /// <summary>Writes named tensors as a file that <c>torch.load</c> reads as a state dict.</summary>
    /// <param name="path">Destination (overwritten).</param>
    /// <param name="tensors">Name → tensor (any device; written from CPU copies).</param>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var table = new Hashtable();
        foreach (var (key, value) in tensors)
        {
            table[key] = value.detach();
        }

        Write(path, table);
    }

    /// <summary>Writes a dictionary whose values are tensors, numbers, strings or nested dictionaries of the same
    /// (a training checkpoint), readable with <c>torch.load</c>.</summary>
    /// <param name="path">Destination (overwritten).</param>
    /// <param name="table">String keys; tensors on any device.</param>
    public static void Write(string path, Hashtable table)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(table);
        using var packed = new MemoryStream();
        PyTorchPickler.PickleStateDict(packed, table, leaveOpen: true);
        packed.Position = 0;
        using var stored = Stored(packed);
        using var file = File.Create(path);
        stored.Position = 0;
        stored.CopyTo(file);
    }

    /// <summary>The archive with every entry uncompressed (as torch.save writes them).</summary>
    private static MemoryStream Stored(Stream zip)
    {
        var result = new MemoryStream();
        using (var source = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true))
        using (var target = new ZipArchive(result, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                using var output = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                input.CopyTo(output);
            }
        }

        result.Position = 0;
        return result;
    }
}
