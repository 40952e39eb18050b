namespace FluxMatching.Controllable;

using MathNet.Numerics.LinearAlgebra;

/// <summary>
/// exp1's mixing speed (the authors' experiments/exp1_controllable/test.py): for a drift u on the grid, the generator of dX = u dt + √2 dW is
/// G = Lap + diag(u_x) ∂x + diag(u_y) ∂y; for each observable f ∈ {x, y, r, cos θ, sin θ}, centred under the grid
/// weights w (f̃ = f − w·f), ψ solves (−G + 1wᵀ) ψ = f̃ (the rank-one term pins the constants), and the integrated
/// autocorrelation time is τ = 2 (w·(f̃ ψ)) / max(Var_w f, 1e-12) (non-finite → 1e8, floored at 1e-8). The speed is
/// 1/max(mean τ, 1e-8). The 625 × 625 system is dense (rank-one term): one MathNet LU, five right-hand sides.
/// </summary>
public sealed class MixingSpeedCalculator
{
    private readonly ControllableGrid grid;
    private readonly double[] w;
    private readonly Matrix<double> centred;   // [N, 5] f̃
    private readonly double[] variances;       // [5]

    /// <summary>Creates the calculator.</summary>
    /// <param name="grid">The grid.</param>
    /// <param name="weights">Node weights [n²] (finite, ≥ 0, positive sum; normalised here), e.g. p on the grid.</param>
    public MixingSpeedCalculator(ControllableGrid grid, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count != grid.Count || weights.Any(v => !double.IsFinite(v) || v < 0) || !(weights.Sum() > 0))
        {
            throw new ArgumentException(
                $"weights must hold {grid.Count} finite values ≥ 0 with a positive sum (got {weights.Count} values).",
                nameof(weights));
        }

        this.grid = grid;
        double total = weights.Sum();
        w = weights.Select(v => v / total).ToArray();
        int n = grid.Count;
        centred = Matrix<double>.Build.Dense(n, 5);
        variances = new double[5];
        var observables = Observables(grid.Points);
        for (int k = 0; k < 5; k++)
        {
            double mean = 0;
            for (int i = 0; i < n; i++)
            {
                mean += w[i] * observables[k][i];
            }

            double variance = 0;
            for (int i = 0; i < n; i++)
            {
                double f = observables[k][i] - mean;
                centred[i, k] = f;
                variance += w[i] * f * f;
            }

            variances[k] = variance;
        }
    }

    /// <summary>The normalised weights w [n²].</summary>
    public IReadOnlyList<double> Weights => w;

    /// <summary>The mixing speed of a drift given on the grid.</summary>
    /// <param name="drift">u at the nodes [n², 2], finite.</param>
    public MixingSpeedResult Compute(double[,] drift)
    {
        grid.CheckField(drift, nameof(drift));
        int n = grid.Count;
        var a = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[i, j] = w[j];
            }
        }

        foreach (var (i, j, v) in grid.Laplacian.EnumerateIndexed(Zeros.AllowSkip))
        {
            a[i, j] -= v;
        }

        foreach (var (i, j, v) in grid.Dx.EnumerateIndexed(Zeros.AllowSkip))
        {
            a[i, j] -= drift[i, 0] * v;
        }

        foreach (var (i, j, v) in grid.Dy.EnumerateIndexed(Zeros.AllowSkip))
        {
            a[i, j] -= drift[i, 1] * v;
        }

        var psi = a.LU().Solve(centred);
        var taus = new double[5];
        for (int k = 0; k < 5; k++)
        {
            double dot = 0;
            for (int i = 0; i < n; i++)
            {
                dot += w[i] * centred[i, k] * psi[i, k];
            }

            double tau = 2.0 * dot / Math.Max(variances[k], 1e-12);
            taus[k] = Math.Max(double.IsFinite(tau) ? tau : 1e8, 1e-8);
        }

        return new MixingSpeedResult(1.0 / Math.Max(taus.Average(), 1e-8), taus);
    }

    /// <summary>Shorthand for <c>Compute(drift).Speed</c>.</summary>
    /// <param name="drift">u at the nodes [n², 2].</param>
    public double MixingSpeed(double[,] drift) => Compute(drift).Speed;

    private static double[][] Observables(double[,] points)
    {
        int n = points.GetLength(0);
        var o = new double[5][];
        for (int k = 0; k < 5; k++)
        {
            o[k] = new double[n];
        }

        for (int i = 0; i < n; i++)
        {
            double x = points[i, 0], y = points[i, 1], th = Math.Atan2(y, x);
            o[0][i] = x;
            o[1][i] = y;
            o[2][i] = Math.Sqrt((x * x) + (y * y) + 1e-12);
            o[3][i] = Math.Cos(th);
            o[4][i] = Math.Sin(th);
        }

        return o;
    }
}
