namespace FluxMatching.Data;

using System.Buffers.Binary;
using System.IO.Compression;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (optionally gzip-compressed): a big-endian header — two zero bytes,
/// the element type (0x08 = unsigned byte), the number of dimensions — then one big-endian int32 per dimension and
/// the elements in row-major order. Reading never allocates what a header merely claims: the payload is read as it
/// arrives and must be exactly as long as the header says.
/// </summary>
public static class IdxFile
{
    /// <summary>Largest payload accepted (2 GiB − 1 bytes).</summary>
    public const long MaxElements = int.MaxValue;

    /// <summary>Reads an unsigned-byte IDX file.</summary>
    /// <param name="path">The file (gzip-compressed when it starts with the gzip magic 1f 8b).</param>
    /// <returns>The dimensions and the elements, row-major.</returns>
    /// <exception cref="InvalidDataException">The header is malformed, the element type is not unsigned byte, or the
    /// payload is shorter or longer than the header says (the message names the file).</exception>
    public static (int[] Shape, byte[] Data) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads an unsigned-byte IDX stream (see <see cref="Read(string)"/>).</summary>
    /// <param name="stream">The stream, plain or gzip.</param>
    /// <param name="source">Name for messages.</param>
    public static (int[] Shape, byte[] Data) Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffered = new BufferedStream(stream);
        Span<byte> magic = stackalloc byte[2];
        int got = buffered.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        if (got < 2)
        {
            throw Bad(source, "it is shorter than an IDX header");
        }

        var prefix = new MemoryStream(magic[..got].ToArray());
        Stream raw = new ConcatenatedStream(prefix, buffered);
        using var input = magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        try
        {
            return ReadPayload(input, source);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith($"'{source}'", StringComparison.Ordinal))
        {
            throw Bad(source, $"the gzip stream is damaged ({e.Message})");
        }
    }

    /// <summary>Writes an unsigned-byte IDX file, gzip-compressed when the name ends in <c>.gz</c>.</summary>
    /// <param name="path">Destination (overwritten).</param>
    /// <param name="shape">Dimensions (1 to 255 of them, each ≥ 0), e.g. [N, 28, 28] for images or [N] for labels.
    /// </param>
    /// <param name="data">The elements, row-major; as many as the shape's product.</param>
    public static void Write(string path, IReadOnlyList<int> shape, ReadOnlySpan<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count is < 1 or > 255 || shape.Any(d => d < 0))
        {
            throw new ArgumentException($"shape must have 1 to 255 dimensions, each >= 0; got [{string.Join(", ", shape)}].",
                nameof(shape));
        }

        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (count != data.Length)
        {
            throw new ArgumentException($"data has {data.Length} bytes but shape [{string.Join(", ", shape)}] needs {count}.",
                nameof(data));
        }

        using var file = File.Create(path);
        using Stream output = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionLevel.Optimal)
            : file;
        Span<byte> word = stackalloc byte[4];
        output.Write([0, 0, 0x08, (byte)shape.Count]);
        foreach (int d in shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            output.Write(word);
        }

        output.Write(data);
    }

    private static (int[] Shape, byte[] Data) ReadPayload(Stream input, string source)
    {
        Span<byte> header = stackalloc byte[4];
        if (input.ReadAtLeast(header, 4, throwOnEndOfStream: false) < 4)
        {
            throw Bad(source, "it is shorter than an IDX header");
        }

        if (header[0] != 0 || header[1] != 0)
        {
            throw Bad(source, $"its magic number starts with {header[0]:x2} {header[1]:x2}, not 00 00");
        }

        if (header[2] != 0x08)
        {
            throw Bad(source, $"its element type is 0x{header[2]:x2}; only unsigned bytes (0x08) are read");
        }

        int dims = header[3];
        if (dims < 1)
        {
            throw Bad(source, "it declares no dimensions");
        }

        var shape = new int[dims];
        long count = 1;
        Span<byte> word = stackalloc byte[4];
        for (int i = 0; i < dims; i++)
        {
            if (input.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
            {
                throw Bad(source, "its header ends inside the dimensions");
            }

            shape[i] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (shape[i] < 0)
            {
                throw Bad(source, $"dimension {i} is negative ({shape[i]})");
            }

            count *= shape[i];
            if (count > MaxElements)
            {
                throw Bad(source, $"its header declares more than {MaxElements} elements");
            }
        }

        // Grow with what actually arrives (a forged header cannot make us allocate what it claims).
        using var payload = new MemoryStream();
        var chunk = new byte[1 << 16];
        while (payload.Length <= count)
        {
            int n = input.Read(chunk, 0, (int)Math.Min(chunk.Length, count + 1 - payload.Length));
            if (n == 0)
            {
                break;
            }

            payload.Write(chunk, 0, n);
        }

        if (payload.Length != count)
        {
            throw Bad(source, payload.Length < count
                ? $"its header declares {count} elements ([{string.Join(", ", shape)}]) but it holds {payload.Length}"
                : $"it holds more than the {count} elements its header declares");
        }

        return (shape, payload.ToArray());
    }

    private static InvalidDataException Bad(string source, string why) => new($"'{source}' is not a valid IDX file: {why}.");

    /// <summary>Reads one stream after another (the two sniffed magic bytes, then the rest).</summary>
    private sealed class ConcatenatedStream(Stream first, Stream second) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = first.Read(buffer, offset, count);
            return n > 0 ? n : second.Read(buffer, offset, count);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
