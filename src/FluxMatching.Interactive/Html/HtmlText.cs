namespace FluxMatching.Interactive.Html;

using System.Globalization;

/// <summary>Small helpers for the HTML the formatters write: encoding and number formatting.</summary>
internal static class HtmlText
{
    /// <summary>HTML-encodes text for element content and attribute values (&amp; &lt; &gt; and quotes only;
    /// other characters such as σ, ², → stay readable in the notebook file).</summary>
    public static string Encode(string? text) =>
        (text ?? "").Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");

    /// <summary>Formats a number with 4 significant digits (invariant culture; "–" for NaN).</summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? "–" : value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>Formats an integer with thousands separators (invariant culture).</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Formats a duration as "12.3 s", "4 min 05 s" or "1 h 02 min".</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalSeconds < 60 ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : t.TotalMinutes < 60 ? $"{(int)t.TotalMinutes} min {t.Seconds:00} s"
        : $"{(int)t.TotalHours} h {t.Minutes:00} min";

    /// <summary>Writes a two-column key/value table.</summary>
    /// <param name="rows">Keys and already-encoded HTML values.</param>
    /// <param name="caption">Optional caption (plain text).</param>
    public static string KeyValueTable(IEnumerable<(string Key, string ValueHtml)> rows, string? caption = null)
    {
        var sb = new System.Text.StringBuilder("<table class=\"flux-table\" style=\"border-collapse:collapse\">");
        if (caption is not null) sb.Append("<caption style=\"text-align:left;font-weight:bold\">").Append(Encode(caption)).Append("</caption>");
        foreach (var (key, value) in rows)
            sb.Append("<tr><th style=\"text-align:left;padding:1px 12px 1px 0\">").Append(Encode(key))
              .Append("</th><td style=\"padding:1px 0\">").Append(value).Append("</td></tr>");
        return sb.Append("</table>").ToString();
    }
}
