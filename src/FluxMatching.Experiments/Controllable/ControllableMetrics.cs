namespace FluxMatching.Controllable;

/// <summary>
/// exp1's field metrics on the grid (the authors' experiments/exp1_controllable/test.py) for a perturbation δu = f − s given at the nodes [n², 2]
/// and node weights w (normalised, e.g. <see cref="ControllableGridFields.Weights"/>):
/// <list type="bullet">
/// <item><see cref="TriangleAlignment"/> ("Triangle Shape"): the w-weighted cosine between δu and the preserving
/// cycle mode b1;</item>
/// <item><see cref="JacobianSkewness"/>: Σ w·½(∂y δu_x − ∂x δu_y)² (finite differences);</item>
/// <item><see cref="DistributionViolation"/>: √(Σ w r²), r = ∇·δu + δu·s (finite differences);</item>
/// <item><see cref="DsmLoss"/>: ½ θᵀ G θ with a Gram matrix of the modes.</item>
/// </list>
/// </summary>
public static class ControllableMetrics
{
    /// <summary>w-weighted cosine ⟨a, b⟩_w / (‖a‖_w ‖b‖_w), each norm² floored at 1e-12 and the product at 1e-12.</summary>
    /// <param name="delta">a [N, 2].</param>
    /// <param name="template">b [N, 2] (exp1: the preserving b1 on the grid).</param>
    /// <param name="weights">w [N].</param>
    public static double TriangleAlignment(double[,] delta, double[,] template, IReadOnlyList<double> weights)
    {
        Check(delta, weights, nameof(delta));
        Check(template, weights, nameof(template));
        double num = 0, aa = 0, bb = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            num += weights[i] * ((delta[i, 0] * template[i, 0]) + (delta[i, 1] * template[i, 1]));
            aa += weights[i] * ((delta[i, 0] * delta[i, 0]) + (delta[i, 1] * delta[i, 1]));
            bb += weights[i] * ((template[i, 0] * template[i, 0]) + (template[i, 1] * template[i, 1]));
        }

        return num / Math.Max(Math.Sqrt(Math.Max(aa, 1e-12)) * Math.Sqrt(Math.Max(bb, 1e-12)), 1e-12);
    }

    /// <summary>Σ_i w_i·½(∂y δu_x − ∂x δu_y)²_i.</summary>
    /// <param name="grid">The grid (its ∂x, ∂y).</param>
    /// <param name="delta">δu [n², 2].</param>
    /// <param name="weights">w [n²].</param>
    public static double JacobianSkewness(ControllableGrid grid, double[,] delta, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Check(delta, weights, nameof(delta));
        var duxDy = grid.Apply(grid.Dy, delta, 0);
        var duyDx = grid.Apply(grid.Dx, delta, 1);
        double sum = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            double c = duxDy[i] - duyDx[i];
            sum += weights[i] * 0.5 * c * c;
        }

        return sum;
    }

    /// <summary>√max(Σ_i w_i r_i², 0) with r = ∂x δu_x + ∂y δu_y + δu·s.</summary>
    /// <param name="grid">The grid.</param>
    /// <param name="delta">δu [n², 2].</param>
    /// <param name="score">s on the grid [n², 2].</param>
    /// <param name="weights">w [n²].</param>
    public static double DistributionViolation(ControllableGrid grid, double[,] delta, double[,] score,
        IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Check(delta, weights, nameof(delta));
        Check(score, weights, nameof(score));
        var dx = grid.Apply(grid.Dx, delta, 0);
        var dy = grid.Apply(grid.Dy, delta, 1);
        double sum = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            double r = dx[i] + dy[i] + (delta[i, 0] * score[i, 0]) + (delta[i, 1] * score[i, 1]);
            sum += weights[i] * r * r;
        }

        return Math.Sqrt(Math.Max(sum, 0.0));
    }

    /// <summary>The exact DSM loss of f_θ = s + Σ θ_k b_k: ½ θᵀ G θ.</summary>
    /// <param name="gram">G [3, 3].</param>
    /// <param name="theta">θ [3].</param>
    public static double DsmLoss(double[,] gram, IReadOnlyList<double> theta)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ControllableFieldFamily.ValidateTheta(theta);
        if (gram.GetLength(0) != 3 || gram.GetLength(1) != 3)
        {
            throw new ArgumentException($"gram is [{gram.GetLength(0)}, {gram.GetLength(1)}]; expected [3, 3].", nameof(gram));
        }

        double sum = 0;
        for (int k = 0; k < 3; k++)
        {
            for (int l = 0; l < 3; l++)
            {
                sum += theta[k] * gram[k, l] * theta[l];
            }
        }

        return 0.5 * sum;
    }

    private static void Check(double[,] field, IReadOnlyList<double> weights, string name)
    {
        ArgumentNullException.ThrowIfNull(field, name);
        ArgumentNullException.ThrowIfNull(weights);
        if (field.GetLength(0) != weights.Count || field.GetLength(1) != 2)
        {
            throw new ArgumentException(
                $"{name} is [{field.GetLength(0)}, {field.GetLength(1)}]; expected [{weights.Count}, 2].", name);
        }
    }
}
