namespace FluxMatching.Plotting;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>A set of N points in the plane held as two coordinate arrays (plots read plain arrays).</summary>
public sealed record PointSet
{
    /// <summary>Creates the set from coordinate arrays of equal length.</summary>
    /// <param name="x">x coordinates, length N.</param>
    /// <param name="y">y coordinates, length N.</param>
    public PointSet(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"x and y must have the same length; got {x.Length} and {y.Length}.", nameof(y));
        }

        (X, Y) = (x, y);
    }

    /// <summary>x coordinates, length N.</summary>
    public double[] X { get; }

    /// <summary>y coordinates, length N.</summary>
    public double[] Y { get; }

    /// <summary>Number of points N.</summary>
    public int Count => X.Length;

    /// <summary>Points from an array of shape [N, 2] (row i = point i).</summary>
    /// <param name="points">Array [N, 2].</param>
    public static PointSet FromArray(double[,] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.GetLength(1) != 2)
        {
            throw new ArgumentException($"points must have shape [N, 2]; got [{points.GetLength(0)}, {points.GetLength(1)}].", nameof(points));
        }

        int n = points.GetLength(0);
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            (x[i], y[i]) = (points[i, 0], points[i, 1]);
        }

        return new PointSet(x, y);
    }

    /// <summary>Points from interleaved coordinates x0, y0, x1, y1, … (a flattened [N, 2] float buffer).</summary>
    /// <param name="interleaved">Length 2N.</param>
    public static PointSet FromInterleaved(ReadOnlySpan<float> interleaved)
    {
        if (interleaved.Length % 2 != 0)
        {
            throw new ArgumentException($"interleaved must hold x, y pairs (even length); got length {interleaved.Length}.", nameof(interleaved));
        }

        int n = interleaved.Length / 2;
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            (x[i], y[i]) = (interleaved[2 * i], interleaved[2 * i + 1]);
        }

        return new PointSet(x, y);
    }

    /// <summary>Points from a tensor of shape [N, 2] on any device and floating dtype. The values are copied to host
    /// memory as float64: this is the read-back boundary of plotting (the tensor itself is left untouched).</summary>
    /// <param name="points">Tensor [N, 2].</param>
    public static PointSet FromTensor(Tensor points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.dim() != 2 || points.shape[1] != 2)
        {
            throw new ArgumentException($"points must have shape [N, 2]; got [{string.Join(", ", points.shape)}].", nameof(points));
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var flat = points.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        int n = (int)points.shape[0];
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            (x[i], y[i]) = (flat[2 * i], flat[2 * i + 1]);
        }

        return new PointSet(x, y);
    }

    /// <summary>Every k-th point so that at most <paramref name="maxCount"/> remain (deterministic thinning for large
    /// scatter plots); returns this set when it is small enough.</summary>
    /// <param name="maxCount">Upper bound on the result size, ≥ 1.</param>
    public PointSet Thin(int maxCount)
    {
        if (maxCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, "maxCount must be ≥ 1.");
        }

        if (Count <= maxCount)
        {
            return this;
        }

        int stride = (Count + maxCount - 1) / maxCount;
        var idx = Enumerable.Range(0, Count).Where(i => i % stride == 0).ToArray();
        return new PointSet(idx.Select(i => X[i]).ToArray(), idx.Select(i => Y[i]).ToArray());
    }

    /// <summary>Converts an array of shape [N, 2].</summary>
    public static implicit operator PointSet(double[,] points) => FromArray(points);
}
