namespace FluxMatching.Analysis;

using FluxMatching.Fields;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Evaluates a 2-D <see cref="IVectorField"/> at plain-array points — the nodes of a <see cref="Grid2D"/> or any list
/// of points (streamlines) — in batches under no_grad, on the field's device and dtype unless told otherwise, and
/// reads the result back as float64 arrays: the one read-back boundary of grid analyses and plots.
/// </summary>
public sealed class FieldEvaluator
{
    private readonly IVectorField field;
    private readonly double? sigma;
    private readonly int batch;

    /// <summary>Validates the field and the options and resolves device, dtype and σ.</summary>
    /// <param name="field">A field with <see cref="IVectorField.Dimension"/> = 2.</param>
    /// <param name="options">σ, device, dtype and batch size (null: defaults, following the field).</param>
    public FieldEvaluator(IVectorField field, FieldEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        options ??= new FieldEvaluationOptions();
        if (field.Dimension != 2)
        {
            throw new ArgumentException($"Only 2-D fields can be evaluated on the plane; the field has Dimension = {field.Dimension}.", nameof(field));
        }

        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be ≥ 1.");
        }

        if (field.IsNoiseConditioned && options.Sigma is null)
        {
            throw new ArgumentException("The field is noise-conditioned: set FieldEvaluationOptions.Sigma (σ > 0).", nameof(options));
        }

        if (options.Sigma is { } s && (!double.IsFinite(s) || s <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), s, "Sigma must be finite and > 0.");
        }

        Device = options.Device ?? field.Device;
        DType = options.DType ?? field.DType;
        if (DType is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"DType must be Float32 or Float64; got {DType}.", nameof(options));
        }

        this.field = field;
        this.sigma = field.IsNoiseConditioned ? options.Sigma : null;
        this.batch = options.BatchSize;
    }

    /// <summary>Device of the query tensors.</summary>
    public Device Device { get; }

    /// <summary>dtype of the query tensors.</summary>
    public ScalarType DType { get; }

    /// <summary>f(x_k, y_k) for every k.</summary>
    /// <param name="xs">x coordinates, length K.</param>
    /// <param name="ys">y coordinates, length K.</param>
    /// <returns>The components f_x and f_y, each of length K.</returns>
    public (double[] U, double[] V) Evaluate(double[] xs, double[] ys)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        if (xs.Length != ys.Length)
        {
            throw new ArgumentException($"xs and ys must have the same length; got {xs.Length} and {ys.Length}.", nameof(ys));
        }

        int n = xs.Length;
        var u = new double[n];
        var v = new double[n];
        for (int start = 0; start < n; start += this.batch)
        {
            int len = Math.Min(this.batch, n - start);
            var buf = new double[2 * len];
            for (int k = 0; k < len; k++)
            {
                (buf[2 * k], buf[(2 * k) + 1]) = (xs[start + k], ys[start + k]);
            }

            var back = EvaluateBatch(buf, len);
            for (int k = 0; k < len; k++)
            {
                (u[start + k], v[start + k]) = (back[2 * k], back[(2 * k) + 1]);
            }
        }

        return (u, v);
    }

    /// <summary>The field on the nodes of <paramref name="grid"/>, [Nx, Ny, 2] in <c>ij</c> order (value [i, j, c] is
    /// component c at (x_i, y_j)), the layout of <see cref="GridEvaluator"/> and <see cref="HelmholtzHodge"/>.</summary>
    /// <param name="grid">The node grid.</param>
    public double[,,] Evaluate(Grid2D grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var points = grid.Points();
        var xs = new double[grid.Count];
        var ys = new double[grid.Count];
        for (int k = 0; k < grid.Count; k++)
        {
            (xs[k], ys[k]) = (points[k, 0], points[k, 1]);
        }

        var (u, v) = Evaluate(xs, ys);
        var result = new double[grid.Nx, grid.Ny, 2];
        for (int i = 0; i < grid.Nx; i++)
        {
            for (int j = 0; j < grid.Ny; j++)
            {
                (result[i, j, 0], result[i, j, 1]) = (u[grid.Index(i, j)], v[grid.Index(i, j)]);
            }
        }

        return result;
    }

    private double[] EvaluateBatch(double[] points, int count)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(points, [count, 2], ScalarType.Float64).to(DType, Device);
        var sigma = this.sigma is { } s ? tensor(s, DType, Device) : null;
        var f = this.field.Evaluate(x, sigma);
        if (f.dim() != 2 || f.shape[0] != count || f.shape[1] != 2)
        {
            throw new InvalidOperationException($"The field returned shape [{string.Join(", ", f.shape)}] for input [{count}, 2].");
        }

        // The explicit copy to the CPU is the read-back boundary; .data<T>() only ever sees a CPU tensor.
        return f.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
    }
}
