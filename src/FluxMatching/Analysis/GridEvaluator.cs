namespace FluxMatching.Analysis;

using FluxMatching.Fields;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Evaluates tensor functions of 2-D points on the nodes of a <see cref="Grid2D"/> and returns plain arrays
/// (for <see cref="HelmholtzHodge"/>, plots and grid metrics). The points are passed as one float64 CPU batch
/// [Nx·Ny, 2] in <c>ij</c> order, or in the dtype/device given.
/// </summary>
public static class GridEvaluator
{
    /// <summary>Evaluates a vector field f: [N, 2] → [N, 2] on the grid; returns [Nx, Ny, 2].</summary>
    /// <param name="grid">The node grid.</param>
    /// <param name="field">The field (e.g. <c>x =&gt; score.Evaluate(x)</c>); evaluated without gradient tracking.</param>
    /// <param name="dtype">Element type of the points (default float64).</param>
    /// <param name="device">Device of the points (null: CPU).</param>
    public static double[,,] EvaluateVectors(Grid2D grid, Func<Tensor, Tensor> field,
        ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        var values = Evaluate(grid, field, dtype, device, 2, nameof(field));
        var result = new double[grid.Nx, grid.Ny, 2];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }

    /// <summary>Evaluates an <see cref="IVectorField"/> of dimension 2 on the grid; returns [Nx, Ny, 2]
    /// (<see cref="FieldEvaluator"/>: batched, without gradient tracking).</summary>
    /// <param name="grid">The node grid.</param>
    /// <param name="field">The field, evaluated without gradient tracking.</param>
    /// <param name="sigma">σ for a noise-conditioned field (required then), else ignored.</param>
    /// <param name="dtype">Element type of the points (null: the field's, <see cref="IVectorField.DType"/>).</param>
    /// <param name="device">Device of the points (null: the field's, <see cref="IVectorField.Device"/>).</param>
    public static double[,,] EvaluateVectors(Grid2D grid, IVectorField field, double? sigma = null,
        ScalarType? dtype = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var options = new FieldEvaluationOptions { Sigma = sigma, DType = dtype, Device = device };
        return new FieldEvaluator(field, options).Evaluate(grid);
    }

    /// <summary>Evaluates a scalar function g: [N, 2] → [N] on the grid; returns [Nx, Ny].</summary>
    /// <param name="grid">The node grid.</param>
    /// <param name="function">The function (e.g. <c>x =&gt; density.LogDensity(x).exp()</c>).</param>
    /// <param name="dtype">Element type of the points (default float64).</param>
    /// <param name="device">Device of the points (null: CPU).</param>
    public static double[,] EvaluateScalars(Grid2D grid, Func<Tensor, Tensor> function,
        ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var values = Evaluate(grid, function, dtype, device, 1, nameof(function));
        var result = new double[grid.Nx, grid.Ny];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }

    /// <summary>The grid nodes as a tensor [Nx·Ny, 2] in <c>ij</c> order.</summary>
    /// <param name="grid">The node grid.</param>
    /// <param name="dtype">Element type (default float64).</param>
    /// <param name="device">Device (null: CPU).</param>
    public static Tensor Points(Grid2D grid, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        grid.Validate();
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype is {dtype}; allowed: Float32 or Float64.", nameof(dtype));
        }

        using var scope = NewDisposeScope();
        return tensor(grid.PointsFlat(), [grid.Count, 2], ScalarType.Float64).to(dtype, device ?? CPU)
            .MoveToOuterDisposeScope();
    }

    private static double[] Evaluate(Grid2D grid, Func<Tensor, Tensor> function, ScalarType dtype, Device? device,
        int width, string paramName)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var points = Points(grid, dtype, device);
        var output = function(points);
        if (output is null || output.numel() != (long)grid.Count * width)
        {
            throw new ArgumentException(
                $"{paramName} must return {grid.Count}×{width} values for {grid.Count} points, got shape " +
                $"[{(output is null ? "null" : string.Join(", ", output.shape))}].", paramName);
        }

        return output.detach().to(ScalarType.Float64).cpu().contiguous().reshape(-1).data<double>().ToArray();
    }
}
