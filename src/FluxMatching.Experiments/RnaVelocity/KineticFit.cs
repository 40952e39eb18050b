namespace FluxMatching.RnaVelocity;

using FluxMatching.Fields;

/// <summary>A kinetic field fitted to a data set (<see cref="KineticFluxTrainer"/>).</summary>
/// <param name="Field">The trained field.</param>
/// <param name="Velocity">ds = β·Mu − γ·Ms per cell [N, G] (the authors' <c>layers["velocity"]</c>).</param>
/// <param name="VelocityUnspliced">du [N, G].</param>
/// <param name="Beta">β [G].</param>
/// <param name="Gamma">γ [G].</param>
/// <param name="Losses">The loss of every step.</param>
public sealed record KineticFit(
    KineticField Field,
    double[,] Velocity,
    double[,] VelocityUnspliced,
    double[] Beta,
    double[] Gamma,
    IReadOnlyList<double> Losses);
