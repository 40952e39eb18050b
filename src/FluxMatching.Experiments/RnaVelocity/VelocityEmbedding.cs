namespace FluxMatching.RnaVelocity;

/// <summary>
/// scVelo's velocity projection onto an embedding (<c>velocity_graph</c>, <c>transition_matrix</c>,
/// <c>velocity_embedding</c>): for each cell i and each candidate j (its kNN and their kNN, scVelo's two recursions),
/// the cosine correlation c_ij = corr(Ms_j − Ms_i, v_i) (both centered over genes); transition probabilities
/// T_ij ∝ exp(10·c_ij), with the self-transition exp(10·clip(q98 − max_j c_ij, 0, 1)); the embedded velocity
/// Σ_j T_ij d̂_ij − mean_j(T_ij)·Σ_j d̂_ij with d̂_ij the unit displacement in the embedding.
/// </summary>
public static class VelocityEmbedding
{
    /// <summary>The kernel scale of scVelo's transition matrix (10).</summary>
    public const double Scale = 10.0;

    /// <summary>Projects per-gene velocities [N, G] onto the 2-D embedding; genes whose velocity is NaN in any cell are
    /// left out (scVelo's gene subset).</summary>
    /// <param name="data">Moments, embedding and kNN graph.</param>
    /// <param name="velocity">Velocity [N, G].</param>
    /// <returns>The embedded velocity [N, 2].</returns>
    public static double[,] Project(VelocityData data, double[,] velocity)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(velocity);
        int n = data.Cells;
        var genes = Enumerable.Range(0, data.Genes).Where(j => Enumerable.Range(0, n).All(c => double.IsFinite(velocity[c, j]))).ToArray();
        var candidates = new int[n][];
        var cosines = new double[n][];
        Parallel.For(0, n, i =>
        {
            var set = new HashSet<int>();
            foreach (int j in data.Neighbors[i])
            {
                set.Add(j);
                foreach (int k in data.Neighbors[j])
                {
                    set.Add(k);
                }
            }

            set.Remove(i);
            candidates[i] = set.Order().ToArray();
            var v = Centered(genes.Select(q => velocity[i, q]).ToArray());
            cosines[i] = candidates[i].Select(j =>
                Cosine(Centered(genes.Select(q => data.Ms[j, q] - data.Ms[i, q]).ToArray()), v)).ToArray();
        });

        var confidence = cosines.Select(c => c.Length == 0 ? 0 : c.Max()).ToArray();
        double upper = SteadyStateModel.Percentile(confidence, 98);
        var embedded = new double[n, 2];
        for (int i = 0; i < n; i++)
        {
            double self = Math.Exp(Scale * Math.Clamp(upper - confidence[i], 0, 1));
            var weights = cosines[i].Select(c => Math.Exp(Scale * c)).ToArray();
            double total = weights.Sum() + self;
            double mean = 1.0 / (weights.Length + 1);   // the mean of the normalized row, self included
            double ex = 0, ey = 0, sx = 0, sy = 0;
            for (int k = 0; k < weights.Length; k++)
            {
                int j = candidates[i][k];
                double dx = data.Embedding[j, 0] - data.Embedding[i, 0], dy = data.Embedding[j, 1] - data.Embedding[i, 1];
                double len = Math.Sqrt(dx * dx + dy * dy);
                if (len > 0)
                {
                    dx /= len;
                    dy /= len;
                }
                else
                {
                    dx = dy = 0;
                }

                double p = weights[k] / total;
                ex += p * dx;
                ey += p * dy;
                sx += dx;
                sy += dy;
            }

            embedded[i, 0] = ex - mean * sx;
            embedded[i, 1] = ey - mean * sy;
        }

        return embedded;
    }

    internal static double[] Centered(double[] v)
    {
        double m = v.Length == 0 ? 0 : v.Average();
        return v.Select(x => x - m).ToArray();
    }

    internal static double Cosine(double[] a, double[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int q = 0; q < a.Length; q++)
        {
            dot += a[q] * b[q];
            na += a[q] * a[q];
            nb += b[q] * b[q];
        }

        return na > 0 && nb > 0 ? dot / Math.Sqrt(na * nb) : 0;
    }
}
