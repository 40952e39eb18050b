namespace FluxMatching.Plotting;

using FluxMatching.Analysis;
using Plotly.NET;

/// <summary>Charts of vector fields tabulated on an analysis grid (<see cref="Grid2D"/>, values [Nx, Ny, 2] as
/// <see cref="GridEvaluator"/> and <see cref="HelmholtzHodge"/> return them).</summary>
public static class AnalysisGridCharts
{
    /// <summary>The tabulated field as a <see cref="FieldGrid"/>, keeping every <paramref name="stride"/>-th node along
    /// each axis (from the first).</summary>
    /// <param name="grid">The grid of <paramref name="values"/>.</param>
    /// <param name="values">Field values [Nx, Ny, 2] (x index first).</param>
    /// <param name="stride">Keep every stride-th node, ≥ 1 (default 1: all), leaving at least 2 nodes per axis.</param>
    public static FieldGrid ToFieldGrid(Grid2D grid, double[,,] values, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(values);
        if (values.GetLength(0) != grid.Nx || values.GetLength(1) != grid.Ny || values.GetLength(2) != 2)
        {
            throw new ArgumentException($"values must have shape [Nx, Ny, 2] = [{grid.Nx}, {grid.Ny}, 2]; got " +
                $"[{values.GetLength(0)}, {values.GetLength(1)}, {values.GetLength(2)}].", nameof(values));
        }

        int nx = ((grid.Nx - 1) / Math.Max(stride, 1)) + 1, ny = ((grid.Ny - 1) / Math.Max(stride, 1)) + 1;
        if (stride < 1 || nx < 2 || ny < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"stride must be ≥ 1 and leave ≥ 2 nodes per axis of the {grid.Nx} × {grid.Ny} grid.");
        }

        var u = new double[ny, nx];
        var v = new double[ny, nx];
        for (int i = 0; i < nx; i++)
        {
            for (int j = 0; j < ny; j++)
            {
                (u[j, i], v[j, i]) = (values[i * stride, j * stride, 0], values[i * stride, j * stride, 1]);
            }
        }

        var xs = grid.Xs;
        var ys = grid.Ys;
        return new FieldGrid(Enumerable.Range(0, nx).Select(i => xs[i * stride]).ToArray(),
                             Enumerable.Range(0, ny).Select(j => ys[j * stride]).ToArray(), u, v);
    }

    /// <summary>Quiver plot of a tabulated field (every <paramref name="stride"/>-th node), optionally over data points.</summary>
    /// <param name="grid">The grid of <paramref name="values"/>.</param>
    /// <param name="values">Field values [Nx, Ny, 2].</param>
    /// <param name="stride">Arrow at every stride-th node (default 4).</param>
    /// <param name="background">Data points drawn behind the arrows (null: none).</param>
    /// <param name="options">Arrow style (null: defaults).</param>
    public static GenericChart Quiver(Grid2D grid, double[,,] values, int stride = 4, PointSet? background = null,
        QuiverOptions? options = null) =>
        FieldCharts.Quiver(ToFieldGrid(grid, values, stride), options, background);
}
