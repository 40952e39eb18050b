namespace FluxMatching.Analysis;

using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

/// <summary>
/// The p-weighted Helmholtz–Hodge split of a 2-D vector field on a grid (beyond the paper): f = ∇φ + v with
/// ∇·(p v) = 0, i.e. φ solves the weighted Poisson equation ∇·(p ∇φ) = ∇·(p f) with the no-flux condition
/// p(f − ∇φ)·n = 0 on the box. In Flux Matching terms, a generative field of p is f = ∇log p + v with ∇·(p v) = 0
/// (paper Eq. 3), so the split recovers the score as ∇φ (φ = log p + const) and the stationarity-preserving rotation
/// as v; the two parts are orthogonal in L²(p).
/// </summary>
/// <remarks>
/// Discretisation (finite volumes on the node grid, second order): the flux through the face between neighbouring
/// nodes a, b is p_ab·((φ_b − φ_a)/h − f_ab) with p_ab and f_ab the averages of the two nodes; every node balances
/// its face fluxes, and faces on the box border carry no flux. The resulting symmetric positive-semidefinite system
/// (assembled as a MathNet.Numerics sparse matrix) has the constants as its null space: φ is pinned at the node of
/// largest p, solved by a band Cholesky factorisation (half-bandwidth Ny), and shifted to a zero p-weighted mean.
/// ∇φ at the nodes uses central differences (one-sided on the border).
/// </remarks>
public static class HelmholtzHodge
{
    /// <summary>Splits a field given on the nodes of a grid.</summary>
    /// <param name="grid">The node grid (Nx, Ny ≥ 3).</param>
    /// <param name="density">p at the nodes [Nx, Ny]: finite, ≥ 0, not all zero (any normalisation).</param>
    /// <param name="field">f at the nodes [Nx, Ny, 2], finite.</param>
    /// <param name="options">Settings (null: defaults).</param>
    public static HelmholtzHodgeResult Decompose(Grid2D grid, double[,] density, double[,,] field,
        HelmholtzHodgeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        grid.Validate();
        options ??= new HelmholtzHodgeOptions();
        options.Validate();
        Validate(grid, density, field);
        int nx = grid.Nx, ny = grid.Ny, count = grid.Count;
        double hx = grid.Hx, hy = grid.Hy;

        double pMax = 0;
        int pinned = 0;
        for (int i = 0; i < nx; i++)
        {
            for (int j = 0; j < ny; j++)
            {
                if (density[i, j] > pMax)
                {
                    pMax = density[i, j];
                    pinned = grid.Index(i, j);
                }
            }
        }

        double floor = options.RelativeDensityFloor * pMax;
        var diagonal = new double[count];
        var offDiagonal = new List<(int Row, int Column, double Value)>(4 * count);
        var rhs = new double[count];
        for (int i = 0; i < nx; i++)
        {
            for (int j = 0; j < ny; j++)
            {
                if (i + 1 < nx)
                {
                    AddFace(diagonal, offDiagonal, rhs, grid.Index(i, j), grid.Index(i + 1, j), hx,
                        Math.Max(0.5 * (density[i, j] + density[i + 1, j]), floor),
                        0.5 * (field[i, j, 0] + field[i + 1, j, 0]));
                }

                if (j + 1 < ny)
                {
                    AddFace(diagonal, offDiagonal, rhs, grid.Index(i, j), grid.Index(i, j + 1), hy,
                        Math.Max(0.5 * (density[i, j] + density[i, j + 1]), floor),
                        0.5 * (field[i, j, 1] + field[i, j + 1, 1]));
                }
            }
        }

        var matrix = Assemble(count, diagonal, offDiagonal, pinned: -1);
        var phi = new BandedCholesky(Assemble(count, diagonal, offDiagonal, pinned), ny).Solve(PinnedRhs(rhs, pinned));
        double residual = RelativeResidual(matrix, phi, rhs);

        double mass = 0, weighted = 0;
        for (int k = 0; k < count; k++)
        {
            double p = density[k / ny, k % ny];
            mass += p;
            weighted += p * phi[k];
        }

        var potential = new double[nx, ny];
        for (int k = 0; k < count; k++)
        {
            potential[k / ny, k % ny] = phi[k] - (weighted / mass);
        }

        var gradient = Gradient(potential, hx, hy);
        var remainder = new double[nx, ny, 2];
        for (int i = 0; i < nx; i++)
        {
            for (int j = 0; j < ny; j++)
            {
                remainder[i, j, 0] = field[i, j, 0] - gradient[i, j, 0];
                remainder[i, j, 1] = field[i, j, 1] - gradient[i, j, 1];
            }
        }

        return new HelmholtzHodgeResult(grid, (double[,])density.Clone(), (double[,,])field.Clone(), potential,
            gradient, remainder, residual);
    }

