namespace FluxMatching.Controllable;

/// <summary>One field of a 1-D θ scan along a single mode axis (exp1's display fields, the authors' experiments/exp1_controllable/test.py).</summary>
/// <param name="Theta">θ [3] (zero except on the scanned axis).</param>
/// <param name="MetricValue">The scanned metric of the preserving field.</param>
/// <param name="CycleAlignment">Its triangle (cycle) alignment, used by the skewness tie-break.</param>
/// <param name="Field">The preserving field s + δu on the grid [n², 2].</param>
public sealed record AxisScanPoint(IReadOnlyList<double> Theta, double MetricValue, double CycleAlignment, double[,] Field);
