namespace FluxMatching.Interactive.Tests.Reliability;

using System.Text.RegularExpressions;

/// <summary>What <c>#!flux</c> puts into a notebook loads nothing from the network: charts carry plotly.js in the page
/// (once), and no output refers to a script, style or image by URL.</summary>
public sealed partial class OfflineOutputTests(KernelWithModel fixture) : IClassFixture<KernelWithModel>
{
    [Fact]
    public async Task Plots_samples_and_cards_refer_to_no_url()
    {
        var html = string.Join("\n",
            NotebookKernel.Html(await fixture.Nb.OkAsync("#!flux plotly")),
            NotebookKernel.Html(await fixture.Nb.OkAsync("#!flux plot m --field")),
            NotebookKernel.Html(await fixture.Nb.OkAsync("#!flux sample m --n 20 --steps 2")),
            NotebookKernel.Html(await fixture.Nb.OkAsync("#!flux info m")));
        Assert.DoesNotMatch(RemoteReference(), html);
        Assert.DoesNotContain("cdn.plot.ly", html);
        Assert.Contains("plotly.js v", html);
    }

    [GeneratedRegex(@"<(script|link|img|iframe)[^>]+(src|href)\s*=\s*[""']?(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteReference();
}
