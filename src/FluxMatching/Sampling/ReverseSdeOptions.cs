namespace FluxMatching.Sampling;

/// <summary>Settings of <see cref="ReverseSdeSampler"/> (defaults: the annealed quickstart notebook).</summary>
public sealed record ReverseSdeOptions
{
    /// <summary>Number of Euler–Maruyama steps (default 1,000; ≥ 1). The σ grid has Steps + 1 points.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Largest noise level σ_max, the start of the grid and the std of the start points (default 2.0).</summary>
    public double SigmaMax { get; init; } = 2.0;

    /// <summary>Smallest noise level σ_min, the end of the grid (default 0.02; 0 &lt; σ_min &lt; σ_max).</summary>
    public double SigmaMin { get; init; } = 0.02;

    /// <summary>Record the state every k steps into the trajectory (default 0: no trajectory; ≥ 0).</summary>
    public int RecordEvery { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException("options.Steps", Steps, "Steps must be ≥ 1.");
        }

        if (!double.IsFinite(SigmaMin) || SigmaMin <= 0)
        {
            throw new ArgumentOutOfRangeException("options.SigmaMin", SigmaMin, "SigmaMin must be finite and > 0.");
        }

        if (!double.IsFinite(SigmaMax) || SigmaMax <= SigmaMin)
        {
            throw new ArgumentOutOfRangeException("options.SigmaMax", SigmaMax, $"SigmaMax must be finite and > SigmaMin = {SigmaMin}.");
        }

        if (RecordEvery < 0)
        {
            throw new ArgumentOutOfRangeException("options.RecordEvery", RecordEvery, "RecordEvery must be ≥ 0 (0: no trajectory).");
        }
    }
}
