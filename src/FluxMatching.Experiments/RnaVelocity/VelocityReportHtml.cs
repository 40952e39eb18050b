namespace FluxMatching.RnaVelocity;

using System.Globalization;
using System.Net;
using System.Text;

/// <summary>
/// A self-contained HTML report (inline SVG, no scripts): the metrics table, per method the velocity on the embedding
/// (cells coloured by cluster, grid-averaged arrows as scVelo's <c>velocity_embedding_grid</c>), and phase portraits
/// (Ms vs Mu) of the most variable genes with each method's steady-state line u = (γ/β)·s.
/// </summary>
public static class VelocityReportHtml
{
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>Renders the report.</summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="label">What the data is.</param>
    public static string Render(VelocityComparison comparison, string label)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var data = comparison.Data;
        var names = data.Clusters.Distinct().Order(StringComparer.Ordinal).ToArray();
        var colour = names.Select((n, i) => (n, Palette[i % Palette.Length])).ToDictionary(p => p.n, p => p.Item2);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>RNA velocity: ").Append(Enc(label))
          .Append("</title><style>body{font-family:sans-serif;margin:20px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}svg{border:1px solid #eee;margin:4px}</style></head><body>");
        sb.Append("<h1>RNA velocity: ").Append(Enc(label)).Append("</h1>");
        sb.Append(CultureInfo.InvariantCulture, $"<p>{data.Cells} cells, {data.Genes} genes. Kinetic field trained by the gene-local flux loss ({comparison.Fit.Losses.Count} steps) against scVelo's steady-state model.</p>");
        sb.Append("<h2>Metrics</h2><pre>").Append(Enc(VelocityOutputs.Table(comparison))).Append("</pre>");
        sb.Append("<p>Clusters: ");
        foreach (var n in names)
        {
            sb.Append($"<span style=\"color:{colour[n]}\">■</span> ").Append(Enc(n)).Append(' ');
        }

        sb.Append("</p><h2>Velocity on the embedding</h2>");
        foreach (var m in comparison.Methods)
        {
            sb.Append("<div style=\"display:inline-block\"><h3>").Append(Enc(m.Method)).Append("</h3>");
            sb.Append(Embedding(data, m.Embedded, colour)).Append("</div>");
        }

        sb.Append("<h2>Phase portraits (Ms horizontal, Mu vertical)</h2>");
        var ratios = comparison.Methods.Where(m => m.GammaOverBeta is not null).ToArray();
        foreach (int g in TopGenes(data, 6))
        {
            sb.Append("<div style=\"display:inline-block\"><h4>").Append(Enc(data.GeneNames[g])).Append("</h4>");
            sb.Append(Phase(data, g, colour, ratios)).Append("</div>");
        }

        sb.Append("<p>Lines: ");
        for (int i = 0; i < ratios.Length; i++)
        {
            sb.Append($"<span style=\"color:{Palette[(i + 3) % Palette.Length]}\">—</span> ").Append(Enc(ratios[i].Method)).Append(" u = (γ/β)·s ");
        }

