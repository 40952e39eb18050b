namespace FluxMatching.Interactive.Tests.Magic;

public sealed class PairsPlotTests : IAsyncLifetime
{
    private NotebookKernel nb = null!;

    public async Task InitializeAsync()
    {
        nb = await NotebookKernel.StartAsync();
        await nb.OkAsync("var five = TorchSharp.torch.randn(300, 5).mul(4).add(50);");
        await nb.OkAsync("#!flux new p5 --data five --hidden 8 --holdout 0.2");
        await nb.OkAsync("#!flux train p5 --steps 2 --batch 16");
    }

    public Task DisposeAsync() { nb.Dispose(); return Task.CompletedTask; }

    [Fact]
    public async Task Plot_of_five_dimensional_data_draws_pairs_with_metrics_the_projected_field_and_marginals()
    {
        var html = NotebookKernel.Html(await nb.OkAsync("#!flux plot p5"));
        Assert.Contains("data (grey) and samples, first 4 of 5 coordinates, data units", html);
        Assert.Contains("MMD² = ", html);
        Assert.Contains("sliced W₂ = ", html);
        Assert.Contains("against 60 held-out points", html);
        Assert.Contains("field f projected onto the planes", html);
        Assert.Contains("marginals of every coordinate", html);
        Assert.Contains("xaxis16", html);
    }

    [Fact]
    public async Task Pca_axes_and_trajectories_in_the_same_projection()
    {
        var html = NotebookKernel.Html(await nb.OkAsync("#!flux plot p5 --project pca --dims 3 --pairs --trajectories"));
        Assert.Contains("first 3 principal components of the data", html);
        Assert.Contains("PC1 (", html);
        Assert.Contains("sampler trajectories in the plane (PC1", html);
    }

    [Theory]
    [InlineData("#!flux plot p5 --curl", "--curl needs a 2-D model")]
    [InlineData("#!flux plot p5 --dims 9", "--dims must be a whole number from 1 to 5, got 9")]
    [InlineData("#!flux plot p5 --project tsne", "'tsne' is not a valid --project")]
    public async Task Flat_only_kinds_and_bad_axes_fail_with_one_line(string line, string expected)
    {
        Assert.Contains(expected, await nb.FailAsync(line));
        await nb.OkAsync("#!flux info p5");
    }
}
