namespace FluxMatching.Interactive.Formatters;

using System.Text;
using FluxMatching.Interactive.Html;
using FluxMatching.Metrics;
using FluxMatching.Plotting;

/// <summary>HTML tables of sample-quality metrics.</summary>
internal static class MetricHtml
{
    private static readonly string[] Headers = ["MMD²", "energy distance", "sliced W₂", "exact W₂", "N", "M"];

    /// <summary>One report as a one-row table.</summary>
    public static string Render(MetricReport report) => Render(new MetricTable(("samples", report)));

    /// <summary>Several reports, one row each.</summary>
    public static string Render(MetricTable table)
    {
        var sb = new StringBuilder("<table class=\"flux-metrics\" style=\"border-collapse:collapse\"><tr><th></th>");
        foreach (var h in Headers)
        {
            sb.Append("<th style=\"padding:1px 8px\">").Append(HtmlText.Encode(h)).Append("</th>");
        }

        sb.Append("</tr>");
        foreach (var (label, r) in table.Rows)
        {
            sb.Append("<tr><th style=\"text-align:left;padding:1px 8px 1px 0\">").Append(HtmlText.Encode(label)).Append("</th>");
            foreach (var cell in new[] { HtmlText.Number(r.Mmd2), HtmlText.Number(r.EnergyDistance), HtmlText.Number(r.SlicedW2),
                         r.ExactW2 is double w ? HtmlText.Number(w) : "–", HtmlText.Count(r.SampleCount), HtmlText.Count(r.ReferenceCount) })
            {
                sb.Append("<td style=\"text-align:right;padding:1px 8px\">").Append(cell).Append("</td>");
            }

            sb.Append("</tr>");
        }
        return sb.Append("</table>").ToString();
    }
}
