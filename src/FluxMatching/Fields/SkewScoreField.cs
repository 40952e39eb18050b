namespace FluxMatching.Fields;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The non-reversible Langevin drift f(x) = s(x) + A·s(x) = (I + A)·∇log p(x) for a constant skew-symmetric matrix A
/// (Aᵀ = −A). The extra term v = A∇log p satisfies ∇·(p v) = Σ_ij A_ij ∂_i∂_j p = 0, so f is a non-gradient field with
/// the same stationary law p as the score (paper Eq. 3). Not trainable.
/// </summary>
public sealed class SkewScoreField : IVectorField, IDisposable
{
    private static readonly Scalar One = 1.0.ToScalar();
    private readonly double[] transposed; // Aᵀ, row-major [D*D]
    private readonly Dictionary<(DeviceType, int, ScalarType), Tensor> cache = [];
    private readonly object gate = new();

    /// <summary>Wraps a score field.</summary>
    /// <param name="score">The score field s = ∇log p (e.g. a <see cref="GaussianMixtureScoreField"/>).</param>
    /// <param name="a">Skew-symmetric matrix A, [D, D] with D = score.Dimension, finite; |A_ij + A_ji| must not exceed
    /// 1e-12·max(1, max|A|).</param>
    public SkewScoreField(IVectorField score, double[,] a)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(a);
        int d = score.Dimension;
        if (a.GetLength(0) != d || a.GetLength(1) != d)
        {
            throw new ArgumentException($"a has shape [{a.GetLength(0)}, {a.GetLength(1)}]; expected [{d}, {d}].", nameof(a));
        }

        double maxAbs = 0;
        foreach (var v in a)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException($"a contains {v}; every entry must be finite.", nameof(a));
            }

            maxAbs = Math.Max(maxAbs, Math.Abs(v));
        }

        double tol = 1e-12 * Math.Max(1, maxAbs);
        transposed = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                if (Math.Abs(a[i, j] + a[j, i]) > tol)
                {
                    throw new ArgumentException(
                        $"a is not skew-symmetric: a[{i}, {j}] = {a[i, j]} but a[{j}, {i}] = {a[j, i]} (need A^T = -A).", nameof(a));
                }

                transposed[(j * d) + i] = a[i, j];
            }
        }

        Score = score;
    }

    /// <summary>A 2-D rotation generator A = [[0, −c], [c, 0]]: f = s + c·rot90(s).</summary>
    /// <param name="score">A 2-D score field.</param>
    /// <param name="c">Strength c (finite; c &gt; 0 turns counter-clockwise around modes).</param>
    public static SkewScoreField Rotation2D(IVectorField score, double c) => new(score, new double[,] { { 0, -c }, { c, 0 } });

    /// <summary>The wrapped score field.</summary>
    public IVectorField Score { get; }

    /// <inheritdoc />
    public int Dimension => Score.Dimension;

    /// <summary>The score field's device.</summary>
    public Device Device => Score.Device;

    /// <summary>The score field's element type.</summary>
    public ScalarType DType => Score.DType;

    /// <inheritdoc />
    public bool IsNoiseConditioned => Score.IsNoiseConditioned;

    /// <summary>f(x) = s(x) + A s(x), shape [B, D] (rows: s + s·Aᵀ).</summary>
    /// <param name="x">Points [B, D].</param>
    /// <param name="sigma">Passed to the wrapped score field.</param>
    public Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        using var scope = torch.NewDisposeScope();
        var s = Score.Evaluate(x, sigma);
        return s.add(s.matmul(TransposeFor(s)), One).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the per-device copies of A.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            foreach (var t in cache.Values)
            {
                t.Dispose();
            }

            cache.Clear();
        }
    }

    private Tensor TransposeFor(Tensor s)
    {
        var key = (s.device.type, s.device.index, s.dtype);
        lock (gate)
        {
            if (!cache.TryGetValue(key, out var t))
            {
                t = torch.tensor(transposed, [Dimension, Dimension], ScalarType.Float64).to(s.dtype, s.device).DetachFromDisposeScope();
                cache[key] = t;
            }

            return t;
        }
    }
}
