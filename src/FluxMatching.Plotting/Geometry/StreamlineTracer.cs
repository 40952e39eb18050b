namespace FluxMatching.Plotting;

using FluxMatching.Analysis;
using FluxMatching.Fields;

/// <summary>
/// Integrates streamlines of a 2-D field with the classical fourth-order Runge–Kutta scheme (RK4), all seeds in one
/// batch per stage: p ← p + h/6 (k₁ + 2k₂ + 2k₃ + k₄) with k₁ = F(p), k₂ = F(p + h/2 k₁), k₃ = F(p + h/2 k₂),
/// k₄ = F(p + h k₃), where F = f/|f| (arc length) or F = f. A line stops when it leaves the bounds, reaches |f| below
/// <see cref="StreamlineOptions.MinSpeed"/>, turns back by more than 90° within one step (it has reached a sink, where a
/// fixed-length step would otherwise jitter across the fixed point), meets a non-finite value or after
/// <see cref="StreamlineOptions.MaxSteps"/>.
/// </summary>
public static class StreamlineTracer
{
    /// <summary>Traces one streamline per seed.</summary>
    /// <param name="field">A field with Dimension = 2.</param>
    /// <param name="bounds">Region the lines stay in (and the seed grid covers).</param>
    /// <param name="options">Seeds, step, direction (default: <see cref="StreamlineOptions"/>' defaults).</param>
    /// <param name="evaluation">Device, dtype and σ for evaluating the field.</param>
    /// <returns>One polyline per seed, in seed order (a line may be the seed alone when it cannot move).</returns>
    public static IReadOnlyList<Polyline> Trace(IVectorField field, Bounds2D bounds, StreamlineOptions? options = null,
        FieldEvaluationOptions? evaluation = null)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        options ??= new StreamlineOptions();
        options.Validate();
        var evaluator = new FieldEvaluator(field, evaluation);
        var seeds = options.Seeds ?? SeedGrid(bounds, options.SeedsPerAxis);
        double h = options.StepSize ?? Math.Max(bounds.Width, bounds.Height) / 150;
        var forward = options.Direction != StreamlineDirection.Backward
            ? Integrate(evaluator, bounds, seeds, +h, options) : null;
        var backward = options.Direction != StreamlineDirection.Forward
            ? Integrate(evaluator, bounds, seeds, -h, options) : null;
        var lines = new List<Polyline>(seeds.Count);
        for (int s = 0; s < seeds.Count; s++)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            if (backward is not null)
            {
                for (int k = backward[s].Count - 1; k >= 1; k--) { xs.Add(backward[s][k].X); ys.Add(backward[s][k].Y); }
            }
            var tail = forward?[s] ?? backward![s].Take(1).ToList();
            foreach (var p in tail) { xs.Add(p.X); ys.Add(p.Y); }
            lines.Add(new Polyline(xs.ToArray(), ys.ToArray()));
        }
        return lines;
    }

    /// <summary>A regular n × n grid of seeds inset half a cell from the bounds.</summary>
    internal static PointSet SeedGrid(Bounds2D b, int n)
    {
        var x = new double[n * n];
        var y = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < n; i++)
            {
                (x[j * n + i], y[j * n + i]) = (b.XMin + (i + 0.5) * b.Width / n, b.YMin + (j + 0.5) * b.Height / n);
            }
        }

        return new PointSet(x, y);
    }

    private readonly record struct Point2(double X, double Y);

    private static List<Point2>[] Integrate(FieldEvaluator f, Bounds2D b, PointSet seeds, double h, StreamlineOptions o)
    {
        int n = seeds.Count;
        var paths = new List<Point2>[n];
        var px = (double[])seeds.X.Clone();
        var py = (double[])seeds.Y.Clone();
        var prevX = new double[n];
        var prevY = new double[n];
        var active = new List<int>();
        for (int s = 0; s < n; s++)
        {
            paths[s] = [new Point2(px[s], py[s])];
            if (b.Contains(px[s], py[s]))
            {
                active.Add(s);
            }
        }
        for (int step = 0; step < o.MaxSteps && active.Count > 0; step++)
        {
            int m = active.Count;
            var x0 = active.Select(s => px[s]).ToArray();
            var y0 = active.Select(s => py[s]).ToArray();
            var stop = new bool[m];
            var (k1x, k1y) = Direction(f, x0, y0, o, stop);
            var (k2x, k2y) = Direction(f, Shift(x0, k1x, h / 2), Shift(y0, k1y, h / 2), o, stop);
            var (k3x, k3y) = Direction(f, Shift(x0, k2x, h / 2), Shift(y0, k2y, h / 2), o, stop);
            var (k4x, k4y) = Direction(f, Shift(x0, k3x, h), Shift(y0, k3y, h), o, stop);
            var next = new List<int>(m);
            for (int a = 0; a < m; a++)
            {
                int s = active[a];
                if (stop[a] || k1x[a] * prevX[s] + k1y[a] * prevY[s] < 0)
                {
                    continue;
                }

                (prevX[s], prevY[s]) = (k1x[a], k1y[a]);
                double nx = x0[a] + h / 6 * (k1x[a] + 2 * k2x[a] + 2 * k3x[a] + k4x[a]);
                double ny = y0[a] + h / 6 * (k1y[a] + 2 * k2y[a] + 2 * k3y[a] + k4y[a]);
                if (!double.IsFinite(nx) || !double.IsFinite(ny) || !b.Contains(nx, ny))
                {
                    continue;
                }

                (px[s], py[s]) = (nx, ny);
                paths[s].Add(new Point2(nx, ny));
                next.Add(s);
            }
            active = next;
        }
        return paths;
    }

    private static double[] Shift(double[] p, double[] k, double h)
    {
        var r = new double[p.Length];
        for (int a = 0; a < p.Length; a++)
        {
            r[a] = p[a] + h * k[a];
        }

        return r;
    }

    private static (double[] X, double[] Y) Direction(FieldEvaluator f, double[] x, double[] y, StreamlineOptions o, bool[] stop)
    {
        var (u, v) = f.Evaluate(x, y);
        for (int a = 0; a < u.Length; a++)
        {
            double speed = Math.Sqrt(u[a] * u[a] + v[a] * v[a]);
            if (!double.IsFinite(speed) || speed < o.MinSpeed)
            {
                stop[a] = true;
                (u[a], v[a]) = (0, 0);
            }
            else if (o.NormalizeDirection)
            {
                (u[a], v[a]) = (u[a] / speed, v[a] / speed);
            }
        }
        return (u, v);
    }
}
