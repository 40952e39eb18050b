namespace FluxMatching.Plotting;

using System.Text;
using System.Text.RegularExpressions;
using Plotly.NET;

/// <summary>
/// Offline HTML for Plotly.NET charts; nothing is ever loaded from a CDN or through require.js.
/// <list type="bullet">
/// <item><see cref="PlotlyScript"/>: the one-time <c>&lt;script&gt;</c> holding plotly.js itself, read from the
/// resource Plotly.NET embeds for <c>PlotlyJSReference.Full</c>. A page or notebook includes it once.</item>
/// <item><see cref="ChartFragment(GenericChart, string?)"/>: per chart a <c>&lt;div&gt;</c> plus a script that waits
/// until <c>window.Plotly</c> exists and then calls <c>Plotly.newPlot</c> on the div (and <c>Plotly.addFrames</c> for
/// an <see cref="AnimatedChart"/>).</item>
/// <item><see cref="Document"/> / <see cref="SaveHtml"/>: a self-contained page with plotly.js embedded exactly once,
/// however many charts it holds (use <see cref="HtmlPage"/> to mix charts and text).</item>
/// </list>
/// The chart JSON comes from <c>GenericChart.toJson</c>; no Plotly.NET HTML is patched, and no display options are set
/// on the caller's chart (Plotly.NET's with* functions mutate shared objects).
/// </summary>
public static class HtmlExport
{
    /// <summary>CSS class of every chart div written here (the render check looks for it).</summary>
    public const string ChartClass = "fm-plotly-chart";

    private static readonly Lazy<(string Source, string Version)> Library = new(LoadPlotlyJs);

    /// <summary>Version of the embedded plotly.js (e.g. "2.28.0").</summary>
    public static string PlotlyJsVersion => Library.Value.Version;

    /// <summary>
    /// The plotly.js source embedded in Plotly.NET (the resource behind <c>PlotlyJSReference.Full</c>, about 3.6 MB),
    /// with one change: the default <c>topojsonURL</c> (used only by geo maps) points to a relative folder instead of
    /// cdn.plot.ly, so no page written here refers to a CDN.
    /// </summary>
    public static string PlotlyJsSource => Library.Value.Source;

    /// <summary>
    /// The one-time script element that defines <c>window.Plotly</c>. It runs plotly.js with local <c>define</c>,
    /// <c>module</c> and <c>exports</c> shadowed, so that under an AMD loader (classic Jupyter ships require.js)
    /// plotly still becomes the global <c>window.Plotly</c> that <see cref="ChartFragment(GenericChart, string?)"/>
    /// waits for; it does nothing when plotly.js is already loaded.
    /// </summary>
    public static string PlotlyScript() =>
        "<script type=\"text/javascript\" charset=\"utf-8\">\n" +
        $"/* plotly.js {PlotlyJsVersion} (MIT), embedded by FluxMatching.Plotting */\n" +
        "if (typeof window.Plotly === 'undefined') { (function (define, module, exports) {\n" +
        PlotlyJsSource +
        "\n}).call(window, undefined, undefined, undefined); }\n</script>";

    /// <summary>HTML for one chart: a div and a script that draws into it once <c>window.Plotly</c> exists (polling
    /// every 50 ms for up to 60 s, then writing a visible error into the div). Loads nothing from anywhere.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="divId">Element id; default a new unique id.</param>
    public static string ChartFragment(GenericChart chart, string? divId = null) => Fragment(chart, null, divId);

    /// <summary>HTML for an animated chart: as <see cref="ChartFragment(GenericChart, string?)"/>, then
    /// <c>Plotly.addFrames</c> with the chart's frames, so its Play button and slider work.</summary>
    /// <param name="chart">The chart and its frames.</param>
    /// <param name="divId">Element id; default a new unique id.</param>
    public static string ChartFragment(AnimatedChart chart, string? divId = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return Fragment(chart.Chart, chart.FramesJson, divId);
    }

