namespace FluxMatching.Metrics;

/// <summary>
/// The first step of the Jonker–Volgenant (1987) initialisation for square assignment problems: column reduction with
/// reduction transfer. It leaves column potentials v and a partial matching in which every matched row's column
/// minimises c_ij − v_j; row potentials are then set to u_i = min_j (c_ij − v_j), so reduced costs are ≥ 0 and matched
/// edges are tight, as the shortest-augmenting-path phase requires. JV's augmenting row reduction is deliberately left
/// out: on 500-point squared-Euclidean problems (many near ties) it made the solve about 10× slower, and a 2,000-point
/// one took minutes, against about a second for column reduction plus the path phase.
/// </summary>
internal static class AssignmentWarmStart
{
    /// <summary>Runs the initialisation on the row-major n×n costs <paramref name="c"/> (all outputs pre-sized; the
    /// matching arrays filled with −1).</summary>
    public static void Run(double[] c, int n, double[] u, double[] v, int[] columnOfRow, int[] rowOfColumn)
    {
        ColumnReduction(c, n, v, columnOfRow, rowOfColumn);

        // Row potentials; a matched row whose column is not a minimiser (not expected) is released for the path phase.
        for (int i = 0; i < n; i++)
        {
            long offset = (long)i * n;
            double min = double.PositiveInfinity;
            for (int j = 0; j < n; j++)
            {
                min = Math.Min(min, c[offset + j] - v[j]);
            }

            u[i] = min;
            int assigned = columnOfRow[i];
            if (assigned >= 0 && c[offset + assigned] - v[assigned] > min)
            {
                rowOfColumn[assigned] = -1;
                columnOfRow[i] = -1;
            }
        }
    }

    // v_j = min_i c_ij; each column is matched to its minimising row when that row is still free (reverse order, as
    // JV). A row that got exactly one column passes its slack to that column (reduction transfer).
    private static void ColumnReduction(double[] c, int n, double[] v, int[] columnOfRow, int[] rowOfColumn)
    {
        var matches = new int[n];
        for (int j = n - 1; j >= 0; j--)
        {
            int best = 0;
            double min = c[j];
            for (int i = 1; i < n; i++)
            {
                double value = c[((long)i * n) + j];
                if (value < min)
                {
                    min = value;
                    best = i;
                }
            }

            v[j] = min;
            if (matches[best]++ == 0)
            {
                columnOfRow[best] = j;
                rowOfColumn[j] = best;
            }
        }

        for (int i = 0; i < n; i++)
        {
            int j1 = columnOfRow[i];
            if (matches[i] != 1 || j1 < 0)
            {
                continue;
            }

            long offset = (long)i * n;
            double slack = double.PositiveInfinity;
            for (int j = 0; j < n; j++)
            {
                if (j != j1)
                {
                    slack = Math.Min(slack, c[offset + j] - v[j]);
                }
            }

            v[j1] -= slack;
        }
    }
}
