namespace FluxMatching.RnaVelocity;

/// <summary>The kNN graph, moments and a 2-D embedding of a count matrix (<see cref="KnnMoments.Build"/>).</summary>
/// <param name="Neighbors">The k − 1 nearest other cells of each cell in PCA space (scanpy's n_neighbors counts the
/// cell itself).</param>
/// <param name="Mu">Unspliced moments [N, G].</param>
/// <param name="Ms">Spliced moments [N, G].</param>
/// <param name="Embedding">The first two principal-component scores [N, 2].</param>
public sealed record CellGraph(int[][] Neighbors, double[,] Mu, double[,] Ms, double[,] Embedding);
