namespace FluxMatching.Interactive.Magic;

using FluxMatching.Data;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.DotNet.Interactive.CSharp;
using static TorchSharp.torch;

/// <summary>
/// What <c>--data X</c> of <c>#!flux new</c> names: a built-in data set, a C# variable of the notebook holding a
/// tensor [N, *S], a <c>float[,]</c>/<c>double[,]</c>, an <see cref="IDataSource"/> or a file path string, or a
/// <c>.csv</c>/<c>.npy</c> file. Live objects are read from the C# kernel itself (an <c>@csharp:</c> value would be
/// serialized to JSON, which a tensor cannot survive).
/// </summary>
internal static class DataArgument
{
    /// <summary>The user's data set named by <paramref name="value"/>, or null when it names a built-in data set.</summary>
    /// <param name="value">The word after <c>--data</c>.</param>
    /// <param name="csharp">The notebook's C# kernel (null: variables are not looked up).</param>
    /// <param name="prefix">"#!flux new", for messages.</param>
    /// <exception cref="FluxUsageException">Nothing of that name, or a variable of another type.</exception>
    /// <exception cref="InvalidDataException">A malformed file (one line naming the file, row and column).</exception>
    public static IDataSource? Resolve(string value, CSharpKernel? csharp, string prefix)
    {
        if (DataSources.Contains(value))
        {
            return null;
        }

        if (SyntaxFacts.IsValidIdentifier(value) && csharp is not null && csharp.TryGetValue<object>(value, out var live) && live is not null)
        {
            return FromObject(live, value, prefix);
        }

        return FromFile(value, prefix);
    }

    /// <summary>A data set from a live object of the notebook.</summary>
    internal static IDataSource FromObject(object live, string name, string prefix) => live switch
    {
        IDataSource source => source,
        Tensor t => new PointCloud(t, name),
        float[,] a => PointCloud.FromArray(a, name, $"array '{name}'"),
        double[,] a => PointCloud.FromArray(a, name, $"array '{name}'"),
        string path => FromFile(path, prefix),
        _ => throw new FluxUsageException(
            $"{prefix}: the C# variable '{name}' is a {Describe(live)}; --data takes a Tensor [N, *S], a float[,] or double[,], an IDataSource, or a path to a .csv/.npy file."),
    };

    private static IDataSource FromFile(string path, string prefix)
    {
        string full;
        try
        {
            full = Path.GetFullPath(Environment.ExpandEnvironmentVariables(path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new FluxUsageException($"{prefix}: '{path}' is not a valid file path ({e.Message}).");
        }
        if (!File.Exists(full))
        {
            if (DataFiles.IsDataFile(path))
            {
                throw new FluxUsageException($"{prefix}: there is no file '{full}'.");
            }

            throw new FluxUsageException(
                $"{prefix}: unknown --data '{path}': not a built-in data set ({string.Join(", ", DataSources.Names)}), a C# variable, or a .csv/.npy file.");
        }
        if (!DataFiles.IsDataFile(full))
        {
            throw new FluxUsageException($"{prefix}: '{path}' is not a data file this reads ({string.Join(", ", DataFiles.Extensions)}).");
        }

        return DataFiles.Read(full);
    }

    private static string Describe(object o)
    {
        var t = o.GetType();
        return t.IsArray ? $"{t.GetElementType()!.Name}[{new string(',', t.GetArrayRank() - 1)}]" : t.Name;
    }
}
