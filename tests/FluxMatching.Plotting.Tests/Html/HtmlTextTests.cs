namespace FluxMatching.Plotting.Tests;

public class HtmlTextTests
{
    [Fact]
    public void Durations_and_numbers_read_well()
    {
        Assert.Equal("12.3 s", HtmlText.Duration(TimeSpan.FromSeconds(12.34)));
        Assert.Equal("4 min 05 s", HtmlText.Duration(TimeSpan.FromSeconds(245)));
        Assert.Equal("1 h 02 min", HtmlText.Duration(TimeSpan.FromMinutes(62)));
        Assert.Equal("–", HtmlText.Number(double.NaN));
        Assert.Equal("0.1235", HtmlText.Number(0.123456));
        Assert.Equal("1,234", HtmlText.Count(1234));
    }

    [Fact]
    public void Encoding_escapes_markup_and_quotes_but_keeps_greek_letters_and_superscripts()
    {
        Assert.Equal("&lt;b&gt; &amp; &quot;x&quot; &#39;y&#39;", HtmlText.Encode("<b> & \"x\" 'y'"));
        Assert.Equal("σ² → ∇", HtmlText.Encode("σ² → ∇"));
        Assert.Equal("", HtmlText.Encode(null));
    }

    [Fact]
    public void Key_value_tables_encode_keys_and_caption_and_keep_value_html()
    {
        var html = HtmlText.KeyValueTable([("a<b", "<i>1</i>")], "T&C");
        Assert.Contains("<caption style=\"text-align:left;font-weight:bold\">T&amp;C</caption>", html);
        Assert.Contains(">a&lt;b</th>", html);
        Assert.Contains("<td style=\"padding:1px 0\"><i>1</i></td>", html);
    }
}
