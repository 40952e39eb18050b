namespace FluxMatching.Interactive.Tests.Magic;

using Microsoft.DotNet.Interactive.Events;

/// <summary><c>#!flux new … --data fashion-mnist --field unet</c>: the U-Net as a field of the one model in the
/// notebook magic (Fashion-MNIST from Debian's dataset-fashion-mnist; the CI installs it).</summary>
public sealed class ImageModelCommandTests : IAsyncLifetime
{
    private NotebookKernel nb = null!;

    public async Task InitializeAsync() => nb = await NotebookKernel.StartAsync();

    public Task DisposeAsync()
    {
        nb.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_unet_model_on_fashion_mnist_is_created_described_and_trained_one_step()
    {
        await nb.OkAsync("#!flux new img --data fashion-mnist --field unet --channels 32 --channel-mults 1,2 --attention none --dropout 0 --loss dsm-x0");
        var card = NotebookKernel.Html(await nb.OkAsync("#!flux info img"));
        Assert.Contains("U-Net (EDM), 32 channels × [1, 2]", card);
        var steps = await nb.OkAsync("#!flux train img --steps 1 --batch 4\nimg.StepsTrained * 10");
        Assert.Equal(10, steps.Events.OfType<ReturnValueProduced>().Single().Value);
        var samples = NotebookKernel.Html(await nb.OkAsync("#!flux sample img --n 4 --steps 2"));
        Assert.Contains("4 images, EDM Heun, 2 steps (NFE 3)", samples);   // the U-Net's default sampler, as image grids
        Assert.DoesNotContain("MMD", samples);
    }

    [Fact]
    public async Task Bad_unet_options_and_a_grid_of_a_point_model_fail_with_one_line()
    {
        Assert.Contains("--attention level 5 is out of range", await nb.FailAsync("#!flux new bad --data fashion-mnist --field unet --attention 5"));
        await nb.OkAsync("#!flux new pts --data moons --hidden 8");
        Assert.Contains("--grid needs an image model", await nb.FailAsync("#!flux plot pts --grid"));
    }
}
