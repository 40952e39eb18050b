namespace FluxMatching.Plotting;

using Plotly.NET;

/// <summary>Builds a self-contained HTML page (a report): headings, text, tables and charts in order, with plotly.js
/// embedded once in the head (<see cref="HtmlExport.Document"/>). Methods return the page for chaining.</summary>
public sealed class HtmlPage
{
    private readonly List<string> parts = [];
    private int charts;
    private bool open;

    /// <summary>Starts a page whose title is also its top heading.</summary>
    /// <param name="title">Page title (plain text).</param>
    public HtmlPage(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
        parts.Add($"<h1>{HtmlText.Encode(title)}</h1>");
    }

    /// <summary>Page title.</summary>
    public string Title { get; }

    /// <summary>Number of charts added so far.</summary>
    public int ChartCount => this.charts;

    /// <summary>Opens a section with an id (an anchor) and an h2 heading; sections close at the next section or at the end.</summary>
    /// <param name="id">Element id (letters, digits, '-').</param>
    /// <param name="heading">Heading text (plain text).</param>
    public HtmlPage AddSection(string id, string heading)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (open)
        {
            parts.Add("</section>");
        }

        parts.Add($"<section id=\"{HtmlText.Encode(id)}\">\n<h2>{HtmlText.Encode(heading)}</h2>");
        open = true;
        return this;
    }

    /// <summary>Adds a paragraph of plain text (HTML-encoded).</summary>
    /// <param name="text">The text.</param>
    /// <param name="cssClass">Optional CSS class, e.g. "fm-note".</param>
    public HtmlPage AddParagraph(string text, string? cssClass = null)
    {
        var cls = cssClass is null ? "" : $" class=\"{HtmlText.Encode(cssClass)}\"";
        parts.Add($"<p{cls}>{HtmlText.Encode(text)}</p>");
        return this;
    }

    /// <summary>Adds raw HTML (not encoded; the caller is responsible for it).</summary>
    /// <param name="html">An HTML snippet.</param>
    public HtmlPage AddHtml(string html)
    {
        parts.Add(html);
        return this;
    }

    /// <summary>Adds a table: a header row and string cells (all HTML-encoded).</summary>
    /// <param name="header">Column headings.</param>
    /// <param name="rows">Rows, each with as many cells as <paramref name="header"/>.</param>
    public HtmlPage AddTable(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new System.Text.StringBuilder("<table class=\"fm-metrics\">\n<tr>");
        foreach (var h in header)
        {
            sb.Append("<th>").Append(HtmlText.Encode(h)).Append("</th>");
        }

        sb.Append("</tr>\n");
        foreach (var row in rows)
        {
            if (row.Count != header.Count)
            {
                throw new ArgumentException($"Every row needs {header.Count} cells; got a row with {row.Count}.", nameof(rows));
            }

            sb.Append("<tr>");
            foreach (var c in row)
            {
                sb.Append("<td>").Append(HtmlText.Encode(c)).Append("</td>");
            }

            sb.Append("</tr>\n");
        }
        parts.Add(sb.Append("</table>").ToString());
        return this;
    }

    /// <summary>Adds a chart (a div plus its drawing script).</summary>
    /// <param name="chart">The chart.</param>
    public HtmlPage AddChart(GenericChart chart)
    {
        parts.Add(HtmlExport.ChartFragment(chart, $"fm-chart-{++this.charts}"));
        return this;
    }

    /// <summary>Adds an animated chart (with its frames).</summary>
    /// <param name="chart">The chart and its frames.</param>
    public HtmlPage AddChart(AnimatedChart chart)
    {
        parts.Add(HtmlExport.ChartFragment(chart, $"fm-chart-{++this.charts}"));
        return this;
    }

    /// <summary>The complete HTML document.</summary>
    public string ToHtml() => HtmlExport.Document(Title, open ? parts.Append("</section>") : parts);

    /// <summary>Writes the document (UTF-8) and returns the full path.</summary>
    /// <param name="path">Output file; its folder is created.</param>
    public string Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, ToHtml(), new System.Text.UTF8Encoding(false));
        return full;
    }
}
