namespace FluxMatching.Interactive.Html;

/// <summary>
/// Ready-made HTML to display or to update a displayed value with. The kernel writes it as is (a formatter is
/// registered for it); unlike ASP.NET's HtmlString it needs no assembly that notebook kernels may lack.
/// </summary>
/// <param name="Html">The markup.</param>
internal sealed record RawHtml(string Html)
{
    /// <inheritdoc />
    public override string ToString() => Html;
}
