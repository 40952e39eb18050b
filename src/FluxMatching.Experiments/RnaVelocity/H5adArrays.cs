namespace FluxMatching.RnaVelocity;

using PureHDF;

/// <summary>Reading AnnData's encodings with PureHDF: dense arrays, CSR/CSC matrices, categorical and string columns,
/// dataframe indices; numeric data of any integer or float width is returned as double.</summary>
internal static class H5adArrays
{
    /// <summary>A 2-D matrix: a dense dataset or a csr_matrix/csc_matrix group.</summary>
    public static double[,] Matrix(IH5Group file, string key, string path)
    {
        if (!file.LinkExists(key))
        {
            throw new InvalidDataException($"{path} has no {key} (scVelo's moments come from scv.pp.moments; embeddings from scv.tl.umap/tsne).");
        }

        var entry = file.Get(key);
        if (entry is IH5Dataset dataset)
        {
            var dims = dataset.Space.Dimensions;
            if (dims.Length != 2)
            {
                throw new InvalidDataException($"{path}: {key} has {dims.Length} dimensions, expected 2.");
            }

            var flat = Numbers(dataset, key, path);
            var m = new double[dims[0], dims[1]];
            Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
            return m;
        }

        var group = (IH5Group)entry;
        string encoding = StringAttribute(group, "encoding-type") ?? "";
        var shape = group.Attribute("shape").Read<long[]>();
        if (shape.Length != 2)
        {
            throw new InvalidDataException($"{path}: {key} has a shape of {shape.Length} numbers, expected 2.");
        }

        CheckSize(path, key, shape);
        var (indptr, indices, values) = Csr(file, key, path);
        bool csc = encoding == "csc_matrix";
        long rows = csc ? shape[1] : shape[0], columns = csc ? shape[0] : shape[1];
        if (indptr.Length != rows + 1 || indices.Any(i => i < 0 || i >= columns) || indptr.Zip(indptr.Skip(1)).Any(p => p.First > p.Second))
        {
            throw new InvalidDataException($"{path}: {key} is a malformed sparse matrix (indptr of {indptr.Length} entries for {rows} rows, or an index outside 0..{columns - 1}).");
        }

        var result = new double[shape[0], shape[1]];
        for (int r = 0; r < indptr.Length - 1; r++)
        {
            for (int k = indptr[r]; k < indptr[r + 1]; k++)
            {
                if (csc)
                {
                    result[indices[k], r] = values[k];
                }
                else
                {
                    result[r, indices[k]] = values[k];
                }
            }
        }

        return result;
    }

    /// <summary>The three arrays of a csr_matrix (or csc_matrix) group.</summary>
    public static (int[] Indptr, int[] Indices, double[] Values) Csr(IH5Group file, string key, string path)
    {
        if (file.Get(key) is not IH5Group group || !group.LinkExists("indptr") || !group.LinkExists("indices") || !group.LinkExists("data"))
        {
            throw new InvalidDataException($"{path}: {key} is neither a dense array nor a sparse matrix (data, indices, indptr).");
        }

        var indptr = Numbers(group.Dataset("indptr"), $"{key}/indptr", path).Select(v => (int)v).ToArray();
        var indices = Numbers(group.Dataset("indices"), $"{key}/indices", path).Select(v => (int)v).ToArray();
        var values = Numbers(group.Dataset("data"), $"{key}/data", path);
        if (indices.Length != values.Length || indptr[^1] != values.Length)
        {
            throw new InvalidDataException($"{path}: {key} is a malformed sparse matrix ({indices.Length} indices, {values.Length} values, indptr ends at {indptr[^1]}).");
        }

        return (indptr, indices, values);
    }

