namespace FluxMatching.Plotting;

using FluxMatching.Fields;
using static TorchSharp.torch;

/// <summary>
/// A 2-D field interpolated from velocities known at scattered points (e.g. RNA velocity projected onto an embedding),
/// as scVelo's <c>velocity_embedding_grid</c>: on an n × n grid over the bounds, V(g) = Σ_c w_c v_c / max(1, Σ_c w_c)
/// with Gaussian weights w_c = exp(−|g − x_c|²/(2h²)), h = <c>smooth</c> × grid spacing; grid points whose
/// mass Σ_c w_c is below <c>minMass</c> × the largest mass are set to zero (streamlines stop there). Between
/// grid points the field is bilinear; outside the bounds it is zero. Evaluated on the CPU in float64 (a plotting aid).
/// </summary>
public sealed class GriddedVelocityField : IVectorField
{
    private readonly double[,] vx;
    private readonly double[,] vy;
    private readonly int n;

    /// <summary>Builds the grid.</summary>
    /// <param name="points">Where the velocities are known (N points).</param>
    /// <param name="velocities">The velocities at <paramref name="points"/> (N vectors, same order).</param>
    /// <param name="bounds">The grid's region.</param>
    /// <param name="resolution">Grid points per axis, 4 … 500. Default 40.</param>
    /// <param name="smooth">Kernel width in grid spacings (scVelo: 0.5). Default 0.8.</param>
    /// <param name="minMass">Fraction of the largest kernel mass below which a grid point is empty. Default 0.02.</param>
    public GriddedVelocityField(PointSet points, PointSet velocities, Bounds2D bounds, int resolution = 40,
        double smooth = 0.8, double minMass = 0.02)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(velocities);
        ArgumentNullException.ThrowIfNull(bounds);
        if (velocities.Count != points.Count)
        {
            throw new ArgumentException($"velocities holds {velocities.Count} vectors, points {points.Count}.", nameof(velocities));
        }

        if (resolution is < 4 or > 500)
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "resolution must be in 4 … 500.");
        }

        if (!(smooth > 0) || !double.IsFinite(smooth))
        {
            throw new ArgumentOutOfRangeException(nameof(smooth), smooth, "smooth must be finite and > 0.");
        }

        if (!(minMass >= 0) || minMass >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minMass), minMass, "minMass must be in [0, 1).");
        }

        Bounds = bounds;
        n = resolution;
        vx = new double[n, n];
        vy = new double[n, n];
        var mass = new double[n, n];
        double dx = bounds.Width / (n - 1), dy = bounds.Height / (n - 1);
        double h2 = Math.Pow(smooth * Math.Max(dx, dy), 2);
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < n; i++)
            {
                double gx = bounds.XMin + i * dx, gy = bounds.YMin + j * dy, m = 0, sx = 0, sy = 0;
                for (int c = 0; c < points.Count; c++)
                {
                    if (!double.IsFinite(velocities.X[c]) || !double.IsFinite(velocities.Y[c]))
                    {
                        continue;
                    }

                    double d2 = Math.Pow(points.X[c] - gx, 2) + Math.Pow(points.Y[c] - gy, 2);
                    double w = Math.Exp(-d2 / (2 * h2));
                    m += w;
                    sx += w * velocities.X[c];
                    sy += w * velocities.Y[c];
                }

                mass[j, i] = m;
                vx[j, i] = sx / Math.Max(1, m);
                vy[j, i] = sy / Math.Max(1, m);
            }
        }

        double floor = minMass * mass.Cast<double>().Max();
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < n; i++)
            {
                if (mass[j, i] < floor)
                {
                    vx[j, i] = 0;
                    vy[j, i] = 0;
                }
            }
        }
    }

    /// <summary>The grid's region.</summary>
    public Bounds2D Bounds { get; }

    /// <inheritdoc />
    public int Dimension => 2;

    /// <inheritdoc />
    public bool IsNoiseConditioned => false;

    /// <inheritdoc />
    public ScalarType DType => ScalarType.Float64;

    /// <summary>The interpolated velocity at points [B, 2] (CPU); returns [B, 2] float64.</summary>
    /// <param name="x">Points [B, 2].</param>
    /// <param name="sigma">Ignored.</param>
    public Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.size(1) != 2)
        {
            throw new ArgumentException($"x must have shape [B, 2], got [{string.Join(", ", x.shape)}].", nameof(x));
        }

        var p = x.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        var result = new double[p.Length];
        for (int b = 0; b < p.Length / 2; b++)
        {
            (result[2 * b], result[2 * b + 1]) = At(p[2 * b], p[2 * b + 1]);
        }

        return tensor(result, [x.size(0), 2], ScalarType.Float64);
    }

    private (double X, double Y) At(double x, double y)
    {
        double u = (x - Bounds.XMin) / Bounds.Width * (n - 1), v = (y - Bounds.YMin) / Bounds.Height * (n - 1);
        if (!(u >= 0 && u <= n - 1 && v >= 0 && v <= n - 1))
        {
            return (0, 0);
        }

        int i = Math.Min((int)u, n - 2), j = Math.Min((int)v, n - 2);
        double a = u - i, b = v - j;
        double Mix(double[,] g) => (1 - a) * (1 - b) * g[j, i] + a * (1 - b) * g[j, i + 1] + (1 - a) * b * g[j + 1, i] + a * b * g[j + 1, i + 1];
        return (Mix(vx), Mix(vy));
    }
}
