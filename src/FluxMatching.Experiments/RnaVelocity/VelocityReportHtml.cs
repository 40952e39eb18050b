namespace FluxMatching.RnaVelocity;

using System.Globalization;
using System.Net;
using FluxMatching.Plotting;

/// <summary>
/// A self-contained HTML report (plotly.js embedded once, nothing loaded from elsewhere): the metrics table, per method
/// the velocity stream plot on the embedding (the embedded velocity interpolated on a grid and traced,
/// <see cref="VelocityCharts.Stream"/>), phase portraits (Ms vs Mu) of the most variable genes with each method's
/// steady-state line u = (γ/β)·s, and on simulated data the recovered γ/β against the truth.
/// </summary>
public static class VelocityReportHtml
{
    /// <summary>Renders the report.</summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="label">What the data is.</param>
    /// <param name="truth">The simulation behind the data, or null.</param>
    public static string Render(VelocityComparison comparison, string label, SimulatedLineage? truth = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var data = comparison.Data;
        var parts = new List<string>
        {
            $"<h1>RNA velocity: {Enc(label)}</h1>",
            string.Create(CultureInfo.InvariantCulture,
                $"<p>{data.Cells} cells, {data.Genes} genes. Kinetic field trained by the gene-local flux loss ({comparison.Fit.Losses.Count} steps)" +
                $"{(comparison.DsmFit is { } dsm ? $" and by DSM ({dsm.Losses.Count} steps)" : "")}, against scVelo's steady-state model.</p>"),
            "<h2>Metrics</h2><pre>" + Enc(VelocityOutputs.Table(comparison)) + "</pre>",
            "<h2>Velocity streams on the embedding</h2><div style=\"display:flex;flex-wrap:wrap\">",
        };
        foreach (var m in comparison.Methods)
        {
            parts.Add(HtmlExport.ChartFragment(VelocityCharts.Stream(comparison, m.Method)));
        }

        parts.Add("</div><h2>Phase portraits (Ms horizontal, Mu vertical; lines u = (γ/β)·s)</h2><div style=\"display:flex;flex-wrap:wrap\">");
        foreach (int g in VelocityCharts.TopGenes(data, 6))
        {
            parts.Add(HtmlExport.ChartFragment(VelocityCharts.Phase(comparison, g)));
        }

        parts.Add("</div>");
        if (truth is not null)
        {
            parts.Add("<h2>Recovered rates</h2>");
            parts.Add(HtmlExport.ChartFragment(VelocityCharts.RatesAgainstTruth(comparison, truth)));
        }

        return HtmlExport.Document($"RNA velocity: {label}", parts);
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
