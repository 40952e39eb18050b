namespace FluxMatching.RnaVelocity;

using PureHDF;

/// <summary>
/// Writes an AnnData file (.h5ad) with PureHDF in AnnData's encoding (0.1/0.2 element specs), readable by the
/// <c>anndata</c> library: X (= Ms), layers Mu, Ms, <c>velocity</c> (the flux kinetic field's ds; NaN for genes not
/// fitted), <c>velocity_u</c>, <c>velocity_steady_state</c> (and <c>velocity_true</c> for simulated data); obs names and
/// the cluster column (categorical); var names and the rates (<c>fit_beta</c>, <c>fit_gamma</c>,
/// <c>fit_gamma_over_beta</c>, <c>steady_state_gamma</c>; simulated: <c>true_alpha/beta/gamma</c>); obsm
/// <c>X_&lt;basis&gt;</c> and <c>velocity_&lt;basis&gt;</c>; obsp <c>distances</c> (the kNN graph); uns
/// <c>flux_velocity_metrics</c> (the metrics JSON) and per-method CBDir and coherence.
/// It writes a new file rather than editing the input in place: other entries of the input are not copied.
/// </summary>
public static class H5adWriter
{
    /// <summary>Writes the results of a comparison.</summary>
    /// <param name="path">Output file.</param>
    /// <param name="input">What was read (names, cluster key, basis), or null for simulated data.</param>
    /// <param name="comparison">The comparison.</param>
    /// <param name="metricsJson">The metrics JSON (stored in uns).</param>
    /// <param name="truth">The simulation, or null.</param>
    public static void WriteResults(string path, H5adInput? input, VelocityComparison comparison, string metricsJson,
        SimulatedLineage? truth = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(comparison);
        var d = comparison.Data;
        int n = d.Cells, g = d.Genes;
        string basis = input?.Basis ?? "pca";
        string key = input?.ClusterKey ?? "clusters";
        var cellNames = input?.CellNames ?? Enumerable.Range(0, n).Select(c => $"cell{c:D5}").ToArray();
        var flux = comparison.Methods[0];
        var steady = comparison.Methods.First(m => m.Method == "SteadyState");
        var layers = Dict();
        layers["Mu"] = Array2(d.Mu);
        layers["Ms"] = Array2(d.Ms);
        layers["velocity"] = Array2(flux.Velocity);
        layers["velocity_u"] = Array2(comparison.Fit.VelocityUnspliced);
        layers["velocity_steady_state"] = Array2(steady.Velocity);
        var var = Frame(d.GeneNames);
        var columns = new List<string>();
        void Column(string name, double[] values)
        {
            var[name] = Array1(values);
            columns.Add(name);
        }

        Column("fit_beta", comparison.Fit.Beta);
        Column("fit_gamma", comparison.Fit.Gamma);
        Column("fit_gamma_over_beta", flux.GammaOverBeta!);
        Column("steady_state_gamma", steady.GammaOverBeta!);
        if (truth is not null)
        {
            layers["velocity_true"] = Array2(truth.TrueVelocity);
            Column("true_alpha", truth.Alpha);
            Column("true_beta", truth.Beta);
            Column("true_gamma", truth.Gamma);
        }

        var.Attributes["column-order"] = columns.ToArray();
        var obs = Frame(cellNames);
        var categories = d.Clusters.Distinct().Order(StringComparer.Ordinal).ToArray();
        var lookup = categories.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var codes = d.Clusters.Select(c => (short)lookup[c]).ToArray();
        obs[key] = new H5Group
        {
            ["categories"] = Strings(categories),
            ["codes"] = new H5Dataset(codes) { Attributes = Encoding("array", "0.2.0") },
            Attributes = new() { ["encoding-type"] = "categorical", ["encoding-version"] = "0.2.0", ["ordered"] = H5Bool.FALSE },
        };
        obs.Attributes["column-order"] = new[] { key };
        var obsm = Dict();
        obsm[$"X_{basis}"] = Array2(d.Embedding);
        obsm[$"velocity_{basis}"] = Array2(flux.Embedded);
        var obsp = Dict();
        obsp["distances"] = Knn(d.Neighbors, n);
        var uns = Dict();
        uns["flux_velocity_metrics"] = new H5Dataset(metricsJson) { Attributes = Encoding("string", "0.2.0") };
        foreach (var m in comparison.Methods)
        {
            uns[$"cbdir_{m.Method}"] = new H5Dataset(m.CrossBoundaryCorrectness) { Attributes = Encoding("numeric-scalar", "0.2.0") };
            uns[$"coherence_{m.Method}"] = new H5Dataset(m.Coherence) { Attributes = Encoding("numeric-scalar", "0.2.0") };
        }

        var file = new H5File
        {
            ["X"] = Array2(d.Ms),
            ["layers"] = layers,
            ["obs"] = obs,
            ["var"] = var,
            ["obsm"] = obsm,
            ["obsp"] = obsp,
            ["varm"] = Dict(),
            ["uns"] = uns,
            Attributes = Encoding("anndata", "0.1.0"),
        };
        file.Write(path);
    }

    private static Dictionary<string, object> Encoding(string type, string version) =>
        new() { ["encoding-type"] = type, ["encoding-version"] = version };

    private static H5Group Dict() => new() { Attributes = Encoding("dict", "0.1.0") };

    private static H5Group Frame(string[] index)
    {
        var group = new H5Group { ["_index"] = Strings(index), Attributes = Encoding("dataframe", "0.2.0") };
        group.Attributes["_index"] = "_index";
        group.Attributes["column-order"] = Array.Empty<string>();
        return group;
    }

    private static H5Dataset Strings(string[] values) => new(values) { Attributes = Encoding("string-array", "0.2.0") };

    private static H5Dataset Array1(double[] values) => new(values) { Attributes = Encoding("array", "0.2.0") };

    private static H5Dataset Array2(double[,] values)
    {
        int n = values.GetLength(0), g = values.GetLength(1);
        var flat = new float[n * g];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < g; j++)
            {
                flat[i * g + j] = (float)values[i, j];
            }
        }

        return new H5Dataset(flat, fileDims: [(ulong)n, (ulong)g]) { Attributes = Encoding("array", "0.2.0") };
    }

    private static H5Group Knn(int[][] neighbors, int n)
    {
        var indptr = new int[n + 1];
        var indices = new List<int>();
        for (int c = 0; c < n; c++)
        {
            indices.AddRange(neighbors[c]);
            indptr[c + 1] = indices.Count;
        }

        // Rank-ordered placeholder distances (1, 2, …): the order is what readers of this file use.
        var data = neighbors.SelectMany(r => r.Select((_, k) => (float)(k + 1))).ToArray();
        return new H5Group
        {
            ["data"] = new H5Dataset(data),
            ["indices"] = new H5Dataset(indices.ToArray()),
            ["indptr"] = new H5Dataset(indptr),
            Attributes = new() { ["encoding-type"] = "csr_matrix", ["encoding-version"] = "0.1.0", ["shape"] = new long[] { n, n } },
        };
    }
}
