namespace FluxMatching.Plotting;

/// <summary>A scalar function sampled on a rectilinear grid, e.g. the curl or divergence of a field.</summary>
/// <param name="Xs">Grid x coordinates, length Nx, increasing.</param>
/// <param name="Ys">Grid y coordinates, length Ny, increasing.</param>
/// <param name="Values">Values [Ny, Nx]: <c>Values[j, i]</c> is the value at (Xs[i], Ys[j]) (row = y, as plotly's
/// heatmap <c>z[row][col]</c>).</param>
public sealed record ScalarGrid(double[] Xs, double[] Ys, double[,] Values)
{
    /// <summary>max |value| over the finite entries (0 when there are none).</summary>
    public double MaxAbs()
    {
        double m = 0;
        foreach (var v in Values)
        {
            if (double.IsFinite(v))
            {
                m = Math.Max(m, Math.Abs(v));
            }
        }

        return m;
    }

    /// <summary>Mean |value| over the finite entries (the reference notebook's "mean |curl|"; NaN when there are none).</summary>
    public double MeanAbs()
    {
        double s = 0;
        int n = 0;
        foreach (var v in Values)
        {
            if (!double.IsFinite(v))
            {
                continue;
            }

            s += Math.Abs(v);
            n++;
        }
        return n == 0 ? double.NaN : s / n;
    }

    /// <summary>The values as jagged rows (<c>z[j][i]</c>), the layout plotly heatmaps take.</summary>
    internal double[][] ToRows()
    {
        int ny = Values.GetLength(0), nx = Values.GetLength(1);
        var rows = new double[ny][];
        for (int j = 0; j < ny; j++)
        {
            rows[j] = new double[nx];
            for (int i = 0; i < nx; i++)
            {
                rows[j][i] = Values[j, i];
            }
        }
        return rows;
    }
}
