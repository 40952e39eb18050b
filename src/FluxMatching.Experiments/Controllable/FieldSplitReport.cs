namespace FluxMatching.Controllable;

using FluxMatching.Analysis;

/// <summary>
/// The weighted Helmholtz–Hodge split f = ∇φ + v, ∇·(p v) = 0, of a 2-D field on a grid (<see cref="FieldSplit"/>),
/// with its errors against the score s = ∇log p. All norms are L²(p) on the grid.
/// </summary>
/// <param name="Split">The split (its grid, weight p, field f, gradient part ∇φ and remainder = circulation v).</param>
/// <param name="FieldVsScore">‖f − s‖ / ‖s‖.</param>
/// <param name="GradientVsScore">‖∇φ − s‖ / ‖s‖.</param>
/// <param name="CirculationShare">‖v‖ / ‖f‖.</param>
/// <param name="CirculationError">‖v − v_true‖ / ‖v_true‖ when the true circulation was given, else NaN.</param>
public sealed record FieldSplitReport(
    HelmholtzHodgeResult Split,
    double FieldVsScore,
    double GradientVsScore,
    double CirculationShare,
    double CirculationError);
