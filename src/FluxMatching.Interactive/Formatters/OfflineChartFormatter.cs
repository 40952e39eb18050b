namespace FluxMatching.Interactive.Formatters;

using FluxMatching.Interactive.Html;
using FluxMatching.Interactive.Session;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;

/// <summary>
/// text/html for every Plotly.NET chart, replacing Plotly.NET.Interactive's (which loads plotly.js from a CDN):
/// plotly.js is written into the first chart output of the session, later charts are small fragments.
/// </summary>
internal sealed class OfflineChartFormatter : ITypeFormatter
{
    /// <inheritdoc />
    public string MimeType => HtmlFormatter.MimeType;

    /// <inheritdoc />
    public Type Type => typeof(GenericChart);

    /// <inheritdoc />
    public bool Format(object instance, FormatContext context)
    {
        if (instance is not GenericChart chart)
        {
            return false;
        }

        var plotly = NotebookSession.Current?.Plotly ?? Fallback;
        context.Writer.Write(plotly.ToHtml(chart));
        return true;
    }

    /// <summary>True when this formatter is the one the kernel uses for charts now.</summary>
    public static bool IsPreferred() =>
        Formatter.GetPreferredFormatterFor(typeof(GenericChart), HtmlFormatter.MimeType) is OfflineChartFormatter;

    private static readonly OfflinePlotly Fallback = new();
}
