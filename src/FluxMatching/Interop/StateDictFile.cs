namespace FluxMatching.Interop;

using System.Collections;
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
    /// <summary>Reads the named tensors of a state-dict file (CPU tensors, the file's dtypes).</summary>
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
        PickleGuard.Check(stream, source);
        stream.Seek(0, SeekOrigin.Begin);
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{source}' is not a PyTorch state dict of tensors: {e.Message}", e);
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string key && entry.Value is Tensor tensor)
            {
                result[key] = tensor;
            }
        }

        return result;
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

        using var stream = File.Create(path);
        PyTorchPickler.PickleStateDict(stream, table);
    }
}
