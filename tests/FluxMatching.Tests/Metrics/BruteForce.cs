namespace FluxMatching.Tests.Metrics;

/// <summary>Exhaustive oracles for small assignment problems.</summary>
internal static class BruteForce
{
    /// <summary>Minimum of Σ_i cost[i, σ(i)] over all injective maps σ of the rows into the columns (rows ≤ columns).</summary>
    public static double MinimumAssignmentCost(double[,] cost)
    {
        int n = cost.GetLength(0), m = cost.GetLength(1);
        var used = new bool[m];
        double best = double.PositiveInfinity;

        void Recurse(int row, double partial)
        {
            if (row == n)
            {
                best = Math.Min(best, partial);
                return;
            }

            for (int j = 0; j < m; j++)
            {
                if (!used[j])
                {
                    used[j] = true;
                    Recurse(row + 1, partial + cost[row, j]);
                    used[j] = false;
                }
            }
        }

        Recurse(0, 0);
        return best;
    }
}
