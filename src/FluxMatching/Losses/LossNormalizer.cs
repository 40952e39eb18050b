namespace FluxMatching.Losses;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The authors' learned per-σ loss scale (the authors' src/normalizer.py, paper §3.3): s(σ) = a(log σ/4), affine in log σ
/// through the two-layer head of <see cref="LogSigmaAffineNet"/>, any sign (the reference's docstring says softplus,
/// its code has none). Normalised loss: ℓ / exp(s(σ)) + s(σ) (uncertainty weighting; optimum s = log E[ℓ]).
/// </summary>
public sealed class LossNormalizer : LogSigmaAffineNet
{
    /// <summary>Creates the normaliser (PyTorch default init from the global generator).</summary>
    /// <param name="hidden">Hidden width (reference: 256).</param>
    /// <param name="name">Module name.</param>
    public LossNormalizer(int hidden = 256, string name = "loss_normalizer") : base(name, hidden)
    {
    }

    /// <summary>s(σ), shape [n].</summary>
    /// <param name="sigma">σ &gt; 0 with n elements (the standard deviation).</param>
    public override Tensor forward(Tensor sigma) => Head(sigma);

    /// <summary>The normalised loss ℓ / exp(s(σ)) + s(σ).</summary>
    /// <param name="loss">Raw loss, e.g. per-sample [B].</param>
    /// <param name="sigma">σ with n elements; s [n] broadcasts against <paramref name="loss"/> (n = 1 for [B]).</param>
    public Tensor Normalize(Tensor loss, Tensor sigma)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var s = Head(sigma);
        return loss.div(s.exp()).add(s, Runtime.Scalars.One);
    }
}