    /// <summary>An obs column as strings: categorical (categories + codes) or a string array.</summary>
    public static string[] ObsColumn(IH5Group file, string column, int n, string path)
    {
        string key = $"obs/{column}";
        if (!file.LinkExists(key))
        {
            var columns = file.LinkExists("obs") ? file.Group("obs").Children().Select(c => c.Name).Where(c => c != "_index" && c != "__categories") : [];
            throw new InvalidDataException($"{path} has no obs column '{column}' (columns: {string.Join(", ", columns)}).");
        }

        string[] values;
        if (file.Get(key) is IH5Group categorical)
        {
            var categories = categorical.Dataset("categories").Read<string[]>();
            var codes = Numbers(categorical.Dataset("codes"), $"{key}/codes", path);
            values = codes.Select(c => c >= 0 && c < categories.Length ? categories[(int)c] : "NA").ToArray();
        }
        else
        {
            var dataset = file.Dataset(key);
            values = dataset.Type.Class == H5DataTypeClass.String || dataset.Type.Class == H5DataTypeClass.VariableLength
                ? dataset.Read<string[]>()
                : Numbers(dataset, key, path).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }

        return values.Length == n
            ? values
            : throw new InvalidDataException($"{path}: obs/{column} has {values.Length} entries, but the layers have {n} cells.");
    }

    /// <summary>A dataframe's index (obs or var names), or null when absent or of another length.</summary>
    public static string[]? Index(IH5Group file, string frame, int n)
    {
        if (!file.LinkExists(frame))
        {
            return null;
        }

        var group = file.Group(frame);
        string name = StringAttribute(group, "_index") ?? "_index";
        if (!group.LinkExists(name))
        {
            return null;
        }

        var names = group.Dataset(name).Read<string[]>();
        return names.Length == n ? names : null;
    }

    /// <summary>A string attribute, or null.</summary>
    public static string? StringAttribute(IH5Object obj, string name) =>
        obj.AttributeExists(name) ? obj.Attribute(name).Read<string>() : null;

    /// <summary>A numeric dataset of any float or integer width, flattened, as double.</summary>
    public static double[] Numbers(IH5Dataset dataset, string key, string path)
    {
        var type = dataset.Type;
        CheckSize(path, key, dataset.Space.Dimensions.Select(d => (long)d).ToArray());
        return (type.Class, type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => dataset.Read<float[]>().Select(v => (double)v).ToArray(),
            (H5DataTypeClass.FloatingPoint, 8) => dataset.Read<double[]>(),
            (H5DataTypeClass.FixedPoint, 1) => type.FixedPoint.IsSigned ? dataset.Read<sbyte[]>().Select(v => (double)v).ToArray() : dataset.Read<byte[]>().Select(v => (double)v).ToArray(),
            (H5DataTypeClass.FixedPoint, 2) => type.FixedPoint.IsSigned ? dataset.Read<short[]>().Select(v => (double)v).ToArray() : dataset.Read<ushort[]>().Select(v => (double)v).ToArray(),
            (H5DataTypeClass.FixedPoint, 4) => type.FixedPoint.IsSigned ? dataset.Read<int[]>().Select(v => (double)v).ToArray() : dataset.Read<uint[]>().Select(v => (double)v).ToArray(),
            (H5DataTypeClass.FixedPoint, 8) => type.FixedPoint.IsSigned ? dataset.Read<long[]>().Select(v => (double)v).ToArray() : dataset.Read<ulong[]>().Select(v => (double)v).ToArray(),
            _ => throw new InvalidDataException($"{path}: {key} is not numeric ({type.Class}, {type.Size} bytes)."),
        };
    }

    /// <summary>Refuses a dataset whose header asks for more than the file can hold: at most 64× the file's size
    /// (compressed data expand, rarely that much) and at least 1 GiB, before anything is allocated.</summary>
    internal static void CheckSize(string path, string key, long[] dims)
    {
        double elements = 1;
        foreach (var d in dims)
        {
            if (d < 0)
            {
                throw new InvalidDataException($"{path}: {key} has a negative dimension ({d}).");
            }

            elements *= d;
        }

        long fileBytes = File.Exists(path) ? new FileInfo(path).Length : 0;
        double allowed = Math.Max(1L << 30, 64.0 * fileBytes);
        if (elements * sizeof(double) > allowed)
        {
            throw new InvalidDataException(
                $"{path}: {key} claims [{string.Join(", ", dims)}] = {elements:G4} values ({elements * sizeof(double) / (1L << 30):G3} GiB as doubles) in a file of {fileBytes} bytes; refused as malformed.");
        }
    }
}
