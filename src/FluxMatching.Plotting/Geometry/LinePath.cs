namespace FluxMatching.Plotting;

/// <summary>
/// Many polylines packed into one pair of coordinate arrays, separated by NaN entries, so that a single plotly line
/// trace draws them all (plotly.js draws a gap at every NaN). This is how quiver arrows and streamlines are drawn:
/// plotly has neither trace type, and one trace with thousands of segments stays fast.
/// </summary>
/// <param name="X">x coordinates with NaN separators.</param>
/// <param name="Y">y coordinates with NaN separators (NaN exactly where <paramref name="X"/> is NaN).</param>
public sealed record LinePath(double[] X, double[] Y)
{
    /// <summary>An empty path.</summary>
    public static LinePath Empty { get; } = new([], []);

    /// <summary>Joins polylines, writing one NaN separator after each.</summary>
    /// <param name="lines">Polylines; ones with fewer than two vertices are skipped.</param>
    public static LinePath Join(IEnumerable<Polyline> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var x = new List<double>();
        var y = new List<double>();
        foreach (var line in lines)
        {
            if (line.Count < 2)
            {
                continue;
            }

            x.AddRange(line.X);
            y.AddRange(line.Y);
            x.Add(double.NaN);
            y.Add(double.NaN);
        }
        return new LinePath(x.ToArray(), y.ToArray());
    }

    /// <summary>Splits the path at its NaN separators back into polylines (empty pieces are dropped).</summary>
    public IReadOnlyList<Polyline> Split()
    {
        var result = new List<Polyline>();
        int start = 0;
        for (int i = 0; i <= X.Length; i++)
        {
            if (i < X.Length && !double.IsNaN(X[i]))
            {
                continue;
            }

            if (i > start)
            {
                result.Add(new Polyline(X[start..i], Y[start..i]));
            }

            start = i + 1;
        }
        return result;
    }
}
