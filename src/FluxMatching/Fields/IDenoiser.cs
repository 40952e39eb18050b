namespace FluxMatching.Fields;

using static TorchSharp.torch;

/// <summary>
/// A noise-conditioned field that offers its denoiser D(z; σ) directly (e.g. the EDM-preconditioned U-Net), so the
/// x0-form losses (<c>DsmLoss.X0Kde</c>, <c>EdmLoss</c>) and EDM samplers need not recover it from the field. For
/// any other σ-conditioned field the denoiser is Tweedie's D(z; σ) = z + σ² f(z; σ).
/// </summary>
public interface IDenoiser : IVectorField
{
    /// <summary>The denoiser D(z; σ).</summary>
    /// <param name="x">Noisy samples [B, D] (or the field's native shape, e.g. [B, C, H, W]).</param>
    /// <param name="sigma">σ &gt; 0: one element or [B].</param>
    /// <returns>D, shaped like <paramref name="x"/>.</returns>
    Tensor Denoise(Tensor x, Tensor sigma);
}
