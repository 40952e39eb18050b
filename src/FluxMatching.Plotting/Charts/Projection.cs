namespace FluxMatching.Plotting;

using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>How a D-dimensional chart picks its k axes.</summary>
public enum ProjectionKind
{
    /// <summary>The first k coordinates x₁ … x_k.</summary>
    Coordinates,

    /// <summary>The k leading principal components of the reference points (centred, unit-length directions).</summary>
    Pca,
}

/// <summary>
/// A linear map from R^D to k chart axes, y = (x − c) W with W [D, k] orthonormal columns: the first k coordinates
/// (c = 0, W = the first k unit vectors) or the leading principal components of reference points (c = their mean,
/// W = the top-k eigenvectors of their covariance). Vectors (field values) map by W alone.
/// </summary>
public sealed record Projection
{
    private Projection(double[] center, double[,] basis, string[] names)
    {
        Center = center;
        Basis = basis;
        Names = names;
    }

    /// <summary>c, length D.</summary>
    public double[] Center { get; }

    /// <summary>W [D, k].</summary>
    public double[,] Basis { get; }

    /// <summary>Axis titles, length k ("x₃", "PC1 (62 %)").</summary>
    public string[] Names { get; }

    /// <summary>Input dimension D.</summary>
    public int Dimension => Center.Length;

    /// <summary>Number of axes k.</summary>
    public int Axes => Names.Length;

    /// <summary>The first <paramref name="k"/> of <paramref name="dimension"/> coordinates.</summary>
    public static Projection Coordinates(int dimension, int k)
    {
        Check(dimension, k);
        var w = new double[dimension, k];
        for (int j = 0; j < k; j++)
        {
            w[j, j] = 1;
        }

        return new Projection(new double[dimension], w, Enumerable.Range(1, k).Select(i => "x" + Subscript(i)).ToArray());
    }

    /// <summary>The <paramref name="k"/> leading principal components of <paramref name="points"/> [N, D] (N ≥ 2).</summary>
    public static Projection Pca(Tensor points, int k)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.dim() != 2 || points.shape[0] < 2)
        {
            throw new ArgumentException($"points must have shape [N, D] with N ≥ 2; got [{string.Join(", ", points.shape)}].", nameof(points));
        }

        int d = (int)points.shape[1];
        Check(d, k);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = points.detach().to(ScalarType.Float64).cpu();
        var mean = x.mean([0L]);
        var centred = x - mean;
        using var divisor = ((double)(x.shape[0] - 1)).ToScalar();
        var cov = centred.T.matmul(centred).div(divisor);
        var (values, vectors) = torch.linalg.eigh(cov);          // ascending eigenvalues
        var ev = values.data<double>().ToArray();
        var vec = vectors.contiguous().data<double>().ToArray();
        double total = Math.Max(ev.Sum(), 1e-300);
        var w = new double[d, k];
        var names = new string[k];
        for (int j = 0; j < k; j++)
        {
            int col = d - 1 - j;
            // Sign convention: the largest-magnitude loading is positive (deterministic axes across runs).
            int arg = Enumerable.Range(0, d).MaxBy(r => Math.Abs(vec[r * d + col]));
            double sign = vec[arg * d + col] < 0 ? -1 : 1;
            for (int r = 0; r < d; r++)
            {
                w[r, j] = sign * vec[r * d + col];
            }

            names[j] = string.Create(CultureInfo.InvariantCulture, $"PC{j + 1} ({100 * Math.Max(0, ev[col]) / total:F0} %)");
        }
        return new Projection(mean.data<double>().ToArray(), w, names);
    }

    /// <summary>Chooses by kind: <see cref="Pca"/> of <paramref name="reference"/> or <see cref="Coordinates"/>.</summary>
    public static Projection Create(ProjectionKind kind, Tensor reference, int k) =>
        kind == ProjectionKind.Pca ? Pca(reference, k) : Coordinates((int)reference.shape[1], k);

    /// <summary>Projects points [N, D] (any device and floating dtype) to host arrays, one per axis (length N each).</summary>
    public double[][] Points(Tensor x) => Apply(x, center: true);

    /// <summary>Projects vectors [N, D] (field values) to host arrays, one per axis.</summary>
    public double[][] Vectors(Tensor v) => Apply(v, center: false);

    /// <summary>Projects a trajectory [T, N, D] to [T, N, 2] on axes (a, b), on the CPU in float64.</summary>
    public Tensor Plane(Tensor trajectory, int a, int b)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        using var scope = torch.NewDisposeScope();
        var w = WTensor().index_select(1, torch.tensor(new long[] { a, b }));
        var x = trajectory.detach().to(ScalarType.Float64).cpu() - torch.tensor(Center);
        return x.matmul(w).MoveToOuterDisposeScope();
    }

    private double[][] Apply(Tensor x, bool center)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != Dimension)
        {
            throw new ArgumentException($"expected [N, {Dimension}]; got [{string.Join(", ", x.shape)}].", nameof(x));
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var h = x.detach().to(ScalarType.Float64).cpu();
        if (center)
        {
            h = h - torch.tensor(Center);
        }

        var y = h.matmul(WTensor()).T.contiguous().data<double>().ToArray();
        int n = (int)x.shape[0];
        return Enumerable.Range(0, Axes).Select(j => y[(j * n)..((j + 1) * n)]).ToArray();
    }

    private Tensor WTensor() => torch.tensor(Basis);

    private static void Check(int dimension, int k)
    {
        if (dimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be ≥ 1.");
        }

        if (k < 1 || k > dimension)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"the number of axes must be in 1 … D = {dimension}.");
        }
    }

    internal static string Subscript(int i) =>
        string.Concat(i.ToString(CultureInfo.InvariantCulture).Select(c => (char)('₀' + (c - '0'))));
}
