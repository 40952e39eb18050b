namespace FluxMatching.Plotting;

using System.Text;

/// <summary>Minimal HTML escaping: only &amp; &lt; &gt; " and ' are replaced, so UTF-8 text such as σ², ∇ or — stays
/// readable in the page source (WebUtility.HtmlEncode would turn characters 160–255 into numeric entities).</summary>
internal static class HtmlText
{
    /// <summary>Escapes text for element content and quoted attribute values.</summary>
    public static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        return sb.ToString();
    }
}
