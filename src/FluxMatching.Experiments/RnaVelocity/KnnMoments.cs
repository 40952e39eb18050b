namespace FluxMatching.RnaVelocity;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// First-order moments as scVelo computes them (<c>scv.pp.moments</c> after <c>sc.pp.pca</c> and
/// <c>sc.pp.neighbors(n_pcs=30, n_neighbors=30)</c>): PCA of log1p(spliced), Euclidean kNN in the leading components,
/// the symmetric (union) connectivity graph binarized, the cell itself added, rows normalized; Ms = C·S, Mu = C·U.
/// </summary>
public static class KnnMoments
{
    /// <summary>Builds the graph, the moments and a 2-D PCA embedding.</summary>
    /// <param name="unspliced">Normalized unspliced counts [N, G].</param>
    /// <param name="spliced">Normalized spliced counts [N, G].</param>
    /// <param name="neighbors">n_neighbors, the cell included (scVelo: 30).</param>
    /// <param name="components">Principal components for the graph (scVelo: 30; capped at G).</param>
    public static CellGraph Build(double[,] unspliced, double[,] spliced, int neighbors, int components)
    {
        ArgumentNullException.ThrowIfNull(unspliced);
        ArgumentNullException.ThrowIfNull(spliced);
        int n = spliced.GetLength(0), g = spliced.GetLength(1);
        if (unspliced.GetLength(0) != n || unspliced.GetLength(1) != g)
        {
            throw new ArgumentException("unspliced and spliced must have the same shape.", nameof(unspliced));
        }

        var scores = Pca(spliced, Math.Min(components, g));
        int k = Math.Min(neighbors - 1, n - 1);
        var knn = Nearest(scores, k);
        var members = new HashSet<int>[n];
        for (int i = 0; i < n; i++)
        {
            members[i] = [i, .. knn[i]];
        }

        for (int i = 0; i < n; i++)
        {
            foreach (int j in knn[i])
            {
                members[j].Add(i);
            }
        }

        var mu = new double[n, g];
        var ms = new double[n, g];
        for (int i = 0; i < n; i++)
        {
            double w = 1.0 / members[i].Count;
            foreach (int j in members[i])
            {
                for (int q = 0; q < g; q++)
                {
                    mu[i, q] += w * unspliced[j, q];
                    ms[i, q] += w * spliced[j, q];
                }
            }
        }

        var embedding = new double[n, 2];
        for (int i = 0; i < n; i++)
        {
            embedding[i, 0] = scores[i, 0];
            embedding[i, 1] = scores[i, 1];
        }

        return new CellGraph(knn, mu, ms, embedding);
    }

    /// <summary>Principal-component scores of log1p(x) [N, k], leading component first.</summary>
    internal static double[,] Pca(double[,] x, int k)
    {
        using var scope = NewDisposeScope();
        int n = x.GetLength(0), g = x.GetLength(1);
        var t = tensor(x.Cast<double>().ToArray(), [n, g], ScalarType.Float64).log1p();
        t = t.sub(t.mean([0], keepdim: true));
        var (_, vectors) = linalg.eigh(t.t().matmul(t));
        var top = vectors.narrow(1, g - k, k).flip(1);
        var s = t.matmul(top).contiguous().data<double>().ToArray();
        var result = new double[n, k];
        Buffer.BlockCopy(s, 0, result, 0, s.Length * sizeof(double));
        return result;
    }

    /// <summary>The k nearest other rows of each row (Euclidean), nearest first.</summary>
    internal static int[][] Nearest(double[,] points, int k)
    {
        int n = points.GetLength(0), d = points.GetLength(1);
        var result = new int[n][];
        Parallel.For(0, n, i =>
        {
            var dist = new double[n];
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int q = 0; q < d; q++)
                {
                    double diff = points[i, q] - points[j, q];
                    sum += diff * diff;
                }

                dist[j] = j == i ? double.PositiveInfinity : sum;
            }

            var order = Enumerable.Range(0, n).ToArray();
            Array.Sort(dist, order);
            result[i] = order[..k];
        });
        return result;
    }
}
