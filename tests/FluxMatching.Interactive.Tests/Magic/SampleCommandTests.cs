namespace FluxMatching.Interactive.Tests.Magic;

public sealed class SampleCommandTests : IAsyncLifetime
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
    public async Task Sample_shows_samples_against_data_with_metrics_and_plotly_only_once()
    {
        var first = NotebookKernel.Html(await nb.OkAsync("#!flux sample m --n 64 --steps 5 --step-size 0.02 --seed 1"));
        Assert.Contains("Samples of m", first);
        Assert.Contains("64 points", first);
        Assert.Contains("Langevin, 5 steps, ε = 0.02", first);
        Assert.Contains("MMD²", first);
        Assert.Contains("Plotly.newPlot", first);
        Assert.Contains("embedded by FluxMatching.Plotting", first);             // plotly.js itself, the first time
        Assert.DoesNotContain("<script src", first);         // nothing loaded from a CDN
        var second = NotebookKernel.Html(await nb.OkAsync("#!flux sample m --n 32 --steps 3"));
        Assert.Contains("Plotly.newPlot", second);
        Assert.DoesNotContain("embedded by FluxMatching.Plotting", second);       // a fragment after that
        Assert.True(second.Length < 200_000);
    }

    [Theory]
    [InlineData("#!flux sample m --sampler reverse-sde", "--sampler reverse-sde needs an annealed model")]
    [InlineData("#!flux sample m --sampler euler", "'euler' is not a valid --sampler. Allowed: langevin, reverse-sde")]
    [InlineData("#!flux sample m --sampler heun", "--sampler heun needs an annealed model")]
    [InlineData("#!flux sample m --n 1", "--n must be a whole number from 2 to 1000000, got 1")]
    [InlineData("#!flux sample m --step-size 0", "--step-size must be a number in (0, 10), got 0")]
    [InlineData("#!flux sample ghost", "no model named 'ghost'")]
    public async Task A_bad_sample_line_fails_with_one_message(string line, string expected) =>
        Assert.Contains(expected, await nb.FailAsync(line));

    [Fact]
    public async Task Annealed_models_sample_with_the_reverse_sde_and_refuse_a_step_size()
    {
        await nb.OkAsync("#!flux new a --annealed --hidden 8");
        var html = NotebookKernel.Html(await nb.OkAsync("#!flux sample a --n 16 --steps 4"));
        Assert.Contains("reverse SDE, 4 steps", html);
        Assert.Contains("--step-size applies to the Langevin sampler only", await nb.FailAsync("#!flux sample a --step-size 0.1"));
    }

    [Fact]
    public async Task Annealed_models_sample_with_heun_pc_and_ode()
    {
        await nb.OkAsync("#!flux new b --annealed --hidden 8");
        Assert.Contains("EDM Heun, 3 steps (NFE 5)", NotebookKernel.Html(await nb.OkAsync("#!flux sample b --n 16 --sampler heun --steps 3")));
        Assert.Contains("predictor–corrector, 3 steps (NFE 6)", NotebookKernel.Html(await nb.OkAsync("#!flux sample b --n 16 --sampler pc --steps 3")));
        Assert.Contains("adaptive PF-ODE", NotebookKernel.Html(await nb.OkAsync("#!flux sample b --n 16 --sampler ode")));
        Assert.Contains("--steps does not apply to --sampler ode", await nb.FailAsync("#!flux sample b --sampler ode --steps 5"));
    }
}
