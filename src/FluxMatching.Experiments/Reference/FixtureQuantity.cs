namespace FluxMatching.Reference;

/// <summary>One compared quantity of a fixture replay.</summary>
/// <param name="Name">The fixture's name for it (e.g. <c>per_sample_loss</c>, <c>grad_of_mean_loss[0].weight</c>,
/// <c>proposal_grad.output_layer.bias</c>).</param>
/// <param name="RelativeError">‖got − want‖₂ / ‖want‖₂ (‖got − want‖₂ when want is all zeros; +∞ on a size
/// mismatch or a non-finite value); for U-Net fixtures their own measure, max|got − want| / max|want|.</param>
/// <param name="Count">Number of compared values.</param>
public sealed record FixtureQuantity(string Name, double RelativeError, int Count);
