namespace FluxMatching.RnaVelocity;

using PureHDF;

/// <summary>
/// Writes an AnnData file (.h5ad) with PureHDF in AnnData's encoding (0.1/0.2 element specs), readable by the
/// <c>anndata</c> library: the input's every entry (X, layers, obs, var, obsm, obsp, varm, uns, … as
/// <see cref="H5adCopy"/> copies them; what it cannot copy is listed in <c>uns/flux_velocity_not_copied</c>) plus the
/// results: layers <c>velocity</c> (the flux kinetic field's ds, cells × genes), <c>velocity_u</c>,
/// <c>velocity_steady_state</c>, <c>velocity_dsm</c> (and <c>velocity_true</c> for simulated data); var columns
/// <c>fit_beta</c>, <c>fit_gamma</c>, <c>fit_gamma_over_beta</c>, <c>steady_state_gamma</c>, <c>dsm_beta</c>,
/// <c>dsm_gamma</c> (simulated: <c>true_alpha/beta/gamma</c>); obsm <c>velocity_&lt;basis&gt;</c> and
/// <c>velocity_dsm_&lt;basis&gt;</c>; uns <c>flux_velocity_metrics</c> (the metrics JSON) and per-method CBDir and
/// coherence. Simulated data (no input) get X (= Ms), Mu, Ms, obs names and the cluster column, var names,
/// <c>X_&lt;basis&gt;</c> and obsp <c>distances</c> (the kNN graph). Every gene of the moments is fitted, so the
/// velocity layer has no NaN column unless a moment is NaN.
/// </summary>
public static class H5adWriter
{
    /// <summary>Writes the results of a comparison.</summary>
    /// <param name="path">Output file.</param>
    /// <param name="input">What was read (names, cluster key, basis), or null for simulated data.</param>
    /// <param name="comparison">The comparison.</param>
    /// <param name="metricsJson">The metrics JSON (stored in uns).</param>
    /// <param name="truth">The simulation, or null.</param>
    /// <returns>The input's entries that were not copied, as "path (reason)" (also in uns/flux_velocity_not_copied).
    /// </returns>
    public static IReadOnlyList<string> WriteResults(string path, H5adInput? input, VelocityComparison comparison, string metricsJson,
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
        var dsm = comparison.Methods.FirstOrDefault(m => m.Method == "DSM");
        var file = new H5File { Attributes = Encoding("anndata", "0.1.0") };
        IReadOnlyList<string> skipped = [];
        if (input is not null)
        {
            var copy = new H5adCopy();
            copy.CopyInto(input.Path, file);
            skipped = copy.Skipped;
        }

        H5Group Sub(string name, Func<H5Group> create)
        {
            if (file.TryGetValue(name, out var existing) && existing is H5Group group)
            {
                return group;
            }

            var made = create();
            file[name] = made;
            return made;
        }

        file.TryAdd("X", Array2(d.Ms));
        var layers = Sub("layers", Dict);
        layers.TryAdd("Mu", Array2(d.Mu));
        layers.TryAdd("Ms", Array2(d.Ms));
        layers["velocity"] = Array2(flux.Velocity);
        layers["velocity_u"] = Array2(comparison.Fit.VelocityUnspliced);
        layers["velocity_steady_state"] = Array2(steady.Velocity);
        if (dsm is not null)
        {
            layers["velocity_dsm"] = Array2(dsm.Velocity);
        }

        var var = Sub("var", () => Frame(d.GeneNames));
        var columns = var.Attributes.TryGetValue("column-order", out var order) && order is string[] names ? names.ToList() : [];
        void Column(string name, double[] values)
        {
            var[name] = Array1(values);
            if (!columns.Contains(name))
            {
                columns.Add(name);
            }
        }

        Column("fit_beta", comparison.Fit.Beta);
        Column("fit_gamma", comparison.Fit.Gamma);
        Column("fit_gamma_over_beta", flux.GammaOverBeta!);
        Column("steady_state_gamma", steady.GammaOverBeta!);
        if (comparison.DsmFit is { } dsmFit)
        {
            Column("dsm_beta", dsmFit.Beta);
            Column("dsm_gamma", dsmFit.Gamma);
        }

        if (truth is not null)
        {
            layers["velocity_true"] = Array2(truth.TrueVelocity);
            Column("true_alpha", truth.Alpha);
            Column("true_beta", truth.Beta);
            Column("true_gamma", truth.Gamma);
        }

        var.Attributes["column-order"] = columns.ToArray();
        Sub("obs", () => Obs(d, cellNames, key));
        var obsm = Sub("obsm", Dict);
        obsm.TryAdd($"X_{basis}", Array2(d.Embedding));
        obsm[$"velocity_{basis}"] = Array2(flux.Embedded);
        if (dsm is not null)
        {
            obsm[$"velocity_dsm_{basis}"] = Array2(dsm.Embedded);
        }

        Sub("obsp", Dict).TryAdd("distances", Knn(d.Neighbors, n));
        Sub("varm", Dict);
        var uns = Sub("uns", Dict);
        uns["flux_velocity_metrics"] = new H5Dataset(metricsJson) { Attributes = Encoding("string", "0.2.0") };
        foreach (var m in comparison.Methods)
        {
            uns[$"cbdir_{m.Method}"] = new H5Dataset(m.CrossBoundaryCorrectness) { Attributes = Encoding("numeric-scalar", "0.2.0") };
            uns[$"coherence_{m.Method}"] = new H5Dataset(m.Coherence) { Attributes = Encoding("numeric-scalar", "0.2.0") };
        }

        if (skipped.Count > 0)
        {
            uns["flux_velocity_not_copied"] = Strings([.. skipped]);
        }

        file.Write(path);
        return skipped;
    }

    private static H5Group Obs(VelocityData d, string[] cellNames, string key)
    {
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
        return obs;
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
