namespace FluxMatching.RnaVelocity;

/// <summary>The outcome of <see cref="VelocityPipeline.Run"/>.</summary>
/// <param name="Data">The data set.</param>
/// <param name="Fit">The kinetic field fitted by the gene-local flux loss.</param>
/// <param name="Methods">Flux, SteadyState, DSM (when fitted) and Truth (on simulated data), in that order.</param>
/// <param name="DsmFit">The same kinetic field fitted by DSM (<see cref="KineticObjective.Dsm"/>), or null.</param>
public sealed record VelocityComparison(VelocityData Data, KineticFit Fit, IReadOnlyList<MethodResult> Methods,
    KineticFit? DsmFit = null);