    /// <summary>A complete self-contained HTML page: plotly.js once in the head, then the body parts in order.</summary>
    /// <param name="title">Page title (HTML-encoded here).</param>
    /// <param name="bodyParts">HTML snippets, e.g. chart fragments and headings.</param>
    /// <param name="css">Extra CSS for the page, or null.</param>
    public static string Document(string title, IEnumerable<string> bodyParts, string? css = null)
    {
        ArgumentNullException.ThrowIfNull(bodyParts);
        var sb = new StringBuilder(PlotlyJsSource.Length + 64 * 1024);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
          .Append(HtmlText.Encode(title)).Append("</title>\n<style>\n").Append(BaseCss);
        if (css is not null)
        {
            sb.Append(css).Append('\n');
        }

        sb.Append("</style>\n").Append(PlotlyScript()).Append("\n</head>\n<body>\n");
        foreach (var part in bodyParts)
        {
            sb.Append(part).Append('\n');
        }

        return sb.Append("</body>\n</html>\n").ToString();
    }

    /// <summary>Writes a self-contained page holding the charts (plotly.js embedded once) and returns the full path.</summary>
    /// <param name="path">Output file (.html); its folder is created.</param>
    /// <param name="title">Page title, also shown as a heading.</param>
    /// <param name="charts">Charts in order.</param>
    public static string SaveHtml(string path, string title, params GenericChart[] charts)
    {
        ArgumentNullException.ThrowIfNull(charts);
        var page = new HtmlPage(title);
        foreach (var c in charts)
        {
            page.AddChart(c);
        }

        return page.Save(path);
    }

    /// <summary>Base page style (also used by <see cref="HtmlPage"/>).</summary>
    internal const string BaseCss =
        "body { font-family: -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; margin: 24px auto; max-width: 1500px; color: #222; padding: 0 16px; }\n" +
        "h1 { font-size: 1.7em; } h2 { font-size: 1.3em; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 2em; }\n" +
        "." + ChartClass + " { display: inline-block; vertical-align: top; margin: 6px; }\n" +
        "table.fm-metrics { border-collapse: collapse; margin: 8px 0; } table.fm-metrics th, table.fm-metrics td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }\n" +
        "table.fm-metrics th:first-child, table.fm-metrics td:first-child { text-align: left; }\n" +
        ".fm-note { color: #555; }\n";

    private static string Fragment(GenericChart chart, string? framesJson, string? divId)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var id = divId ?? "fm-" + Guid.NewGuid().ToString("N");
        if (!Regex.IsMatch(id, "^[A-Za-z][A-Za-z0-9_-]*$"))
        {
            throw new ArgumentException($"divId must start with a letter and hold only letters, digits, '-' and '_'; got '{id}'.", nameof(divId));
        }

        var json = ScriptSafe(GenericChart.toJson(chart));
        var frames = framesJson is null ? "null" : ScriptSafe(framesJson);
        return $$"""
            <div id="{{id}}" class="{{ChartClass}}"></div>
            <script type="text/javascript">
            (function () {
              var fig = {{json}};
              var frames = {{frames}};
              var tries = 0;
              function draw() {
                var gd = document.getElementById('{{id}}');
                if (!gd) { return; }
                if (typeof window.Plotly === 'undefined') {
                  if (++tries > 1200) { gd.textContent = 'plotly.js is not loaded: include HtmlExport.PlotlyScript() once before this chart.'; return; }
                  setTimeout(draw, 50); return;
                }
                window.Plotly.newPlot(gd, fig.data, fig.layout, fig.config).then(function (g) {
                  return frames ? window.Plotly.addFrames(g, frames) : g;
                });
              }
              draw();
            })();
            </script>
            """;
    }

    /// <summary>Makes JSON safe inside a script element: "&lt;" only occurs in JSON strings, where \u003c means the same.</summary>
    private static string ScriptSafe(string json) => json.Replace("<", "\\u003c", StringComparison.Ordinal);

    private static (string, string) LoadPlotlyJs()
    {
        var asm = typeof(GenericChart).Assembly;
        var name = asm.GetManifestResourceNames().FirstOrDefault(n => Regex.IsMatch(n, @"plotly-[\d.]+\.min\.js$"))
            ?? throw new InvalidOperationException("Plotly.NET does not embed a plotly-*.min.js resource; cannot write offline HTML.");
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var source = reader.ReadToEnd().Replace("dflt:\"https://cdn.plot.ly/\"", "dflt:\"topojson/\"", StringComparison.Ordinal);
        if (source.Contains("</script", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The embedded {name} contains '</script' and cannot be inlined.");
        }

        var version = Regex.Match(name, @"plotly-([\d.]+)\.min\.js$").Groups[1].Value;
        return (source, version);
    }
}
