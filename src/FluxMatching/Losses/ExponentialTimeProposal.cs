namespace FluxMatching.Losses;

using FluxMatching.Data;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The authors' learned truncated-exponential proposal for the horizon t (the authors' src/exponential.py, paper §3.4,
/// "ExponentialIS"): q_λ(t) = λ e^{−λt} / (1 − e^{−λH}) on [0, H], with rate
/// λ(σ) = 1 + softplus(a(log σ/4)) &gt; 1 where a is the affine two-layer head of <see cref="LogSigmaAffineNet"/>.
/// It is trained only by its REINFORCE term <see cref="ReinforceLoss"/>; the flux loss divides by q(t).
/// </summary>
public sealed class ExponentialTimeProposal : LogSigmaAffineNet
{
    /// <summary>Creates the proposal (PyTorch default init from the global generator).</summary>
    /// <param name="hidden">Hidden width (reference: 256).</param>
    /// <param name="horizon">Truncation H &gt; 0 (reference: 4.0, the loss's horizon).</param>
    /// <param name="name">Module name.</param>
    public ExponentialTimeProposal(int hidden = 256, double horizon = 4.0, string name = "exponential_time_proposal")
        : base(name, hidden)
    {
        if (!(horizon > 0.0) || !double.IsFinite(horizon))
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be finite and > 0.");
        }

        Horizon = horizon;
    }

    /// <summary>Truncation H of the proposal.</summary>
    public double Horizon { get; }

    /// <summary>The rate λ(σ) = 1 + softplus(a(log σ / 4)), shape [n].</summary>
    /// <param name="sigma">σ &gt; 0 with n elements (the standard deviation, not the variance).</param>
    public override Tensor forward(Tensor sigma) => Rate(sigma);

    /// <summary>The rate λ(σ) = 1 + softplus(a(log σ / 4)) &gt; 1, shape [n].</summary>
    /// <param name="sigma">σ &gt; 0 with n elements (the standard deviation, not the variance).</param>
    public Tensor Rate(Tensor sigma) => TorchOps.Softplus(Head(sigma)).add(Scalars.One, Scalars.One);

    /// <summary>
    /// log q(t; σ) = log λ − λt − log(1 − e^{−λH}) (normaliser computed as log(−expm1(−λH))).
    /// </summary>
    /// <param name="t">Horizons, reshaped to [m].</param>
    /// <param name="sigma">σ with n elements; n = m, n = 1 or m = 1 (broadcast).</param>
    /// <returns>Shape [max(n, m)].</returns>
    public Tensor LogDensity(Tensor t, Tensor sigma)
    {
        ArgumentNullException.ThrowIfNull(t);
        var lambda = Rate(sigma);
        var normaliser = lambda.mul(Scalars.Shared(-Horizon)).expm1().neg().log();
        return lambda.log().sub(lambda.mul(t.reshape(-1))).sub(normaliser);
    }

    /// <summary>
    /// Draws t by the inverse CDF from ONE uniform u for all σ entries:
    /// t = −log1p(−u(1 − e^{−λH}))/λ with 1 − e^{−λH} = −expm1(−λH), clamped to [0, H]. λ is computed without grad;
    /// the density is evaluated with grad (as the reference).
    /// </summary>
    /// <param name="sigma">σ &gt; 0 with n elements.</param>
    /// <param name="uniform">Optional pre-drawn u ∈ [0, 1) (single element); otherwise <c>rand(1)</c> from
    /// <paramref name="generator"/> in σ's dtype and device.</param>
    /// <param name="generator">Generator for u (null: the global generator).</param>
    public TimeSample Sample(Tensor sigma, Tensor? uniform = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sigma);
        Tensor u;
        if (uniform is null)
        {
            u = RandomDraws.Rand([1], sigma.dtype, sigma.device, generator);
        }
        else
        {
            if (uniform.numel() != 1)
            {
                throw new ArgumentException(
                    $"uniform must hold exactly one element, got shape [{string.Join(", ", uniform.shape)}].",
                    nameof(uniform));
            }

            u = uniform.reshape(1).to(sigma.dtype, sigma.device);
        }

        Tensor t;
        using (no_grad())
        {
            var lambda = Rate(sigma);
            var oneMinusExp = lambda.mul(Scalars.Shared(-Horizon)).expm1().neg();
            t = u.mul(oneMinusExp).neg().log1p().neg().div(lambda)
                .clamp(Scalars.Zero, Scalars.Shared(Horizon));
        }

        return new TimeSample(t, LogDensity(t, sigma).exp(), u);
    }

    /// <summary>
    /// The REINFORCE term −target.detach() · log q(t.detach(); σ), per element; its gradient reaches only the
    /// proposal's parameters (through λ).
    /// </summary>
    /// <param name="t">Horizons [m].</param>
    /// <param name="sigma">σ with n elements (broadcast as in <see cref="LogDensity"/>).</param>
    /// <param name="target">The signal (callers use the detached batch-mean normalised flux loss), broadcastable.
    /// </param>
    public Tensor ReinforceLoss(Tensor t, Tensor sigma, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(target);
        return target.detach().neg().mul(LogDensity(t.detach(), sigma));
    }
}
