namespace FluxMatching.Plotting;

using Plotly.NET;

/// <summary>Recovered values against known ones (e.g. fitted kinetic rates against a simulation's truth): one marker
/// series per method and the line y = x.</summary>
public static class RecoveryCharts
{
    /// <summary>Scatter of each series against <paramref name="truth"/>, with the diagonal.</summary>
    /// <param name="truth">The known values (one per item).</param>
    /// <param name="series">Named recovered values, each as long as <paramref name="truth"/>.</param>
    /// <param name="quantity">What is compared, for the title and axes (e.g. "γ/β").</param>
    /// <param name="logAxes">Logarithmic axes (positive values). Default true.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart AgainstTruth(double[] truth, IReadOnlyList<(string Name, double[] Values)> series,
        string quantity, bool logAxes = true, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(series);
        var traces = new List<Trace>();
        int k = 0;
        foreach (var (name, values) in series)
        {
            if (values.Length != truth.Length)
            {
                throw new ArgumentException($"series '{name}' holds {values.Length} values, truth {truth.Length}.", nameof(series));
            }

            traces.Add(PlotlyBuilder.Scatter("markers", truth, values, name,
                marker: new { size = 6, color = PlotlyBuilder.Palette[k++ % PlotlyBuilder.Palette.Length] }));
        }

        var finite = truth.Where(double.IsFinite).DefaultIfEmpty(1).ToArray();
        double lo = finite.Min(), hi = finite.Max();
        traces.Add(PlotlyBuilder.Scatter("lines", [lo, hi], [lo, hi], "y = x", line: new { color = "grey", dash = "dash" }));
        var chart = PlotlyBuilder.Figure(traces, figure ?? new() { Width = 460, Height = 420 }, $"{quantity}: recovered vs true");
        string? type = logAxes ? "log" : null;
        return PlotlyBuilder.MapLayout(chart, l =>
        {
            l.SetProperty("xaxis", PlotlyBuilder.Axis($"true {quantity}", type: type));
            l.SetProperty("yaxis", PlotlyBuilder.Axis($"recovered {quantity}", type: type));
        });
    }
}
