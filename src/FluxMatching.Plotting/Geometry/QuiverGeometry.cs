namespace FluxMatching.Plotting;

/// <summary>
/// Arrow geometry for quiver plots (as plotly.py's <c>figure_factory.create_quiver</c>): per arrow a shaft from the base
/// (x, y) to the tip (x + dx, y + dy) and two barbs, written as 7 path entries
/// <c>base, tip, NaN, barb₁, tip, barb₂, NaN</c>, so any number of arrows is one NaN-separated <see cref="LinePath"/>.
/// </summary>
public static class QuiverGeometry
{
    /// <summary>Path entries written per arrow (shaft 2 + NaN, barbs 3 + NaN).</summary>
    public const int EntriesPerArrow = 7;

    /// <summary>Builds the arrows. Arrows with |f| = 0 or non-finite components have no direction and are skipped.</summary>
    /// <param name="x">Arrow bases x, length K.</param>
    /// <param name="y">Arrow bases y, length K.</param>
    /// <param name="u">Field x components, length K.</param>
    /// <param name="v">Field y components, length K.</param>
    /// <param name="arrowLength">Length of a normalised arrow (or of the longest arrow), &gt; 0.</param>
    /// <param name="options">Normalisation and barb shape.</param>
    /// <param name="scaleMagnitude">Magnitude mapped to <paramref name="arrowLength"/> when not normalising
    /// (default: the largest |f| among the arrows).</param>
    public static LinePath Arrows(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double> u,
        IReadOnlyList<double> v, double arrowLength, QuiverOptions? options = null, double? scaleMagnitude = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(v);
        if (y.Count != x.Count || u.Count != x.Count || v.Count != x.Count)
        {
            throw new ArgumentException($"x, y, u, v must have equal lengths; got {x.Count}, {y.Count}, {u.Count}, {v.Count}.", nameof(u));
        }

        if (!double.IsFinite(arrowLength) || arrowLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(arrowLength), arrowLength, "arrowLength must be finite and > 0.");
        }

        options ??= new QuiverOptions();
        options.Validate();
        double maxMag = scaleMagnitude ?? 0;
        if (scaleMagnitude is null)
        {
            for (int k = 0; k < x.Count; k++)
            {
                double m = Math.Sqrt(u[k] * u[k] + v[k] * v[k]);
                if (double.IsFinite(m))
                {
                    maxMag = Math.Max(maxMag, m);
                }
            }
        }

        double phi = options.BarbAngleDegrees * Math.PI / 180;
        var px = new List<double>(x.Count * EntriesPerArrow);
        var py = new List<double>(x.Count * EntriesPerArrow);
        for (int k = 0; k < x.Count; k++)
        {
            double mag = Math.Sqrt(u[k] * u[k] + v[k] * v[k]);
            if (!(mag > 0) || !double.IsFinite(mag) || !double.IsFinite(x[k]) || !double.IsFinite(y[k]))
            {
                continue;
            }

            double len = options.Normalize ? arrowLength : arrowLength * mag / maxMag;
            double dx = u[k] / mag * len, dy = v[k] / mag * len;
            double tx = x[k] + dx, ty = y[k] + dy;
            double theta = Math.Atan2(dy, dx), barb = options.BarbFraction * len;
            px.AddRange([x[k], tx, double.NaN, tx - barb * Math.Cos(theta + phi), tx, tx - barb * Math.Cos(theta - phi), double.NaN]);
            py.AddRange([y[k], ty, double.NaN, ty - barb * Math.Sin(theta + phi), ty, ty - barb * Math.Sin(theta - phi), double.NaN]);
        }
        return new LinePath(px.ToArray(), py.ToArray());
    }
}
