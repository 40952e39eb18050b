namespace FluxMatching.Metrics;

/// <summary>
/// Minimum-cost linear assignment (the problem of SciPy's <c>linear_sum_assignment</c>) by the Jonker–Volgenant
/// shortest-augmenting-path method with dual potentials: square problems start from JV's column reduction
/// (<see cref="AssignmentWarmStart"/>); every row still free is then joined to the matching by a Dijkstra search over
/// reduced costs c_ij − u_i − v_j ≥ 0, after which the potentials and the matching are updated along the path.
/// O(n²m) time and O(n + m) extra memory for n rows ≤ m columns; plain managed arrays.
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
        Array.Fill(columnOfRow, -1);
        Array.Fill(rowOfColumn, -1);
        if (n == m && n >= 2)
        {
            // Jonker–Volgenant start (column reduction): matches many rows cheaply before the path phase.
            AssignmentWarmStart.Run(c, n, u, v, columnOfRow, rowOfColumn);
        }

        var search = new PathSearch(n, m);
        for (int start = 0; start < n; start++)
        {
            if (columnOfRow[start] < 0)
            {
                search.Augment(c, start, u, v, columnOfRow, rowOfColumn);
            }
        }

        return columnOfRow;
    }

    /// <summary>Work arrays of the shortest-augmenting-path search, reused across rows.</summary>
    private sealed class PathSearch(int n, int m)
    {
        private readonly int[] predecessor = new int[m];     // row from which column j was reached
        private readonly double[] distance = new double[m];  // final path length of each settled column
        private readonly int[] pending = new int[m];         // columns not yet settled
        private readonly double[] pendingDistance = new double[m]; // their tentative path lengths, aligned with pending
        private readonly int[] seenRows = new int[n];
        private readonly int[] settledColumns = new int[m];

        /// <summary>Adds row <paramref name="start"/> to the matching along a shortest augmenting path (Dijkstra on
        /// reduced costs), then updates the potentials so reduced costs stay ≥ 0 and matched edges tight.</summary>
        public void Augment(double[] c, int start, double[] u, double[] v, int[] columnOfRow, int[] rowOfColumn)
        {
            Array.Fill(pendingDistance, double.PositiveInfinity);
            for (int j = 0; j < m; j++)
            {
                pending[j] = j;
            }

            int pendingCount = m, row = start, sink = -1, seenCount = 0, settledCount = 0;
            double settledLength = 0;
            while (sink < 0)
            {
                seenRows[seenCount++] = row;
                double shift = settledLength - u[row];
                int bestAt = ScanRow(c, (long)row * m, v, shift, row, pendingCount, rowOfColumn);
                double best = pendingDistance[bestAt];
                settledLength = best;
                int column = pending[bestAt];
                settledColumns[settledCount++] = column;
                distance[column] = best;
                pendingCount--;
                pending[bestAt] = pending[pendingCount];
                pendingDistance[bestAt] = pendingDistance[pendingCount];
                if (rowOfColumn[column] < 0)
                {
                    sink = column;
                }
                else
                {
                    row = rowOfColumn[column];
                }
            }

            // Dual update on the rows and columns the search reached.
            u[start] += settledLength;
            for (int k = 1; k < seenCount; k++)
            {
                int i = seenRows[k];
                u[i] += settledLength - distance[columnOfRow[i]];
            }

            for (int k = 0; k < settledCount; k++)
            {
                int j = settledColumns[k];
                v[j] -= settledLength - distance[j];
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

        // Relaxes the pending columns from one row and returns the position (in pending) of the nearest one; ties
        // prefer a free column so the search ends early.
        private unsafe int ScanRow(double[] c, long offset, double[] v, double shift, int row, int pendingCount, int[] rowOfColumn)
        {
            double best = double.PositiveInfinity;
            int bestAt = -1;
            fixed (double* costRow = &c[offset], vp = v, pd = pendingDistance)
            fixed (int* pc = pending, pred = predecessor, owner = rowOfColumn)
            {
                for (int k = 0; k < pendingCount; k++)
                {
                    int j = pc[k];
                    double length = shift + costRow[j] - vp[j];
                    double dk = pd[k];
                    if (length < dk)
                    {
                        pd[k] = dk = length;
                        pred[j] = row;
                    }

                    if (dk < best || (dk == best && owner[j] < 0))
                    {
                        best = dk;
                        bestAt = k;
                    }
                }
            }

            return bestAt;
        }
    }
}
