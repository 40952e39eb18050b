namespace FluxMatching.Data;

using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

/// <summary>
/// Reads a NumPy <c>.npy</c> file (format 1.0–3.0; little-endian float32 or float64; C order; shape (N,) or
/// (N, *S)) into a <see cref="PointCloud"/>. The header is checked against the file's length before anything is
/// allocated, so a forged shape cannot make the reader allocate more than the file holds.
/// </summary>
public static partial class NpyData
{
    /// <summary>Largest header accepted (NumPy writes a few hundred bytes).</summary>
    private const int MaxHeaderBytes = 1 << 16;

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not an .npy file, an unsupported dtype or order, a shape that does not
    /// match the file's length, fewer than 2 rows or a non-finite value; the message names the file (and the row and
    /// column).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static PointCloud Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"There is no file '{path}'.", path);
        }

        var file = Path.GetFileName(path);
        using var stream = File.OpenRead(path);
        return Read(stream, file, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Reads an .npy stream of known length.</summary>
    /// <param name="stream">A seekable stream positioned at the magic string.</param>
    /// <param name="file">File name used in messages.</param>
    /// <param name="name">Name of the resulting data set.</param>
    public static PointCloud Read(Stream stream, string file, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.ASCII, leaveOpen: true);
        var magic = reader.ReadBytes(6);
        if (magic.Length < 6 || magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException($"{file}: not a NumPy .npy file (no \\x93NUMPY magic string).");
        }

        int major = stream.ReadByte();
        stream.ReadByte();
        long headerLength = major switch
        {
            1 => reader.ReadUInt16(),
            2 or 3 => reader.ReadUInt32(),
            _ => throw new InvalidDataException($"{file}: .npy format version {major} is not supported (1, 2 or 3)."),
        };
        if (headerLength > MaxHeaderBytes || headerLength > stream.Length - stream.Position)
        {
            throw new InvalidDataException($"{file}: the .npy header claims {headerLength} bytes; the file has {stream.Length - stream.Position} left (at most {MaxHeaderBytes} accepted).");
        }

        var header = Encoding.UTF8.GetString(reader.ReadBytes((int)headerLength));
        var descr = Field(header, "descr", file);
        int itemSize = descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw new InvalidDataException($"{file}: dtype '{descr}' is not supported; save float32 or float64 (little-endian), e.g. np.save(path, x.astype(np.float32))."),
        };
        if (Field(header, "fortran_order", file) != "False")
        {
            throw new InvalidDataException($"{file}: the array is in Fortran order; save it in C order (np.ascontiguousarray).");
        }

        var shape = Shape(Field(header, "shape", file), file);
        long available = stream.Length - stream.Position;
        long count = 1;
        foreach (var s in shape)
        {
            if (s < 0 || (s > 0 && count > long.MaxValue / 8 / s))
            {
                throw new InvalidDataException($"{file}: the header's shape ({string.Join(", ", shape)}) is too large for the file's {available} data bytes.");
            }

            count *= s;
        }
        if (count * itemSize != available)
        {
            throw new InvalidDataException($"{file}: the header's shape ({string.Join(", ", shape)}) needs {count * itemSize} data bytes; the file has {available}.");
        }

        if (shape.Length == 0 || shape[0] < 2)
        {
            throw new InvalidDataException($"{file}: needs at least 2 rows; the array's shape is ({string.Join(", ", shape)}).");
        }

        var bytes = reader.ReadBytes((int)Math.Min(available, int.MaxValue));
        if (bytes.LongLength != available)
        {
            throw new InvalidDataException($"{file}: the file ended early.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new InvalidDataException($"{file}: reading .npy files needs a little-endian machine.");
        }

        var dims = shape.Length == 1 ? new[] { shape[0], 1L } : shape;
        Tensor t = itemSize == 4
            ? tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray(), dims)
            : tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes).ToArray(), dims);
        using (t)
        {
            try
            {
                return new PointCloud(t, name, $"file '{file}'");
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException(e.Message, e);
            }
        }
    }

    private static string Field(string header, string key, string file)
    {
        var m = Regex.Match(header, $@"['""]{key}['""]\s*:\s*(\([^)]*\)|'[^']*'|""[^""]*""|\w+)");
        if (!m.Success)
        {
            throw new InvalidDataException($"{file}: the .npy header has no '{key}' entry.");
        }

        return m.Groups[1].Value.Trim('\'', '"');
    }

    private static long[] Shape(string text, string file)
    {
        var inner = text.Trim().TrimStart('(').TrimEnd(')');
        var parts = inner.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i].TrimEnd('L'), out shape[i]) || shape[i] < 0)
            {
                throw new InvalidDataException($"{file}: the .npy header's shape '{text}' is not a tuple of sizes.");
            }
        }

        return shape;
    }

    /// <summary>Writes points [N, *S] (float32 or float64, moved to the CPU for writing) as a version 1.0 .npy file.</summary>
    public static void Write(string path, Tensor points)
    {
        ArgumentNullException.ThrowIfNull(points);
        using var scope = NewDisposeScope();
        var x = points.detach().cpu().contiguous();
        if (x.dtype != ScalarType.Float64)
        {
            x = x.to(ScalarType.Float32);
        }

        var descr = x.dtype == ScalarType.Float64 ? "<f8" : "<f4";
        var shape = string.Join(", ", x.shape) + (x.dim() == 1 ? "," : "");
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({shape}), }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        using var w = new BinaryWriter(File.Create(path));
        w.Write((byte)0x93);
        w.Write(Encoding.ASCII.GetBytes("NUMPY"));
        w.Write((byte)1);
        w.Write((byte)0);
        w.Write((ushort)header.Length);
        w.Write(Encoding.ASCII.GetBytes(header));
        if (x.dtype == ScalarType.Float64)
        {
            foreach (var v in x.data<double>())
            {
                w.Write(v);
            }
        }
        else
        {
            foreach (var v in x.data<float>())
            {
                w.Write(v);
            }
        }
    }
}
