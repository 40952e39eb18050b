namespace FluxMatching.RnaVelocity;

/// <summary>
/// What the velocity methods and metrics need of a data set (an <c>.h5ad</c> file or a simulation): moments, an
/// embedding, cluster labels, the kNN graph and the transitions between clusters.
/// </summary>
/// <param name="Mu">Unspliced moments [N, G] (scVelo's <c>layers/Mu</c>).</param>
/// <param name="Ms">Spliced moments [N, G] (<c>layers/Ms</c>).</param>
/// <param name="Embedding">2-D embedding [N, 2] (e.g. <c>obsm/X_umap</c>).</param>
/// <param name="Clusters">Cluster label per cell [N].</param>
/// <param name="Neighbors">kNN indices per cell (without the cell itself).</param>
/// <param name="Edges">Cluster transitions A → B.</param>
/// <param name="GeneNames">Gene names [G].</param>
public sealed record VelocityData(
    double[,] Mu,
    double[,] Ms,
    double[,] Embedding,
    string[] Clusters,
    int[][] Neighbors,
    IReadOnlyList<(string From, string To)> Edges,
    string[] GeneNames)
{
    /// <summary>Number of cells N.</summary>
    public int Cells => Ms.GetLength(0);

    /// <summary>Number of genes G.</summary>
    public int Genes => Ms.GetLength(1);
}
