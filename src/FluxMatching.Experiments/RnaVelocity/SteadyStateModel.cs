namespace FluxMatching.RnaVelocity;

/// <summary>
/// scVelo's steady-state (deterministic) model, <c>scv.tl.velocity(mode="deterministic")</c>: per gene, γ' (= γ/β with
/// β = 1) by least squares of u on s through the origin over the extreme quantiles — cells whose
/// s/max(s) + u/max(u) lies at or below the 5th or at or above the 95th percentile — and the velocity
/// v = u − γ'·s.
/// </summary>
public static class SteadyStateModel
{
    /// <summary>Fits γ' per gene.</summary>
    /// <param name="mu">Unspliced moments [N, G].</param>
    /// <param name="ms">Spliced moments [N, G].</param>
    /// <returns>γ' [G] (0 for a gene whose extreme cells have no spliced signal).</returns>
    public static double[] FitGamma(double[,] mu, double[,] ms)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(ms);
        int n = ms.GetLength(0), g = ms.GetLength(1);
        var gamma = new double[g];
        var norm = new double[n];
        for (int j = 0; j < g; j++)
        {
            double maxS = 0, maxU = 0;
            for (int c = 0; c < n; c++)
            {
                maxS = Math.Max(maxS, ms[c, j]);
                maxU = Math.Max(maxU, mu[c, j]);
            }

            maxS = Math.Max(maxS, 1e-3);
            maxU = Math.Max(maxU, 1e-3);
            for (int c = 0; c < n; c++)
            {
                norm[c] = ms[c, j] / maxS + mu[c, j] / maxU;
            }

            double lower = Percentile(norm, 5), upper = Percentile(norm, 95);
            double us = 0, ss = 0;
            for (int c = 0; c < n; c++)
            {
                if (norm[c] <= lower || norm[c] >= upper)
                {
                    us += mu[c, j] * ms[c, j];
                    ss += ms[c, j] * ms[c, j];
                }
            }

            gamma[j] = ss > 0 ? us / ss : 0;
        }

        return gamma;
    }

    /// <summary>The steady-state velocity v = u − γ'·s [N, G].</summary>
    /// <param name="mu">Unspliced moments [N, G].</param>
    /// <param name="ms">Spliced moments [N, G].</param>
    /// <param name="gamma">γ' [G] from <see cref="FitGamma"/>.</param>
    public static double[,] Velocity(double[,] mu, double[,] ms, double[] gamma)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(ms);
        ArgumentNullException.ThrowIfNull(gamma);
        int n = ms.GetLength(0), g = ms.GetLength(1);
        var v = new double[n, g];
        for (int c = 0; c < n; c++)
        {
            for (int j = 0; j < g; j++)
            {
                v[c, j] = mu[c, j] - gamma[j] * ms[c, j];
            }
        }

        return v;
    }

    /// <summary>numpy's default (linear-interpolation) percentile.</summary>
    internal static double Percentile(double[] values, double percent)
    {
        var sorted = values.Order().ToArray();
        double rank = percent / 100.0 * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
