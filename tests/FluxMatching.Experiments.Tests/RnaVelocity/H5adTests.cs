namespace FluxMatching.Tests.RnaVelocity;

using FluxMatching.RnaVelocity;

public sealed class H5adTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-h5ad-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Written()
    {
        string path = Path.Combine(dir, "small.h5ad");
        AnnDataPython.Run(AnnDataPython.WriteScript, path);
        return path;
    }

    [Fact]
    public void A_file_written_by_anndata_is_read_with_dense_and_csr_layers_categories_embedding_and_neighbours()
    {
        var input = H5adReader.Read(Written(), "clusters", "umap", [("A", "B"), ("B", "C")]);
        var d = input.Data;
        Assert.Equal(90, d.Cells);
        Assert.Equal(6, d.Genes);
        Assert.Equal(0.1 * 7 + 3, d.Mu[7, 3], 5);
        Assert.Equal(0.0, d.Ms[1, 3]);
        Assert.Equal(0.01 * 7 + 0.5 * 2, d.Ms[7, 2], 12);
        Assert.Equal("A", d.Clusters[0]);
        Assert.Equal("C", d.Clusters[89]);
        Assert.Equal(Math.Sin(5), d.Embedding[5, 1], 12);
        Assert.Equal(new[] { 9, 11, 8, 12 }, d.Neighbors[10]);
        Assert.Equal("g5", d.GeneNames[5]);
        Assert.Equal("c3", input.CellNames[3]);
    }

    [Fact]
    public void Results_written_here_are_read_back_by_anndata()
    {
        var input = H5adReader.Read(Written(), "clusters", "umap", [("A", "B"), ("B", "C")]);
        var comparison = VelocityPipeline.Run(input.Data, new KineticTrainingOptions { Epochs = 1, Batch = 32 });
        string output = Path.Combine(dir, "velocity.h5ad");
        var skipped = H5adWriter.WriteResults(output, input, comparison, VelocityMetricsJson.Serialize(comparison));
        Assert.Empty(skipped);
        var text = AnnDataPython.Run("""
import sys, json, anndata as ad, numpy as np
a = ad.read_h5ad(sys.argv[1])
m = json.loads(a.uns["flux_velocity_metrics"])
print(a.n_obs, a.n_vars, a.layers["velocity"].shape, list(a.obs["clusters"].cat.categories), a.obs_names[3],
      "fit_gamma" in a.var, "dsm_gamma" in a.var, a.obsm["velocity_umap"].shape, sorted(m["methods"]),
      round(float(a.uns["coherence_Flux"]), 6), round(float(a.layers["Ms"][7, 2]), 5), a.obsp["distances"].nnz)
""", output).Trim();
        double coherence = comparison.Methods[0].Coherence;
        Assert.Equal(
            $"90 6 (90, 6) ['A', 'B', 'C'] c3 True True (90, 2) ['DSM', 'Flux', 'SteadyState'] {Math.Round(coherence, 6).ToString(System.Globalization.CultureInfo.InvariantCulture)} {Math.Round(0.01 * 7 + 0.5 * 2, 5).ToString(System.Globalization.CultureInfo.InvariantCulture)} 354",
            text);
    }

    [Fact]
    public void Every_entry_of_the_input_is_copied_into_the_results_file_with_its_type_and_encoding()
    {
        string path = Written();
        var input = H5adReader.Read(path, "clusters", "umap", [("A", "B"), ("B", "C")]);
        var comparison = VelocityPipeline.Run(input.Data, new KineticTrainingOptions { Epochs = 1, Batch = 32 }, includeDsm: false);
        string output = Path.Combine(dir, "velocity.h5ad");
        H5adWriter.WriteResults(output, input, comparison, VelocityMetricsJson.Serialize(comparison));
        var text = AnnDataPython.Run("""
import sys, anndata as ad, numpy as np, scipy.sparse as sp
a, b = ad.read_h5ad(sys.argv[1]), ad.read_h5ad(sys.argv[2])
same = lambda x, y: (x != y).nnz == 0 if sp.issparse(x) else np.array_equal(np.asarray(x), np.asarray(y))
print(sp.issparse(b.X) and same(a.X, b.X), b.layers["Mu"].dtype, same(a.layers["Mu"], b.layers["Mu"]),
      sp.issparse(b.layers["Ms"]) and same(a.layers["Ms"], b.layers["Ms"]), list(b.obs.columns[:2]),
      same(a.obs["n"], b.obs["n"]), same(a.obsm["X_pca"], b.obsm["X_pca"]), same(a.obsm["X_umap"], b.obsm["X_umap"]),
      same(a.obsp["connectivities"], b.obsp["connectivities"]), same(a.obsp["distances"], b.obsp["distances"]),
      b.uns["neighbors"]["params"]["n_neighbors"], list(b.var_names) == list(a.var_names),
      sorted(set(b.layers) - set(a.layers)), "fit_beta" in b.var, "velocity_umap" in b.obsm)
""", path, output).Trim();
        Assert.Equal(
            "True float32 True True ['clusters', 'n'] True True True True True 5 True ['velocity', 'velocity_steady_state', 'velocity_u'] True True",
            text);
    }

    [Fact]
    public void A_file_that_is_not_hdf5_gives_one_clear_line()
    {
        string path = Path.Combine(dir, "bad.h5ad");
        File.WriteAllText(path, "not an hdf5 file at all");
        var e = Assert.Throws<InvalidDataException>(() => H5adReader.Read(path, "clusters", "umap", [("A", "B")]));
        Assert.Contains("is not an HDF5 (.h5ad) file", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Missing_layers_columns_and_unknown_edge_clusters_are_named()
    {
        string path = Written();
        var e1 = Assert.Throws<InvalidDataException>(() => H5adReader.Read(path, "celltype", "umap", [("A", "B")]));
        Assert.Contains("no obs column 'celltype'", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<InvalidDataException>(() => H5adReader.Read(path, "clusters", "tsne", [("A", "B")]));
        Assert.Contains("obsm/X_tsne", e2.Message, StringComparison.Ordinal);
        var e3 = Assert.Throws<InvalidDataException>(() => H5adReader.Read(path, "clusters", "umap", [("A", "Z")]));
        Assert.Contains("'Z'", e3.Message, StringComparison.Ordinal);
        string stripped = Path.Combine(dir, "nomu.h5ad");
        AnnDataPython.Run("""
import sys, anndata as ad
a = ad.read_h5ad(sys.argv[1]); del a.layers["Mu"]; a.write_h5ad(sys.argv[2])
""", path, stripped);
        var e4 = Assert.Throws<InvalidDataException>(() => H5adReader.Read(stripped, "clusters", "umap", [("A", "B")]));
        Assert.Contains("has no layers/Mu", e4.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_layer_shapes_are_refused()
    {
        string path = Path.Combine(dir, "mismatch.h5ad");
        // Build the mismatch with h5py directly: AnnData itself refuses to write layers of different shapes.
        AnnDataPython.Run(AnnDataPython.WriteScript, path);
        AnnDataPython.Run("""
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    del f["layers/Mu"]
    f["layers/Mu"] = np.zeros((90, 5), dtype=np.float32)
""", path);
        var e = Assert.Throws<InvalidDataException>(() => H5adReader.Read(path, "clusters", "umap", [("A", "B")]));
        Assert.Contains("layers/Mu is 90×5 but layers/Ms is 90×6", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forged_layer_shape_is_refused_before_anything_is_allocated()
    {
        string path = Path.Combine(dir, "forged.h5ad");
        AnnDataPython.Run(AnnDataPython.WriteScript, path);
        // A chunked dataset that claims 10⁶ × 10⁶ doubles (8 TB) stores nothing until written: the file stays small.
        AnnDataPython.Run("""
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    del f["layers/Mu"]
    f.create_dataset("layers/Mu", shape=(10**6, 10**6), dtype="f8", chunks=(1, 1))
""", path);
        Assert.True(new FileInfo(path).Length < 10_000_000);
        var e = Assert.Throws<InvalidDataException>(() => H5adReader.Read(path, "clusters", "umap", [("A", "B")]));
        Assert.Contains("layers/Mu claims [1000000, 1000000]", e.Message, StringComparison.Ordinal);
        Assert.Contains("refused as malformed", e.Message, StringComparison.Ordinal);
    }
}
