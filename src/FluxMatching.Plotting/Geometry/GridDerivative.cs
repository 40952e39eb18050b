namespace FluxMatching.Plotting;

/// <summary>First derivatives of gridded values by finite differences: central differences
/// (f[k+1] − f[k−1]) / (t[k+1] − t[k−1]) inside, one-sided differences at the two edges (numpy.gradient, edge order 1).</summary>
internal static class GridDerivative
{
    /// <summary>∂f/∂x of values [Ny, Nx] on x coordinates <paramref name="xs"/> (length Nx).</summary>
    public static double[,] AlongX(double[,] f, double[] xs)
    {
        int ny = f.GetLength(0), nx = f.GetLength(1);
        var d = new double[ny, nx];
        for (int j = 0; j < ny; j++)
        {
            for (int i = 0; i < nx; i++)
            {
                int lo = Math.Max(i - 1, 0), hi = Math.Min(i + 1, nx - 1);
                d[j, i] = (f[j, hi] - f[j, lo]) / (xs[hi] - xs[lo]);
            }
        }

        return d;
    }

    /// <summary>∂f/∂y of values [Ny, Nx] on y coordinates <paramref name="ys"/> (length Ny).</summary>
    public static double[,] AlongY(double[,] f, double[] ys)
    {
        int ny = f.GetLength(0), nx = f.GetLength(1);
        var d = new double[ny, nx];
        for (int j = 0; j < ny; j++)
        {
            int lo = Math.Max(j - 1, 0), hi = Math.Min(j + 1, ny - 1);
            for (int i = 0; i < nx; i++)
            {
                d[j, i] = (f[hi, i] - f[lo, i]) / (ys[hi] - ys[lo]);
            }
        }
        return d;
    }
}
