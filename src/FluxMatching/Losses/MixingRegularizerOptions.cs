namespace FluxMatching.Losses;

using FluxMatching.Metrics;

/// <summary>
/// Settings of <see cref="MixingRegularizer"/>; the defaults are the authors' (experiments/exp4_fast_mixing/
/// application_loss.py).
/// </summary>
public sealed record MixingRegularizerOptions
{
    /// <summary>The reference settings.</summary>
    public static MixingRegularizerOptions Default { get; } = new();

    /// <summary>Which drift moves the anchors. Default <see cref="MixingDrive.DenoiserOverSigma"/> (the authors').
    /// </summary>
    public MixingDrive Drive { get; init; } = MixingDrive.DenoiserOverSigma;

    /// <summary>Step size of the Langevin step in units of σ²: ε = StepScale·σ², noise √(2ε). Default 0.2 (the
    /// reference's 2σ²·0.1).</summary>
    public double StepScale { get; init; } = 0.2;

    /// <summary>τ &gt; 0 added to the detached initial divergence in the denominator. Default 1e-3.</summary>
    public double Tau { get; init; } = 1e-3;

    /// <summary>The Sinkhorn divergence's ε and iteration count. Default ε = 0.05, 50 iterations.</summary>
    public SinkhornOptions Sinkhorn { get; init; } = SinkhornOptions.Default;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Drive))
        {
            throw new ArgumentOutOfRangeException(nameof(Drive), Drive, "drive must be DenoiserOverSigma or Score.");
        }

        if (!(StepScale > 0) || !double.IsFinite(StepScale))
        {
            throw new ArgumentOutOfRangeException(nameof(StepScale), StepScale, "the step scale must be a finite number > 0.");
        }

        if (!(Tau > 0) || !double.IsFinite(Tau))
        {
            throw new ArgumentOutOfRangeException(nameof(Tau), Tau, "tau must be a finite number > 0.");
        }

        ArgumentNullException.ThrowIfNull(Sinkhorn, nameof(Sinkhorn));
        Sinkhorn.Validate();
    }
}
