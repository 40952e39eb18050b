namespace FluxMatching.Data;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A finite data set held in memory: N points of shape S, flattened to [N, D] with D = ∏S. Training draws rows
/// uniformly with replacement (fresh indices each step, from the caller's generator). Built from a tensor, a
/// <c>float[,]</c> / <c>double[,]</c>, or a file (<see cref="DataFiles"/>); every point is checked to be finite.
/// </summary>
public sealed class PointCloud : IDataSource
{
    private readonly Dictionary<(DeviceType, int, ScalarType), Tensor> copies = [];
    private readonly object gate = new();

    /// <summary>Creates the data set from points [N, *S] (N ≥ 2, every value finite). The tensor is copied.</summary>
    /// <param name="points">Tensor [N, *S] of a floating or integer type, on any device.</param>
    /// <param name="name">Short name shown in notebooks (e.g. the variable or file name).</param>
    /// <param name="origin">How messages name the source (e.g. "file 'iris.csv'"); default "tensor 'name'".</param>
    /// <exception cref="ArgumentException">Fewer than 2 points, a 0-d tensor, or a non-finite value (the message names
    /// the row and column, 1-based).</exception>
    public PointCloud(Tensor points, string name = "data", string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Origin = origin ?? $"tensor '{name}'";
        if (points.dim() < 1)
        {
            throw new ArgumentException($"{Origin}: expected points of shape [N, *S]; got a 0-d tensor.", nameof(points));
        }

        if (points.shape[0] < 2)
        {
            throw new ArgumentException($"{Origin}: needs at least 2 points (rows); got {points.shape[0]}.", nameof(points));
        }

        if (points.is_complex() || points.dtype == ScalarType.Bool)
        {
            throw new ArgumentException($"{Origin}: points must be real numbers; got {points.dtype}.", nameof(points));
        }

        SampleShape = points.dim() == 1 ? [1] : points.shape[1..];
        long d = SampleShape.Aggregate(1L, (a, b) => a * b);
        if (d < 1 || d > int.MaxValue)
        {
            throw new ArgumentException($"{Origin}: each point must have 1 … {int.MaxValue} values; got {d}.", nameof(points));
        }

        Dimension = (int)d;
        Count = (int)Math.Min(points.shape[0], int.MaxValue);
        using var scope = torch.NewDisposeScope();
        var flat = points.detach().reshape(points.shape[0], d);
        if (!flat.is_floating_point())
        {
            flat = flat.to(ScalarType.Float64);
        }

        CheckFinite(flat, Origin);
        Points = flat.clone().DetachFromDisposeScope();   // owned by this object, whatever scope the caller is in
    }

    /// <summary>Creates the data set from a float array [N, D].</summary>
    public static PointCloud FromArray(float[,] points, string name = "data", string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        using var t = torch.tensor(points);
        return new PointCloud(t, name, origin);
    }

    /// <summary>Creates the data set from a double array [N, D].</summary>
    public static PointCloud FromArray(double[,] points, string name = "data", string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        using var t = torch.tensor(points);
        return new PointCloud(t, name, origin);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>How messages name the source ("file 'iris.csv'", "tensor 'x'").</summary>
    public string Origin { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Shape S of one point (the data are [N, *S]; models see them flattened to [N, D]).</summary>
    public long[] SampleShape { get; }

    /// <summary>Number of points N.</summary>
    public int Count { get; }

    /// <summary>The points [N, D] on the device and dtype they were given in (not to be disposed by callers).</summary>
    public Tensor Points { get; }

    /// <inheritdoc />
    public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 1.");
        }

        var target = device ?? CPU;
        var points = On(target, dtype);
        using var index = torch.randint(0, Count, [n], ScalarType.Int64, target, generator: generator);
        return points.index_select(0, index);
    }

    /// <summary>The points [N, D] on <paramref name="device"/> in <paramref name="dtype"/> (cached; not to be disposed).</summary>
    public Tensor On(Device device, ScalarType dtype)
    {
        lock (gate)
        {
            var key = (device.type, device.index, dtype);
            if (!copies.TryGetValue(key, out var copy))
            {
                copy = Points.to(dtype, device).detach().DetachFromDisposeScope();   // cached across steps
                copies[key] = copy;
            }
            return copy;
        }
    }

    /// <summary>
    /// Splits the points at random into a training set and a held-out set of ⌈fraction·N⌉ points (at least 1 each).
    /// </summary>
    /// <param name="fraction">Held-out fraction in (0, 1).</param>
    /// <param name="seed">Seed of the permutation.</param>
    /// <exception cref="ArgumentException">The fraction is outside (0, 1) or leaves fewer than 2 training points.</exception>
    public (PointCloud Train, PointCloud HeldOut) Split(double fraction, long seed = 0)
    {
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "holdout must be a fraction in (0, 1).");
        }

        int held = Math.Max(1, (int)Math.Ceiling(fraction * Count));
        if (Count - held < 2)
        {
            throw new ArgumentException($"{Origin}: holdout {fraction} of {Count} points leaves {Count - held} for training; at least 2 are needed.", nameof(fraction));
        }

        using var scope = torch.NewDisposeScope();
        var order = torch.randperm(Count, generator: new Generator((ulong)seed), device: CPU).to(Points.device);
        var shape = new[] { -1L }.Concat(SampleShape).ToArray();
        var heldOut = new PointCloud(Points.index_select(0, order[..held]).reshape(shape), Name + " (held out)", Origin);
        var train = new PointCloud(Points.index_select(0, order[held..]).reshape(shape), Name, Origin);
        return (train, heldOut);
    }

    /// <summary>Throws naming the first non-finite value's row and column (1-based).</summary>
    internal static void CheckFinite(Tensor flat, string origin)
    {
        using var scope = torch.NewDisposeScope();
        var bad = flat.isfinite().logical_not();
        if (!bad.any().item<bool>())
        {
            return;
        }

        long first = bad.reshape(-1).nonzero()[0, 0].cpu().item<long>();
        long d = flat.shape[1];
        double value = flat.reshape(-1)[first].to(ScalarType.Float64).cpu().ItemAsDouble();
        throw new ArgumentException($"{origin}: row {first / d + 1}, column {first % d + 1} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} (every value must be finite).");
    }
}
