namespace FluxMatching.Plotting;

using System.Globalization;
using System.Text;

/// <summary>
/// The HTML text helpers of the reports and the notebook extension: escaping, number formatting and a key/value table.
/// Escaping replaces only &amp; &lt; &gt; " and ', so UTF-8 text such as σ², ∇ or — stays readable in the page
/// source (WebUtility.HtmlEncode would turn characters 160–255 into numeric entities).
/// </summary>
public static class HtmlText
{
    /// <summary>Escapes text for element content and quoted attribute values (null: "").</summary>
    /// <param name="text">Plain text.</param>
    public static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }

    /// <summary>Formats a number with 4 significant digits (invariant culture; "–" for NaN).</summary>
    /// <param name="value">The number.</param>
    public static string Number(double value) =>
        double.IsNaN(value) ? "–" : value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>Formats an integer with thousands separators (invariant culture).</summary>
    /// <param name="value">The integer.</param>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Formats a duration as "12.3 s", "4 min 05 s" or "1 h 02 min".</summary>
    /// <param name="t">The duration.</param>
    public static string Duration(TimeSpan t) =>
        t.TotalSeconds < 60 ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : t.TotalMinutes < 60 ? $"{(int)t.TotalMinutes} min {t.Seconds:00} s"
        : $"{(int)t.TotalHours} h {t.Minutes:00} min";

    /// <summary>Writes a two-column key/value table.</summary>
    /// <param name="rows">Keys (plain text) and already-encoded HTML values.</param>
    /// <param name="caption">Optional caption (plain text).</param>
    public static string KeyValueTable(IEnumerable<(string Key, string ValueHtml)> rows, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder("<table class=\"flux-table\" style=\"border-collapse:collapse\">");
        if (caption is not null)
        {
            sb.Append("<caption style=\"text-align:left;font-weight:bold\">").Append(Encode(caption)).Append("</caption>");
        }

        foreach (var (key, value) in rows)
        {
            sb.Append("<tr><th style=\"text-align:left;padding:1px 12px 1px 0\">").Append(Encode(key))
              .Append("</th><td style=\"padding:1px 0\">").Append(value).Append("</td></tr>");
        }

        return sb.Append("</table>").ToString();
    }
}
