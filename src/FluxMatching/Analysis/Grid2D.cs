namespace FluxMatching.Analysis;

/// <summary>
/// A rectangular node grid on [XMin, XMax] × [YMin, YMax] with Nx × Ny nodes (numpy's <c>linspace</c> spacing,
/// both ends included). Nodes are ordered with <c>ij</c> indexing, as in the reference's exp1: node index
/// <c>i·Ny + j</c> is the point (x_i, y_j).
/// </summary>
/// <param name="XMin">Left edge (default −5.5, the exp1 box).</param>
/// <param name="XMax">Right edge, &gt; XMin (default 5.5).</param>
/// <param name="YMin">Bottom edge (default −5.5).</param>
/// <param name="YMax">Top edge, &gt; YMin (default 5.5).</param>
/// <param name="Nx">Nodes along x, ≥ 3 (default 25, the exp1 grid).</param>
/// <param name="Ny">Nodes along y, ≥ 3 (default 25).</param>
public sealed record Grid2D(
    double XMin = -5.5,
    double XMax = 5.5,
    double YMin = -5.5,
    double YMax = 5.5,
    int Nx = 25,
    int Ny = 25)
{
    /// <summary>A square grid [−limit, limit]² with n × n nodes.</summary>
    /// <param name="limit">Half-width of the box, finite and &gt; 0.</param>
    /// <param name="n">Nodes per axis, ≥ 3.</param>
    public static Grid2D Square(double limit, int n)
    {
        var grid = new Grid2D(-limit, limit, -limit, limit, n, n);
        grid.Validate();
        return grid;
    }

    /// <summary>Total number of nodes Nx·Ny.</summary>
    public int Count => Nx * Ny;

    /// <summary>The x coordinates x_0 … x_{Nx−1} (numpy linspace: start + i·step, last = XMax exactly).</summary>
    public double[] Xs => Linspace(XMin, XMax, Nx);

    /// <summary>The y coordinates y_0 … y_{Ny−1}.</summary>
    public double[] Ys => Linspace(YMin, YMax, Ny);

    /// <summary>Spacing along x, computed as x_1 − x_0 (as the reference does).</summary>
    public double Hx => Xs[1] - Xs[0];

    /// <summary>Spacing along y, y_1 − y_0.</summary>
    public double Hy => Ys[1] - Ys[0];

    /// <summary>The node index of (x_i, y_j): i·Ny + j.</summary>
    /// <param name="i">x index.</param>
    /// <param name="j">y index.</param>
    public int Index(int i, int j) => (i * Ny) + j;

    /// <summary>All nodes as a [Nx·Ny, 2] array in <c>ij</c> order.</summary>
    public double[,] Points()
    {
        Validate();
        var xs = Xs;
        var ys = Ys;
        var points = new double[Count, 2];
        for (int i = 0; i < Nx; i++)
        {
            for (int j = 0; j < Ny; j++)
            {
                points[Index(i, j), 0] = xs[i];
                points[Index(i, j), 1] = ys[j];
            }
        }

        return points;
    }

    /// <summary>All nodes flattened row-major ([Nx·Ny·2] values: x0, y0, x1, y1, …), ready for a [N, 2] tensor.</summary>
    public double[] PointsFlat()
    {
        var p = Points();
        var flat = new double[Count * 2];
        Buffer.BlockCopy(p, 0, flat, 0, flat.Length * sizeof(double));
        return flat;
    }

    /// <summary>Throws when the box or the node counts are invalid.</summary>
    public void Validate()
    {
        if (!double.IsFinite(XMin) || !double.IsFinite(XMax) || !(XMax > XMin))
        {
            throw new ArgumentOutOfRangeException("grid.XMax", XMax, $"Need finite XMin < XMax, got [{XMin}, {XMax}].");
        }

        if (!double.IsFinite(YMin) || !double.IsFinite(YMax) || !(YMax > YMin))
        {
            throw new ArgumentOutOfRangeException("grid.YMax", YMax, $"Need finite YMin < YMax, got [{YMin}, {YMax}].");
        }

        if (Nx < 3)
        {
            throw new ArgumentOutOfRangeException("grid.Nx", Nx, "Nx must be ≥ 3.");
        }

        if (Ny < 3)
        {
            throw new ArgumentOutOfRangeException("grid.Ny", Ny, "Ny must be ≥ 3.");
        }
    }

    private static double[] Linspace(double start, double stop, int n)
    {
        var values = new double[n];
        double step = (stop - start) / (n - 1);
        for (int i = 0; i < n; i++)
        {
            values[i] = start + (i * step);
        }

        values[n - 1] = stop;
        return values;
    }
}
