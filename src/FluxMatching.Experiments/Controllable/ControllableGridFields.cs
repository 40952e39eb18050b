namespace FluxMatching.Controllable;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The exp1 family tabulated on the grid (float64): the score, both mode columns, the grid weights
/// w = p/Σp and the Gram matrices G_kl = Σ_i w_i b_k(x_i)·b_l(x_i) of each column (the authors' experiments/exp1_controllable/test.py).
/// </summary>
/// <param name="Score">s at the nodes [n², 2].</param>
/// <param name="PreservingBasis">Scaled preserving modes [n², 3, 2].</param>
/// <param name="ViolatingBasis">Scaled violating modes [n², 3, 2].</param>
/// <param name="Density">p at the nodes [n²].</param>
/// <param name="Weights">w = p/Σp [n²].</param>
/// <param name="Gram">Gram matrix of the preserving modes [3, 3].</param>
/// <param name="GramViolating">Gram matrix of the violating modes [3, 3].</param>
public sealed record ControllableGridFields(
    double[,] Score,
    double[,,] PreservingBasis,
    double[,,] ViolatingBasis,
    double[] Density,
    double[] Weights,
    double[,] Gram,
    double[,] GramViolating)
{
    /// <summary>Tabulates a family on a grid: the family is evaluated on <paramref name="device"/> and the tables are
    /// copied to the CPU explicitly to be read.</summary>
    /// <param name="family">The field family.</param>
    /// <param name="grid">The grid.</param>
    /// <param name="device">Device of the evaluation (null: the CPU).</param>
    public static ControllableGridFields Compute(ControllableFieldFamily family, ControllableGrid grid,
        Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(grid);
        using var scope = NewDisposeScope();
        var x = tensor(grid.Grid.PointsFlat(), [grid.Count, 2], ScalarType.Float64).to(device ?? CPU);
        double[,] score;
        double[] density;
        using (no_grad())
        {
            score = To2D(family.Score(x), grid.Count);
            density = HostValues(family.Density(x));
        }

        var preserving = To3D(family.Basis(x, ModeKind.Preserving), grid.Count);
        var violating = To3D(family.Basis(x, ModeKind.Violating), grid.Count);
        double total = density.Sum();
        var weights = density.Select(p => p / total).ToArray();
        return new ControllableGridFields(score, preserving, violating, density, weights,
            GramOf(preserving, weights), GramOf(violating, weights));
    }

    /// <summary>Mode k of a column on the grid [n², 2].</summary>
    /// <param name="kind">Which column.</param>
    /// <param name="k">Mode index 0..2.</param>
    public double[,] Mode(ModeKind kind, int k)
    {
        if (k is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "The mode index must be 0, 1 or 2.");
        }

        var basis = kind == ModeKind.Preserving ? PreservingBasis : ViolatingBasis;
        int n = basis.GetLength(0);
        var m = new double[n, 2];
        for (int i = 0; i < n; i++)
        {
            m[i, 0] = basis[i, k, 0];
            m[i, 1] = basis[i, k, 1];
        }

        return m;
    }

    /// <summary>δu = Σ_k θ_k b_k on the grid [n², 2].</summary>
    /// <param name="theta">θ [3].</param>
    /// <param name="kind">Which column.</param>
    public double[,] Perturbation(IReadOnlyList<double> theta, ModeKind kind)
    {
        ControllableFieldFamily.ValidateTheta(theta);
        var basis = kind == ModeKind.Preserving ? PreservingBasis : ViolatingBasis;
        int n = basis.GetLength(0);
        var d = new double[n, 2];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 2; c++)
            {
                d[i, c] = (basis[i, 0, c] * theta[0]) + (basis[i, 1, c] * theta[1]) + (basis[i, 2, c] * theta[2]);
            }
        }

        return d;
    }

    /// <summary>f_θ = s + δu on the grid [n², 2].</summary>
    /// <param name="theta">θ [3].</param>
    /// <param name="kind">Which column.</param>
    public double[,] Field(IReadOnlyList<double> theta, ModeKind kind)
    {
        var d = Perturbation(theta, kind);
        for (int i = 0; i < d.GetLength(0); i++)
        {
            d[i, 0] += Score[i, 0];
            d[i, 1] += Score[i, 1];
        }

        return d;
    }

    private static double[,] GramOf(double[,,] basis, double[] w)
    {
        var g = new double[3, 3];
        for (int k = 0; k < 3; k++)
        {
            for (int l = 0; l < 3; l++)
            {
                double sum = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    sum += w[i] * ((basis[i, k, 0] * basis[i, l, 0]) + (basis[i, k, 1] * basis[i, l, 1]));
                }

                g[k, l] = sum;
            }
        }

        return g;
    }

    /// <summary>The values of a tensor on any device, copied to the CPU in float64.</summary>
    private static double[] HostValues(Tensor t) =>
        t.detach().to(ScalarType.Float64).cpu().contiguous().reshape(-1).data<double>().ToArray();

    private static double[,] To2D(Tensor t, int n)
    {
        var flat = HostValues(t);
        var a = new double[n, 2];
        Buffer.BlockCopy(flat, 0, a, 0, flat.Length * sizeof(double));
        return a;
    }

    private static double[,,] To3D(Tensor t, int n)
    {
        var flat = HostValues(t);
        var a = new double[n, 3, 2];
        Buffer.BlockCopy(flat, 0, a, 0, flat.Length * sizeof(double));
        return a;
    }
}
