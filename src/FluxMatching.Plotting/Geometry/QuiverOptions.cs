namespace FluxMatching.Plotting;

/// <summary>Appearance of quiver (arrow) plots, after the reference notebook's <c>plot_field</c>: arrows of equal length
/// showing direction, coloured by magnitude |f|.</summary>
public sealed record QuiverOptions
{
    /// <summary>Arrow length in data units. Default null: 0.8 × the grid spacing.</summary>
    public double? ArrowLength { get; init; }

    /// <summary>True: every arrow has length <see cref="ArrowLength"/> (direction only; colour carries |f|).
    /// False: lengths are proportional to |f|, the longest being <see cref="ArrowLength"/>. Default true.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Barb length as a fraction of the arrow length, in (0, 1]. Default 0.3 (plotly.py's create_quiver).</summary>
    public double BarbFraction { get; init; } = 0.3;

    /// <summary>Angle between shaft and each barb, degrees, in (0, 90). Default 20 (≈ π/9 as in create_quiver).</summary>
    public double BarbAngleDegrees { get; init; } = 20;

    /// <summary>Number of magnitude bins, 1 … 64; each bin is one line trace with one colour. Default 8.</summary>
    public int MagnitudeBins { get; init; } = 8;

    /// <summary>Colour scale for |f|. Default <see cref="ColorScale.Viridis"/>.</summary>
    public ColorScale ColorScale { get; init; } = ColorScale.Viridis;

    /// <summary>Arrow line width in pixels, &gt; 0. Default 1.6.</summary>
    public double LineWidth { get; init; } = 1.6;

    /// <summary>Show the |f| colour bar. Default true.</summary>
    public bool ShowColorBar { get; init; } = true;

    internal void Validate()
    {
        if (ArrowLength is { } a && (!double.IsFinite(a) || a <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ArrowLength), a, "ArrowLength must be finite and > 0.");
        }

        if (!(BarbFraction > 0 && BarbFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(BarbFraction), BarbFraction, "BarbFraction must be in (0, 1].");
        }

        if (!(BarbAngleDegrees > 0 && BarbAngleDegrees < 90))
        {
            throw new ArgumentOutOfRangeException(nameof(BarbAngleDegrees), BarbAngleDegrees, "BarbAngleDegrees must be in (0, 90).");
        }

        if (MagnitudeBins is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MagnitudeBins), MagnitudeBins, "MagnitudeBins must be in 1 … 64.");
        }

        if (!(LineWidth > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LineWidth), LineWidth, "LineWidth must be > 0.");
        }

        ArgumentNullException.ThrowIfNull(ColorScale);
    }
}
