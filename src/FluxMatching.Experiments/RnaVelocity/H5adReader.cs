namespace FluxMatching.RnaVelocity;

using PureHDF;
using PureHDF.VOL.Native;

/// <summary>
/// Reads the parts of an scVelo-preprocessed AnnData file (.h5ad, AnnData's HDF5 layout) that the velocity methods
/// need: <c>layers/Mu</c> and <c>layers/Ms</c> (dense or CSR), a categorical (or string) <c>obs</c> column,
/// <c>obsm/X_&lt;basis&gt;</c>, the kNN graph from <c>obsp/distances</c> (else <c>obsp/connectivities</c>; else a
/// 30-nearest-neighbour graph on <c>obsm/X_pca</c> or on Ms), obs and var names. Every problem (not HDF5, a missing
/// entry, mismatched shapes, unknown clusters in the edges) is an <see cref="InvalidDataException"/> with one clear line.
/// </summary>
public static class H5adReader
{
    /// <summary>Reads a file.</summary>
    /// <param name="path">The .h5ad file.</param>
    /// <param name="clusterKey">obs column with the cluster labels.</param>
    /// <param name="basis">Embedding name (obsm/X_&lt;basis&gt;; "umap", "tsne", "pca").</param>
    /// <param name="edges">Cluster transitions; every name must be a cluster in the file.</param>
    public static H5adInput Read(string path, string clusterKey, string basis, IReadOnlyList<(string From, string To)> edges)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(edges);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception e) when (e is not IOException || e is EndOfStreamException)
        {
            throw new InvalidDataException($"{path} is not an HDF5 (.h5ad) file ({e.Message.TrimEnd('.')}).");
        }

        using (file)
        {
            try
            {
                return ReadFile(file, path, clusterKey, basis, edges);
            }
            catch (Exception e) when (e is not InvalidDataException and not ArgumentException)
            {
                throw new InvalidDataException($"{path}: cannot read it as AnnData ({e.Message.TrimEnd('.')}).");
            }
        }
    }

    private static H5adInput ReadFile(NativeFile file, string path, string clusterKey, string basis,
        IReadOnlyList<(string From, string To)> edges)
    {
        var ms = H5adArrays.Matrix(file, "layers/Ms", path);
        var mu = H5adArrays.Matrix(file, "layers/Mu", path);
        int n = ms.GetLength(0), g = ms.GetLength(1);
        if (mu.GetLength(0) != n || mu.GetLength(1) != g)
        {
            throw new InvalidDataException($"{path}: layers/Mu is {mu.GetLength(0)}×{mu.GetLength(1)} but layers/Ms is {n}×{g}.");
        }

        var clusters = H5adArrays.ObsColumn(file, clusterKey, n, path);
        var embedding = H5adArrays.Matrix(file, $"obsm/X_{basis}", path);
        if (embedding.GetLength(0) != n || embedding.GetLength(1) < 2)
        {
            throw new InvalidDataException($"{path}: obsm/X_{basis} is {embedding.GetLength(0)}×{embedding.GetLength(1)}, expected {n}×2 (or more columns).");
        }

        var known = clusters.ToHashSet(StringComparer.Ordinal);
        foreach (var (from, to) in edges)
        {
            foreach (var name in new[] { from, to })
            {
                if (!known.Contains(name))
                {
                    throw new InvalidDataException($"--edges names '{name}', which is not a value of obs/{clusterKey} ({string.Join(", ", known.Order(StringComparer.Ordinal).Take(12))}).");
                }
            }
        }

        var xy = new double[n, 2];
        for (int c = 0; c < n; c++)
        {
            xy[c, 0] = embedding[c, 0];
            xy[c, 1] = embedding[c, 1];
        }

        var neighbors = Neighbors(file, n, ms, path);
        var geneNames = H5adArrays.Index(file, "var", g) ?? Enumerable.Range(0, g).Select(j => $"gene{j}").ToArray();
        var cellNames = H5adArrays.Index(file, "obs", n) ?? Enumerable.Range(0, n).Select(c => $"cell{c}").ToArray();
        var data = new VelocityData(mu, ms, xy, clusters, neighbors, edges, geneNames);
        return new H5adInput(path, data, cellNames, clusterKey, basis);
    }

    private static int[][] Neighbors(NativeFile file, int n, double[,] ms, string path)
    {
        foreach (var key in new[] { "obsp/distances", "obsp/connectivities" })
        {
            if (file.LinkExists(key))
            {
                var (indptr, indices, values) = H5adArrays.Csr(file, key, path);
                if (indptr.Length != n + 1)
                {
                    throw new InvalidDataException($"{path}: {key} has {indptr.Length - 1} rows, but there are {n} cells.");
                }

                var rows = new int[n][];
                for (int c = 0; c < n; c++)
                {
                    var order = Enumerable.Range(indptr[c], indptr[c + 1] - indptr[c]).Where(k => indices[k] != c);
                    // distances: nearest first; connectivities: strongest first.
                    order = key.EndsWith("distances", StringComparison.Ordinal) ? order.OrderBy(k => values[k]) : order.OrderByDescending(k => values[k]);
                    rows[c] = order.Select(k => indices[k]).ToArray();
                }

                if (rows.All(r => r.Length > 0))
                {
                    return rows;
                }
            }
        }

        var points = file.LinkExists("obsm/X_pca") ? H5adArrays.Matrix(file, "obsm/X_pca", path) : ms;
        return KnnMoments.Nearest(points, Math.Min(29, n - 1));
    }
}
