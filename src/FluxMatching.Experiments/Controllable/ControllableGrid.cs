namespace FluxMatching.Controllable;

using FluxMatching.Analysis;
using MathNet.Numerics.LinearAlgebra;

/// <summary>
/// exp1's finite-difference grid (the authors' experiments/exp1_controllable/test.py): n × n nodes on [−L, L]² (default 25 × 25 on [−5.5, 5.5]²,
/// h = 11/24), <c>ij</c> order (node i·n + j is (x_i, y_j)), with the sparse operators (MathNet.Numerics)
/// <list type="bullet">
/// <item>D2: central [1, −2, 1]/h² with reflecting ends (first row [−2, 2]/h², last row [2, −2]/h²);</item>
/// <item>D1: central ±1/(2h), one-sided ±1/h at the ends;</item>
/// <item><see cref="Laplacian"/> = D2⊗I + I⊗D2, <see cref="Dx"/> = D1⊗I, <see cref="Dy"/> = I⊗D1.</item>
/// </list>
/// </summary>
public sealed class ControllableGrid
{
    /// <summary>Builds the grid and its operators.</summary>
    /// <param name="n">Nodes per axis, ≥ 3 (default 25).</param>
    /// <param name="limit">Half-width L of the box, finite and &gt; 0 (default 5.5).</param>
    public ControllableGrid(int n = 25, double limit = 5.5)
    {
        Grid = Grid2D.Square(limit, n);
        H = Grid.Hx;
        Points = Grid.Points();
        var d2 = SecondDerivative(n, H);
        var d1 = FirstDerivative(n, H);
        var eye = Matrix<double>.Build.SparseIdentity(n);
        Laplacian = d2.KroneckerProduct(eye) + eye.KroneckerProduct(d2);
        Dx = d1.KroneckerProduct(eye);
        Dy = eye.KroneckerProduct(d1);
    }

    /// <summary>The node grid.</summary>
    public Grid2D Grid { get; }

    /// <summary>Number of nodes n².</summary>
    public int Count => Grid.Count;

    /// <summary>Nodes per axis n.</summary>
    public int N => Grid.Nx;

    /// <summary>Spacing h = x_1 − x_0.</summary>
    public double H { get; }

    /// <summary>The nodes [n², 2] in <c>ij</c> order.</summary>
    public double[,] Points { get; }

    /// <summary>The 5-point Laplacian with reflecting ends, sparse [n², n²].</summary>
    public Matrix<double> Laplacian { get; }

    /// <summary>∂/∂x (along the first index), sparse [n², n²].</summary>
    public Matrix<double> Dx { get; }

    /// <summary>∂/∂y (along the second index), sparse [n², n²].</summary>
    public Matrix<double> Dy { get; }

    /// <summary>The 1-D second-derivative matrix [n, n] with reflecting (Neumann) ends.</summary>
    /// <param name="n">Size ≥ 3.</param>
    /// <param name="h">Spacing &gt; 0.</param>
    public static Matrix<double> SecondDerivative(int n, double h)
    {
        Check(n, h);
        double h2 = h * h;
        var d = Matrix<double>.Build.Sparse(n, n);
        for (int i = 1; i < n - 1; i++)
        {
            d[i, i - 1] = 1 / h2;
            d[i, i] = -2 / h2;
            d[i, i + 1] = 1 / h2;
        }

        d[0, 0] = -2 / h2;
        d[0, 1] = 2 / h2;
        d[n - 1, n - 1] = -2 / h2;
        d[n - 1, n - 2] = 2 / h2;
        return d;
    }

    /// <summary>The 1-D first-derivative matrix [n, n]: central inside, one-sided at the ends.</summary>
    /// <param name="n">Size ≥ 3.</param>
    /// <param name="h">Spacing &gt; 0.</param>
    public static Matrix<double> FirstDerivative(int n, double h)
    {
        Check(n, h);
        var d = Matrix<double>.Build.Sparse(n, n);
        for (int i = 1; i < n - 1; i++)
        {
            d[i, i - 1] = -0.5 / h;
            d[i, i + 1] = 0.5 / h;
        }

        d[0, 0] = -1 / h;
        d[0, 1] = 1 / h;
        d[n - 1, n - 2] = -1 / h;
        d[n - 1, n - 1] = 1 / h;
        return d;
    }

    /// <summary>Applies a sparse operator to one component of a vector grid [n², 2].</summary>
    /// <param name="op">Operator [n², n²] (e.g. <see cref="Dx"/>).</param>
    /// <param name="field">Vector grid [n², 2].</param>
    /// <param name="component">0 (x) or 1 (y).</param>
    public double[] Apply(Matrix<double> op, double[,] field, int component)
    {
        ArgumentNullException.ThrowIfNull(op);
        CheckField(field, nameof(field));
        var v = Vector<double>.Build.Dense(Count, i => field[i, component]);
        return op.Multiply(v).ToArray();
    }

    internal void CheckField(double[,] field, string name)
    {
        ArgumentNullException.ThrowIfNull(field, name);
        if (field.GetLength(0) != Count || field.GetLength(1) != 2)
        {
            throw new ArgumentException(
                $"{name} is [{field.GetLength(0)}, {field.GetLength(1)}]; expected [{Count}, 2] (grid nodes × xy).", name);
        }
    }

    private static void Check(int n, double h)
    {
        if (n < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 3.");
        }

        if (!double.IsFinite(h) || h <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(h), h, "h must be finite and > 0.");
        }
    }
}
