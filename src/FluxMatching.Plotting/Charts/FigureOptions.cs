namespace FluxMatching.Plotting;

/// <summary>Title and pixel size of one chart (every chart function takes one; null gives the defaults).</summary>
public sealed record FigureOptions
{
    /// <summary>Chart title. Default null: the chart function's own title.</summary>
    public string? Title { get; init; }

    /// <summary>Width in CSS pixels, 100 … 4000. Default 560.</summary>
    public int Width { get; init; } = 560;

    /// <summary>Height in CSS pixels, 100 … 4000. Default 500.</summary>
    public int Height { get; init; } = 500;

    internal void Validate()
    {
        if (Width is < 100 or > 4000)
        {
            throw new ArgumentOutOfRangeException(nameof(Width), Width, "Width must be in 100 … 4000.");
        }

        if (Height is < 100 or > 4000)
        {
            throw new ArgumentOutOfRangeException(nameof(Height), Height, "Height must be in 100 … 4000.");
        }
    }
}
