namespace FluxMatching.Interactive.Tests.Formatters;

using Microsoft.DotNet.Interactive.Events;

public sealed class FormatterTests : IAsyncLifetime
{
    private NotebookKernel nb = null!;

    public async Task InitializeAsync() => this.nb = await NotebookKernel.StartAsync();

    public Task DisposeAsync() { this.nb.Dispose(); return Task.CompletedTask; }

    private static string ReturnedHtml(Microsoft.DotNet.Interactive.KernelCommandResult result) =>
        result.Events.OfType<ReturnValueProduced>().Single().FormattedValues.Single(v => v.MimeType == "text/html").Value;

    [Fact]
    public async Task The_extension_says_which_backend_it_found_when_it_loads()
    {
        using var nb = await NotebookKernel.StartAsync();
        var html = NotebookKernel.Html(await nb.LoadExtensionAsync());
        Assert.Contains("FluxMatching.Interactive</b> loaded", html);
        Assert.Contains("libtorch 2.10.0 (cpu backend); models use cpu", html);
    }

    [Fact]
    public async Task A_model_shows_its_configuration_parameters_and_training_state()
    {
        await this.nb.OkAsync("#!flux new m --hidden 8");
        await this.nb.OkAsync("#!flux train m --steps 3 --batch 8");
        var html = ReturnedHtml(await this.nb.OkAsync("m"));
        Assert.Contains("MLP 2 → 8 × 2 → 2", html);
        // 2→8→8→2: (2·8 + 8) + (8·8 + 8) + (8·2 + 2) = 114 parameters
        Assert.Contains(">parameters</th><td style=\"padding:1px 0\">114</td>", html);
        Assert.Contains("steps trained", html);
        Assert.Contains("loss (mean of last 3)", html);
    }

    [Fact]
    public async Task Training_from_csharp_shows_the_live_display_and_returns_a_run()
    {
        await this.nb.OkAsync("#!flux new m --hidden 8");
        var result = await this.nb.OkAsync("FluxMatching.Interactive.Notebook.Train(m, new FluxMatching.Training.TrainerOptions { Steps = 3, Batch = 8 }, \"m\")");
        Assert.Single(result.Events.OfType<DisplayedValueProduced>());
        Assert.NotEmpty(result.Events.OfType<DisplayedValueUpdated>());
        Assert.Contains("Training run of m", ReturnedHtml(result));
    }

    [Fact]
    public async Task Users_plotly_charts_render_offline_with_plotly_embedded_once()
    {
        const string chart = "Plotly.NET.CSharp.Chart.Point<double, double, string>(x: new[] { 1.0, 2.0 }, y: new[] { 3.0, 4.0 })";
        var first = ReturnedHtml(await this.nb.OkAsync(chart));
        Assert.Contains("embedded by FluxMatching.Plotting", first);
        Assert.Contains("Plotly.newPlot", first);
        Assert.DoesNotContain("<script src", first);         // nothing loaded from a CDN
        Assert.DoesNotContain("require.config", first);
        var second = ReturnedHtml(await this.nb.OkAsync(chart));
        Assert.DoesNotContain("embedded by FluxMatching.Plotting", second);
        Assert.Contains("Plotly.newPlot", second);
        Assert.Contains("embedded by FluxMatching.Plotting", NotebookKernel.Html(await this.nb.OkAsync("#!flux plotly")));
    }

    [Fact]
    public async Task Metric_reports_show_as_a_table()
    {
        var html = ReturnedHtml(await this.nb.OkAsync(
            "new FluxMatching.Interactive.MetricTable((\"flux\", new FluxMatching.Metrics.MetricReport(0.001, 0.02, 0.3, null, 100, 200)), " +
            "(\"dsm\", new FluxMatching.Metrics.MetricReport(0.004, 0.05, 0.6, 0.7, 100, 100)))"));
        Assert.Contains("<table class=\"flux-metrics\"", html);
        Assert.Contains(">flux</th>", html);
        Assert.Contains(">dsm</th>", html);
        Assert.Contains(">0.004<", html);
        Assert.Contains(">0.7<", html);
        Assert.Contains(">–<", html);
    }
}
