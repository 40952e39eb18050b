namespace FluxMatching.Plotting;

using FluxMatching.Analysis;
using FluxMatching.Fields;

/// <summary>
/// A 2-D vector field f = (f_x, f_y) sampled on a rectilinear grid: the shared input of quiver, curl and divergence
/// plots. <c>U[j, i] = f_x(Xs[i], Ys[j])</c> and <c>V[j, i] = f_y(Xs[i], Ys[j])</c> (row = y index).
/// </summary>
public sealed record FieldGrid
{
    /// <summary>Creates the grid from sampled values.</summary>
    /// <param name="xs">Grid x coordinates, length Nx ≥ 2, strictly increasing.</param>
    /// <param name="ys">Grid y coordinates, length Ny ≥ 2, strictly increasing.</param>
    /// <param name="u">f_x values [Ny, Nx].</param>
    /// <param name="v">f_y values [Ny, Nx].</param>
    public FieldGrid(double[] xs, double[] ys, double[,] u, double[,] v)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(v);
        CheckAxis(xs, nameof(xs));
        CheckAxis(ys, nameof(ys));
        if (u.GetLength(0) != ys.Length || u.GetLength(1) != xs.Length)
        {
            throw new ArgumentException($"u must have shape [Ny, Nx] = [{ys.Length}, {xs.Length}]; got [{u.GetLength(0)}, {u.GetLength(1)}].", nameof(u));
        }

        if (v.GetLength(0) != ys.Length || v.GetLength(1) != xs.Length)
        {
            throw new ArgumentException($"v must have shape [Ny, Nx] = [{ys.Length}, {xs.Length}]; got [{v.GetLength(0)}, {v.GetLength(1)}].", nameof(v));
        }

