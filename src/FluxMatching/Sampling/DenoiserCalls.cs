namespace FluxMatching.Sampling;

using FluxMatching.Fields;
using FluxMatching.Runtime;
using static TorchSharp.torch;

/// <summary>
/// The denoiser D(x; σ) of a noise-conditioned field as the EDM-style samplers call it: the field's own
/// (<see cref="IDenoiser"/>) or Tweedie's x + σ²·f(x; σ), optionally clamped to [−1, 1] (the authors'
/// <c>pred_eps_</c> with <c>clip_x</c>), with every call counted (the NFE) and the first result's shape checked.
/// </summary>
internal sealed class DenoiserCalls
{
    private readonly IVectorField field;
    private readonly bool clamp;

    /// <summary>Wraps <paramref name="field"/>; throws when it is not noise-conditioned.</summary>
    /// <param name="field">The field.</param>
    /// <param name="clamp">Clamp D to [−1, 1].</param>
    /// <param name="sampler">The sampler's name, for the message.</param>
    public DenoiserCalls(IVectorField field, bool clamp, string sampler)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!field.IsNoiseConditioned)
        {
            throw new ArgumentException(
                $"The {sampler} needs a noise-conditioned field (IsNoiseConditioned = true); use LangevinSampler otherwise.",
                nameof(field));
        }

        this.field = field;
        this.clamp = clamp;
    }

    /// <summary>Number of denoiser calls so far (the NFE).</summary>
    public int Count { get; private set; }

    /// <summary>D(x; σ) [N, D], clamped when asked.</summary>
    /// <param name="x">Points [N, D].</param>
    /// <param name="sigma">σ as a 0-d tensor on x's device and dtype.</param>
    public Tensor Denoise(Tensor x, Tensor sigma)
    {
        var d = FieldCapabilities.Denoise(field, x, sigma);
        if (Count++ == 0)
        {
            SamplerChecks.Drift(d, x);
        }

        return clamp ? d.clamp_(Scalars.MinusOne, Scalars.One) : d;
    }

    /// <summary>The EDM ODE derivative dx/dσ = (x − D(x; σ))/σ [N, D] (the authors' <c>pred_eps_</c>).</summary>
    /// <param name="x">Points [N, D].</param>
    /// <param name="sigma">σ as a 0-d tensor on x's device and dtype.</param>
    public Tensor Slope(Tensor x, Tensor sigma)
    {
        using var scope = NewDisposeScope();
        return x.sub(Denoise(x, sigma)).div_(sigma).MoveToOuterDisposeScope();
    }
}
