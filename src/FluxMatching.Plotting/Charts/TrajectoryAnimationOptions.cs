namespace FluxMatching.Plotting;

/// <summary>How a sampler trajectory is animated.</summary>
public sealed record TrajectoryAnimationOptions
{
    /// <summary>At most this many frames, 2 … 500; longer trajectories keep evenly spaced frames (always the first and
    /// the last). Default 60.</summary>
    public int MaxFrames { get; init; } = 60;

    /// <summary>At most this many particles per frame (the first ones), ≥ 1. Default 1000.</summary>
    public int MaxPoints { get; init; } = 1000;

    /// <summary>Milliseconds per frame when playing, 10 … 5000. Default 80.</summary>
    public int FrameDurationMs { get; init; } = 80;

    /// <summary>Axis ranges. Default null: a square around the origin holding all frames (10% margin).</summary>
    public Bounds2D? Bounds { get; init; }

    /// <summary>Slider label of each recorded frame (e.g. the sampler step or σ), one per input frame. Default null:
    /// the frame index.</summary>
    public IReadOnlyList<string>? FrameLabels { get; init; }

    /// <summary>Particle marker colour (CSS). Default an orange.</summary>
    public string Color { get; init; } = "rgba(239, 85, 59, 0.7)";

    internal void Validate()
    {
        if (MaxFrames is < 2 or > 500)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrames), MaxFrames, "MaxFrames must be in 2 … 500.");
        }

        if (MaxPoints < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPoints), MaxPoints, "MaxPoints must be ≥ 1.");
        }

        if (FrameDurationMs is < 10 or > 5000)
        {
            throw new ArgumentOutOfRangeException(nameof(FrameDurationMs), FrameDurationMs, "FrameDurationMs must be in 10 … 5000.");
        }
    }
}
