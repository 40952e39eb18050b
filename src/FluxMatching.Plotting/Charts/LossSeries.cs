namespace FluxMatching.Plotting;

/// <summary>One training-loss history to plot.</summary>
/// <param name="Name">Legend name, e.g. "Flux" or "DSM".</param>
/// <param name="Values">Loss per recorded step, length T (non-finite entries are gaps).</param>
/// <param name="Steps">Training step of each value, length T; null = 1, 2, …, T.</param>
public sealed record LossSeries(string Name, IReadOnlyList<double> Values, IReadOnlyList<double>? Steps = null);

/// <summary>Smoothing applied to loss curves.</summary>
public enum LossSmoothingKind
{
    /// <summary>No smoothed curve.</summary>
    None,

    /// <summary>Debiased exponential moving average (<see cref="LossSmoothing.Ema"/>).</summary>
    Ema,

    /// <summary>Trailing moving average (<see cref="LossSmoothing.MovingAverage"/>).</summary>
    MovingAverage,
}

/// <summary>Appearance of loss curves: raw values in a light colour, the smoothed curve in full colour.</summary>
public sealed record LossChartOptions
{
    /// <summary>Smoothing of the bold curve. Default <see cref="LossSmoothingKind.Ema"/>.</summary>
    public LossSmoothingKind Smoothing { get; init; } = LossSmoothingKind.Ema;

    /// <summary>EMA weight w in [0, 1). Default 0.95.</summary>
    public double EmaWeight { get; init; } = 0.95;

    /// <summary>Moving-average window, ≥ 1. Default 50.</summary>
    public int Window { get; init; } = 50;

    /// <summary>Draw the raw values (light). Default true.</summary>
    public bool ShowRaw { get; init; } = true;

    /// <summary>Opacity of the raw curve, in (0, 1]. Default 0.25.</summary>
    public double RawOpacity { get; init; } = 0.25;

    /// <summary>Logarithmic y axis (only sensible for positive losses such as DSM; the Flux Matching loss can be
    /// negative). Default false.</summary>
    public bool LogY { get; init; }

    /// <summary>At most this many points per curve (every k-th kept, after smoothing on all values), ≥ 10.
    /// Default 4000.</summary>
    public int MaxPoints { get; init; } = 4000;

    internal void Validate()
    {
        if (!(EmaWeight >= 0 && EmaWeight < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(EmaWeight), EmaWeight, "EmaWeight must be in [0, 1).");
        }

        if (Window < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Window), Window, "Window must be ≥ 1.");
        }

        if (!(RawOpacity > 0 && RawOpacity <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(RawOpacity), RawOpacity, "RawOpacity must be in (0, 1].");
        }

        if (MaxPoints < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPoints), MaxPoints, "MaxPoints must be ≥ 10.");
        }
    }
}
