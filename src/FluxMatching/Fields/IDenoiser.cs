namespace FluxMatching.Fields;

using static TorchSharp.torch;

/// <summary>
/// A noise-conditioned field that computes its denoiser D(x; σ) = E[x₀ | x_σ = x] itself (e.g. the EDM-preconditioned
/// U-Net, EDM Eq. 7). For any other noise-conditioned field the samplers use Tweedie's formula
/// D(x; σ) = x + σ²·f(x; σ), which is the same quantity when f is the score of p_σ; a field implements this interface
/// only to compute D directly (without the round trip (D − x)/σ² · σ² + x).
/// </summary>
public interface IDenoiser : IVectorField
{
    /// <summary>The denoiser D(x; σ).</summary>
    /// <param name="x">Noisy points [B, D] (flattened for image fields), the field's device and dtype.</param>
    /// <param name="sigma">σ &gt; 0: a 0-d tensor or [B].</param>
    /// <returns>D(x; σ), shaped like <paramref name="x"/>.</returns>
    Tensor Denoise(Tensor x, Tensor sigma);
}
