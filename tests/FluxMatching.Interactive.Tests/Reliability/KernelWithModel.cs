namespace FluxMatching.Interactive.Tests.Reliability;

using FluxMatching.Models;
using static TorchSharp.torch;

/// <summary>One in-process notebook kernel for a test class, with a trained model <c>m</c> (moons, 8×2, 2 steps) and
/// a snapshot of its parameters, so each case can check that nothing it did lost or changed the model.</summary>
public sealed class KernelWithModel : IAsyncLifetime
{
    internal NotebookKernel Nb { get; private set; } = null!;

    public string Dir { get; } = Directory.CreateTempSubdirectory("flux-reliability-").FullName;

    public string Checkpoint => Path.Combine(Dir, "m.pt");

    private double[][] parameters = [];
    private int steps;

    public async Task InitializeAsync()
    {
        Nb = await NotebookKernel.StartAsync();
        await Nb.OkAsync("#!flux new m --data moons --hidden 8");
        await Nb.OkAsync("#!flux train m --steps 2 --batch 8");
        await Nb.OkAsync($"#!flux save m \"{Checkpoint}\"");
        this.parameters = Parameters(Nb.Model("m"));
        this.steps = Nb.Model("m").StepsTrained;
    }

    public Task DisposeAsync()
    {
        Nb.Dispose();
        Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The kernel still answers, and <c>m</c> is the same object state as after set-up.</summary>
    public async Task AssertAliveAndModelUnchangedAsync()
    {
        var info = NotebookKernel.Html(await Nb.OkAsync("#!flux info m"));
        Assert.Contains("FluxModel m", info);
        var model = Nb.Model("m");
        Assert.Equal(this.steps, model.StepsTrained);
        Assert.Equal(this.parameters, Parameters(model));
    }

    public static double[][] Parameters(FluxModel model) =>
        model.parameters().Select(p =>
        {
            using var cpu = p.detach().cpu().to(ScalarType.Float64).contiguous();
            return cpu.data<double>().ToArray();
        }).ToArray();
}
