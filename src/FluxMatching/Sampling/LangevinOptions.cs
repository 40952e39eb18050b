namespace FluxMatching.Sampling;

/// <summary>Settings of <see cref="LangevinSampler"/> (defaults: the quickstart notebook).</summary>
public sealed record LangevinOptions
{
    /// <summary>Number of Langevin steps (default 2,000; ≥ 1).</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Step size ε of x ← x + ½ε f(x) + √ε ξ (default 0.01; finite, &gt; 0).</summary>
    public double StepSize { get; init; } = 0.01;

    /// <summary>Record the state every k steps into the trajectory (default 0: no trajectory; ≥ 0).</summary>
    public int RecordEvery { get; init; }

    /// <summary>Fixed noise level σ passed to a noise-conditioned field (default null; required, &gt; 0, for such
    /// fields; ignored by the others).</summary>
    public double? Sigma { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException("options.Steps", Steps, "Steps must be ≥ 1.");
        }

        if (!double.IsFinite(StepSize) || StepSize <= 0)
        {
            throw new ArgumentOutOfRangeException("options.StepSize", StepSize, "StepSize must be finite and > 0.");
        }

        if (RecordEvery < 0)
        {
            throw new ArgumentOutOfRangeException("options.RecordEvery", RecordEvery, "RecordEvery must be ≥ 0 (0: no trajectory).");
        }

        if (Sigma is double s && (!double.IsFinite(s) || s <= 0))
        {
            throw new ArgumentOutOfRangeException("options.Sigma", s, "Sigma must be finite and > 0 when given.");
        }
    }
}
