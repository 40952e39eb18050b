namespace FluxMatching.Plotting;

/// <summary>Which way streamlines are integrated from their seeds.</summary>
public enum StreamlineDirection
{
    /// <summary>Along f only.</summary>
    Forward,

    /// <summary>Against f only.</summary>
    Backward,

    /// <summary>Both ways, joined at the seed.</summary>
    Both,
}

/// <summary>How streamlines are seeded and integrated (classical RK4 on the field, not arrows).</summary>
public sealed record StreamlineOptions
{
    /// <summary>Seeds per axis of the regular seed grid (the grid is inset half a cell from the bounds), 1 … 100.
    /// Default 10 (100 streamlines). Ignored when <see cref="Seeds"/> is set.</summary>
    public int SeedsPerAxis { get; init; } = 10;

    /// <summary>Explicit seed points. Default null: a regular grid.</summary>
    public PointSet? Seeds { get; init; }

    /// <summary>RK4 step in data units (arc length when <see cref="NormalizeDirection"/>, else time). Default null:
    /// 1/150 of the larger side of the bounds.</summary>
    public double? StepSize { get; init; }

    /// <summary>Maximum RK4 steps per direction, 1 … 100000. Default 120.</summary>
    public int MaxSteps { get; init; } = 120;

    /// <summary>Integration direction. Default <see cref="StreamlineDirection.Both"/>.</summary>
    public StreamlineDirection Direction { get; init; } = StreamlineDirection.Both;

    /// <summary>Integrate the unit direction f/|f| (arc-length parametrisation: every line advances the same length
    /// per step whatever |f| is, which suits score fields whose magnitude varies by orders). Default true.</summary>
    public bool NormalizeDirection { get; init; } = true;

    /// <summary>A line stops where |f| falls below this (a fixed point). Default 1e-9.</summary>
    public double MinSpeed { get; init; } = 1e-9;

    /// <summary>Line colour (CSS). Default a dark blue.</summary>
    public string Color { get; init; } = "rgb(31, 78, 140)";

    /// <summary>Line width in pixels. Default 1.2.</summary>
    public double LineWidth { get; init; } = 1.2;

    internal void Validate()
    {
        if (SeedsPerAxis is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(SeedsPerAxis), SeedsPerAxis, "SeedsPerAxis must be in 1 … 100.");
        }

        if (StepSize is { } h && (!double.IsFinite(h) || h <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(StepSize), h, "StepSize must be finite and > 0.");
        }

        if (MaxSteps is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "MaxSteps must be in 1 … 100000.");
        }

        if (!(MinSpeed >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MinSpeed), MinSpeed, "MinSpeed must be ≥ 0.");
        }

        if (!(LineWidth > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LineWidth), LineWidth, "LineWidth must be > 0.");
        }
    }
}
