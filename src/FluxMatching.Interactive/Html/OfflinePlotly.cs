namespace FluxMatching.Interactive.Html;

using System.Text;
using Plotly.NET;

/// <summary>
/// Offline Plotly output for notebooks: the first chart a kernel session shows carries plotly.js itself (about
/// 3.6 MB, once), every later chart is a small fragment that draws with the page's <c>window.Plotly</c>. Nothing is
/// loaded from a CDN, so charts render without network access and in saved notebooks.
/// </summary>
internal sealed class OfflinePlotly
{
    private readonly object _gate = new();
    private bool _embedded;

    /// <summary>True once plotly.js has been written into an output of this session.</summary>
    public bool Embedded { get { lock (_gate) return _embedded; } }

    /// <summary>Forgets that plotly.js was embedded: the next chart carries it again.</summary>
    public void Reset() { lock (_gate) _embedded = false; }

    /// <summary>
    /// HTML for a chart: the plotly.js embedding the first time, then the chart fragment.
    /// </summary>
    /// <param name="chart">Any Plotly.NET chart; it is not modified.</param>
    public string ToHtml(GenericChart chart) => WithPlotlyOnce(ChartFragment(chart));

    /// <summary>Prefixes the plotly.js embedding when this session has not written it yet.</summary>
    /// <param name="html">HTML that draws with <c>window.Plotly</c>.</param>
    public string WithPlotlyOnce(string html)
    {
        lock (_gate)
        {
            if (_embedded) return html;
            _embedded = true;
        }
        return EmbedScript() + html;
    }

    /// <summary>
    /// The one-time &lt;script&gt; that defines <c>window.Plotly</c>. AMD's <c>define</c> (require.js in classic
    /// Jupyter) is hidden while it runs, so plotly.js always becomes a global.
    /// </summary>
    public static string EmbedScript()
    {
        var js = PlotlyJsSource.Value.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
        return new StringBuilder(js.Length + 400)
            .Append("<script type=\"text/javascript\" class=\"flux-plotly-js\">\n")
            .Append("/* plotly.js ").Append(PlotlyJsVersion).Append(" (MIT licence), embedded once by FluxMatching.Interactive */\n")
            .Append("(function(){var d=window.define;window.define=undefined;try{\n")
            .Append(js)
            .Append("\n}finally{window.define=d;}})();\n</script>\n")
            .ToString();
    }

    /// <summary>
    /// A self-contained fragment (a div and a script) that draws the chart once <c>window.Plotly</c> exists; it waits up to
    /// 10 s for it and otherwise says how to get plotly.js onto the page.
    /// </summary>
    /// <param name="chart">The chart; it is not modified.</param>
    public static string ChartFragment(GenericChart chart)
    {
        var id = "flux-plot-" + Guid.NewGuid().ToString("N");
        var figure = GenericChart.toFigureJson(chart);
        var config = Newtonsoft.Json.JsonConvert.SerializeObject(GenericChart.getConfig(chart));
        return $$"""
            <div id="{{id}}" class="flux-plotly"></div>
            <script type="text/javascript">
            (function () {
              var id = '{{id}}', fig = {{Escape(figure)}}, config = {{Escape(config)}}, tries = 0;
              function draw() { Plotly.newPlot(id, fig.data, fig.layout || {}, config); }
              (function wait() {
                if (window.Plotly) { draw(); return; }
                if (tries++ < 200) { setTimeout(wait, 50); return; }
                var el = document.getElementById(id);
                if (el) el.textContent = 'plotly.js is not loaded on this page: run "#!flux plotly" in a cell above and run this cell again.';
              })();
            })();
            </script>
            """;
    }

    /// <summary>The plotly.js version Plotly.NET embeds.</summary>
    public static string PlotlyJsVersion => ResourceName.Value.Split('-', 2)[1].Replace(".min.js", "");

    private static readonly Lazy<string> ResourceName = new(() =>
        typeof(GenericChart).Assembly.GetManifestResourceNames()
            .Single(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
            ["Plotly.NET.".Length..]);

    private static readonly Lazy<string> PlotlyJsSource = new(() =>
    {
        using var stream = typeof(GenericChart).Assembly.GetManifestResourceStream("Plotly.NET." + ResourceName.Value)
            ?? throw new InvalidOperationException("Plotly.NET does not embed plotly.js.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static string Escape(string json) => json.Replace("</", "<\\/", StringComparison.Ordinal);
}
