namespace FluxMatching.Reference;

/// <summary>A stored two-layer auxiliary net (the exponential proposal or the loss normaliser).</summary>
/// <param name="InputLayer">Linear(1→hidden).</param>
/// <param name="OutputLayer">Linear(hidden→1).</param>
public sealed record FixtureAffineNet(FixtureLinearLayer InputLayer, FixtureLinearLayer OutputLayer);