        (Xs, Ys, U, V) = (xs, ys, u, v);
    }

    /// <summary>Grid x coordinates, length Nx.</summary>
    public double[] Xs { get; }

    /// <summary>Grid y coordinates, length Ny.</summary>
    public double[] Ys { get; }

    /// <summary>f_x values [Ny, Nx].</summary>
    public double[,] U { get; }

    /// <summary>f_y values [Ny, Nx].</summary>
    public double[,] V { get; }

    /// <summary>Evaluates <paramref name="field"/> on a <paramref name="resolution"/>² grid spanning
    /// <paramref name="bounds"/> (edges included): the core's <see cref="Grid2D"/> and <see cref="FieldEvaluator"/>,
    /// in batches under no_grad on the field's device.</summary>
    /// <param name="field">A field with Dimension = 2.</param>
    /// <param name="bounds">Region to sample.</param>
    /// <param name="resolution">Points per axis, 3 … 2048 (the reference notebook uses 20 for arrows, 80 for curl).</param>
    /// <param name="evaluation">Device, dtype and σ for the evaluation (default: follow the field).</param>
    public static FieldGrid Evaluate(IVectorField field, Bounds2D bounds, int resolution, FieldEvaluationOptions? evaluation = null)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        if (resolution is < 3 or > 2048)
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "resolution must be in 3 … 2048.");
        }

        var evaluator = new FieldEvaluator(field, evaluation);
        var grid = new Grid2D(bounds.XMin, bounds.XMax, bounds.YMin, bounds.YMax, resolution, resolution);
        return FromGrid(grid, evaluator.Evaluate(grid));
    }

    /// <summary>A field sampled on a core <see cref="Grid2D"/> (values [Nx, Ny, 2] in <c>ij</c> order, as
    /// <see cref="GridEvaluator"/>, <see cref="FieldEvaluator"/> and <see cref="HelmholtzHodge"/> return them), as a
    /// plot grid (row = y index), keeping every <paramref name="stride"/>-th node along each axis.</summary>
    /// <param name="grid">The node grid.</param>
    /// <param name="values">Field values [Nx, Ny, 2].</param>
    /// <param name="stride">Keep nodes 0, stride, 2·stride, … (≥ 1; e.g. 4 for arrows on a fine analysis grid).</param>
    public static FieldGrid FromGrid(Grid2D grid, double[,,] values, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(values);
        if (values.GetLength(0) != grid.Nx || values.GetLength(1) != grid.Ny || values.GetLength(2) != 2)
        {
            throw new ArgumentException($"values must have shape [Nx, Ny, 2] = [{grid.Nx}, {grid.Ny}, 2]; got [{values.GetLength(0)}, {values.GetLength(1)}, {values.GetLength(2)}].", nameof(values));
        }

        if (stride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "stride must be ≥ 1.");
        }

        var xi = Enumerable.Range(0, (grid.Nx + stride - 1) / stride).Select(k => k * stride).ToArray();
        var yj = Enumerable.Range(0, (grid.Ny + stride - 1) / stride).Select(k => k * stride).ToArray();
        var (gx, gy) = (grid.Xs, grid.Ys);
        var u = new double[yj.Length, xi.Length];
        var v = new double[yj.Length, xi.Length];
        for (int j = 0; j < yj.Length; j++)
        {
            for (int i = 0; i < xi.Length; i++)
            {
                (u[j, i], v[j, i]) = (values[xi[i], yj[j], 0], values[xi[i], yj[j], 1]);
            }
        }

        return new FieldGrid(xi.Select(i => gx[i]).ToArray(), yj.Select(j => gy[j]).ToArray(), u, v);
    }

    /// <summary>|f| at every grid point, [Ny, Nx].</summary>
    public ScalarGrid Magnitude()
    {
        var m = new double[Ys.Length, Xs.Length];
        for (int j = 0; j < Ys.Length; j++)
        {
            for (int i = 0; i < Xs.Length; i++)
            {
                m[j, i] = Math.Sqrt(U[j, i] * U[j, i] + V[j, i] * V[j, i]);
            }
        }

        return new ScalarGrid(Xs, Ys, m);
    }

    /// <summary>The scalar curl ∂f_y/∂x − ∂f_x/∂y by finite differences (central inside, one-sided at the edges, as
    /// numpy.gradient). Exact for fields that are linear in x and y, e.g. 2 for the rigid rotation (−y, x).</summary>
    public ScalarGrid Curl()
    {
        var dvdx = GridDerivative.AlongX(V, Xs);
        var dudy = GridDerivative.AlongY(U, Ys);
        var c = new double[Ys.Length, Xs.Length];
        for (int j = 0; j < Ys.Length; j++)
        {
            for (int i = 0; i < Xs.Length; i++)
            {
                c[j, i] = dvdx[j, i] - dudy[j, i];
            }
        }

        return new ScalarGrid(Xs, Ys, c);
    }

    /// <summary>The divergence ∂f_x/∂x + ∂f_y/∂y by finite differences (as <see cref="Curl"/>); 2 for f = (x, y).</summary>
    public ScalarGrid Divergence()
    {
        var dudx = GridDerivative.AlongX(U, Xs);
        var dvdy = GridDerivative.AlongY(V, Ys);
        var d = new double[Ys.Length, Xs.Length];
        for (int j = 0; j < Ys.Length; j++)
        {
            for (int i = 0; i < Xs.Length; i++)
            {
                d[j, i] = dudx[j, i] + dvdy[j, i];
            }
        }

        return new ScalarGrid(Xs, Ys, d);
    }

    private static void CheckAxis(double[] axis, string name)
    {
        if (axis.Length < 2)
        {
            throw new ArgumentException($"{name} needs at least 2 points; got {axis.Length}.", name);
        }

        for (int k = 1; k < axis.Length; k++)
        {
            if (!(axis[k] > axis[k - 1]) || !double.IsFinite(axis[k]))
            {
                throw new ArgumentException($"{name} must be finite and strictly increasing; {name}[{k - 1}] = {axis[k - 1]}, {name}[{k}] = {axis[k]}.", name);
            }
        }
    }
}
