namespace FluxMatching.Metrics;

/// <summary>
/// Minimum-cost linear assignment (the problem of SciPy's <c>linear_sum_assignment</c>) by the Jonker–Volgenant
/// shortest-augmenting-path method with dual potentials: each row in turn is joined to the current matching by a
/// Dijkstra search over reduced costs c_ij − u_i − v_j ≥ 0, then the potentials and the matching are updated along the
/// path. O(n²m) time and O(m) extra memory for n rows ≤ m columns; plain managed arrays.
/// </summary>
public static class LinearAssignment
{
    /// <summary>Solves min Σ_i cost[i, σ(i)] over injective σ (every row assigned when rows ≤ columns; otherwise every
    /// column gets exactly one row).</summary>
    /// <param name="cost">Cost matrix [n, m], finite entries.</param>
    public static AssignmentResult Solve(double[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int n = cost.GetLength(0), m = cost.GetLength(1);
        var flat = new double[(long)n * m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                flat[((long)i * m) + j] = cost[i, j];
            }
        }

        return Solve(flat, n, m, nameof(cost));
    }

    /// <summary>Solves the problem for a row-major cost array [rows·columns] (not modified).</summary>
    internal static AssignmentResult Solve(double[] cost, int rows, int columns, string name = "cost")
    {
        for (long i = 0; i < cost.Length; i++)
        {
            if (!double.IsFinite(cost[i]))
            {
                throw new ArgumentException($"{name}[{i / Math.Max(1, columns)}, {i % Math.Max(1, columns)}] = {cost[i]}; every cost must be finite.", name);
            }
        }

        if (rows == 0 || columns == 0)
        {
            return new AssignmentResult(Enumerable.Repeat(-1, rows).ToArray(), 0);
        }

        int[] rowToColumn;
        if (rows <= columns)
        {
            rowToColumn = SolveTall(cost, rows, columns);
        }
        else
        {
            var transposed = new double[cost.Length];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    transposed[((long)j * rows) + i] = cost[((long)i * columns) + j];
                }
            }

            var columnToRow = SolveTall(transposed, columns, rows);
            rowToColumn = Enumerable.Repeat(-1, rows).ToArray();
            for (int j = 0; j < columns; j++)
            {
                rowToColumn[columnToRow[j]] = j;
            }
        }

        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            if (rowToColumn[i] >= 0)
            {
                total += cost[((long)i * columns) + rowToColumn[i]];
            }
        }

        return new AssignmentResult(rowToColumn, total);
    }

    // n ≤ m. Returns the column of each row.
    private static int[] SolveTall(double[] c, int n, int m)
    {
        var u = new double[n];            // row potentials
        var v = new double[m];            // column potentials
        var columnOfRow = new int[n];
        var rowOfColumn = new int[m];
        var predecessor = new int[m];     // row from which column j was reached
        var distance = new double[m];     // shortest reduced path length to column j
        var pending = new int[m];         // columns not yet settled
        var rowSeen = new bool[n];
        var columnSettled = new bool[m];
        Array.Fill(columnOfRow, -1);
        Array.Fill(rowOfColumn, -1);

        for (int start = 0; start < n; start++)
        {
            Array.Fill(distance, double.PositiveInfinity);
            Array.Clear(rowSeen);
            Array.Clear(columnSettled);
            for (int j = 0; j < m; j++)
            {
                pending[j] = j;
            }

            int pendingCount = m, row = start, sink = -1;
            double settledLength = 0;
            while (sink < 0)
            {
                rowSeen[row] = true;
                long offset = (long)row * m;
                double ui = u[row], best = double.PositiveInfinity;
                int bestAt = -1;
                for (int k = 0; k < pendingCount; k++)
                {
                    int j = pending[k];
                    double length = settledLength + c[offset + j] - ui - v[j];
                    if (length < distance[j])
                    {
                        distance[j] = length;
                        predecessor[j] = row;
                    }

                    double dj = distance[j];
                    if (dj < best || (dj == best && rowOfColumn[j] < 0))
                    {
                        best = dj;
                        bestAt = k;
                    }
                }

                settledLength = best;
                int column = pending[bestAt];
                columnSettled[column] = true;
                pending[bestAt] = pending[--pendingCount];
                if (rowOfColumn[column] < 0)
                {
                    sink = column;
                }
                else
                {
                    row = rowOfColumn[column];
                }
            }

            // Dual update keeps reduced costs ≥ 0 and tight along the matching and the new path.
            u[start] += settledLength;
            for (int i = 0; i < n; i++)
            {
                if (rowSeen[i] && i != start)
                {
                    u[i] += settledLength - distance[columnOfRow[i]];
                }
            }

            for (int j = 0; j < m; j++)
            {
                if (columnSettled[j])
                {
                    v[j] -= settledLength - distance[j];
                }
            }

            // Augment along the path sink ← … ← start.
            for (int j = sink; ;)
            {
                int i = predecessor[j];
                rowOfColumn[j] = i;
                (columnOfRow[i], j) = (j, columnOfRow[i]);
                if (i == start)
                {
                    break;
                }
            }
        }

        return columnOfRow;
    }
}
