namespace FluxMatching.Sampling;

/// <summary>How <see cref="ProbabilityFlowLikelihood"/> estimates the divergence of the ODE's drift.</summary>
public enum DivergenceEstimator
{
    /// <summary>Hutchinson's estimator εᵀ(∂v/∂x)ε with Rademacher probes ε ∈ {−1, 1}^D (the authors' choice).</summary>
    Rademacher,

    /// <summary>Hutchinson's estimator with Gaussian probes ε ~ N(0, I).</summary>
    Gaussian,

    /// <summary>The exact trace, one backward pass per dimension (D passes per evaluation: small D only).</summary>
    Exact,
}

/// <summary>Settings of <see cref="ProbabilityFlowLikelihood"/> (defaults: the authors' exp3 <c>compute_nll</c>,
/// experiments/exp3_unrestricted/cifar_eval.py, except the offset, which is 0 unless the data are 8-bit images).</summary>
public sealed record LikelihoodOptions
{
    /// <summary>The bits/dim offset of 8-bit images scaled to [−1, 1]: 7 = log₂(256/2) (see
    /// <see cref="ProbabilityFlowLikelihood"/> for the derivation).</summary>
    public const double EightBitImageOffset = 7.0;

    /// <summary>σ_min, where the data are evaluated (default 0.002; 0 &lt; σ_min &lt; σ_max).</summary>
    public double SigmaMin { get; init; } = 0.002;

    /// <summary>σ_max, where the prior N(0, σ_max² I) is evaluated (default 80).</summary>
    public double SigmaMax { get; init; } = 80.0;

    /// <summary>Relative tolerance of the adaptive Heun–Euler solver (default 1e-5; &gt; 0).</summary>
    public double Rtol { get; init; } = 1e-5;

    /// <summary>Absolute tolerance of the adaptive Heun–Euler solver (default 1e-5; &gt; 0).</summary>
    public double Atol { get; init; } = 1e-5;

    /// <summary>Most trial steps before the run fails (default 100,000; ≥ 1).</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>The divergence estimator (default Rademacher probes, as the authors).</summary>
    public DivergenceEstimator Divergence { get; init; } = DivergenceEstimator.Rademacher;

    /// <summary>Hutchinson probes per point, drawn once and kept for the whole trajectory; the estimate is their mean
    /// (default 1, the authors' <c>n_hutchinson</c>; ≥ 1; unused with <see cref="DivergenceEstimator.Exact"/>).</summary>
    public int Probes { get; init; } = 1;

    /// <summary>Added to the bits/dim (default 0: continuous data; <see cref="EightBitImageOffset"/> for 8-bit images
    /// in [−1, 1]; finite).</summary>
    public double BitsPerDimOffset { get; init; }

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        SamplerChecks.Levels(SigmaMin, SigmaMax);
        SamplerChecks.Tolerances(Rtol, Atol);
        if (MaxSteps < 1)
        {
            throw new ArgumentOutOfRangeException("options.MaxSteps", MaxSteps, "MaxSteps must be ≥ 1.");
        }

        if (Probes < 1)
        {
            throw new ArgumentOutOfRangeException("options.Probes", Probes, "Probes must be ≥ 1.");
        }

        if (!Enum.IsDefined(Divergence))
        {
            throw new ArgumentOutOfRangeException("options.Divergence", Divergence, "Divergence must be Rademacher, Gaussian or Exact.");
        }

        if (!double.IsFinite(BitsPerDimOffset))
        {
            throw new ArgumentOutOfRangeException("options.BitsPerDimOffset", BitsPerDimOffset, "BitsPerDimOffset must be finite.");
        }
    }
}
