namespace FluxMatching.Data;

/// <summary>Creates the built-in 2-D toy data sources by name.</summary>
public static class ToyDatasets
{
    /// <summary>The names accepted by <see cref="Create"/>, in display order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["ring", "triangle", "eight-gaussians", "moons", "checkerboard", "swiss-roll"];

    /// <summary>
    /// Creates a toy source with its default parameters: "ring" (<see cref="RingDataset"/>), "triangle"
    /// (<see cref="TriangleMixtureDataset"/>), "eight-gaussians" (<see cref="EightGaussiansDataset"/>), "moons"
    /// (<see cref="MoonsDataset"/>), "checkerboard" (<see cref="CheckerboardDataset"/>), "swiss-roll"
    /// (<see cref="SwissRollDataset"/>). Matching ignores case and surrounding spaces.
    /// </summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the allowed names.</exception>
    public static IDataSource Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "ring" => new RingDataset(),
            "triangle" => new TriangleMixtureDataset(),
            "eight-gaussians" => new EightGaussiansDataset(),
            "moons" => new MoonsDataset(),
            "checkerboard" => new CheckerboardDataset(),
            "swiss-roll" => new SwissRollDataset(),
            _ => throw new ArgumentException(
                $"Unknown data set '{name}'; allowed: {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
