namespace FluxMatching.RnaVelocity;

/// <summary>
/// The RNA-velocity metrics of the authors' <c>scvelo/tools/confidence.py</c> and, on simulated data, the comparison
/// with the truth.
/// </summary>
public static class VelocityMetrics
{
    /// <summary>
    /// Cross-boundary direction correctness (CBDir; VeloAE's definition, the authors' <c>cross_boundary_correctness</c>):
    /// for each edge A → B and each cell c of A with kNN neighbours labelled B, the mean over those neighbours of
    /// cos(x_n − x_c, v_c) in the embedding; pooled over all scored cells of all edges (cell-weighted).
    /// </summary>
    /// <param name="data">Embedding, clusters, kNN graph and edges.</param>
    /// <param name="embedded">Embedded velocity [N, 2].</param>
    /// <returns>The pooled mean and the per-edge means (NaN for an edge with no scored cell).</returns>
    public static (double Mean, IReadOnlyDictionary<string, double> PerEdge) CrossBoundaryCorrectness(
        VelocityData data, double[,] embedded)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(embedded);
        var all = new List<double>();
        var perEdge = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (from, to) in data.Edges)
        {
            var scores = new List<double>();
            for (int c = 0; c < data.Cells; c++)
            {
                if (data.Clusters[c] != from)
                {
                    continue;
                }

                var targets = data.Neighbors[c].Where(n => data.Clusters[n] == to).ToArray();
                if (targets.Length == 0)
                {
                    continue;
                }

                double[] v = [embedded[c, 0], embedded[c, 1]];
                scores.Add(targets.Average(n => VelocityEmbedding.Cosine(
                    [data.Embedding[n, 0] - data.Embedding[c, 0], data.Embedding[n, 1] - data.Embedding[c, 1]], v)));
            }

            perEdge[$"{from}>{to}"] = scores.Count > 0 ? scores.Average() : double.NaN;
            all.AddRange(scores);
        }

        return (all.Count > 0 ? all.Average() : double.NaN, perEdge);
    }

    /// <summary>
    /// Velocity coherence: the mean over cells of scVelo's <c>velocity_confidence(method="cosine")</c> as the authors
    /// call it, ⟨v̂_c, mean_{n ∈ kNN(c)} v̂_n⟩ with v̂ the L2-normalized velocity over the non-NaN genes.
    /// </summary>
    /// <param name="data">The kNN graph.</param>
    /// <param name="velocity">Velocity [N, G].</param>
    public static double Coherence(VelocityData data, double[,] velocity)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(velocity);
        int n = data.Cells;
        var genes = Enumerable.Range(0, data.Genes).Where(j => Enumerable.Range(0, n).All(c => double.IsFinite(velocity[c, j]))).ToArray();
        var unit = new double[n][];
        for (int c = 0; c < n; c++)
        {
            var v = genes.Select(j => velocity[c, j]).ToArray();
            double norm = Math.Sqrt(v.Sum(x => x * x));
            unit[c] = norm > 0 ? v.Select(x => x / norm).ToArray() : v;
        }

        double total = 0;
        for (int c = 0; c < n; c++)
        {
            var neighbors = data.Neighbors[c];
            double score = 0;
            for (int q = 0; q < genes.Length; q++)
            {
                score += unit[c][q] * neighbors.Average(m => unit[m][q]);
            }

            total += score;
        }

        return total / n;
    }

    /// <summary>Per-cell agreement with the true velocity: the mean cosine over genes and the share of (cell, gene)
    /// entries whose sign matches (entries where the truth is ~0 are skipped).</summary>
    /// <param name="velocity">Estimated velocity [N, G].</param>
    /// <param name="truth">True velocity [N, G].</param>
    public static (double MeanCosine, double SignAgreement) AgreementWithTruth(double[,] velocity, double[,] truth)
    {
        ArgumentNullException.ThrowIfNull(velocity);
        ArgumentNullException.ThrowIfNull(truth);
        int n = truth.GetLength(0), g = truth.GetLength(1);
        double cosines = 0, agree = 0, counted = 0;
        for (int c = 0; c < n; c++)
        {
            var v = new double[g];
            var t = new double[g];
            for (int j = 0; j < g; j++)
            {
                v[j] = double.IsFinite(velocity[c, j]) ? velocity[c, j] : 0;
                t[j] = truth[c, j];
                if (Math.Abs(t[j]) > 1e-6)
                {
                    counted++;
                    agree += Math.Sign(v[j]) == Math.Sign(t[j]) ? 1 : 0;
                }
            }

            cosines += VelocityEmbedding.Cosine(v, t);
        }

        return (cosines / n, counted > 0 ? agree / counted : double.NaN);
    }

    /// <summary>Recovery of γ/β: the Pearson correlation of log(estimate) with log(truth) over genes, and the median
    /// |log(estimate/truth)|. Non-positive estimates are left out.</summary>
    /// <param name="estimate">Estimated γ/β [G].</param>
    /// <param name="truth">True γ/β [G].</param>
    public static (double LogCorrelation, double MedianAbsLogRatio) RateRecovery(double[] estimate, double[] truth)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(truth);
        var pairs = estimate.Zip(truth).Where(p => p.First > 0 && p.Second > 0)
            .Select(p => (E: Math.Log(p.First), T: Math.Log(p.Second))).ToArray();
        if (pairs.Length < 2)
        {
            return (double.NaN, double.NaN);
        }

        double me = pairs.Average(p => p.E), mt = pairs.Average(p => p.T);
        double cov = pairs.Sum(p => (p.E - me) * (p.T - mt));
        double ve = pairs.Sum(p => (p.E - me) * (p.E - me)), vt = pairs.Sum(p => (p.T - mt) * (p.T - mt));
        var ratios = pairs.Select(p => Math.Abs(p.E - p.T)).Order().ToArray();
        return (ve > 0 && vt > 0 ? cov / Math.Sqrt(ve * vt) : double.NaN, ratios[ratios.Length / 2]);
    }
}