    /// <summary>‖a − b‖_{L²(p)} / ‖b‖_{L²(p)} for vector grids [Nx, Ny, 2] and node weights p [Nx, Ny].</summary>
    /// <param name="density">p [Nx, Ny], ≥ 0.</param>
    /// <param name="estimate">a [Nx, Ny, 2].</param>
    /// <param name="truth">b [Nx, Ny, 2], with ‖b‖_{L²(p)} &gt; 0.</param>
    public static double RelativeWeightedError(double[,] density, double[,,] estimate, double[,,] truth)
    {
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(truth);
        int nx = density.GetLength(0), ny = density.GetLength(1);
        foreach (var (name, a) in new[] { (nameof(estimate), estimate), (nameof(truth), truth) })
        {
            if (a.GetLength(0) != nx || a.GetLength(1) != ny || a.GetLength(2) != 2)
            {
                throw new ArgumentException(
                    $"{name} is [{a.GetLength(0)}, {a.GetLength(1)}, {a.GetLength(2)}]; expected [{nx}, {ny}, 2].", name);
            }
        }

        double num = 0, den = 0;
        for (int i = 0; i < nx; i++)
        {
            for (int j = 0; j < ny; j++)
            {
                for (int c = 0; c < 2; c++)
                {
                    double d = estimate[i, j, c] - truth[i, j, c];
                    num += density[i, j] * d * d;
                    den += density[i, j] * truth[i, j, c] * truth[i, j, c];
                }
            }
        }

        if (!(den > 0))
        {
            throw new ArgumentException("truth is zero in L²(p); the relative error is undefined.", nameof(truth));
        }

        return Math.Sqrt(num / den);
    }

    // Face between nodes a (lower index side) and b (the + neighbour): K_aa += w, K_bb += w, K_ab = K_ba = −w with
    // w = p_ab/h²; the flux balance Σ_faces p_ab((φ_b − φ_a)/h − f_ab) = 0 gives c_a −= p_ab f_ab/h, c_b += p_ab f_ab/h
    // for K φ = c with K = −(weighted Laplacian).
    private static void AddFace(double[] diagonal, List<(int Row, int Column, double Value)> offDiagonal, double[] rhs,
        int a, int b, double h, double pFace, double fFace)
    {
        double w = pFace / (h * h);
        diagonal[a] += w;
        diagonal[b] += w;
        offDiagonal.Add((a, b, -w));
        offDiagonal.Add((b, a, -w));
        double flux = pFace * fFace / h;
        rhs[a] -= flux;
        rhs[b] += flux;
    }

    // The sparse operator; with pinned ≥ 0 its row and column are replaced by the identity (φ_pinned = 0).
    private static Matrix<double> Assemble(int count, double[] diagonal,
        List<(int Row, int Column, double Value)> offDiagonal, int pinned)
    {
        var entries = new List<Tuple<int, int, double>>(count + offDiagonal.Count);
        for (int k = 0; k < count; k++)
        {
            entries.Add(Tuple.Create(k, k, k == pinned ? 1.0 : diagonal[k]));
        }

        foreach (var (row, column, value) in offDiagonal)
        {
            if (row != pinned && column != pinned)
            {
                entries.Add(Tuple.Create(row, column, value));
            }
        }

        return SparseMatrix.OfIndexed(count, count, entries);
    }

    private static double[] PinnedRhs(double[] rhs, int pinned)
    {
        var c = (double[])rhs.Clone();
        c[pinned] = 0.0;
        return c;
    }

    private static double RelativeResidual(Matrix<double> matrix, double[] phi, double[] rhs)
    {
        var r = matrix.Multiply(Vector<double>.Build.DenseOfArray(phi)) - Vector<double>.Build.DenseOfArray(rhs);
        double norm = Vector<double>.Build.DenseOfArray(rhs).L2Norm();
        return norm > 0 ? r.L2Norm() / norm : r.L2Norm();
    }

    private static double[,,] Gradient(double[,] phi, double hx, double hy)
    {
        int nx = phi.GetLength(0), ny = phi.GetLength(1);
        var g = new double[nx, ny, 2];
        for (int i = 0; i < nx; i++)
        {
            for (int j = 0; j < ny; j++)
            {
                g[i, j, 0] = i == 0 ? (phi[1, j] - phi[0, j]) / hx
                    : i == nx - 1 ? (phi[i, j] - phi[i - 1, j]) / hx
                    : (phi[i + 1, j] - phi[i - 1, j]) / (2 * hx);
                g[i, j, 1] = j == 0 ? (phi[i, 1] - phi[i, 0]) / hy
                    : j == ny - 1 ? (phi[i, j] - phi[i, j - 1]) / hy
                    : (phi[i, j + 1] - phi[i, j - 1]) / (2 * hy);
            }
        }

        return g;
    }

    private static void Validate(Grid2D grid, double[,] density, double[,,] field)
    {
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(field);
        if (density.GetLength(0) != grid.Nx || density.GetLength(1) != grid.Ny)
        {
            throw new ArgumentException(
                $"density is [{density.GetLength(0)}, {density.GetLength(1)}]; expected [{grid.Nx}, {grid.Ny}].",
                nameof(density));
        }

        if (field.GetLength(0) != grid.Nx || field.GetLength(1) != grid.Ny || field.GetLength(2) != 2)
        {
            throw new ArgumentException(
                $"field is [{field.GetLength(0)}, {field.GetLength(1)}, {field.GetLength(2)}]; expected " +
                $"[{grid.Nx}, {grid.Ny}, 2].", nameof(field));
        }

        double total = 0;
        foreach (var p in density)
        {
            if (!double.IsFinite(p) || p < 0)
            {
                throw new ArgumentException($"density holds {p}; every value must be finite and ≥ 0.", nameof(density));
            }

            total += p;
        }

        if (!(total > 0))
        {
            throw new ArgumentException("density is zero everywhere; it needs some positive mass.", nameof(density));
        }

        foreach (var v in field)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException($"field holds {v}; every value must be finite.", nameof(field));
            }
        }
    }
}
