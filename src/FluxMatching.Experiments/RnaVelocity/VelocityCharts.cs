namespace FluxMatching.RnaVelocity;

using FluxMatching.Plotting;
using Plotly.NET;

/// <summary>The exp2 charts of a <see cref="VelocityComparison"/> (report.html and notebook 06): a method's velocity
/// stream plot on the embedding, a gene's phase portrait with every method's steady-state line u = (γ/β)·s, and the
/// recovered γ/β against the simulation's truth.</summary>
public static class VelocityCharts
{
    /// <summary>The stream plot of one method's embedded velocity (<see cref="EmbeddingCharts.VelocityStream"/>).</summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="method">A method's name ("Flux", "SteadyState", "DSM", "Truth").</param>
    /// <param name="width">Figure width in pixels. Default 420.</param>
    public static GenericChart Stream(VelocityComparison comparison, string method, int width = 420)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var m = Method(comparison, method);
        var d = comparison.Data;
        var points = new PointSet(Column(d.Embedding, 0), Column(d.Embedding, 1));
        var velocity = new PointSet(Column(m.Embedded, 0), Column(m.Embedded, 1));
        return EmbeddingCharts.VelocityStream(points, velocity, d.Clusters,
            figure: new FigureOptions { Title = $"{m.Method}: CBDir {m.CrossBoundaryCorrectness:F3}", Width = width, Height = width });
    }

    /// <summary>Phase portrait (Ms horizontal, Mu vertical) of gene <paramref name="gene"/> with each method's γ/β line.
    /// </summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="gene">Gene index in 0 … G − 1.</param>
    public static GenericChart Phase(VelocityComparison comparison, int gene)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var d = comparison.Data;
        if (gene < 0 || gene >= d.Genes)
        {
            throw new ArgumentOutOfRangeException(nameof(gene), gene, $"gene must be in 0 … {d.Genes - 1}.");
        }

        var lines = comparison.Methods.Where(m => m.GammaOverBeta is not null)
            .Select(m => ($"{m.Method} γ/β", m.GammaOverBeta![gene])).ToList();
        return EmbeddingCharts.PhasePortrait(Column(d.Ms, gene), Column(d.Mu, gene), d.Clusters, lines,
            new FigureOptions { Title = d.GeneNames[gene], Width = 360, Height = 340 });
    }

    /// <summary>The <paramref name="count"/> genes of largest spliced variance, largest first.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="count">How many.</param>
    public static IReadOnlyList<int> TopGenes(VelocityData data, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        return [.. Enumerable.Range(0, data.Genes).OrderByDescending(g =>
        {
            var s = Column(data.Ms, g);
            double mean = s.Average();
            return s.Sum(v => (v - mean) * (v - mean));
        }).Take(count)];
    }

    /// <summary>Recovered γ/β of each method against the simulation's true γ/β (log–log, one point per gene).</summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="truth">The simulation behind it.</param>
    public static GenericChart RatesAgainstTruth(VelocityComparison comparison, SimulatedLineage truth)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(truth);
        var trueRatio = truth.Gamma.Zip(truth.Beta, (g, b) => g / b).ToArray();
        var series = comparison.Methods.Where(m => m.GammaOverBeta is not null && m.Method != "Truth")
            .Select(m => (m.Method, m.GammaOverBeta!)).ToList();
        return RecoveryCharts.AgainstTruth(trueRatio, series, "γ/β");
    }

    private static MethodResult Method(VelocityComparison comparison, string method) =>
        comparison.Methods.FirstOrDefault(m => string.Equals(m.Method, method, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"No method '{method}'. Allowed: {string.Join(", ", comparison.Methods.Select(m => m.Method))}.", nameof(method));

    private static double[] Column(double[,] a, int j) => [.. Enumerable.Range(0, a.GetLength(0)).Select(i => a[i, j])];
}
