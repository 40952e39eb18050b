namespace FluxMatching.Plotting;

using System.Globalization;

/// <summary>One stop of a <see cref="ColorScale"/>: an sRGB colour at a position in [0, 1].</summary>
/// <param name="Position">Position in [0, 1]; stops are sorted by position.</param>
/// <param name="R">Red, 0 … 255.</param>
/// <param name="G">Green, 0 … 255.</param>
/// <param name="B">Blue, 0 … 255.</param>
public sealed record ColorStop(double Position, byte R, byte G, byte B);

/// <summary>
/// A piecewise-linear colour scale. The same stops go to plotly (as an explicit <c>colorscale</c> array) and to
/// <see cref="ColorAt"/>, so colours computed here (e.g. one per quiver magnitude bin) match plotly's colour bar exactly.
/// </summary>
public sealed record ColorScale
{
    /// <summary>Creates a scale from at least two stops whose positions run from 0 to 1 in increasing order.</summary>
    /// <param name="name">Display name.</param>
    /// <param name="stops">Stops, first at 0, last at 1, positions non-decreasing.</param>
    public ColorScale(string name, IReadOnlyList<ColorStop> stops)
    {
        ArgumentNullException.ThrowIfNull(stops);
        if (stops.Count < 2 || stops[0].Position != 0 || stops[^1].Position != 1)
        {
            throw new ArgumentException($"A colour scale needs ≥ 2 stops from position 0 to 1; got {stops.Count} stops.", nameof(stops));
        }

        for (int k = 1; k < stops.Count; k++)
        {
            if (stops[k].Position < stops[k - 1].Position)
            {
                throw new ArgumentException($"Stop positions must be non-decreasing; stop {k} is at {stops[k].Position} after {stops[k - 1].Position}.", nameof(stops));
            }
        }

        Name = name;
        Stops = stops;
    }

    /// <summary>Display name.</summary>
    public string Name { get; }

    /// <summary>Stops in increasing position.</summary>
    public IReadOnlyList<ColorStop> Stops { get; }

    /// <summary>Viridis (perceptually uniform, the matplotlib default; plotly's own 10 stops).</summary>
    public static ColorScale Viridis { get; } = FromHex("Viridis",
        "#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725");

    /// <summary>Diverging blue–white–red (ColorBrewer RdBu reversed): negative blue, 0 white, positive red; use with a
    /// range symmetric about 0 (matplotlib's TwoSlopeNorm in the reference notebook).</summary>
    public static ColorScale Diverging { get; } = FromHex("RdBu (reversed)",
        "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b");

    /// <summary>Black to white, for greyscale images.</summary>
    public static ColorScale Greys { get; } = FromHex("Greys", "#000000", "#ffffff");

    /// <summary>Light to dark blue, for density contours.</summary>
    public static ColorScale Blues { get; } = FromHex("Blues", "#c6dbef", "#6baed6", "#2171b5", "#08306b");

    /// <summary>Evenly spaced stops from hex colours (#rrggbb).</summary>
    /// <param name="name">Display name.</param>
    /// <param name="hexColors">At least two colours.</param>
    public static ColorScale FromHex(string name, params string[] hexColors)
    {
        ArgumentNullException.ThrowIfNull(hexColors);
        if (hexColors.Length < 2)
        {
            throw new ArgumentException($"Need ≥ 2 colours; got {hexColors.Length}.", nameof(hexColors));
        }

        var stops = new ColorStop[hexColors.Length];
        for (int k = 0; k < hexColors.Length; k++)
        {
            var h = hexColors[k];
            if (h.Length != 7 || h[0] != '#')
            {
                throw new ArgumentException($"Colours must be #rrggbb; got '{h}'.", nameof(hexColors));
            }

            byte P(int at) => byte.Parse(h.AsSpan(at, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            stops[k] = new ColorStop(k == hexColors.Length - 1 ? 1.0 : (double)k / (hexColors.Length - 1), P(1), P(3), P(5));
        }
        return new ColorScale(name, stops);
    }

    /// <summary>The colour at position <paramref name="t"/> (clamped to [0, 1]) as a CSS <c>rgb(r, g, b)</c> string.</summary>
    public string ColorAt(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        int k = 1;
        while (k < Stops.Count - 1 && Stops[k].Position < t)
        {
            k++;
        }

        var (a, b) = (Stops[k - 1], Stops[k]);
        double w = b.Position > a.Position ? (t - a.Position) / (b.Position - a.Position) : 1;
        int C(byte p, byte q) => (int)Math.Round(p + (q - p) * w);
        return $"rgb({C(a.R, b.R)}, {C(a.G, b.G)}, {C(a.B, b.B)})";
    }

    /// <summary>The plotly <c>colorscale</c> value: [[position, "#rrggbb"], …].</summary>
    public object[][] ToPlotly() =>
        Stops.Select(s => new object[] { s.Position, $"#{s.R:x2}{s.G:x2}{s.B:x2}" }).ToArray();
}
