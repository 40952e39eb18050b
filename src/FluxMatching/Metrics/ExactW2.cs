namespace FluxMatching.Metrics;

using static TorchSharp.torch;

/// <summary>
/// Exact W₂ between two empirical measures with N points each: the optimal assignment of the squared-Euclidean cost
/// matrix (<see cref="LinearAssignment"/>), W₂² = mean assigned cost — what the springs experiment (exp5) computes with
/// SciPy's <c>linear_sum_assignment</c>. The points are copied to the CPU in float64 explicitly (the solver runs on
/// managed arrays); cost O(N²D) to build and O(N³) to solve.
/// </summary>
public static class ExactW2
{
    /// <summary>Default largest N accepted by <see cref="Compute"/>.</summary>
    public const int DefaultMaxPoints = 2000;

    /// <summary>Exact W₂ between <paramref name="x"/> [N, D] and <paramref name="y"/> [N, D].</summary>
    /// <param name="x">First sample [N, D], finite.</param>
    /// <param name="y">Second sample [N, D] (same N and D), finite.</param>
    /// <param name="maxPoints">Largest N allowed (default 2,000), a guard against accidental O(N³) work.</param>
    public static ExactW2Result Compute(Tensor x, Tensor y, int maxPoints = DefaultMaxPoints)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var (a, b) = PointClouds.Prepare(x, y, 1, nameof(x), nameof(y));
        if (a.shape[0] != b.shape[0])
        {
            throw new ArgumentException($"x has {a.shape[0]} points and y has {b.shape[0]}; exact W2 needs equal sizes.", nameof(y));
        }

        if (a.shape[0] > maxPoints)
        {
            throw new ArgumentOutOfRangeException(nameof(x), a.shape[0], $"Exact W2 accepts at most maxPoints = {maxPoints} points.");
        }

        int n = (int)a.shape[0], d = (int)a.shape[1];
        var xs = a.cpu().contiguous().data<double>().ToArray();
        var ys = b.cpu().contiguous().data<double>().ToArray();
        var cost = SquaredDistances(xs, ys, n, d);
        var assignment = LinearAssignment.Solve(cost, n, n);
        double mean = assignment.TotalCost / n;
        return new ExactW2Result(mean, Math.Sqrt(mean), assignment.RowToColumn);
    }

    /// <summary>Row-major [n, n] matrix of ‖x_i − y_j‖² from direct differences.</summary>
    private static double[] SquaredDistances(double[] xs, double[] ys, int n, int d)
    {
        var cost = new double[(long)n * n];
        Parallel.For(0, n, i =>
        {
            long xi = (long)i * d, row = (long)i * n;
            for (int j = 0; j < n; j++)
            {
                long yj = (long)j * d;
                double s = 0;
                for (int k = 0; k < d; k++)
                {
                    double diff = xs[xi + k] - ys[yj + k];
                    s += diff * diff;
                }

                cost[row + j] = s;
            }
        });
        return cost;
    }
}
