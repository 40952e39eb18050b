namespace FluxMatching.Fields;

using static TorchSharp.torch;

/// <summary>The kinetic field's outputs at a batch of cells.</summary>
/// <param name="Du">du = drive − β·u, [B, G].</param>
/// <param name="Ds">ds = β·u − γ·s (the RNA velocity), [B, G].</param>
/// <param name="Drive">softplus(preact) + min_transcription, [B, G].</param>
/// <param name="Preactivation">a·u + b·s + c, [B, G].</param>
public sealed record KineticVelocity(Tensor Du, Tensor Ds, Tensor Drive, Tensor Preactivation);
