namespace FluxMatching.Interactive.Html;

using FluxMatching.Plotting;
using Plotly.NET;

/// <summary>
/// Offline Plotly output for one notebook session: the first chart shown carries plotly.js itself
/// (<see cref="HtmlExport.PlotlyScript"/>, about 3.6 MB, once), every later chart is a small fragment
/// (<see cref="HtmlExport.ChartFragment(GenericChart, string?)"/>) that draws with the page's <c>window.Plotly</c>.
/// Nothing is loaded from a CDN, so charts render without network access and in saved notebooks.
/// </summary>
internal sealed class OfflinePlotly
{
    private readonly object gate = new();
    private bool embedded;

    /// <summary>True once plotly.js has been written into an output of this session.</summary>
    public bool Embedded { get { lock (gate) { return this.embedded; } } }

    /// <summary>The plotly.js version written.</summary>
    public static string PlotlyJsVersion => HtmlExport.PlotlyJsVersion;

    /// <summary>Forgets that plotly.js was embedded: the next chart carries it again.</summary>
    public void Reset() { lock (gate)
        {
            this.embedded = false;
        }
    }

    /// <summary>HTML for a chart: plotly.js the first time, then the chart fragment. The chart is not modified.</summary>
    public string ToHtml(GenericChart chart) => WithPlotlyOnce(HtmlExport.ChartFragment(chart));

    /// <summary>HTML for an animated chart (frames, Play button, slider), as <see cref="ToHtml(GenericChart)"/>.</summary>
    public string ToHtml(AnimatedChart chart) => WithPlotlyOnce(HtmlExport.ChartFragment(chart));

    /// <summary>Prefixes the plotly.js script when this session has not written it yet.</summary>
    /// <param name="html">HTML that draws with <c>window.Plotly</c>.</param>
    public string WithPlotlyOnce(string html)
    {
        lock (gate)
        {
            if (this.embedded)
            {
                return html;
            }

            this.embedded = true;
        }
        return HtmlExport.PlotlyScript() + "\n" + html;
    }
}
