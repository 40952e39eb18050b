namespace FluxMatching.Analysis;

/// <summary>
/// The weighted Helmholtz–Hodge split f = ∇φ + v of a 2-D field on a grid, with ∇·(p v) = 0 (see
/// <see cref="HelmholtzHodge"/>). Vector grids are [Nx, Ny, 2] (component 0: x, 1: y); scalar grids are [Nx, Ny];
/// entry [i, j] belongs to the node (x_i, y_j) of <see cref="Grid"/>.
/// </summary>
/// <param name="Grid">The node grid.</param>
/// <param name="Density">The weight p at the nodes [Nx, Ny], as given (not normalised).</param>
/// <param name="Field">The decomposed field f [Nx, Ny, 2].</param>
/// <param name="Potential">φ [Nx, Ny], with its constant fixed by a zero p-weighted mean, Σ p φ = 0.</param>
/// <param name="Gradient">The gradient part ∇φ [Nx, Ny, 2] (central differences, one-sided at the border).</param>
/// <param name="Remainder">The p-divergence-free part v = f − ∇φ [Nx, Ny, 2].</param>
/// <param name="SolverResidual">Relative residual ‖Kφ − c‖/‖c‖ of the discrete weighted Poisson system (≈ 1e-12 or
/// less when the solve succeeded; 0 when c = 0).</param>
public sealed record HelmholtzHodgeResult(
    Grid2D Grid,
    double[,] Density,
    double[,,] Field,
    double[,] Potential,
    double[,,] Gradient,
    double[,,] Remainder,
    double SolverResidual)
{
    /// <summary>
    /// Relative weighted error ‖a − b‖_{L²(p)} / ‖b‖_{L²(p)} between two vector grids [Nx, Ny, 2], with the node
    /// weights p = <see cref="Density"/> (e.g. a recovered part against its closed form).
    /// </summary>
    /// <param name="estimate">a, [Nx, Ny, 2].</param>
    /// <param name="truth">b, [Nx, Ny, 2], not zero in L²(p).</param>
    public double RelativeError(double[,,] estimate, double[,,] truth) =>
        HelmholtzHodge.RelativeWeightedError(Density, estimate, truth);
}
