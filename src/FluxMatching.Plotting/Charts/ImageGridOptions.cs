namespace FluxMatching.Plotting;

/// <summary>Layout of an image grid (a mosaic of N images, like torchvision's make_grid).</summary>
public sealed record ImageGridOptions
{
    /// <summary>Images per row, 1 … 64. Default null: min(N, 8).</summary>
    public int? Columns { get; init; }

    /// <summary>Gap between images in pixels of the images, 0 … 16. Default 2.</summary>
    public int Padding { get; init; } = 2;

    /// <summary>Value shown as black. Default null: the smallest value over all images.</summary>
    public double? Min { get; init; }

    /// <summary>Value shown as white (full intensity). Default null: the largest value over all images.</summary>
    public double? Max { get; init; }

    /// <summary>Display size of one image in CSS pixels, 16 … 512. Default 72.</summary>
    public int CellPixels { get; init; } = 72;

    internal void Validate()
    {
        if (Columns is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Columns), Columns, "Columns must be in 1 … 64.");
        }

        if (Padding is < 0 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(Padding), Padding, "Padding must be in 0 … 16.");
        }

        if (CellPixels is < 16 or > 512)
        {
            throw new ArgumentOutOfRangeException(nameof(CellPixels), CellPixels, "CellPixels must be in 16 … 512.");
        }

        if (Min is { } lo && Max is { } hi && !(lo < hi))
        {
            throw new ArgumentException($"Min must be below Max; got Min = {lo}, Max = {hi}.", nameof(Min));
        }
    }
}
