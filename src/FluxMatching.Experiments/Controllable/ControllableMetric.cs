namespace FluxMatching.Controllable;

/// <summary>The x axes of exp1's four compatibility panels (the authors' experiments/exp1_controllable/test.py).</summary>
public enum ControllableMetric
{
    /// <summary>"Mixing Speed" (preserving rows; steered by θ₀).</summary>
    MixingSpeed,

    /// <summary>"Triangle Shape": cosine alignment with the cycle mode (preserving rows; steered by θ₁).</summary>
    TriangleAlignment,

    /// <summary>"Jacobian Skewness" (preserving rows; steered by θ₂).</summary>
    JacobianSkewness,

    /// <summary>"Distribution Violation" (violating rows).</summary>
    DistributionViolation,
}
