namespace FluxMatching.Controllable;

/// <summary>
/// The mixing speed of a drift u on exp1's grid (see <see cref="MixingSpeedCalculator"/>).
/// </summary>
/// <param name="Speed">1/max(mean τ, 1e-8): larger is faster mixing (score field: 0.06183951593175084).</param>
/// <param name="IntegratedAutocorrelationTimes">τ of the observables x, y, r, cos θ, sin θ, in that order.</param>
public sealed record MixingSpeedResult(double Speed, IReadOnlyList<double> IntegratedAutocorrelationTimes);
