namespace FluxMatching.Controllable;

/// <summary>
/// A binned curve of exp1's compatibility panels (the authors' experiments/exp1_controllable/test.py): the x range is cut into equal-width bins
/// (the last bin closed), and each non-empty bin gives its centre, the mean of y and its standard error
/// (ddof 1; 0 for a single value).
/// </summary>
/// <param name="Centers">Bin centres (ascending).</param>
/// <param name="Means">Mean y per bin.</param>
/// <param name="StandardErrors">Standard error of the mean per bin.</param>
public sealed record CompatibilityCurve(IReadOnlyList<double> Centers, IReadOnlyList<double> Means,
    IReadOnlyList<double> StandardErrors)
{
    /// <summary>Bins y by x.</summary>
    /// <param name="x">Metric values (finite), same length as y, at least one.</param>
    /// <param name="y">Loss values.</param>
    /// <param name="bins">Number of bins ≥ 1 (exp1: 12).</param>
    public static CompatibilityCurve Bin(IReadOnlyList<double> x, IReadOnlyList<double> y, int bins = 12)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count == 0 || x.Count != y.Count)
        {
            throw new ArgumentException($"x and y need the same non-zero length, got {x.Count} and {y.Count}.", nameof(y));
        }

        if (bins < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be ≥ 1.");
        }

        double lo = x.Min(), hi = x.Max();
        var edges = new double[bins + 1];
        for (int e = 0; e <= bins; e++)
        {
            edges[e] = lo + (e * ((hi - lo) / bins));
        }

        edges[bins] = hi;
        var centers = new List<double>();
        var means = new List<double>();
        var errors = new List<double>();
        for (int k = 0; k < bins; k++)
        {
            double a = edges[k], b = edges[k + 1];
            var values = Enumerable.Range(0, x.Count)
                .Where(i => x[i] >= a && (b < edges[bins] ? x[i] < b : x[i] <= b))
                .Select(i => y[i]).ToArray();
            if (values.Length == 0)
            {
                continue;
            }

            double mean = values.Average();
            double se = 0;
            if (values.Length > 1)
            {
                double ss = values.Sum(v => (v - mean) * (v - mean));
                se = Math.Sqrt(ss / (values.Length - 1)) / Math.Sqrt(values.Length);
            }

            centers.Add(0.5 * (a + b));
            means.Add(mean);
            errors.Add(se);
        }

        return new CompatibilityCurve(centers, means, errors);
    }

    /// <summary>Inserts one exact point (the score field's star), with standard error 0, keeping x sorted.</summary>
    /// <param name="x">Metric value of the point.</param>
    /// <param name="y">Loss value of the point.</param>
    public CompatibilityCurve WithPoint(double x, double y)
    {
        var order = Centers.Append(x).Select((c, i) => (c, i)).OrderBy(p => p.c).Select(p => p.i).ToArray();
        var cs = Centers.Append(x).ToArray();
        var ms = Means.Append(y).ToArray();
        var es = StandardErrors.Append(0.0).ToArray();
        return new CompatibilityCurve(order.Select(i => cs[i]).ToArray(), order.Select(i => ms[i]).ToArray(),
            order.Select(i => es[i]).ToArray());
    }
}
