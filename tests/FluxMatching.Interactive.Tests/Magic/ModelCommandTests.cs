namespace FluxMatching.Interactive.Tests.Magic;

using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using TorchSharp;

public sealed class ModelCommandTests : IAsyncLifetime
{
    private NotebookKernel nb = null!;
    private readonly string dir = Path.Combine(Path.GetTempPath(), "flux-interactive-tests-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(dir);
        nb = await NotebookKernel.StartAsync();
        await nb.OkAsync("#!flux new m --data moons --hidden 8");
    }

    public Task DisposeAsync()
    {
        nb.Dispose();
        Directory.Delete(dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Info_lists_models_and_describes_one()
    {
        await nb.OkAsync("#!flux new other --hidden 8");
        var list = NotebookKernel.Html(await nb.OkAsync("#!flux info"));
        Assert.Contains("2 model(s)", list);
        Assert.Contains("moons, flux, 8×2, 0 steps", list);
        var card = NotebookKernel.Html(await nb.OkAsync("#!flux info m"));
        Assert.Contains("FluxModel m", card);
        Assert.Contains("moons (D = 2)", card);
        Assert.Contains("fixed σ² = 0.05", card);
        Assert.Contains("no model named 'zz' (models: m, other)", await nb.FailAsync("#!flux info zz"));
        Assert.Contains("takes no options", await nb.FailAsync("#!flux info m --verbose"));
    }

    [Fact]
    public async Task Save_then_load_round_trips_the_model_and_its_training_state()
    {
        await nb.OkAsync("#!flux train m --steps 3 --batch 8");
        var path = Path.Combine(dir, "m.pt");
        var saved = await nb.OkAsync($"#!flux save m \"{path}\"");
        Assert.Contains("Saved m (3 steps trained)", string.Join(" ", saved.Events.OfType<DisplayEvent>().SelectMany(e => e.FormattedValues).Select(v => v.Value)));
        Assert.True(File.Exists(path) && File.Exists(path + ".json"));
        await nb.OkAsync($"#!flux load copy \"{path}\"");
        var copy = nb.Model("copy");
        Assert.Equal(3, copy.StepsTrained);
        Assert.Equal(nb.Model("m").LossHistory, copy.LossHistory);
        Assert.Equal("moons", copy.Config.Data);
        Assert.Equal(3, await nb.ValueAsync<int>("copy.StepsTrained"));
    }

    [Fact]
    public async Task Saving_where_the_folder_cannot_be_created_fails_with_one_message()
    {
        var file = Path.Combine(dir, "a-file");
        await File.WriteAllTextAsync(file, "x");
        var message = await nb.FailAsync($"#!flux save m \"{Path.Combine(file, "m.pt")}\"");
        Assert.Contains("#!flux save: Cannot save the model to", message);
    }

    [Fact]
    public async Task Loading_a_missing_or_corrupt_file_fails_and_keeps_the_existing_model()
    {
        Assert.Contains("there is no file", await nb.FailAsync($"#!flux load m \"{Path.Combine(dir, "none.pt")}\""));
        var bad = Path.Combine(dir, "bad.pt");
        await File.WriteAllTextAsync(bad, "not a checkpoint");
        Assert.Contains("has no sidecar", await nb.FailAsync($"#!flux load m \"{bad}\""));
        await File.WriteAllTextAsync(bad + ".json", "{ not json");
        Assert.Contains("is not a valid checkpoint sidecar", await nb.FailAsync($"#!flux load m \"{bad}\""));
        Assert.Equal("moons", nb.Model("m").Config.Data);
    }

    [Fact]
    public async Task Loading_weights_that_are_garbage_names_the_file()
    {
        var path = Path.Combine(dir, "w.pt");
        await nb.OkAsync($"#!flux save m \"{path}\"");
        await File.WriteAllBytesAsync(path, [1, 2, 3, 4, 5]);
        var message = await nb.FailAsync($"#!flux load m2 \"{path}\"");
        Assert.Contains("is corrupt: its weights do not match the SHA-256 in its sidecar", message);
        Assert.Contains(path, message);
    }

    [Fact]
    public async Task Load_puts_the_parameters_on_the_requested_device_and_refuses_a_missing_one_in_one_line()
    {
        var path = Path.Combine(dir, "d.pt");
        await nb.OkAsync($"#!flux save m \"{path}\"");
        await nb.OkAsync($"#!flux load oncpu \"{path}\" --device cpu");
        var loaded = nb.Model("oncpu");
        Assert.Equal(DeviceType.CPU, loaded.Device.type);
        Assert.All(loaded.parameters(), p => Assert.Equal(DeviceType.CPU, p.device_type));
        Assert.Contains("--device 'gpu' is not a device name. Allowed: cpu, cuda, cuda:N",
            await nb.FailAsync($"#!flux load x \"{path}\" --device gpu"));
        if (!TorchSharp.torch.cuda.is_available())
        {
            var message = await nb.FailAsync($"#!flux load x \"{path}\" --device cuda");
            Assert.StartsWith("#!flux load: --device 'cuda' is not available", message);
            Assert.DoesNotContain('\n', message.Trim());
        }
        else
        {
            await nb.OkAsync($"#!flux load ongpu \"{path}\" --device cuda");
            Assert.Equal(DeviceType.CUDA, nb.Model("ongpu").Device.type);
        }
    }

    [Theory]
    [InlineData("#!flux save m", "PATH is missing")]
    [InlineData("#!flux save", "NAME is missing")]
    [InlineData("#!flux load 9x some.pt", "'9x' is not a valid model name")]
    [InlineData("#!flux save ghost x.pt", "no model named 'ghost'")]
    public async Task Bad_save_and_load_lines_fail_with_one_message(string line, string expected) =>
        Assert.Contains(expected, await nb.FailAsync(line));

    [Fact]
    public async Task A_model_made_in_csharp_is_usable_by_the_magic_command_and_reassignment_is_seen()
    {
        await nb.OkAsync("var c = new FluxMatching.Models.FluxModel(new FluxMatching.Models.FluxModelConfig { Hidden = 8, Data = \"triangle\" });");
        await nb.OkAsync("#!flux train c --steps 2 --batch 8");
        Assert.Equal(2, await nb.ValueAsync<int>("c.StepsTrained"));
        await nb.OkAsync("c = new FluxMatching.Models.FluxModel(new FluxMatching.Models.FluxModelConfig { Hidden = 4 });");
        Assert.Contains("ring, flux, 4×2, 0 steps", NotebookKernel.Html(await nb.OkAsync("#!flux info")));
    }

    [Fact]
    public async Task A_cell_can_mix_magic_commands_and_code()
    {
        var result = await nb.OkAsync("#!flux new mix --hidden 8\n#!flux train mix --steps 2 --batch 8\nmix.StepsTrained * 10");
        Assert.Equal(20, result.Events.OfType<ReturnValueProduced>().Single().Value);
    }

    [Fact]
    public async Task Model_names_complete_after_train_sample_plot_info_and_save()
    {
        await nb.OkAsync("#!flux new alpha --hidden 8");
        foreach (var sub in new[] { "train", "sample", "plot", "info", "save" })
        {
            var line = $"#!flux {sub} ";
            var result = await nb.Kernel.SendAsync(new RequestCompletions(line, new Microsoft.DotNet.Interactive.LinePosition(0, line.Length)));
            var items = result.Events.OfType<CompletionsProduced>().SelectMany(c => c.Completions).Select(c => c.DisplayText).ToList();
            Assert.Contains("alpha", items);
            Assert.Contains("m", items);
        }
    }

    [Fact]
    public async Task Subcommands_and_option_values_complete()
    {
        async Task<List<string>> Complete(string line)
        {
            var result = await nb.Kernel.SendAsync(new RequestCompletions(line, new Microsoft.DotNet.Interactive.LinePosition(0, line.Length)));
            return result.Events.OfType<CompletionsProduced>().SelectMany(c => c.Completions).Select(c => c.DisplayText).ToList();
        }
        Assert.Superset(new HashSet<string> { "new", "train", "sample", "plot", "info", "save", "load" }, (await Complete("#!flux ")).ToHashSet());
        Assert.Contains("swiss-roll", await Complete("#!flux new q --data "));
        Assert.Contains("dsm", await Complete("#!flux new q --loss "));
        Assert.Contains("reverse-sde", await Complete("#!flux sample m --sampler "));
    }
}
