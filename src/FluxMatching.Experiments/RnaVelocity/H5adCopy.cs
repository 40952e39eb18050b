namespace FluxMatching.RnaVelocity;

using PureHDF;

/// <summary>
/// Copies an .h5ad file's tree into PureHDF's writable objects, so that <see cref="H5adWriter"/> writes the input plus
/// the results. Groups and their attributes are copied; datasets of numbers (integer and floating point, any rank),
/// strings (scalar or arrays) and h5py booleans (1-byte enumerations) are copied with their shape and attributes.
/// Not copied (listed in <see cref="Skipped"/>): datasets of other types (compound, opaque, references, arrays of
/// variable-length sequences), attributes of such types, and the storage layout (chunking, compression, fill values:
/// the copy is written contiguous).
/// </summary>
internal sealed class H5adCopy
{
    private readonly List<string> skipped = [];

    /// <summary>What was left out, as "path (reason)".</summary>
    public IReadOnlyList<string> Skipped => skipped;

    /// <summary>Reads every entry of <paramref name="path"/> into <paramref name="target"/> (the root's attributes
    /// too).</summary>
    public void CopyInto(string path, H5Group target)
    {
        using var file = H5File.OpenRead(path);
        CopyGroup(file, target, "");
    }

    private void CopyGroup(IH5Group source, H5Group target, string at)
    {
        CopyAttributes(source, target.Attributes, at);
        foreach (var child in source.Children())
        {
            string name = $"{at}/{child.Name}";
            try
            {
                switch (child)
                {
                    case IH5Group group:
                        var copy = new H5Group();
                        CopyGroup(group, copy, name);
                        target[child.Name] = copy;
                        break;
                    case IH5Dataset dataset:
                        if (Dataset(dataset, name) is { } data)
                        {
                            CopyAttributes(dataset, data.Attributes, name);
                            target[child.Name] = data;
                        }

                        break;
                    default:
                        skipped.Add($"{name} (not a group or dataset)");
                        break;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                skipped.Add($"{name} ({e.Message.TrimEnd('.')})");
            }
        }
    }

    private void CopyAttributes(IH5Object source, IDictionary<string, object> target, string at)
    {
        foreach (var attribute in source.Attributes())
        {
            var value = Read(attribute.Type, () => attribute.Read<string>(), () => attribute.Read<string[]>(), Reader(attribute));
            if (value is null)
            {
                skipped.Add($"{at}@{attribute.Name} ({attribute.Type.Class})");
                continue;
            }

            target[attribute.Name] = value;
        }
    }

    private H5Dataset? Dataset(IH5Dataset dataset, string at)
    {
        var dims = dataset.Space.Dimensions;
        var value = Read(dataset.Type, () => dataset.Read<string>(), () => dataset.Read<string[]>(), Reader(dataset));
        if (value is null)
        {
            skipped.Add($"{at} ({dataset.Type.Class}, {dataset.Type.Size} bytes)");
            return null;
        }

        return dataset.Space.Type == H5DataspaceType.Scalar || dims.Length <= 1
            ? new H5Dataset(value)
            : new H5Dataset(value, fileDims: dims);
    }

    private sealed record Typed(Func<object> Floats, Func<object> Doubles, Func<object> Bytes, Func<object> SBytes,
        Func<object> Shorts, Func<object> UShorts, Func<object> Ints, Func<object> UInts, Func<object> Longs,
        Func<object> ULongs, bool Scalar);

    private static Typed Reader(IH5Attribute a) => new(
        () => a.Read<float[]>(), () => a.Read<double[]>(), () => a.Read<byte[]>(), () => a.Read<sbyte[]>(),
        () => a.Read<short[]>(), () => a.Read<ushort[]>(), () => a.Read<int[]>(), () => a.Read<uint[]>(),
        () => a.Read<long[]>(), () => a.Read<ulong[]>(), a.Space.Type == H5DataspaceType.Scalar);

    private static Typed Reader(IH5Dataset d) => new(
        () => d.Read<float[]>(), () => d.Read<double[]>(), () => d.Read<byte[]>(), () => d.Read<sbyte[]>(),
        () => d.Read<short[]>(), () => d.Read<ushort[]>(), () => d.Read<int[]>(), () => d.Read<uint[]>(),
        () => d.Read<long[]>(), () => d.Read<ulong[]>(), d.Space.Type == H5DataspaceType.Scalar);

    // The value in a type PureHDF writes back as the same HDF5 type (a scalar stays a scalar), or null.
    private static object? Read(IH5DataType type, Func<string> text, Func<string[]> texts, Typed r)
    {
        bool scalar = r.Scalar;
        object? array = (type.Class, type.Size) switch
        {
            (H5DataTypeClass.String or H5DataTypeClass.VariableLength, _) when type.Class == H5DataTypeClass.String || IsText(type) =>
                scalar ? text() : texts(),
            (H5DataTypeClass.FloatingPoint, 4) => r.Floats(),
            (H5DataTypeClass.FloatingPoint, 8) => r.Doubles(),
            (H5DataTypeClass.FixedPoint, 1) => type.FixedPoint.IsSigned ? r.SBytes() : r.Bytes(),
            (H5DataTypeClass.FixedPoint, 2) => type.FixedPoint.IsSigned ? r.Shorts() : r.UShorts(),
            (H5DataTypeClass.FixedPoint, 4) => type.FixedPoint.IsSigned ? r.Ints() : r.UInts(),
            (H5DataTypeClass.FixedPoint, 8) => type.FixedPoint.IsSigned ? r.Longs() : r.ULongs(),
            (H5DataTypeClass.Enumerated, 1) => ((byte[])r.Bytes()).Select(b => (H5Bool)b).ToArray(),
            _ => null,
        };
        if (array is null || array is string || !scalar)
        {
            return array;
        }

        var items = (Array)array;
        return items.Length == 1 ? items.GetValue(0) : array;
    }

    private static bool IsText(IH5DataType type)
    {
        try
        {
            return type.Class == H5DataTypeClass.VariableLength && type.VariableLength.BaseType.Class == H5DataTypeClass.FixedPoint
                && type.VariableLength.BaseType.Size == 1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }
}