        sb.Append("</p></body></html>");
        return sb.ToString();
    }

    private static IEnumerable<int> TopGenes(VelocityData data, int count) =>
        Enumerable.Range(0, data.Genes).OrderByDescending(g =>
        {
            double mean = 0, sq = 0;
            for (int c = 0; c < data.Cells; c++) { mean += data.Ms[c, g]; sq += data.Ms[c, g] * data.Ms[c, g]; }
            mean /= data.Cells;
            return sq / data.Cells - mean * mean;
        }).Take(count);

    private static string Embedding(VelocityData data, double[,] v, Dictionary<string, string> colour)
    {
        const int size = 420, pad = 20, grid = 18;
        var (minX, maxX, minY, maxY) = Bounds(data.Embedding);
        double sx = (size - 2 * pad) / Math.Max(maxX - minX, 1e-12), sy = (size - 2 * pad) / Math.Max(maxY - minY, 1e-12);
        double s = Math.Min(sx, sy);
        double X(double x) => pad + (x - minX) * s;
        double Y(double y) => size - pad - (y - minY) * s;
        var sb = new StringBuilder($"<svg width=\"{size}\" height=\"{size}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (int c = 0; c < data.Cells; c++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(data.Embedding[c, 0]):F1}\" cy=\"{Y(data.Embedding[c, 1]):F1}\" r=\"2\" fill=\"{colour[data.Clusters[c]]}\" fill-opacity=\"0.5\"/>");
        }
        // Grid-averaged arrows (Gaussian weights of width one grid cell), as scVelo's velocity_embedding_grid.
        double cellW = (maxX - minX) / grid, cellH = (maxY - minY) / grid, h = Math.Max(cellW, cellH);
        var arrows = new List<(double X, double Y, double U, double V)>();
        for (int i = 0; i <= grid; i++)
        {
            for (int j = 0; j <= grid; j++)
        {
            double gx = minX + i * cellW, gy = minY + j * cellH, w = 0, u = 0, vv = 0;
            for (int c = 0; c < data.Cells; c++)
            {
                double dx = data.Embedding[c, 0] - gx, dy = data.Embedding[c, 1] - gy;
                double k = Math.Exp(-(dx * dx + dy * dy) / (2 * h * h));
                w += k; u += k * v[c, 0]; vv += k * v[c, 1];
            }
            if (w > 1.0)
                {
                    arrows.Add((gx, gy, u / w, vv / w));
                }
            }
        }

        double longest = arrows.Count > 0 ? arrows.Max(a => Math.Sqrt(a.U * a.U + a.V * a.V)) : 0;
        foreach (var a in arrows)
        {
            if (longest <= 0)
            {
                break;
            }

            double f = 0.9 * h * s / longest;
            double x1 = X(a.X), y1 = Y(a.Y), x2 = x1 + a.U * f, y2 = y1 - a.V * f;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1:F1}\" y1=\"{y1:F1}\" x2=\"{x2:F1}\" y2=\"{y2:F1}\" stroke=\"black\" stroke-width=\"1.2\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x2:F1}\" cy=\"{y2:F1}\" r=\"1.8\" fill=\"black\"/>");
        }
        return sb.Append("</svg>").ToString();
    }

    private static string Phase(VelocityData data, int g, Dictionary<string, string> colour, MethodResult[] ratios)
    {
        const int size = 240, pad = 16;
        double maxS = 1e-12, maxU = 1e-12;
        for (int c = 0; c < data.Cells; c++) { maxS = Math.Max(maxS, data.Ms[c, g]); maxU = Math.Max(maxU, data.Mu[c, g]); }
        double X(double x) => pad + x / maxS * (size - 2 * pad);
        double Y(double y) => size - pad - y / maxU * (size - 2 * pad);
        var sb = new StringBuilder($"<svg width=\"{size}\" height=\"{size}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (int c = 0; c < data.Cells; c++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(data.Ms[c, g]):F1}\" cy=\"{Y(data.Mu[c, g]):F1}\" r=\"1.6\" fill=\"{colour[data.Clusters[c]]}\" fill-opacity=\"0.5\"/>");
        }

        for (int i = 0; i < ratios.Length; i++)
        {
            double r = ratios[i].GammaOverBeta![g];
            double sEnd = Math.Min(maxS, r > 0 ? maxU / r : maxS);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(0):F1}\" y1=\"{Y(0):F1}\" x2=\"{X(sEnd):F1}\" y2=\"{Y(r * sEnd):F1}\" stroke=\"{Palette[(i + 3) % Palette.Length]}\" stroke-width=\"1.5\"/>");
        }
        return sb.Append("</svg>").ToString();
    }

    private static (double MinX, double MaxX, double MinY, double MaxY) Bounds(double[,] e)
    {
        double a = double.MaxValue, b = double.MinValue, c = double.MaxValue, d = double.MinValue;
        for (int i = 0; i < e.GetLength(0); i++) { a = Math.Min(a, e[i, 0]); b = Math.Max(b, e[i, 0]); c = Math.Min(c, e[i, 1]); d = Math.Max(d, e[i, 1]); }
        return (a, b, c, d);
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
