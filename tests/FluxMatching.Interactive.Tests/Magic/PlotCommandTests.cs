namespace FluxMatching.Interactive.Tests.Magic;

using Microsoft.DotNet.Interactive.Events;

public sealed class PlotCommandTests : IAsyncLifetime
{
    private NotebookKernel nb = null!;

    public async Task InitializeAsync()
    {
        nb = await NotebookKernel.StartAsync();
        await nb.OkAsync("#!flux new m --data ring --hidden 8");
        await nb.OkAsync("#!flux train m --steps 2 --batch 16");
    }

    public Task DisposeAsync() { nb.Dispose(); return Task.CompletedTask; }

    [Fact]
    public async Task Plot_without_flags_draws_the_field_arrows_over_the_data()
    {
        var result = await nb.OkAsync("#!flux plot m");
        var html = Assert.Single(result.Events.OfType<DisplayedValueProduced>()).FormattedValues.Single(v => v.MimeType == "text/html").Value;
        Assert.Contains("m: field f", html);
        Assert.Contains("fm-plotly-chart", html);
    }

    [Fact]
    public async Task Each_flag_adds_one_chart_in_the_order_given_by_the_command()
    {
        var result = await nb.OkAsync("#!flux plot m --divergence --curl --streamlines --field --trajectories");
        var charts = result.Events.OfType<DisplayedValueProduced>()
            .Select(e => e.FormattedValues.Single(v => v.MimeType == "text/html").Value).ToList();
        Assert.Equal(5, charts.Count);
        Assert.Contains("m: field f", charts[0]);
        Assert.Contains("m: streamlines of f", charts[1]);
        Assert.Contains("mean |curl|", charts[2]);
        Assert.Contains("m: divergence of f", charts[3]);
        Assert.Contains("addFrames", charts[4]);
        Assert.Single(charts, c => c.Contains("embedded by FluxMatching.Plotting"));   // plotly.js once per session
    }

    [Fact]
    public async Task Annealed_models_are_plotted_at_the_smallest_sigma()
    {
        await nb.OkAsync("#!flux new a --annealed --sigma-min 0.05 --hidden 8");
        var html = NotebookKernel.Html(await nb.OkAsync("#!flux plot a --curl"));
        Assert.Contains("at σ = 0.05", html);
    }

    [Theory]
    [InlineData("#!flux plot m --quiver", "unknown option '--quiver'. Allowed: --field, --streamlines, --curl, --divergence, --trajectories")]
    [InlineData("#!flux plot m --curl 3", "unexpected word '3'")]
    [InlineData("#!flux plot nobody", "no model named 'nobody'")]
    public async Task A_bad_plot_line_fails_with_one_message(string line, string expected) =>
        Assert.Contains(expected, await nb.FailAsync(line));
}
