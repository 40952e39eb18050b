namespace FluxMatching.Plotting;

/// <summary>An axis-aligned rectangle [XMin, XMax] × [YMin, YMax] in data coordinates: the region a chart shows and
/// where fields are evaluated.</summary>
public sealed record Bounds2D
{
    /// <summary>Creates the rectangle; every bound must be finite and each minimum below its maximum.</summary>
    /// <param name="xMin">Left edge.</param>
    /// <param name="xMax">Right edge, &gt; <paramref name="xMin"/>.</param>
    /// <param name="yMin">Bottom edge.</param>
    /// <param name="yMax">Top edge, &gt; <paramref name="yMin"/>.</param>
    public Bounds2D(double xMin, double xMax, double yMin, double yMax)
    {
        if (!double.IsFinite(xMin) || !double.IsFinite(xMax) || !(xMin < xMax))
        {
            throw new ArgumentException($"x range must be finite with xMin < xMax; got [{xMin}, {xMax}].", nameof(xMin));
        }

        if (!double.IsFinite(yMin) || !double.IsFinite(yMax) || !(yMin < yMax))
        {
            throw new ArgumentException($"y range must be finite with yMin < yMax; got [{yMin}, {yMax}].", nameof(yMin));
        }

        (XMin, XMax, YMin, YMax) = (xMin, xMax, yMin, yMax);
    }

    /// <summary>Left edge.</summary>
    public double XMin { get; }

    /// <summary>Right edge.</summary>
    public double XMax { get; }

    /// <summary>Bottom edge.</summary>
    public double YMin { get; }

    /// <summary>Top edge.</summary>
    public double YMax { get; }

    /// <summary>XMax − XMin.</summary>
    public double Width => XMax - XMin;

    /// <summary>YMax − YMin.</summary>
    public double Height => YMax - YMin;

    /// <summary>The square [−h, h]², e.g. <c>Square(4.5)</c> for the reference notebook's field plots.</summary>
    /// <param name="halfWidth">Half the side length, &gt; 0.</param>
    public static Bounds2D Square(double halfWidth)
    {
        if (!double.IsFinite(halfWidth) || halfWidth <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(halfWidth), halfWidth, "halfWidth must be finite and > 0.");
        }

        return new Bounds2D(-halfWidth, halfWidth, -halfWidth, halfWidth);
    }

    /// <summary>The smallest square centred at the origin that holds every finite point, enlarged by
    /// <paramref name="padding"/> (a fraction of the half width). Falls back to [−1, 1]² when there is no finite point.</summary>
    /// <param name="points">Points to enclose.</param>
    /// <param name="padding">Relative margin, ≥ 0 (default 0.1 = 10%).</param>
    public static Bounds2D SymmetricAround(PointSet points, double padding = 0.1)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (!double.IsFinite(padding) || padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be finite and ≥ 0.");
        }

        double m = 0;
        for (int i = 0; i < points.Count; i++)
        {
            double ax = Math.Abs(points.X[i]), ay = Math.Abs(points.Y[i]);
            if (double.IsFinite(ax) && double.IsFinite(ay))
            {
                m = Math.Max(m, Math.Max(ax, ay));
            }
        }
        return Square(m > 0 ? m * (1 + padding) : 1.0);
    }

    /// <summary>True when (x, y) lies inside the closed rectangle.</summary>
    public bool Contains(double x, double y) => x >= XMin && x <= XMax && y >= YMin && y <= YMax;
}
