namespace FluxMatching.Interop;

using System.IO.Compression;

/// <summary>
/// Checks a <c>torch.save</c> zip archive before anything in it is unpickled. The pickle (<c>data.pkl</c>) is walked
/// opcode by opcode with a model of its stack: the only Python globals it may name are
/// <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor(_v2)</c> and the <c>torch.*Storage</c> types;
/// anything else (a function such as <c>posix.system</c>, a class, an extension code) is refused, as are opcodes a
/// state dict never uses. Every storage reference must name an entry of the archive holding at least the bytes its
/// element count asks for, so a forged count cannot make the reader allocate more than the file holds.
/// </summary>
internal static class PickleGuard
{
    /// <summary>Largest pickle accepted (the tensors live outside it; a state dict's pickle is small).</summary>
    private const long MaxPickleBytes = 64L << 20;

    internal static readonly HashSet<string> AllowedGlobals = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict", "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
    };

    internal static readonly Dictionary<string, int> StorageBytes = new(StringComparer.Ordinal)
    {
        ["DoubleStorage"] = 8, ["FloatStorage"] = 4, ["HalfStorage"] = 2, ["BFloat16Storage"] = 2,
        ["LongStorage"] = 8, ["IntStorage"] = 4, ["ShortStorage"] = 2, ["CharStorage"] = 1, ["ByteStorage"] = 1,
        ["BoolStorage"] = 1, ["ComplexDoubleStorage"] = 16, ["ComplexFloatStorage"] = 8,
    };

    /// <summary>Throws <see cref="InvalidDataException"/> unless the stream holds a zip-format pickle of plain
    /// containers and tensors only.</summary>
    /// <param name="stream">The file (seekable; left open, position undefined).</param>
    /// <param name="source">Name for the message.</param>
    /// <returns>True when some entry is compressed (torch.save stores its entries uncompressed).</returns>
    public static bool Check(Stream stream, string source)
    {
        Span<byte> head = stackalloc byte[4];
        stream.Seek(0, SeekOrigin.Begin);
        if (stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4 || head[0] != 0x50 || head[1] != 0x4b ||
            head[2] != 0x03 || head[3] != 0x04)
        {
            throw Refuse(source, "it is not a zip archive (torch.save's format since PyTorch 1.6)");
        }

        stream.Seek(0, SeekOrigin.Begin);
        using var archive = OpenArchive(stream, source);
        var pickles = archive.Entries.Where(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)).ToList();
        if (pickles.Count != 1)
        {
            throw Refuse(source, $"it holds {pickles.Count} data.pkl entries, expected exactly one");
        }

        var pickle = pickles[0];
        string root = pickle.FullName[..^"data.pkl".Length];
        var (sizes, compressed) = MeasuredSizes(archive, stream.Length, source);
        if (sizes[pickle.FullName] > MaxPickleBytes)
        {
            throw Refuse(source, $"its pickle is {sizes[pickle.FullName]} bytes, more than a state dict's " +
                                 $"({MaxPickleBytes})");
        }

        var bytes = new byte[sizes[pickle.FullName]];
        using (var s = pickle.Open())
        {
            s.ReadExactly(bytes);
        }

        try
        {
            new PickleWalker(bytes, root, sizes).Run();
        }
        catch (Exception e) when (e is PickleRefusedException or IndexOutOfRangeException or ArgumentException
                                      or InvalidOperationException)
        {
            throw Refuse(source, e.Message);
        }

        return compressed;
    }

    /// <summary>The real uncompressed length of every entry: a stored entry's length is bounded by the file (the
    /// entries together may not claim more bytes than it holds); a compressed entry is decompressed and counted
    /// (streamed, nothing kept), and must hold exactly what the directory claims.</summary>
    private static (Dictionary<string, long> Sizes, bool Compressed) MeasuredSizes(ZipArchive archive, long fileLength,
        string source)
    {
        if (archive.Entries.Sum(e => e.CompressedLength) > fileLength)
        {
            throw Refuse(source, "its entries claim more bytes than the file holds");
        }

        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        bool compressed = false;
        var chunk = new byte[1 << 16];
        foreach (var entry in archive.Entries)
        {
            if (entry.CompressedLength == entry.Length)
            {
                sizes[entry.FullName] = entry.Length;
                continue;
            }

            compressed = true;
            if (entry.Length > 1032 * Math.Max(entry.CompressedLength, 1))
            {
                throw Refuse(source, $"entry '{entry.FullName}' claims more bytes than deflate can expand to");
            }

            long count = 0;
            using (var s = entry.Open())
            {
                int n;
                while (count <= entry.Length && (n = s.Read(chunk, 0, chunk.Length)) > 0)
                {
                    count += n;
                }
            }

            if (count != entry.Length)
            {
                throw Refuse(source, $"entry '{entry.FullName}' does not hold the {entry.Length} bytes it claims");
            }

            sizes[entry.FullName] = count;
        }

        return (sizes, compressed);
    }

    private static ZipArchive OpenArchive(Stream stream, string source)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw Refuse(source, $"the zip archive is damaged ({e.Message})");
        }
    }

    private static InvalidDataException Refuse(string source, string why) =>
        new($"'{source}' is not a PyTorch state dict of tensors: {why}.");
}
