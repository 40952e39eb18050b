namespace FluxMatching.Sampling;

/// <summary>Settings of <see cref="ProbabilityFlowOdeSampler"/> (defaults: exp5's evaluation, the authors' experiments/exp5_embed_structure).</summary>
public sealed record ProbabilityFlowOdeOptions
{
    /// <summary>Points of the time grid t_0 = 1, …, t_{Steps−1} = TimeEnd (default 512; ≥ 2); Steps − 1 Euler steps,
    /// one field evaluation each (NFE 511).</summary>
    public int Steps { get; init; } = 512;

    /// <summary>σ_min of the schedule σ(t) = σ_min (σ_max/σ_min)^t (default 0.002).</summary>
    public double SigmaMin { get; init; } = 0.002;

    /// <summary>σ_max, also the std of the start points (default 80; &gt; SigmaMin).</summary>
    public double SigmaMax { get; init; } = 80.0;

    /// <summary>Last time of the grid, in (0, 1) (default 1e-3, where σ ≈ 0.0020213); no final denoising step.</summary>
    public double TimeEnd { get; init; } = 1e-3;

    /// <summary>Record the state every k steps into the trajectory (default 0: no trajectory; ≥ 0).</summary>
    public int RecordEvery { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (Steps < 2)
        {
            throw new ArgumentOutOfRangeException("options.Steps", Steps, "Steps (grid points) must be ≥ 2.");
        }

        if (!double.IsFinite(SigmaMin) || SigmaMin <= 0)
        {
            throw new ArgumentOutOfRangeException("options.SigmaMin", SigmaMin, "SigmaMin must be finite and > 0.");
        }

        if (!double.IsFinite(SigmaMax) || SigmaMax <= SigmaMin)
        {
            throw new ArgumentOutOfRangeException("options.SigmaMax", SigmaMax, $"SigmaMax must be finite and > SigmaMin = {SigmaMin}.");
        }

        if (!double.IsFinite(TimeEnd) || TimeEnd <= 0 || TimeEnd >= 1)
        {
            throw new ArgumentOutOfRangeException("options.TimeEnd", TimeEnd, "TimeEnd must be in (0, 1).");
        }

        if (RecordEvery < 0)
        {
            throw new ArgumentOutOfRangeException("options.RecordEvery", RecordEvery, "RecordEvery must be ≥ 0 (0: no trajectory).");
        }
    }
}
