namespace FluxMatching.Controllable;

using FluxMatching.Analysis;
using static TorchSharp.torch;

/// <summary>
/// Splits a 2-D field into the score and a circulation by the weighted Helmholtz–Hodge decomposition
/// (<see cref="HelmholtzHodge"/>): a stationary field of p is f = ∇log p + v with ∇·(p v) = 0 (paper Eq. 3), so the
/// gradient part of a field that keeps p stationary is the score.
/// </summary>
public static class FieldSplit
{
    /// <summary>Tabulates p, s and f on the grid, splits f with weight p and measures the parts.</summary>
    /// <param name="grid">The grid.</param>
    /// <param name="density">p(x), [B, 2] float64 → [B].</param>
    /// <param name="score">s(x) = ∇log p(x), [B, 2] float64 → [B, 2].</param>
    /// <param name="field">f(x), [B, 2] float64 → [B, 2] float64 (convert inside for a float32 network).</param>
    /// <param name="circulation">The true circulation v(x), [B, 2] → [B, 2], when known (a check); null otherwise.</param>
    public static FieldSplitReport Of(Grid2D grid, Func<Tensor, Tensor> density, Func<Tensor, Tensor> score,
        Func<Tensor, Tensor> field, Func<Tensor, Tensor>? circulation = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(field);
        var p = GridEvaluator.EvaluateScalars(grid, density);
        var s = GridEvaluator.EvaluateVectors(grid, score);
        var f = GridEvaluator.EvaluateVectors(grid, field);
        var split = HelmholtzHodge.Decompose(grid, p, f);
        double circulationError = circulation is null
            ? double.NaN
            : split.RelativeError(split.Remainder, GridEvaluator.EvaluateVectors(grid, circulation));
        return new FieldSplitReport(split,
            HelmholtzHodge.RelativeWeightedError(p, f, s),
            split.RelativeError(split.Gradient, s),
            WeightedNorm(p, split.Remainder) / WeightedNorm(p, f),
            circulationError);
    }

    /// <summary>√(Σ p‖a‖² / Σ p) over the grid nodes.</summary>
    /// <param name="density">p [Nx, Ny].</param>
    /// <param name="values">a [Nx, Ny, 2].</param>
    public static double WeightedNorm(double[,] density, double[,,] values)
    {
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(values);
        double sum = 0, mass = 0;
        for (int i = 0; i < density.GetLength(0); i++)
        {
            for (int j = 0; j < density.GetLength(1); j++)
            {
                sum += density[i, j] * ((values[i, j, 0] * values[i, j, 0]) + (values[i, j, 1] * values[i, j, 1]));
                mass += density[i, j];
            }
        }

        return Math.Sqrt(sum / mass);
    }
}
