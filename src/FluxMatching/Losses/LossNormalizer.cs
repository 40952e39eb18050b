namespace FluxMatching.Losses;

using FluxMatching.Runtime;
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

    /// <summary>
    /// Sets the head to the line s(σ) = <paramref name="intercept"/> + <paramref name="slope"/>·ln σ (the hidden layer is
    /// kept; the output layer is solved for it). Used to start the normaliser where it would converge for the
    /// initial model (<see cref="Models.FluxModelConfig.CalibrateNormalizer"/>).
    /// </summary>
    /// <param name="intercept">s at σ = 1; finite.</param>
    /// <param name="slope">d s / d ln σ; finite.</param>
    public void SetAffine(double intercept, double slope)
    {
        if (!double.IsFinite(intercept) || !double.IsFinite(slope))
        {
            throw new ArgumentOutOfRangeException(nameof(slope), (intercept, slope), "intercept and slope must be finite.");
        }

        // s = w2·(w1·u + b1) + b2 with u = ln σ / 4: choose w2 = 4·slope·w1/|w1|² (so w2·w1 = 4·slope) and
        // b2 = intercept − w2·b1.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var w1 = InputLayer.weight!.squeeze(-1).to(ScalarType.Float64);
        var b1 = InputLayer.bias!.to(ScalarType.Float64);
        double norm2 = w1.dot(w1).ItemAsDouble();
        if (!(norm2 > 0))
        {
            throw new InvalidOperationException("the normalizer's input layer is all zeros; its output cannot depend on σ.");
        }

        using var factor = (4 * slope / norm2).ToScalar();
        var w2 = w1.mul(factor);
        double w2b1 = w2.dot(b1).ItemAsDouble();
        OutputLayer.weight!.copy_(w2.reshape(1, -1));
        using var bias = (intercept - w2b1).ToScalar();
        OutputLayer.bias!.fill_(bias);
    }

    /// <summary>The least-squares line ln ℓ ≈ a + b·ln σ through the points (ln σ_k, ln ℓ_k); one point gives b = 0.</summary>
    /// <param name="logSigma">ln σ_k (at least one, finite).</param>
    /// <param name="logLoss">ln ℓ_k, as many, finite.</param>
    /// <returns>(a, b) for <see cref="SetAffine"/>.</returns>
    public static (double Intercept, double Slope) FitAffine(IReadOnlyList<double> logSigma, IReadOnlyList<double> logLoss)
    {
        ArgumentNullException.ThrowIfNull(logSigma);
        ArgumentNullException.ThrowIfNull(logLoss);
        if (logSigma.Count == 0 || logSigma.Count != logLoss.Count)
        {
            throw new ArgumentException($"need at least one point and as many losses as σ (got {logSigma.Count} σ and {logLoss.Count} losses).", nameof(logLoss));
        }

        double mx = logSigma.Average(), my = logLoss.Average(), sxx = 0, sxy = 0;
        for (int k = 0; k < logSigma.Count; k++)
        {
            sxx += (logSigma[k] - mx) * (logSigma[k] - mx);
            sxy += (logSigma[k] - mx) * (logLoss[k] - my);
        }

        double slope = sxx > 0 ? sxy / sxx : 0;
        return (my - slope * mx, slope);
    }
}
