namespace FluxMatching.RnaVelocity;

/// <summary>The outcome of <see cref="VelocityPipeline.Run"/>.</summary>
/// <param name="Data">The data set.</param>
/// <param name="Fit">The fitted kinetic field.</param>
/// <param name="Methods">Flux, SteadyState (and Truth on simulated data), in that order.</param>
public sealed record VelocityComparison(VelocityData Data, KineticFit Fit, IReadOnlyList<MethodResult> Methods);
