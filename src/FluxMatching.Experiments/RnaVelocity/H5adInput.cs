namespace FluxMatching.RnaVelocity;

/// <summary>What <see cref="H5adReader"/> read from an .h5ad file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Data">Moments, embedding, clusters, kNN graph, edges, gene names.</param>
/// <param name="CellNames">obs names [N].</param>
/// <param name="ClusterKey">The obs column the clusters came from.</param>
/// <param name="Basis">The embedding's name (obsm/X_&lt;basis&gt;).</param>
public sealed record H5adInput(string Path, VelocityData Data, string[] CellNames, string ClusterKey, string Basis);
